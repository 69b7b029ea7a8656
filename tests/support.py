"""Helpers shared by the tests of several folders (fixtures live in tests/conftest.py).

Test modules import it relatively (``from ..support import engage``): pytest runs with ``--import-mode=importlib``,
which names each test module after its path below the root (``tests.sdk.test_drill``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
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


class FakeTime:
    """A provider's ``clock`` and ``sleep`` hooks: a clock that moves only when the provider sleeps, so a wait for a
    deadline passes at once. It starts at the real time (``later`` seconds on), as AWS's timestamps do."""

    def __init__(self, later: float = 0.0) -> None:
        self.now = datetime.now(UTC) + timedelta(seconds=later)
        self.slept = 0.0

    def clock(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.slept += seconds

    def hook(self, provider: Any) -> Any:
        """``provider`` with its clock and sleep replaced by these."""
        provider.clock, provider.sleep = self.clock, self.sleep
        return provider


def acknowledge(emulator: Any, engagement_arn: str, contact_arn: str, channel_type: str, note: str | None = None,
                accept_type: str = "READ") -> dict[str, Any]:
    """AcceptPage of the page ``engagement_arn`` sent to ``contact_arn`` on ``channel_type``, as a phone would; the
    message that carried it."""
    [message] = [
        m for m in emulator.outbox()
        if (m["engagement_arn"], m["contact_arn"], m["channel_type"]) == (engagement_arn, contact_arn, channel_type)
    ]
    emulator.client().accept_page(PageId=message["page_arn"], AcceptType=accept_type,
                                  AcceptCode=message["accept_code"], ContactChannelId=message["channel_arn"],
                                  **({"Note": note} if note else {}))
    return dict(message)
