"""AcknowledgementExpectation: a drill's verdict from what AWS recorded, against the offline endpoint over HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from incident_manager_provider import aws
from incident_manager_provider.errors import IncidentManagerError
from incident_manager_provider.expectation import AcknowledgementExpectationProvider, parse_duration
from ssm_contacts_emulator import Emulator, EmulatorConfig
from ssm_contacts_emulator.seed import Rotation, seed_rotation

from ..support import engage

PROVIDER = AcknowledgementExpectationProvider()


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

    with pytest.raises(IncidentManagerError) as missed:
        PROVIDER.create(expect(arn, within="1s"))

    assert str(missed.value).startswith(
        "Drill missed: paged alice-oncall; nobody acknowledged (READ) within 1s of the engagement's start "
        "(waited until "
    )


def test_a_miss_can_be_recorded_instead(rotation: Rotation, client: Any) -> None:
    arn = engage(client, rotation.alice_arn)

    outs = PROVIDER.create(expect(arn, within="1s", on_miss="record")).outs

    assert outs["passed"] is False and outs["acknowledged_by"] is None and outs["paged"] == ["alice-oncall"]


def test_the_wrong_person_or_channel_does_not_count(
    ssm_contacts_emulator: Emulator, rotation: Rotation, client: Any
) -> None:
    ssm_contacts_emulator.set_responders(["alice-oncall:SMS:0.1s"])
    arn = engage(client, rotation.alice_arn)

    by_bob = PROVIDER.create(expect(arn, within="1s", on_miss="record", by=["bob-oncall"])).outs
    by_email = PROVIDER.create(expect(arn, within="1s", on_miss="record", channels=["EMAIL"])).outs
    by_sms = PROVIDER.create(expect(arn, within="1s", on_miss="record", channels=["SMS"])).outs

    assert (by_bob["passed"], by_email["passed"], by_sms["passed"]) == (False, False, True)
    assert by_bob["verdict"].startswith("Drill missed: paged alice-oncall; bob-oncall did not acknowledge (READ)")


def test_a_re_run_after_a_crash_keeps_the_original_deadline(rotation: Rotation, client: Any) -> None:
    arn = engage(client, rotation.alice_arn)

    first = PROVIDER.create(expect(arn, within="1s", on_miss="record")).outs
    time.sleep(1.2)
    again = PROVIDER.create(expect(arn, within="1s", on_miss="record")).outs  # the engine died before saving

    assert first["deadline"] == again["deadline"]
    assert client.list_engagements()["Engagements"][0]["EngagementArn"] == arn  # watching paged nobody


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
