"""Pytest fixtures that start the offline ssm-contacts endpoint (registered as the ``ssm_contacts_emulator`` plugin).

- ``ssm_contacts_emulator``: a started in-process ``Emulator`` on a free port, stopped after the test.
- ``ssm_contacts_env``: the same emulator, with ``emu.env()`` set in ``os.environ`` for the test.
- ``ssm_contacts_emulator_config``: the ``EmulatorConfig`` used; override this fixture (in a conftest.py or a
  test module) to change the time scale, credentials, faults...
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .config import EmulatorConfig
from .emulator import Emulator


@pytest.fixture
def ssm_contacts_emulator_config() -> EmulatorConfig:
    """The configuration of ``ssm_contacts_emulator``: the defaults. Override to change it."""
    return EmulatorConfig()


@pytest.fixture
def ssm_contacts_emulator(ssm_contacts_emulator_config: EmulatorConfig) -> Iterator[Emulator]:
    """A started in-process emulator, torn down after the test."""
    with Emulator(ssm_contacts_emulator_config) as emulator:
        yield emulator


@pytest.fixture
def ssm_contacts_env(ssm_contacts_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """The emulator, with AWS_ENDPOINT_URL_SSM_CONTACTS and the test key pair and region in ``os.environ``."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)  # would override or spoil the test key pair
    for name, value in ssm_contacts_emulator.env().items():
        monkeypatch.setenv(name, value)
    return ssm_contacts_emulator
