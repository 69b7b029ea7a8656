"""Fixtures for end-to-end runs of the real Pulumi CLI against the offline endpoint."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pulumi_cli import CliUnavailable, Project, ensure_cli
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
def project(cli_root: Path, tmp_path: Path, endpoint: Emulator) -> ProjectFactory:
    """Makes a `Project` for one of the programs under tests/e2e/programs, wired to the endpoint."""

    def make(name: str, stack: str = "e2e") -> Project:
        return Project(PROGRAMS / name, stack, cli_root, state_dir=tmp_path / "state", env=endpoint.env())

    return make
