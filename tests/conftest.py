"""Fixtures every folder of tests shares (helpers that are not fixtures live in tests/support.py).

The endpoint itself comes from the emulator's pytest plugin (``ssm_contacts_emulator``, ``ssm_contacts_env``); a
folder changes it by overriding ``ssm_contacts_emulator_config`` in its own conftest.py (the emulator's tests speed
its clock up, the provider's add a read-only key pair, the SDK's never wait for a stage, e2e's scale stages down).
"""

from __future__ import annotations

import pytest

from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import Rotation, seed_rotation


@pytest.fixture
def rotation(ssm_contacts_emulator: Emulator) -> Rotation:
    """The seeded contacts (alice, bob, their rotation and on-call schedule, an escalation plan) in the test's
    emulator."""
    return seed_rotation(ssm_contacts_emulator.client())
