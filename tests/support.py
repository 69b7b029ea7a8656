"""Helpers shared by the tests of several folders (fixtures live in tests/conftest.py).

Test modules import it relatively (``from ..support import engage``): pytest runs with ``--import-mode=importlib``,
which names each test module after its path below the root (``tests.sdk.test_drill``).
"""

from __future__ import annotations

from typing import Any

CONTACT = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/drill-escalation"

DRILL = {
    "Sender": "gameday-bot",
    "Subject": "[DRILL] checkout latency",
    "Content": "Follow the runbook.",
    "PublicSubject": "[DRILL] checkout",
    "PublicContent": "Drill: acknowledge in the app.",
    "IncidentId": "gameday-2026-11",
}
"""The members of a drill's StartEngagement request, but the contact."""


def engage(client: Any, contact_arn: str, **members: str) -> str:
    """Start an engagement of ``contact_arn`` with the drill's texts (``members`` add or replace request members),
    through a boto3 ssm-contacts ``client``; its ARN."""
    arn: str = client.start_engagement(ContactId=contact_arn, **{**DRILL, **members})["EngagementArn"]
    return arn


def engagement(contact_id: str = CONTACT, **fields: str) -> dict[str, str | None]:
    """An Engagement's properties as a policy sees them: the required ones, ``fields`` added or replaced."""
    return {"contact_id": contact_id, "sender": "gameday-bot", "subject": "s", "content": "c", **fields}
