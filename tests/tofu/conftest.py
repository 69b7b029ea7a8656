"""Fixtures for end-to-end runs of the real `tofu` binary, with this checkout's provider, against the offline
endpoint (scripts/tofu_cli.py runs it; `make check` builds it first with scripts/get-tofu)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ssm_contacts_emulator import Emulator, EmulatorConfig
from tofu_cli import TofuUnavailable, Workspace, ensure_tofu, provider_config

CONFIGS = Path(__file__).parent / "configs"

SUBJECT = "TOFU-SECRET-SUBJECT-7f3a"
CONTENT = "TOFU-SECRET-CONTENT-91c2"
MESSAGE = {"TF_VAR_subject": SUBJECT, "TF_VAR_content": CONTENT}
"""The message every configuration takes through its sensitive variables: never printed, never in clear state."""


@pytest.fixture(scope="session")
def tofu() -> Path:
    """The `tofu` binary, built by `make check` (scripts/get-tofu) before pytest starts."""
    try:
        return ensure_tofu(build=False)
    except TofuUnavailable:
        pytest.fail("no tofu: `make check` builds it with scripts/get-tofu (or run `make tofu` first)")


@pytest.fixture(scope="session")
def cli_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CLI configuration that installs the provider from a mirror of this checkout's virtualenv."""
    return provider_config(tmp_path_factory.mktemp("tofu-provider"))


@pytest.fixture
def ssm_contacts_emulator_config() -> EmulatorConfig:
    """Escalation stages are scaled down so nothing waits minutes."""
    return EmulatorConfig(time_scale=600.0)


@pytest.fixture
def endpoint(ssm_contacts_emulator: Emulator) -> Emulator:
    return ssm_contacts_emulator


WorkspaceFactory = Callable[..., Workspace]


SENSITIVE_VARIABLES = ("TF_VAR_subject", "TF_VAR_content", "TF_VAR_token_key", "TF_VAR_state_passphrase")


@pytest.fixture
def workspace(tofu: Path, cli_config: Path, tmp_path: Path, endpoint: Emulator) -> Iterator[WorkspaceFactory]:
    """A copy of a configuration under tests/tofu/configs, `tofu init`-ed, run against the endpoint with the
    message (and any other ``TF_VAR_*`` given) in its environment. Afterwards, whatever the test did: nothing
    `tofu` printed holds a secret (the message and every other sensitive variable a test ever gave, and each token
    key in state)."""
    made: list[Workspace] = []

    def make(name: str, **variables: str) -> Workspace:
        folder = tmp_path / f"{name}-{len(made)}"
        shutil.copytree(CONFIGS / name, folder)
        env = {**endpoint.env(), **MESSAGE, **{f"TF_VAR_{key}": value for key, value in variables.items()}}
        made.append(Workspace(folder, tofu, cli_config, env))
        made[-1].init()
        return made[-1]

    yield make
    for each in made:
        given = {each.env[name] for name in SENSITIVE_VARIABLES if name in each.env}
        keys = {values["key"] for values in each.resources().values() if values.get("key")}
        assert secrets_printed(each, *given, *keys) == []


def secrets_printed(made: Workspace, *more: str) -> list[str]:
    """The secrets (message, ``more``) that anything `tofu` printed contains."""
    return [secret for secret in (SUBJECT, CONTENT, *more) if any(secret in text for text in made.transcript)]
