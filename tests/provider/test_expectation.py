"""AcknowledgementExpectation: a drill's verdict from what AWS recorded, against the offline endpoint over HTTP.

A wait for a deadline runs on the provider's clock and sleep hooks (``FakeTime``): a 30-second window passes at once.
A wait for a simulated person's answer runs in real time: it ends when the receipt arrives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from time import sleep
from typing import Any

import pytest

from incident_manager_provider import aws
from incident_manager_provider.errors import IncidentManagerError
from incident_manager_provider.expectation import AcknowledgementExpectationProvider
from incident_manager_provider.verdict import parse_duration
from pulumi_incident_manager.drill import Terms, summarize_drill
from ssm_contacts_emulator import Emulator, EmulatorConfig
from ssm_contacts_emulator.seed import Rotation, seed_rotation

from ..support import FakeTime, acknowledge, engage

PROVIDER = AcknowledgementExpectationProvider()


def waiting(time: FakeTime | None = None) -> AcknowledgementExpectationProvider:
    """A provider whose wait for the deadline runs on ``time`` (a fresh FakeTime by default)."""
    hooked: AcknowledgementExpectationProvider = (time or FakeTime()).hook(AcknowledgementExpectationProvider())
    return hooked


@pytest.fixture
def client(ssm_contacts_emulator: Emulator) -> Iterator[Any]:
    with aws.client_override(ssm_contacts_emulator.client()):
        yield ssm_contacts_emulator.client()


def expect(arn: str, **changes: Any) -> dict[str, Any]:
    result = PROVIDER.check({}, {"engagement_arn": arn, "within": "4s", **changes})
    assert result.failures == []
    return dict(result.inputs)


def test_durations_read_as_people_write_them() -> None:
    assert parse_duration("90s") == timedelta(seconds=90)
    assert parse_duration("1h30m") == timedelta(minutes=90)
    assert parse_duration(45.0) == timedelta(seconds=45)
    assert parse_duration("soon") is None and parse_duration("0s") is None


def test_check_names_each_bad_setting_without_calling_aws(ssm_contacts_emulator: Emulator) -> None:
    result = PROVIDER.check({}, {"engagement_arn": "nope", "within": "soon", "receipt": "SEEN", "channels": ["FAX"]})
    assert {failure.property for failure in result.failures} == {"engagement_arn", "within", "receipt", "channels"}
    assert ssm_contacts_emulator.request_counts() == {}


def test_an_acknowledgement_in_time_passes_with_who_how_and_how_fast(
    ssm_contacts_emulator: Emulator, rotation: Rotation, client: Any
) -> None:
    ssm_contacts_emulator.set_responders(["alice-oncall:SMS:0.5s"])  # she reads her SMS half a second later
    arn = engage(client, rotation.alice_arn)
    created = PROVIDER.create(expect(arn))

    outs = created.outs
    assert outs["passed"] is True and outs["acknowledged_by"] == "alice-oncall" and outs["channel"] == "SMS"
    assert 0.4 < outs["time_to_acknowledge"] < 4
    assert outs["paged"] == ["alice-oncall"] and outs["pages_sent"] == 2.0
    assert outs["verdict"].startswith("alice-oncall acknowledged (READ) on SMS after ")


def test_a_miss_fails_with_one_sentence_saying_who_was_paged_and_how_long_it_waited(
    rotation: Rotation, client: Any
) -> None:
    arn = engage(client, rotation.alice_arn)
    time = FakeTime()

    with pytest.raises(IncidentManagerError) as missed:
        waiting(time).create(expect(arn, within="30s"))

    assert str(missed.value).startswith(
        "Drill missed: paged alice-oncall; nobody acknowledged (READ) within 30s of the engagement's start "
        "(waited until "
    )
    assert 29 <= time.slept < 32  # polled until the deadline


def test_a_miss_can_be_recorded_instead(rotation: Rotation, client: Any) -> None:
    arn = engage(client, rotation.alice_arn)

    outs = waiting().create(expect(arn, within="30s", on_miss="record")).outs

    assert outs["passed"] is False and outs["acknowledged_by"] is None and outs["paged"] == ["alice-oncall"]


def test_the_wrong_person_or_channel_does_not_count(
    ssm_contacts_emulator: Emulator, rotation: Rotation, client: Any
) -> None:
    arn = engage(client, rotation.alice_arn)
    acknowledge(ssm_contacts_emulator, arn, rotation.alice_arn, "SMS")

    by_bob = waiting().create(expect(arn, within="30s", on_miss="record", by=["bob-oncall"])).outs
    by_email = waiting().create(expect(arn, within="30s", on_miss="record", channels=["EMAIL"])).outs
    by_sms = waiting().create(expect(arn, within="30s", on_miss="record", channels=["SMS"])).outs

    assert (by_bob["passed"], by_email["passed"], by_sms["passed"]) == (False, False, True)
    assert by_bob["verdict"].startswith("Drill missed: paged alice-oncall; bob-oncall did not acknowledge (READ)")


def test_a_re_run_after_a_crash_keeps_the_original_deadline(rotation: Rotation, client: Any) -> None:
    arn = engage(client, rotation.alice_arn)

    first = waiting().create(expect(arn, within="30s", on_miss="record")).outs
    # The engine died before saving; its re-run starts after the deadline.
    again = waiting(FakeTime(later=31)).create(expect(arn, within="30s", on_miss="record")).outs

    assert first["deadline"] == again["deadline"]
    assert client.list_engagements()["Engagements"][0]["EngagementArn"] == arn  # watching paged nobody


def test_a_late_acknowledgement_is_a_miss_for_the_resource_and_for_the_report_with_the_same_terms(
    ssm_contacts_emulator: Emulator, rotation: Rotation, client: Any
) -> None:
    arn = engage(client, rotation.alice_arn)
    recorded = waiting().create(expect(arn, within="0.2s", on_miss="record")).outs
    while datetime.now(UTC) <= datetime.fromisoformat(recorded["deadline"]):
        sleep(0.05)  # the receipt's time is the endpoint's: it must come after the deadline
    acknowledge(ssm_contacts_emulator, arn, rotation.alice_arn, "SMS")  # too late

    report = summarize_drill(arn, client=client, expectation=Terms(within="0.2s"))
    re_judged = waiting().create(expect(arn, within="0.2s", on_miss="record")).outs
    any_time = summarize_drill(arn, client=client)

    assert recorded["passed"] is False and report.verdict is not None
    assert (report.verdict.status, report.verdict.message) == ("MISSED", recorded["verdict"])
    assert re_judged["verdict"] == recorded["verdict"]
    assert f"  verdict   MISSED: {recorded['verdict']}" in report.to_text().splitlines()
    # The report's default (no terms): any READ receipt, any time.
    assert any_time.decided().status == "PASSED"


def test_refresh_keeps_the_verdict_and_calls_nothing(ssm_contacts_emulator: Emulator) -> None:
    before = dict(ssm_contacts_emulator.request_counts())
    recorded = {"passed": True, "verdict": "alice-oncall acknowledged"}
    assert PROVIDER.read("x#expectation", recorded).outs == recorded
    assert ssm_contacts_emulator.request_counts() == before


def test_an_answer_from_stage_two_after_escalation_passes_naming_who_answered(rotation: Rotation) -> None:
    # Alice (stage 1) never answers; the plan escalates to bob 5 (scaled) minutes later, who reads his SMS.
    with Emulator(EmulatorConfig(time_scale=300, responders=["alice-oncall:never", "bob-oncall:SMS:30s"])) as fast:
        contacts = seed_rotation(fast.client())
        with aws.client_override(fast.client()):
            arn = engage(fast.client(), contacts.escalation_arn)
            outs = PROVIDER.create(expect(arn, within="8s")).outs

    assert outs["passed"] is True and outs["acknowledged_by"] == "bob-oncall" and outs["channel"] == "SMS"
    assert outs["paged"] == ["alice-oncall", "bob-oncall"]
