"""On-call schedules: plans of rotations, engaging whoever is on call, page resolutions, IsEssential, failed sends."""

from __future__ import annotations

import datetime
import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from ssm_contacts_emulator import Emulator, EmulatorConfig, Rotation

from .support import ARN, DRILL, wait_for

UTC = datetime.UTC
DAILY = {"NumberOfOnCalls": 1, "RecurrenceMultiplier": 1, "DailySettings": [{"HourOfDay": 9, "MinuteOfHour": 0}]}


def now() -> datetime.datetime:
    return datetime.datetime.now(UTC)


def put_on_call(client: Any, rotation_arn: str, contact_arn: str) -> str:
    """An override that makes ``contact_arn`` the one on call from an hour ago to tomorrow."""
    override: str = client.create_rotation_override(
        RotationId=rotation_arn,
        NewContactIds=[contact_arn],
        StartTime=now() - datetime.timedelta(hours=1),
        EndTime=now() + datetime.timedelta(days=1),
    )["RotationOverrideId"]
    return override


def schedule_error(client: Any, plan: dict[str, Any], kind: str = "ONCALL_SCHEDULE") -> dict[str, Any]:
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.create_contact(Alias="team-oncall", Type=kind, Plan=plan)
    return {"Message": info.value.response["Error"]["Message"], "Fields": info.value.response["Fields"]}


def paged(emu: Emulator) -> list[tuple[str, str]]:
    return [(m["contact_arn"].rsplit("/", 1)[1], m["channel_type"]) for m in emu.outbox() if m["kind"] == "PAGE"]


# -- schedules --------------------------------------------------------------------------------------------------


def test_an_oncall_schedule_is_a_contact_whose_plan_names_rotations(client: Any, rotation: Rotation) -> None:
    got = client.get_contact(ContactId=rotation.oncall_schedule_arn)
    assert (got["Type"], got["Plan"]) == (
        "ONCALL_SCHEDULE",
        {"Stages": [], "RotationIds": [rotation.oncall_rotation_arn]},
    )


def test_an_oncall_schedule_plan_has_no_stages(client: Any, rotation: Rotation) -> None:
    target = {"ContactTargetInfo": {"ContactId": rotation.alice_arn, "IsEssential": True}}
    stage = {"DurationInMinutes": 0, "Targets": [target]}
    assert schedule_error(client, {"Stages": [stage], "RotationIds": [rotation.oncall_rotation_arn]}) == {
        "Message": "The plan is not valid: Plan.Stages: An ONCALL_SCHEDULE plan has RotationIds, not Stages",
        "Fields": [{"Name": "Plan.Stages", "Message": "An ONCALL_SCHEDULE plan has RotationIds, not Stages"}],
    }


def test_an_oncall_schedule_needs_one_to_eight_existing_rotations(client: Any, rotation: Rotation) -> None:
    assert schedule_error(client, {"RotationIds": []})["Message"] == (
        "The plan is not valid: Plan.RotationIds: An ONCALL_SCHEDULE plan needs 1 to 8 rotations"
    )
    ghost = f"{ARN}:rotation/00000000-0000-0000-0000-000000000000"
    assert schedule_error(client, {"RotationIds": [ghost]})["Message"] == (
        "The plan is not valid: Plan.RotationIds[0]: Member must be an existing rotation"
    )
    nine = [
        client.create_rotation(Name=f"r{i}", ContactIds=[rotation.alice_arn], TimeZoneId="UTC", Recurrence=DAILY)[
            "RotationArn"
        ]
        for i in range(9)
    ]
    assert schedule_error(client, {"RotationIds": nine})["Message"] == (
        "The plan is not valid: Plan.RotationIds: An ONCALL_SCHEDULE plan needs 1 to 8 rotations"
    )
    client.create_contact(Alias="eight", Type="ONCALL_SCHEDULE", Plan={"RotationIds": nine[:8]})


def test_only_an_oncall_schedule_plan_has_rotations(client: Any, rotation: Rotation) -> None:
    plan = {"Stages": [], "RotationIds": [rotation.oncall_rotation_arn]}
    assert schedule_error(client, plan, kind="ESCALATION")["Message"] == (
        "The plan is not valid: Plan.RotationIds: Only an ONCALL_SCHEDULE plan has RotationIds, not ESCALATION"
    )


# -- engaging whoever is on call --------------------------------------------------------------------------------


def test_engaging_a_schedule_pages_whoever_is_on_call_now_on_their_channels(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    put_on_call(client, rotation.oncall_rotation_arn, rotation.bob_arn)
    client.start_engagement(ContactId=rotation.oncall_schedule_arn, **DRILL)
    assert paged(emu) == [("bob-oncall", "SMS"), ("bob-oncall", "EMAIL")]


def test_the_seeded_schedule_pages_the_member_whose_week_it_is(client: Any, emu: Emulator, rotation: Rotation) -> None:
    # Without a StartTime the list starts at the rotations' clock's now: its first shift is the current one.
    # (Alice has the weeks from Monday 2026-01-05 09:00 UTC, bob the next, and so on.)
    far = now() + datetime.timedelta(days=30)
    current = client.list_rotation_shifts(RotationId=rotation.oncall_rotation_arn, EndTime=far)["RotationShifts"][0]
    week = (current["StartTime"] - datetime.datetime(2026, 1, 5, 9, tzinfo=UTC)) // datetime.timedelta(weeks=1)
    assert current["ContactIds"] == [rotation.alice_arn if week % 2 == 0 else rotation.bob_arn]
    client.start_engagement(ContactId=rotation.oncall_schedule_arn, **DRILL)
    assert {m["contact_arn"] for m in emu.outbox()} == set(current["ContactIds"])
    assert emu.rotations()[0]["OnCallNow"] == current["ContactIds"]


def test_a_schedule_pages_the_person_on_call_in_each_of_its_rotations(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    second = client.create_rotation(Name="second", ContactIds=[rotation.alice_arn], TimeZoneId="UTC", Recurrence=DAILY)
    put_on_call(client, rotation.oncall_rotation_arn, rotation.bob_arn)
    client.update_contact(
        ContactId=rotation.oncall_schedule_arn,
        Plan={"RotationIds": [rotation.oncall_rotation_arn, second["RotationArn"]]},
    )
    client.start_engagement(ContactId=rotation.oncall_schedule_arn, **DRILL)
    assert sorted(paged(emu)) == [
        ("alice-oncall", "EMAIL"),
        ("alice-oncall", "SMS"),
        ("bob-oncall", "EMAIL"),
        ("bob-oncall", "SMS"),
    ]


def test_nobody_is_paged_when_nobody_is_on_call(client: Any, emu: Emulator, rotation: Rotation) -> None:
    future = client.create_rotation(
        Name="later", ContactIds=[rotation.alice_arn], TimeZoneId="UTC", Recurrence=DAILY,
        StartTime=now() + datetime.timedelta(days=30),
    )["RotationArn"]  # fmt: skip
    schedule = client.create_contact(Alias="later-oncall", Type="ONCALL_SCHEDULE", Plan={"RotationIds": [future]})
    engagement = client.start_engagement(ContactId=schedule["ContactArn"], **DRILL)["EngagementArn"]
    assert emu.outbox() == []
    assert client.list_pages_by_engagement(EngagementId=engagement)["Pages"] == []


def test_an_escalation_stage_can_target_an_oncall_schedule(client: Any, emu: Emulator, rotation: Rotation) -> None:
    put_on_call(client, rotation.oncall_rotation_arn, rotation.alice_arn)
    target = {"ContactTargetInfo": {"ContactId": rotation.oncall_schedule_arn, "IsEssential": True}}
    plan = client.create_contact(
        Alias="db-escalation", Type="ESCALATION", Plan={"Stages": [{"DurationInMinutes": 0, "Targets": [target]}]}
    )["ContactArn"]
    client.start_engagement(ContactId=plan, **DRILL)
    assert paged(emu) == [("alice-oncall", "SMS"), ("alice-oncall", "EMAIL")]


# -- ListPageResolutions ----------------------------------------------------------------------------------------


def test_page_resolutions_trace_escalation_plan_then_schedule_then_contact(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    put_on_call(client, rotation.oncall_rotation_arn, rotation.bob_arn)
    first = {"ContactTargetInfo": {"ContactId": rotation.alice_arn, "IsEssential": False}}
    second = {"ContactTargetInfo": {"ContactId": rotation.oncall_schedule_arn, "IsEssential": True}}
    plan = client.create_contact(
        Alias="db-escalation",
        Type="ESCALATION",
        Plan={"Stages": [{"DurationInMinutes": 0, "Targets": [first]}, {"DurationInMinutes": 0, "Targets": [second]}]},
    )["ContactArn"]
    client.start_engagement(ContactId=plan, **DRILL)
    bobs = [m for m in emu.outbox() if m["contact_arn"] == rotation.bob_arn]
    resolutions = client.list_page_resolutions(PageId=bobs[0]["page_arn"])["PageResolutions"]
    assert resolutions == [
        {"ContactArn": plan, "Type": "ESCALATION", "StageIndex": 1},
        {"ContactArn": rotation.oncall_schedule_arn, "Type": "ONCALL_SCHEDULE"},
        {"ContactArn": rotation.bob_arn, "Type": "PERSONAL", "StageIndex": 0},
    ]


def test_a_page_of_a_personal_contact_resolves_to_that_contact(client: Any, emu: Emulator, rotation: Rotation) -> None:
    client.start_engagement(ContactId=rotation.alice_arn, **DRILL)
    page = emu.outbox()[0]["page_arn"]
    assert client.list_page_resolutions(PageId=page)["PageResolutions"] == [
        {"ContactArn": rotation.alice_arn, "Type": "PERSONAL", "StageIndex": 0}
    ]


def test_page_resolutions_of_a_missing_page_answer_resource_not_found(client: Any) -> None:
    ghost = f"{ARN}:page/alice-oncall/00000000-0000-0000-0000-000000000000"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.list_page_resolutions(PageId=ghost)
    assert info.value.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": f"Page {ghost} does not exist.",
    }


# -- IsEssential ------------------------------------------------------------------------------------------------


def _two_stages(client: Any, rotation: Rotation, alice_essential: bool) -> str:
    first = {"ContactTargetInfo": {"ContactId": rotation.alice_arn, "IsEssential": alice_essential}}
    second = {"ContactTargetInfo": {"ContactId": rotation.bob_arn, "IsEssential": True}}
    arn: str = client.create_contact(
        Alias="two-stages",
        Type="ESCALATION",
        Plan={"Stages": [{"DurationInMinutes": 5, "Targets": [first]}, {"DurationInMinutes": 0, "Targets": [second]}]},
    )["ContactArn"]
    return arn


def test_a_non_essential_contacts_acknowledgement_does_not_stop_the_plan(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    client.start_engagement(ContactId=_two_stages(client, rotation, alice_essential=False), **DRILL)
    page = emu.outbox()[0]
    client.accept_page(PageId=page["page_arn"], AcceptType="READ", AcceptCode=page["accept_code"])
    wait_for(lambda: any(m["contact_arn"] == rotation.bob_arn for m in emu.outbox()))  # stage 2 still pages bob


def test_an_essential_contacts_acknowledgement_stops_the_plan(client: Any, emu: Emulator, rotation: Rotation) -> None:
    plan = _two_stages(client, rotation, alice_essential=True)
    engagement = client.start_engagement(ContactId=plan, **DRILL)["EngagementArn"]
    page = emu.outbox()[0]
    client.accept_page(PageId=page["page_arn"], AcceptType="READ", AcceptCode=page["accept_code"])
    time.sleep(1.6)  # stage 2 was due 1.2 s after the start (5 minutes at time scale 250)
    assert {m["contact_arn"] for m in emu.outbox()} == {rotation.alice_arn}
    assert [p["ContactArn"] for p in client.list_pages_by_engagement(EngagementId=engagement)["Pages"]] == [
        rotation.alice_arn,
        rotation.alice_arn,
    ]


# -- failed sends and RetryIntervalInMinutes --------------------------------------------------------------------


def _alice_retries_sms(client: Any, rotation: Rotation, minutes: int | None) -> None:
    sms: dict[str, Any] = {"ContactChannelId": rotation.alice_sms_arn}
    if minutes is not None:
        sms["RetryIntervalInMinutes"] = minutes
    targets = [{"ChannelTargetInfo": sms}, {"ChannelTargetInfo": {"ContactChannelId": rotation.alice_email_arn}}]
    client.update_contact(ContactId=rotation.alice_arn, Plan={"Stages": [{"DurationInMinutes": 0, "Targets": targets}]})


def _receipts(client: Any, page_arn: str) -> list[str]:
    return [r["ReceiptType"] for r in client.list_page_receipts(PageId=page_arn)["Receipts"]]


def _sms_page(client: Any, engagement: str) -> str:
    """Alice's SMS page: her plan targets SMS first, and pages list in the order they were made."""
    return str(client.list_pages_by_engagement(EngagementId=engagement)["Pages"][0]["PageArn"])


def test_a_failed_send_gets_an_error_receipt_and_nothing_arrives(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    _alice_retries_sms(client, rotation, None)
    emu.set_failing_channels(["+15555550101"])
    engagement = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
    page = _sms_page(client, engagement)
    assert _receipts(client, page) == ["ERROR"]
    assert paged(emu) == [("alice-oncall", "EMAIL")]


def test_a_failed_send_is_retried_after_the_retry_interval_until_it_gets_through(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    _alice_retries_sms(client, rotation, 5)  # 5 minutes: 1.2 s at time scale 250, time enough to act first
    emu.set_failing_channels([rotation.alice_sms_arn])
    engagement = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
    page = _sms_page(client, engagement)
    assert _receipts(client, page) == ["ERROR"]
    emu.set_failing_channels([])  # the phone is back before the retry
    wait_for(lambda: _receipts(client, page) == ["ERROR", "SENT"])
    sms = [m for m in emu.outbox() if m["channel_type"] == "SMS"]
    assert [m["page_arn"] for m in sms] == [page]  # the same page, sent again


def test_a_send_that_keeps_failing_is_tried_three_times_in_all(client: Any, emu: Emulator, rotation: Rotation) -> None:
    _alice_retries_sms(client, rotation, 1)
    emu.set_failing_channels([rotation.alice_sms_arn])
    engagement = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
    page = _sms_page(client, engagement)
    wait_for(lambda: _receipts(client, page) == ["ERROR", "ERROR", "ERROR"])
    time.sleep(0.5)  # a fourth attempt would be due 0.24 s after the third
    receipts = client.list_page_receipts(PageId=page)["Receipts"]
    assert [r.get("ReceiptInfo") for r in receipts] == [
        "Delivery failed (attempt 1 of at most 3)",
        "Delivery failed (attempt 2 of at most 3)",
        "Delivery failed (attempt 3 of at most 3)",
    ]


def test_acknowledging_the_engagement_cancels_pending_retries(client: Any, emu: Emulator, rotation: Rotation) -> None:
    _alice_retries_sms(client, rotation, 5)  # 1.2 s
    emu.set_failing_channels([rotation.alice_sms_arn])
    engagement = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
    email = next(m for m in emu.outbox() if m["channel_type"] == "EMAIL")
    client.accept_page(PageId=email["page_arn"], AcceptType="READ", AcceptCode=email["accept_code"])
    emu.set_failing_channels([])
    time.sleep(1.6)  # past the retry's due time
    assert _receipts(client, _sms_page(client, engagement)) == ["ERROR"]


# -- admin ------------------------------------------------------------------------------------------------------


def _admin(emu: Emulator, method: str, name: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
    request = urllib.request.Request(f"{emu.endpoint_url}/_emulator/{name}", data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_admin_shows_rotations_with_overrides_and_who_is_on_call(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    override = put_on_call(client, rotation.oncall_rotation_arn, rotation.bob_arn)
    status, body = _admin(emu, "GET", "rotations")
    assert status == 200
    [seeded] = body["rotations"]
    assert (seeded["RotationArn"], seeded["Name"], seeded["OnCallNow"]) == (
        rotation.oncall_rotation_arn,
        "drill-weekly",
        [rotation.bob_arn],
    )
    assert [o["RotationOverrideId"] for o in seeded["Overrides"]] == [override]


def test_admin_sets_and_shows_failing_channels(emu: Emulator) -> None:
    assert _admin(emu, "POST", "failing-channels", {"channels": ["+15555550101"]}) == (
        200,
        {"channels": ["+15555550101"]},
    )
    assert _admin(emu, "GET", "failing-channels") == (200, {"channels": ["+15555550101"]})
    assert _admin(emu, "POST", "failing-channels", {"channels": "+1"}) == (
        400,
        {"message": 'Invalid failing channels: the body must be {"channels": [channel ARNs or addresses]}'},
    )
    emu.reset()
    assert _admin(emu, "GET", "failing-channels") == (200, {"channels": []})


# -- time scale -------------------------------------------------------------------------------------------------


def test_the_rotations_clock_runs_time_scale_times_faster_so_hand_offs_come_sooner() -> None:
    # At time scale 3600 an hour of rotation time passes every real second: an hourly rotation hands off
    # about once a second, as a 60-minute escalation stage would be due after a second.
    hourly = {
        "NumberOfOnCalls": 1,
        "RecurrenceMultiplier": 1,
        "DailySettings": [{"HourOfDay": h, "MinuteOfHour": 0} for h in range(24)],
    }
    with Emulator(EmulatorConfig(time_scale=3600)) as emu:
        client = emu.client()
        people = [
            client.create_contact(Alias=name, Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
            for name in ("ann", "ben")
        ]
        client.create_rotation(
            Name="hourly", ContactIds=people, TimeZoneId="UTC", Recurrence=hourly,
            StartTime=datetime.datetime(2026, 1, 1, tzinfo=UTC),
        )  # fmt: skip
        real_before, (status, before) = time.time(), _admin(emu, "GET", "rotations")
        first = before["rotations"][0]["OnCallNow"]
        wait_for(lambda: _admin(emu, "GET", "rotations")[1]["rotations"][0]["OnCallNow"] != first, timeout=5)
        real_after, (_, after) = time.time(), _admin(emu, "GET", "rotations")
        advanced = datetime.datetime.fromisoformat(after["now"]) - datetime.datetime.fromisoformat(before["now"])
        assert status == 200
        assert advanced >= datetime.timedelta(seconds=(real_after - real_before) * 3600 * 0.9)


def test_at_time_scale_one_the_rotations_clock_is_real_time() -> None:
    with Emulator(EmulatorConfig()) as emu:
        time.sleep(0.2)
        _, body = _admin(emu, "GET", "rotations")
        assert abs(datetime.datetime.fromisoformat(body["now"]) - now()) < datetime.timedelta(seconds=0.1)
