"""Seed an emulator (or a real account) through the public API with a small on-call rotation.

``seed_rotation`` is idempotent: it passes deterministic IdempotencyTokens, so running it twice against the same
endpoint returns the same ARNs instead of failing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

ESCALATION_ALIAS = "drill-escalation"
ESCALATION_DELAY_MINUTES = 5
SEED_ACTIVATION_CODE = "123456"
SCHEDULE_ALIAS = "drill-oncall"
ROTATION_NAME = "drill-weekly"
ROTATION_TIME_ZONE = "UTC"
ROTATION_START = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
"""A Monday at the hand-off time: alice's turn runs from it to the next Monday 09:00, then bob's, and so on."""
ROTATION_RECURRENCE: dict[str, Any] = {
    "NumberOfOnCalls": 1,
    "RecurrenceMultiplier": 1,
    "WeeklySettings": [{"DayOfWeek": "MON", "HandOffTime": {"HourOfDay": 9, "MinuteOfHour": 0}}],
}


@dataclass(frozen=True)
class Rotation:
    """ARNs of the seeded rotation."""

    escalation_arn: str
    """ESCALATION contact "drill-escalation": stage 1 pages alice, stage 2 (5 minutes later) pages bob."""
    alice_arn: str
    """PERSONAL contact "alice-oncall"."""
    bob_arn: str
    """PERSONAL contact "bob-oncall"."""
    alice_sms_arn: str
    alice_email_arn: str
    bob_sms_arn: str
    bob_email_arn: str
    oncall_rotation_arn: str = ""
    """Rotation "drill-weekly": alice, then bob, one week each, handing off on Mondays at 09:00 UTC."""
    oncall_schedule_arn: str = ""
    """ONCALL_SCHEDULE contact "drill-oncall" over that rotation: engaging it pages whoever is on call."""


def _person(client: Any, alias: str, display_name: str, phone: str, email: str) -> tuple[str, str, str]:
    contact = client.create_contact(
        Alias=alias, DisplayName=display_name, Type="PERSONAL", Plan={"Stages": []}, IdempotencyToken=f"seed-{alias}"
    )["ContactArn"]
    channels = []
    for kind, address in (("SMS", phone), ("EMAIL", email)):
        channel = client.create_contact_channel(
            ContactId=contact,
            Name=f"{alias}-{kind.lower()}",
            Type=kind,
            DeliveryAddress={"SimpleAddress": address},
            IdempotencyToken=f"seed-{alias}-{kind.lower()}",
        )["ContactChannelArn"]
        client.activate_contact_channel(ContactChannelId=channel, ActivationCode=SEED_ACTIVATION_CODE)
        channels.append(channel)
    # One stage that pages both channels at once.
    targets = [{"ChannelTargetInfo": {"ContactChannelId": arn}} for arn in channels]
    client.update_contact(ContactId=contact, Plan={"Stages": [{"DurationInMinutes": 0, "Targets": targets}]})
    return contact, channels[0], channels[1]


def seed_rotation(client: Any) -> Rotation:
    """Create alice, bob (each with an activated SMS and EMAIL channel), the "drill-escalation" plan, the weekly
    rotation "drill-weekly" of alice and bob, and the on-call schedule "drill-oncall" over it.

    ``client`` is a boto3 ``ssm-contacts`` client. Against an emulator configured with an ``activation_code``,
    that code must be "123456".
    """
    alice, alice_sms, alice_email = _person(client, "alice-oncall", "Alice", "+15555550101", "alice@example.com")
    bob, bob_sms, bob_email = _person(client, "bob-oncall", "Bob", "+15555550102", "bob@example.com")
    escalation = client.create_contact(
        Alias=ESCALATION_ALIAS,
        DisplayName="Drill escalation",
        Type="ESCALATION",
        Plan={
            "Stages": [
                {
                    "DurationInMinutes": ESCALATION_DELAY_MINUTES,
                    "Targets": [{"ContactTargetInfo": {"ContactId": alice, "IsEssential": True}}],
                },
                {
                    "DurationInMinutes": 0,
                    "Targets": [{"ContactTargetInfo": {"ContactId": bob, "IsEssential": True}}],
                },
            ]
        },
        IdempotencyToken=f"seed-{ESCALATION_ALIAS}",
    )["ContactArn"]
    weekly = client.create_rotation(
        Name=ROTATION_NAME,
        ContactIds=[alice, bob],
        StartTime=ROTATION_START,
        TimeZoneId=ROTATION_TIME_ZONE,
        Recurrence=ROTATION_RECURRENCE,
        IdempotencyToken=f"seed-{ROTATION_NAME}",
    )["RotationArn"]
    schedule = client.create_contact(
        Alias=SCHEDULE_ALIAS,
        DisplayName="Drill on-call",
        Type="ONCALL_SCHEDULE",
        Plan={"RotationIds": [weekly]},
        IdempotencyToken=f"seed-{SCHEDULE_ALIAS}",
    )["ContactArn"]
    return Rotation(
        escalation_arn=escalation,
        alice_arn=alice,
        bob_arn=bob,
        alice_sms_arn=alice_sms,
        alice_email_arn=alice_email,
        bob_sms_arn=bob_sms,
        bob_email_arn=bob_email,
        oncall_rotation_arn=weekly,
        oncall_schedule_arn=schedule,
    )
