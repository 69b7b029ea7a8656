"""The program runner: a Pulumi program file run under the mocks, with a stack's config."""

from __future__ import annotations

import asyncio
import gc
import json
import runpy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
import yaml

from .mocks import IncidentManagerMocks, RecordingMonitor


def load_stack_config(path: str | Path) -> dict[str, str]:
    """A ``Pulumi.<stack>.yaml`` file's config as the runtime holds it (structured values as JSON).

    Values set with ``--secret`` are encrypted in the file and cannot be read here: give them in
    ``secret_config`` to :func:`run_program` instead.
    """
    document = yaml.safe_load(Path(path).read_text()) or {}
    config: dict[str, str] = {}
    for key, value in (document.get("config") or {}).items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            continue
        config[key] = value if isinstance(value, str) else json.dumps(value)
    return config


def run_program(
    program: str | Path,
    mocks: IncidentManagerMocks,
    *,
    config: Mapping[str, str] | None = None,
    preview: bool = False,
    secret_config: Mapping[str, Any] | None = None,
) -> None:
    """Run a Pulumi program file (``__main__.py``) as ``mocks.project``/``mocks.stack`` with ``config``.

    ``list_pages``/``list_pages_output`` and ``get_engagement``/``get_engagement_output`` answer from ``mocks``
    (see :attr:`IncidentManagerMocks.paged`) through the package's own code, with no AWS call.

    Returns once every output has resolved; ``mocks.resources`` then holds what the program registered.
    ``config`` keys are namespaced as in stack config (``"gameday:drill"``); see :func:`load_stack_config`.
    ``secret_config`` holds the values ``pulumi config set --secret`` would set (text, or an object given as it is
    or as JSON): the program reads them as secrets, as from an encrypted ``Pulumi.<stack>.yaml``.
    """
    secrets = {key: value if isinstance(value, str) else json.dumps(value) for key, value in
               (secret_config or {}).items()}
    # The secret keys are always set: they would otherwise outlive this run (a context variable of the runtime).
    pulumi.runtime.set_all_config({**(config or {}), **secrets}, list(secrets))
    pulumi.runtime.set_mocks(
        mocks, project=mocks.project, stack=mocks.stack, preview=preview, monitor=RecordingMonitor(mocks, preview)
    )

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def run() -> None:
        runpy.run_path(str(program), run_name="__main__")

    # The package's functions call AWS from the program (dynamic providers have no invokes to mock): every client
    # they ask for is the mocks' own.
    mocks.preview, mocks.account.ended = preview, False
    with mocks.in_place_of_aws():
        try:
            run()
        except Exception as error:
            # Resources still being created (a drill's wait) end now, quietly: the program has failed already.
            with mocks.account.changed:
                mocks.account.ended = True
                mocks.account.changed.notify_all()
            _retrieve(error)
            raise


def _retrieve(error: BaseException) -> None:
    """Mark every failed future retrieved once the program failed with ``error``. An apply that raises sets the error
    on each future of its output (value, known, secret, resources) and Pulumi awaits one, and a resource still being
    created (a drill's wait) may fail after the program did; asyncio would log each of those as "Future exception was
    never retrieved", with a traceback, whenever it is collected, in whatever test runs then. ``error`` is the run's.
    """
    for candidate in gc.get_objects():
        # Reading `_exception` leaves the others alone: calling exception() is what marks a future retrieved.
        if isinstance(candidate, asyncio.Future) and getattr(candidate, "_exception", None) is not None:
            candidate.exception()
