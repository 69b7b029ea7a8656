"""Rotations, overrides and shifts through boto3 (and the AWS CLI) over HTTP."""

from __future__ import annotations

import datetime
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ssm_contacts_emulator import Emulator, Rotation

from .support import ARN

UTC = datetime.UTC
MONDAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WEEKLY = {
    "NumberOfOnCalls": 1,
    "RecurrenceMultiplier": 1,
    "WeeklySettings": [{"DayOfWeek": "MON", "HandOffTime": {"HourOfDay": 9, "MinuteOfHour": 0}}],
}


def days(n: float) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def create(client: Any, rotation: Rotation, **more: Any) -> str:
    params = {
        "Name": "primary",
        "ContactIds": [rotation.alice_arn, rotation.bob_arn],
        "StartTime": MONDAY,
        "TimeZoneId": "UTC",
        "Recurrence": WEEKLY,
        **more,
    }
    arn: str = client.create_rotation(**params)["RotationArn"]
    return arn


def shifts(client: Any, arn: str, start: datetime.datetime, end: datetime.datetime) -> list[tuple[Any, ...]]:
    found = client.list_rotation_shifts(RotationId=arn, StartTime=start, EndTime=end)["RotationShifts"]
    return [(s["StartTime"], s["EndTime"], s["ContactIds"], s["Type"]) for s in found]


def error(info: pytest.ExceptionInfo[Any]) -> dict[str, str]:
    return dict(info.value.response["Error"])


# -- CRUD -------------------------------------------------------------------------------------------------------


def test_create_rotation_returns_an_arn_that_get_rotation_describes(client: Any, rotation: Rotation) -> None:
    arn = create(client, rotation, TimeZoneId="Europe/Paris")
    assert arn.startswith(f"{ARN}:rotation/")
    got = client.get_rotation(RotationId=arn)
    assert {k: v for k, v in got.items() if k != "ResponseMetadata"} == {
        "RotationArn": arn,
        "Name": "primary",
        "ContactIds": [rotation.alice_arn, rotation.bob_arn],
        "StartTime": MONDAY,
        "TimeZoneId": "Europe/Paris",
        "Recurrence": WEEKLY,
    }


def test_a_rotation_without_start_time_starts_when_it_is_created(client: Any, rotation: Rotation) -> None:
    before = datetime.datetime.now(UTC).replace(microsecond=0)
    arn = client.create_rotation(Name="now", ContactIds=[rotation.alice_arn], TimeZoneId="UTC", Recurrence=WEEKLY)[
        "RotationArn"
    ]
    start = client.get_rotation(RotationId=arn)["StartTime"]
    assert before <= start <= datetime.datetime.now(UTC)


def test_create_rotation_with_the_same_idempotency_token_returns_the_same_rotation(
    client: Any, rotation: Rotation
) -> None:
    first = create(client, rotation, IdempotencyToken="rot-1")
    assert create(client, rotation, IdempotencyToken="rot-1") == first
    assert len(client.list_rotations()["Rotations"]) == 2  # the seeded one and this one


def test_list_rotations_filters_by_name_prefix_in_name_order_and_paginates(client: Any, rotation: Rotation) -> None:
    for name in ("db-secondary", "web", "db-primary"):
        create(client, rotation, Name=name)
    assert [r["Name"] for r in client.list_rotations()["Rotations"]] == [
        "db-primary",
        "db-secondary",
        "drill-weekly",
        "web",
    ]
    assert [r["Name"] for r in client.list_rotations(RotationNamePrefix="db-")["Rotations"]] == [
        "db-primary",
        "db-secondary",
    ]
    pages = list(client.get_paginator("list_rotations").paginate(PaginationConfig={"PageSize": 3}))
    assert [len(p["Rotations"]) for p in pages] == [3, 1]


def test_update_rotation_changes_members_time_zone_start_and_recurrence(client: Any, rotation: Rotation) -> None:
    arn = create(client, rotation)
    daily = {"NumberOfOnCalls": 1, "RecurrenceMultiplier": 1, "DailySettings": [{"HourOfDay": 8, "MinuteOfHour": 0}]}
    client.update_rotation(
        RotationId=arn, ContactIds=[rotation.bob_arn], TimeZoneId="Asia/Tokyo", StartTime=MONDAY + days(1),
        Recurrence=daily,
    )  # fmt: skip
    got = client.get_rotation(RotationId=arn)
    assert (got["ContactIds"], got["TimeZoneId"], got["StartTime"], got["Recurrence"]) == (
        [rotation.bob_arn],
        "Asia/Tokyo",
        MONDAY + days(1),
        daily,
    )


def test_delete_rotation_removes_it_and_its_overrides(client: Any, rotation: Rotation) -> None:
    arn = create(client, rotation)
    override = client.create_rotation_override(
        RotationId=arn, NewContactIds=[rotation.bob_arn], StartTime=MONDAY, EndTime=MONDAY + days(1)
    )["RotationOverrideId"]
    client.delete_rotation(RotationId=arn)
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.get_rotation(RotationId=arn)
    assert error(info) == {"Code": "ResourceNotFoundException", "Message": f"Rotation {arn} does not exist."}
    assert (info.value.response["ResourceType"], info.value.response["ResourceId"]) == ("ROTATION", arn)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_rotation_override(RotationId=arn, RotationOverrideId=override)


def test_a_contact_in_a_rotation_cannot_be_deleted(client: Any, rotation: Rotation) -> None:
    client.delete_contact(ContactId=rotation.escalation_arn)
    with pytest.raises(client.exceptions.ConflictException) as info:
        client.delete_contact(ContactId=rotation.bob_arn)
    assert error(info) == {
        "Code": "ConflictException",
        "Message": f"Contact {rotation.bob_arn} is a member of rotation {rotation.oncall_rotation_arn}: "
        "remove it from those rotations first.",
    }


def test_rotations_take_tags(client: Any, rotation: Rotation) -> None:
    arn = create(client, rotation, Tags=[{"Key": "team", "Value": "db"}])
    client.tag_resource(ResourceARN=arn, Tags=[{"Key": "tier", "Value": "1"}])
    client.untag_resource(ResourceARN=arn, TagKeys=["team"])
    assert client.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "tier", "Value": "1"}]


# -- errors -----------------------------------------------------------------------------------------------------


def test_rotation_members_must_be_existing_personal_contacts_named_once(client: Any, rotation: Rotation) -> None:
    ghost = f"{ARN}:contact/ghost"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        create(client, rotation, ContactIds=[rotation.alice_arn, ghost])
    assert error(info) == {"Code": "ResourceNotFoundException", "Message": f"Contact {ghost} does not exist."}
    with pytest.raises(client.exceptions.ValidationException) as info:
        create(client, rotation, ContactIds=[rotation.escalation_arn])
    assert error(info) == {
        "Code": "ValidationException",
        "Message": "ContactIds[0]: only PERSONAL contacts can be rotation members, "
        f"not ESCALATION {rotation.escalation_arn}.",
    }
    with pytest.raises(client.exceptions.ValidationException) as info:
        create(client, rotation, ContactIds=[rotation.alice_arn, rotation.alice_arn])
    assert error(info)["Message"] == "ContactIds names a contact more than once."


def test_an_unknown_time_zone_is_refused(client: Any, rotation: Rotation) -> None:
    with pytest.raises(client.exceptions.ValidationException) as info:
        create(client, rotation, TimeZoneId="Mars/Olympus_Mons")
    assert error(info) == {
        "Code": "ValidationException",
        "Message": "TimeZoneId: Member must be an IANA time zone such as America/Los_Angeles or UTC, "
        "not 'Mars/Olympus_Mons'",
    }
    assert info.value.response["Fields"] == [
        {
            "Name": "TimeZoneId",
            "Message": "Member must be an IANA time zone such as America/Los_Angeles or UTC, not 'Mars/Olympus_Mons'",
        }
    ]


def test_a_recurrence_needs_exactly_one_kind_of_settings_and_enough_members(client: Any, rotation: Rotation) -> None:
    with pytest.raises(client.exceptions.ValidationException) as info:
        create(client, rotation, Recurrence={"NumberOfOnCalls": 1, "RecurrenceMultiplier": 1})
    assert error(info)["Message"] == (
        "Recurrence: Member must have exactly one of DailySettings, WeeklySettings, MonthlySettings"
    )
    with pytest.raises(client.exceptions.ValidationException) as info:
        create(client, rotation, Recurrence={**WEEKLY, "NumberOfOnCalls": 3})
    assert error(info)["Message"] == (
        "Recurrence.NumberOfOnCalls: Member must be at most the number of rotation members (2), got 3"
    )


def test_the_model_bounds_recurrence_settings(unvalidated: Any, rotation: Rotation) -> None:
    with pytest.raises(unvalidated.exceptions.ValidationException) as info:
        create(unvalidated, rotation, Recurrence={**WEEKLY, "RecurrenceMultiplier": 101})
    assert info.value.response["Fields"] == [
        {"Name": "Recurrence.RecurrenceMultiplier", "Message": "Member must have value less than or equal to 100"}
    ]


def test_operations_on_a_missing_rotation_answer_resource_not_found(client: Any) -> None:
    ghost = f"{ARN}:rotation/00000000-0000-0000-0000-000000000000"
    for call in (
        lambda: client.get_rotation(RotationId=ghost),
        lambda: client.update_rotation(RotationId=ghost, Recurrence=WEEKLY),
        lambda: client.delete_rotation(RotationId=ghost),
        lambda: client.list_rotation_shifts(RotationId=ghost, EndTime=MONDAY),
        lambda: client.create_rotation_override(
            RotationId=ghost, NewContactIds=[], StartTime=MONDAY, EndTime=MONDAY + days(1)
        ),
    ):
        with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
            call()
        assert error(info) == {"Code": "ResourceNotFoundException", "Message": f"Rotation {ghost} does not exist."}


# -- overrides --------------------------------------------------------------------------------------------------


def test_an_override_is_stored_listed_and_deleted(client: Any, rotation: Rotation) -> None:
    arn = create(client, rotation)
    override = client.create_rotation_override(
        RotationId=arn, NewContactIds=[rotation.bob_arn], StartTime=MONDAY + days(2), EndTime=MONDAY + days(3)
    )["RotationOverrideId"]
    got = client.get_rotation_override(RotationId=arn, RotationOverrideId=override)
    assert (got["RotationArn"], got["NewContactIds"], got["StartTime"], got["EndTime"]) == (
        arn,
        [rotation.bob_arn],
        MONDAY + days(2),
        MONDAY + days(3),
    )
    listed = client.list_rotation_overrides(RotationId=arn, StartTime=MONDAY, EndTime=MONDAY + days(7))
    assert [o["RotationOverrideId"] for o in listed["RotationOverrides"]] == [override]
    outside = client.list_rotation_overrides(RotationId=arn, StartTime=MONDAY + days(3), EndTime=MONDAY + days(7))
    assert outside["RotationOverrides"] == []  # ranges are half-open: [start, end)
    client.delete_rotation_override(RotationId=arn, RotationOverrideId=override)
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.get_rotation_override(RotationId=arn, RotationOverrideId=override)
    assert error(info) == {
        "Code": "ResourceNotFoundException",
        "Message": f"Rotation override {override} does not exist.",
    }
    assert info.value.response["ResourceType"] == "ROTATION_OVERRIDE"


def test_an_override_must_end_after_it_starts(client: Any, rotation: Rotation) -> None:
    arn = create(client, rotation)
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.create_rotation_override(RotationId=arn, NewContactIds=[], StartTime=MONDAY, EndTime=MONDAY)
    assert error(info) == {"Code": "ValidationException", "Message": "EndTime must be after StartTime."}
    assert info.value.response["Fields"] == [{"Name": "EndTime", "Message": "Member must be after StartTime"}]


def test_deleting_a_missing_override_answers_resource_not_found(client: Any, rotation: Rotation) -> None:
    ghost = "00000000-0000-0000-0000-000000000000"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.delete_rotation_override(RotationId=rotation.oncall_rotation_arn, RotationOverrideId=ghost)
    assert error(info) == {"Code": "ResourceNotFoundException", "Message": f"Rotation override {ghost} does not exist."}


def test_an_override_of_another_rotation_is_not_found_through_this_one(client: Any, rotation: Rotation) -> None:
    other = create(client, rotation)
    override = client.create_rotation_override(
        RotationId=other, NewContactIds=[], StartTime=MONDAY, EndTime=MONDAY + days(1)
    )["RotationOverrideId"]
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_rotation_override(RotationId=rotation.oncall_rotation_arn, RotationOverrideId=override)


def test_list_rotation_overrides_needs_an_end_after_the_start(client: Any, rotation: Rotation) -> None:
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.list_rotation_overrides(RotationId=rotation.oncall_rotation_arn, StartTime=MONDAY, EndTime=MONDAY)
    assert error(info) == {"Code": "ValidationException", "Message": "EndTime must be after StartTime."}


def test_list_rotations_refuses_a_token_it_did_not_issue(client: Any) -> None:
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.list_rotations(NextToken="bm90LWEtdG9rZW4=")
    assert error(info)["Message"] == (
        "NextToken is not a token this endpoint issued: pass the NextToken of the previous response."
    )


# -- shifts -----------------------------------------------------------------------------------------------------


def test_list_rotation_shifts_shows_whose_turn_it_is_with_overrides(client: Any, rotation: Rotation) -> None:
    # Worked by hand: alice has the week from Monday 09:00, bob the next; carol... is not a member, but an
    # override may name anyone: bob covers alice on Wednesday.
    arn = create(client, rotation)
    client.create_rotation_override(
        RotationId=arn, NewContactIds=[rotation.bob_arn], StartTime=MONDAY + days(2), EndTime=MONDAY + days(3)
    )
    found = client.list_rotation_shifts(RotationId=arn, StartTime=MONDAY, EndTime=MONDAY + days(8))
    assert [
        (s["StartTime"], s["EndTime"], s["ContactIds"], s["Type"], s.get("ShiftDetails"))
        for s in found["RotationShifts"]
    ] == [
        (MONDAY, MONDAY + days(2), [rotation.alice_arn], "REGULAR", None),
        (MONDAY + days(2), MONDAY + days(3), [rotation.bob_arn], "OVERRIDDEN",
         {"OverriddenContactIds": [rotation.alice_arn]}),
        (MONDAY + days(3), MONDAY + days(7), [rotation.alice_arn], "REGULAR", None),
        (MONDAY + days(7), MONDAY + days(14), [rotation.bob_arn], "REGULAR", None),
    ]  # fmt: skip


def test_list_rotation_shifts_paginates(client: Any, rotation: Rotation) -> None:
    arn = create(client, rotation)
    paginator = client.get_paginator("list_rotation_shifts")
    pages = list(
        paginator.paginate(
            RotationId=arn, StartTime=MONDAY, EndTime=MONDAY + days(35), PaginationConfig={"PageSize": 2}
        )
    )
    assert [len(p["RotationShifts"]) for p in pages] == [2, 2, 1]
    every = [s["StartTime"] for p in pages for s in p["RotationShifts"]]
    assert every == [MONDAY + days(7 * i) for i in range(5)]


def test_list_rotation_shifts_needs_an_end_after_the_start(client: Any, rotation: Rotation) -> None:
    arn = create(client, rotation)
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.list_rotation_shifts(RotationId=arn, StartTime=MONDAY, EndTime=MONDAY - days(1))
    assert error(info) == {"Code": "ValidationException", "Message": "EndTime must be after StartTime."}


def test_list_rotation_shifts_starts_now_when_no_start_time_is_given(client: Any, rotation: Rotation) -> None:
    before = datetime.datetime.now(UTC)  # the rotations' clock runs ahead of it (time scale 250), never behind
    found = client.list_rotation_shifts(RotationId=rotation.oncall_rotation_arn, EndTime=before + days(30))
    first = found["RotationShifts"][0]
    assert first["StartTime"] <= before + days(7) and first["EndTime"] > before  # the week under way
    assert all(s["StartTime"] == p["EndTime"] for p, s in itertools.pairwise(found["RotationShifts"]))


def test_preview_computes_the_same_shifts_as_the_stored_rotation(client: Any, rotation: Rotation) -> None:
    recurrence = {
        "NumberOfOnCalls": 1,
        "RecurrenceMultiplier": 2,
        "DailySettings": [{"HourOfDay": 7, "MinuteOfHour": 30}],
        "ShiftCoverages": {
            "SAT": [{"Start": {"HourOfDay": 10, "MinuteOfHour": 0}, "End": {"HourOfDay": 0, "MinuteOfHour": 0}}]
        },
    }
    members = [rotation.alice_arn, rotation.bob_arn]
    arn = create(client, rotation, Recurrence=recurrence, TimeZoneId="America/New_York", ContactIds=members)
    window = {"StartTime": MONDAY, "EndTime": MONDAY + days(40)}
    override = {"StartTime": MONDAY + days(12), "EndTime": MONDAY + days(13)}
    client.create_rotation_override(RotationId=arn, NewContactIds=[rotation.bob_arn], **override)
    stored = client.list_rotation_shifts(RotationId=arn, **window)["RotationShifts"]
    preview = client.list_preview_rotation_shifts(
        RotationStartTime=MONDAY, Members=members, TimeZoneId="America/New_York", Recurrence=recurrence,
        Overrides=[{"NewMembers": [rotation.bob_arn], **override}], **window,
    )["RotationShifts"]  # fmt: skip
    assert stored == preview
    assert len(stored) >= 5 and any(s["Type"] == "OVERRIDDEN" for s in stored)


def test_preview_returns_member_names_as_given(client: Any) -> None:
    # AWS's own CLI example previews with plain names ("Pat", "Ming"): they come back as given.
    found = client.list_preview_rotation_shifts(
        RotationStartTime=MONDAY, StartTime=MONDAY, EndTime=MONDAY + days(14), Members=["Pat", "Ming"],
        TimeZoneId="UTC", Recurrence=WEEKLY,
    )["RotationShifts"]  # fmt: skip
    assert [s["ContactIds"] for s in found] == [["Pat"], ["Ming"]]


def test_preview_overrides_need_a_start_and_an_end(client: Any) -> None:
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.list_preview_rotation_shifts(
            StartTime=MONDAY, EndTime=MONDAY + days(1), Members=["Pat"], TimeZoneId="UTC", Recurrence=WEEKLY,
            Overrides=[{"NewMembers": ["Ming"]}],
        )  # fmt: skip
    assert error(info) == {"Code": "ValidationException", "Message": "Overrides[0] needs StartTime and EndTime."}


def test_a_range_too_long_to_compute_is_refused(client: Any) -> None:
    hourly = {"NumberOfOnCalls": 1, "RecurrenceMultiplier": 1,
              "DailySettings": [{"HourOfDay": h, "MinuteOfHour": 0} for h in range(24)]}  # fmt: skip
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.list_preview_rotation_shifts(
            RotationStartTime=MONDAY, StartTime=MONDAY, EndTime=MONDAY + days(365 * 12), Members=["Pat"],
            TimeZoneId="UTC", Recurrence=hourly,
        )  # fmt: skip
    assert error(info)["Message"] == (
        "The time range reaches more than 100000 hand-offs past the rotation's start: ask for a shorter range."
    )


# -- the AWS CLI ------------------------------------------------------------------------------------------------


@pytest.fixture
def aws_cli(emu: Emulator, tmp_path: Path) -> Any:
    """Run ``aws ssm-contacts <args> --output json`` (the venv's AWS CLI) against the emulator; its parsed answer."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        **emu.env(),
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    aws = [os.path.join(os.path.dirname(sys.executable), "aws")]
    if not os.path.exists(aws[0]):
        aws = [sys.executable, "-m", "awscli"]

    def run(*args: str) -> Any:
        done = subprocess.run([*aws, "ssm-contacts", *args, "--output", "json"], env=env, capture_output=True,
                              text=True, check=True, timeout=60)  # fmt: skip
        return json.loads(done.stdout) if done.stdout.strip() else None

    return run


def test_the_aws_cli_creates_a_rotation_and_lists_its_shifts(emu: Emulator, rotation: Rotation, aws_cli: Any) -> None:
    run = aws_cli
    created = run(
        "create-rotation", "--name", "cli-weekly",
        "--contact-ids", rotation.alice_arn, rotation.bob_arn,
        "--start-time", "2026-03-02T09:00:00Z", "--time-zone-id", "UTC",
        "--recurrence", json.dumps(WEEKLY),
    )  # fmt: skip
    arn = created["RotationArn"]
    listed = run(
        "list-rotation-shifts", "--rotation-id", arn,
        "--start-time", "2026-03-02T09:00:00Z", "--end-time", "2026-03-16T09:00:00Z",
    )  # fmt: skip
    assert [s["ContactIds"] for s in listed["RotationShifts"]] == [[rotation.alice_arn], [rotation.bob_arn]]
    assert run("get-rotation", "--rotation-id", arn)["Name"] == "cli-weekly"
    assert run("delete-rotation", "--rotation-id", arn) is None
    assert emu.request_counts()["CreateRotation"] == 2  # the seed's and the CLI's


def test_the_aws_cli_drives_overrides_previews_activation_policies_and_resolutions(
    client: Any, emu: Emulator, rotation: Rotation, aws_cli: Any
) -> None:
    run = aws_cli
    preview = run(
        "list-preview-rotation-shifts", "--rotation-start-time", "2026-03-02T09:00:00Z",
        "--start-time", "2026-03-02T09:00:00Z", "--end-time", "2026-03-16T09:00:00Z",
        "--members", "Pat", "Ming", "--time-zone-id", "UTC", "--recurrence", json.dumps(WEEKLY),
    )  # fmt: skip
    assert [s["ContactIds"] for s in preview["RotationShifts"]] == [["Pat"], ["Ming"]]
    override = run(
        "create-rotation-override", "--rotation-id", rotation.oncall_rotation_arn,
        "--new-contact-ids", rotation.bob_arn,
        "--start-time", "2026-03-03T00:00:00Z", "--end-time", "2026-03-04T00:00:00Z",
    )["RotationOverrideId"]  # fmt: skip
    listed = run(
        "list-rotation-overrides", "--rotation-id", rotation.oncall_rotation_arn,
        "--start-time", "2026-03-01T00:00:00Z", "--end-time", "2026-03-31T00:00:00Z",
    )  # fmt: skip
    assert [o["RotationOverrideId"] for o in listed["RotationOverrides"]] == [override]
    run("update-contact-channel", "--contact-channel-id", rotation.bob_sms_arn,
        "--delivery-address", "SimpleAddress=+15555550133")  # fmt: skip
    run("send-activation-code", "--contact-channel-id", rotation.bob_sms_arn)
    code = emu.outbox()[-1]["activation_code"]
    run("activate-contact-channel", "--contact-channel-id", rotation.bob_sms_arn, "--activation-code", code)
    policy = json.dumps({"Statement": [{"Effect": "Allow"}]})
    run("put-contact-policy", "--contact-arn", rotation.bob_arn, "--policy", policy)
    assert run("get-contact-policy", "--contact-arn", rotation.bob_arn)["Policy"] == policy
    client.start_engagement(ContactId=rotation.alice_arn, Sender="cli", Subject="s", Content="c")
    page = emu.outbox()[-1]["page_arn"]
    resolved = run("list-page-resolutions", "--page-id", page)
    assert resolved["PageResolutions"] == [{"ContactArn": rotation.alice_arn, "Type": "PERSONAL", "StageIndex": 0}]
    assert client.get_contact_channel(ContactChannelId=rotation.bob_sms_arn)["ActivationStatus"] == "ACTIVATED"
