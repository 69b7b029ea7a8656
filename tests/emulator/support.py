"""Constants and helpers shared by the emulator tests (fixtures live in conftest.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

ARN = "arn:aws:ssm-contacts:us-east-1:123456789012"

# 5 minutes of escalation delay become 1.2 s: long enough to act before stage 2, short enough to wait for it.
TIME_SCALE = 250.0

DRILL = {
    "Sender": "drill-bot",
    "Subject": "Database failover drill",
    "Content": "Full details: failover the primary within 10 minutes.",
    "PublicSubject": "Drill",
    "PublicContent": "Drill page: check your email.",
    "IncidentId": "drill-42",
}


def remove_oncall_schedule(client: Any, rotation: Any) -> None:
    """Delete the seeded on-call schedule and its rotation, so that alice and bob can be deleted."""
    client.delete_contact(ContactId=rotation.oncall_schedule_arn)
    client.delete_rotation(RotationId=rotation.oncall_rotation_arn)


def wait_for(condition: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll until ``condition()`` is truthy; its value, or AssertionError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(0.02)
