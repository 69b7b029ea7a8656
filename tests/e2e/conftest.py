"""Fixtures for end-to-end runs of the plain Pulumi CLI against the offline endpoint."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pulumi_cli import REPO_ROOT, CliUnavailable, Project, copy_project, ensure_cli
from ssm_contacts_emulator import Emulator, EmulatorConfig

PROGRAMS = Path(__file__).parent / "programs"


@pytest.fixture(scope="session")
def cli_root() -> Path:
    """The Pulumi CLI and its language hosts, built by `make check` (scripts/get-pulumi) before pytest starts."""
    try:
        return ensure_cli(build=False)
    except CliUnavailable:
        pytest.fail("no Pulumi CLI: `make check` builds it with scripts/get-pulumi (or run `make cli` first)")


@pytest.fixture
def ssm_contacts_emulator_config() -> EmulatorConfig:
    """Escalation stages are scaled down so nothing waits minutes."""
    return EmulatorConfig(time_scale=600.0)


@pytest.fixture
def endpoint(ssm_contacts_emulator: Emulator) -> Emulator:
    """A fresh offline endpoint for one test (``rotation`` seeds this one)."""
    return ssm_contacts_emulator


ProjectFactory = Callable[..., Project]


@pytest.fixture
def project(cli_root: Path, tmp_path: Path, endpoint: Emulator) -> ProjectFactory:
    """Makes a `Project` from a copy of a program under tests/e2e/programs (or any folder of the repo), its CLI
    environment pointed at the endpoint, its state in the test's temporary folder."""

    def make(name: str, stack: str = "e2e") -> Project:
        source = PROGRAMS / name if (PROGRAMS / name).is_dir() else REPO_ROOT / name
        folder = copy_project(source, tmp_path / "project" / source.name)
        return Project(folder, stack, cli_root, state_dir=tmp_path / "state", env=endpoint.env())

    return make


def make_virtualenv(folder: Path, *requirements: str) -> Path:
    """A fresh virtualenv at `folder` with `requirements` installed (pip, pinned by constraints.txt)."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    subprocess.run(
        [str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-c", str(REPO_ROOT / "constraints.txt"), *requirements],
        check=True, capture_output=True, text=True,
    )
    return folder


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout built as a wheel, as it would be published."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
         "-w", str(out), str(REPO_ROOT)],
        check=True, capture_output=True, text=True,
    )
    [built] = out.glob("pulumi_incident_manager-*.whl")
    return built


@pytest.fixture(scope="session")
def wheel_virtualenv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """A fresh virtualenv holding only the wheel and its dependencies: no source tree, no dev tools."""
    return make_virtualenv(tmp_path_factory.mktemp("wheel") / "venv", str(wheel))


@pytest.fixture(scope="session")
def typescript_project(tmp_path_factory: pytest.TempPathFactory, cli_root: Path) -> Iterator[Path]:
    """examples/typescript, copied and installed once: `pulumi install` runs npm and generates the SDK."""
    folder = copy_project(REPO_ROOT / "examples/typescript", tmp_path_factory.mktemp("typescript") / "drill")
    state = tmp_path_factory.mktemp("typescript-state")
    Project(folder, "install", cli_root, state).cli("install", stack=False)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
