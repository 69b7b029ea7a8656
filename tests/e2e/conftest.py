"""Fixtures for end-to-end runs of the real Pulumi CLI against the offline endpoint."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pulumi_cli import REPO_ROOT, CliUnavailable, Project, copy_project, ensure_cli
from ssm_contacts_emulator import Emulator, EmulatorConfig
from ssm_contacts_emulator.seed import Rotation, seed_rotation

PROGRAMS = Path(__file__).parent / "programs"


@pytest.fixture(scope="session")
def cli_root() -> Path:
    """The Pulumi CLI. In CI a missing CLI fails the run; elsewhere these tests skip and say how to get it."""
    try:
        return ensure_cli(build=False)
    except CliUnavailable:
        if os.environ.get("CI", "").lower() in ("1", "true"):
            pytest.fail("the Pulumi CLI is missing in CI: `make check` builds it with scripts/get-pulumi")
        pytest.skip("no Pulumi CLI yet: run `make cli` (scripts/get-pulumi builds it once, ~5 minutes)")


@pytest.fixture
def endpoint() -> Iterator[Emulator]:
    """A fresh offline endpoint for one test. Escalation stages are scaled down so nothing waits minutes."""
    with Emulator(EmulatorConfig(time_scale=600.0)) as emulator:
        yield emulator


@pytest.fixture
def rotation(endpoint: Emulator) -> Rotation:
    return seed_rotation(endpoint.client())


ProjectFactory = Callable[..., Project]


@pytest.fixture
def project(
    cli_root: Path, tmp_path: Path, endpoint: Emulator, monkeypatch: pytest.MonkeyPatch
) -> ProjectFactory:
    """Makes a `Project` from a copy of a program under tests/e2e/programs (or any folder of the repo),
    wired to the endpoint, with its state in the test's temporary folder."""
    for name, value in endpoint.env().items():  # the program runs in this process: see `Project`
        monkeypatch.setenv(name, value)

    def make(name: str, stack: str = "e2e") -> Project:
        source = PROGRAMS / name if (PROGRAMS / name).is_dir() else REPO_ROOT / name
        folder = copy_project(source, tmp_path / "project" / source.name)
        return Project(folder, stack, cli_root, state_dir=tmp_path / "state", env=endpoint.env())

    return make
