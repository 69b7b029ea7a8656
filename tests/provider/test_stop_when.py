"""An Engagement's ``stop_when``: its own create waits for the drill's verdict and stops it, so its state says so.

In-process against the offline endpoint over HTTP; the wait's clock and sleep are the provider's hooks, so a 30-second
deadline passes without waiting.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from pulumi.output import UNKNOWN

from incident_manager_provider import aws
from incident_manager_provider.engagement import EngagementProvider
from incident_manager_provider.errors import IncidentManagerError
from incident_manager_provider.expectation import AcknowledgementExpectationProvider
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import Rotation

from ..support import FakeTime

EXPECTATION = AcknowledgementExpectationProvider()


def provider(time: FakeTime | None = None) -> EngagementProvider:
    engagement = EngagementProvider()
    return time.hook(engagement) if time is not None else engagement


@pytest.fixture
def client(ssm_contacts_emulator: Emulator) -> Iterator[Any]:
    with aws.client_override(ssm_contacts_emulator.client()):
        yield ssm_contacts_emulator.client()


def checked(contact: str, **changes: Any) -> dict[str, Any]:
    props = {"contact_id": contact, "sender": "gameday-bot", "subject": "[DRILL] s", "content": "c",
             "public_subject": "[DRILL] s", "public_content": "c", "stop_reason": "Drill over",
             "token_key": "5ca1ab1e" * 8, "stop_when": {"within": "4s"}, **changes}
    result = EngagementProvider().check({}, props)
    assert result.failures == []
    return dict(result.inputs)


def described(client: Any, arn: str) -> dict[str, Any]:
    answer: dict[str, Any] = client.describe_engagement(EngagementId=arn)
    return answer


def test_an_acknowledgement_stops_the_engagement_and_its_own_state_records_the_stop(
    ssm_contacts_emulator: Emulator, rotation: Rotation, client: Any
) -> None:
    ssm_contacts_emulator.set_responders(["alice-oncall:SMS:0.3s"])

    created = provider().create(checked(rotation.escalation_arn, stop_when={"within": "4s", "by": ["alice-oncall"]}))

    stopped = described(client, created.id)["StopTime"]
    assert created.outs["stop_time"] == stopped.isoformat()
    assert created.outs["stop_when"] == {"within": "4s", "by": ["alice-oncall"]}
    assert stopped - described(client, created.id)["StartTime"] < timedelta(seconds=3)  # once alice read, not at 4s
    # The verdict, judged by the expectation afterwards with the same terms, is reached at once and agrees.
    verdict = EXPECTATION.create(EXPECTATION.check({}, {"engagement_arn": created.id, "within": "4s",
                                                        "by": ["alice-oncall"]}).inputs).outs
    assert verdict["passed"] is True and verdict["acknowledged_by"] == "alice-oncall"


def test_a_miss_stops_the_engagement_at_its_deadline(rotation: Rotation, client: Any) -> None:
    time = FakeTime()

    created = provider(time).create(checked(rotation.alice_arn, stop_when={"within": "30s"}))

    start = described(client, created.id)["StartTime"]
    assert created.outs["stop_time"] is not None
    assert time.now >= start + timedelta(seconds=30) and 29 <= time.slept < 32  # polled until the deadline
    recorded = EXPECTATION.create(EXPECTATION.check({}, {"engagement_arn": created.id, "within": "30s",
                                                         "on_miss": "record"}).inputs).outs
    assert recorded["passed"] is False and recorded["verdict"].startswith("Drill missed: paged alice-oncall;")


def test_no_stop_when_no_wait(rotation: Rotation, client: Any) -> None:
    time = FakeTime()

    created = provider(time).create(checked(rotation.alice_arn, stop_when=None))

    assert created.outs["stop_time"] is None and time.slept == 0
    assert "StopTime" not in described(client, created.id)


class Killed(Exception):
    """The engine died in the middle of the wait."""


def test_a_re_run_after_a_crash_mid_wait_adopts_the_engagement_and_keeps_its_deadline(
    ssm_contacts_emulator: Emulator, rotation: Rotation, client: Any
) -> None:
    def killed(_seconds: float) -> None:
        raise Killed

    dying = provider()
    dying.sleep = killed  # type: ignore[method-assign]
    props = checked(rotation.alice_arn, stop_when={"within": "30s"})
    with pytest.raises(Killed):
        dying.create(props)
    pages = len(ssm_contacts_emulator.outbox())
    [engagement] = client.list_engagements()["Engagements"]
    time = FakeTime()

    created = provider(time).create(props)

    assert created.id == engagement["EngagementArn"] and len(ssm_contacts_emulator.outbox()) == pages
    assert time.now >= engagement["StartTime"] + timedelta(seconds=30) > time.now - timedelta(seconds=2)
    assert created.outs["stop_time"] == described(client, created.id)["StopTime"].isoformat()


def test_a_re_run_after_a_crash_between_the_stop_and_the_save_records_the_stopped_engagement_and_pages_nobody(
    ssm_contacts_emulator: Emulator, rotation: Rotation, client: Any
) -> None:
    props = checked(rotation.alice_arn, stop_when={"within": "30s"})
    first = provider(FakeTime()).create(props)  # the engine died before saving this
    pages = len(ssm_contacts_emulator.outbox())

    again = provider(FakeTime()).create(props)

    assert again.id == first.id and again.outs["stop_time"] == first.outs["stop_time"]
    assert len(ssm_contacts_emulator.outbox()) == pages


def test_a_replacement_stops_the_engagement_then_starts_and_decides_the_next_run(
    ssm_contacts_emulator: Emulator, rotation: Rotation, client: Any
) -> None:
    # `pulumi up --replace`: delete stops the engagement (already stopped by its drill), then create runs again.
    props = checked(rotation.alice_arn, stop_when={"within": "30s"})
    first = provider(FakeTime()).create(props)
    provider().delete(first.id, first.outs)

    second = provider(FakeTime()).create(props)

    assert second.id != first.id and second.outs["stop_time"] is not None
    assert [m["engagement_arn"] for m in ssm_contacts_emulator.outbox()].count(second.id) == 2  # paged once more


def test_an_explicit_token_of_a_stopped_engagement_still_fails_rather_than_recording_it(
    ssm_contacts_emulator: Emulator, rotation: Rotation, client: Any
) -> None:
    props = checked(rotation.alice_arn, idempotency_token="drill-2026-q3", stop_when={"within": "30s"})
    provider(FakeTime()).create(props)
    pages = len(ssm_contacts_emulator.outbox())

    with pytest.raises(IncidentManagerError, match="belongs to engagement"):
        provider(FakeTime()).create(props)
    assert len(ssm_contacts_emulator.outbox()) == pages


@pytest.mark.parametrize(
    ("stop_when", "reason"),
    [
        ({"within": "soon"}, "stop_when.within must be a duration such as 90s, 15m or 1h30m"),
        ({"within": "1m", "receipt": "SEEN"}, "stop_when.receipt must be one of READ, DELIVERED, not 'SEEN'"),
        ({"within": "1m", "channels": ["FAX"]}, "stop_when.channels must be among SMS, VOICE, EMAIL, not 'FAX'"),
        ({"within": "1m", "by": "alice-oncall"}, "stop_when.by must be a list of strings"),
        ({"within": "1m", "on_miss": "record"}, "stop_when has no on_miss: its fields are within, by, channels, "
                                                "receipt"),
        ({"by": ["alice-oncall"]}, "stop_when.within is required: how long after the engagement starts an "
                                   "acknowledgement may come, such as 15m"),
        ("10m", "stop_when must be an object with within, by, channels, receipt"),
    ],
)
def test_check_names_what_is_wrong_with_stop_when_without_calling_aws(
    ssm_contacts_emulator: Emulator, stop_when: Any, reason: str
) -> None:
    result = EngagementProvider().check({}, {"contact_id": "arn:aws:ssm-contacts:us-east-1:123456789012:contact/a",
                                             "sender": "s", "subject": "s", "content": "c", "token_key": "0" * 64,
                                             "stop_when": stop_when})

    assert [(failure.property, failure.reason) for failure in result.failures] == [("stop_when", reason)]
    assert ssm_contacts_emulator.request_counts() == {}


def test_unknown_terms_pass_check_at_preview() -> None:
    result = EngagementProvider().check({}, {"contact_id": "arn:aws:ssm-contacts:us-east-1:123456789012:contact/a",
                                             "sender": "s", "subject": "s", "content": "c", "token_key": "0" * 64,
                                             "stop_when": {"within": UNKNOWN, "by": UNKNOWN}})
    assert result.failures == []


def test_the_expectation_refuses_to_stop_the_engagement_and_names_the_way_that_records_the_stop() -> None:
    result = EXPECTATION.check({}, {"engagement_arn": "arn:aws:ssm-contacts:us-east-1:123456789012:engagement/a/b",
                                    "within": "10m", "stop_engagement": True})

    [failure] = result.failures
    assert failure.property == "stop_engagement"
    assert failure.reason == (
        "stop_engagement would stop the engagement while its Engagement's state still records it as live: remove "
        "stop_engagement and give the Engagement stop_when with the same within, by, channels and receipt, so that "
        "the Engagement stops itself and records stop_time"
    )
