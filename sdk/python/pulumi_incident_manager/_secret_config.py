"""A warning for message text kept in plain stack config.

The resources keep message fields secret in state, but a value read with ``config.get`` from a non-secret key sits
in plain text in ``Pulumi.<stack>.yaml`` (and anywhere that file is committed). Preview says which key to re-set
with ``--secret``, naming the key and never the value.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    else:
        yield path, value


def plain_config_holding(text: str) -> str | None:
    """The non-secret stack config key (with a ``--path`` inside an object) whose value is ``text``, if any."""
    if not text:
        return None
    config = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_keys = set(runtime_config.get_config_secret_keys_env()) | runtime_config._SECRET_KEYS.get()
    for key, raw in config.items():
        if key in secret_keys or not isinstance(raw, str):
            continue
        if raw == text:
            return key
        if raw[:1] in "[{":
            try:
                structured = json.loads(raw)
            except ValueError:
                continue
            for path, leaf in _leaves(structured, ""):
                if leaf == text:
                    return f"{key}.{path}" if path else key
    return None


def warn_about_plain_config(resource: pulumi.Resource, kind: str, name: str, secrets: Mapping[str, Any]) -> None:
    """Warn (at preview and up) for each secret input whose value is a non-secret stack config value."""

    def check(field: str, value: Any) -> None:
        if not isinstance(value, str):
            return
        found = plain_config_holding(value)
        if found is None:
            return
        how = f"pulumi config set --secret --path '{found}'" if "." in found else f"pulumi config set --secret {found}"
        pulumi.log.warn(
            f"{kind} {name!r}: {field} is a secret, but its value comes from stack config {found!r}, which is "
            f"stored in plain text; set it as a secret with `{how} <value>`",
            resource=resource,
        )

    for field, value in secrets.items():
        if isinstance(value, str):
            check(field, value)
        elif value is not None:
            pulumi.Output.from_input(value).apply(functools.partial(check, field))
