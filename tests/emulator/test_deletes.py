"""Deletes in use, as the API reference documents them: DeleteRotation takes the rotation out of every on-call
schedule; DeleteContact deletes a contact that escalation plans name, which keep naming it and reach nobody there.
Everything that reads those dangling references (engagements, the scheduler, simulated responders, resolutions,
shifts) answers without an error."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest

from ssm_contacts_emulator import Emulator, Responder, Rotation

from .support import DRILL, wait_for

STAGE_SECONDS = 1.2
"""Five plan minutes (the seeded plan's wait before stage 2) at the tests' time scale."""


def stage(contact_arn: str, minutes: int = 0) -> dict[str, Any]:
    return {"DurationInMinutes": minutes, "Targets": [{"ContactTargetInfo": {"ContactId": contact_arn,
                                                                             "IsEssential": True}}]}


def paged(emu: Emulator, engagement: str | None = None) -> list[str]:
    """The aliases paged (one entry per page), oldest first."""
    return [o["contact_arn"].rsplit("/", 1)[1] for o in emu.outbox()
            if o["kind"] == "PAGE" and engagement in (None, o["engagement_arn"])]


def schedule_of(client: Any, alias: str, rotation_ids: list[str]) -> str:
    arn: str = client.create_contact(Alias=alias, Type="ONCALL_SCHEDULE", Plan={"RotationIds": rotation_ids})[
        "ContactArn"
    ]
    return arn


def weekly(client: Any, rotation: Rotation, name: str) -> str:
    arn: str = client.create_rotation(
        Name=name, ContactIds=[rotation.bob_arn, rotation.alice_arn], TimeZoneId="UTC",
        StartTime=datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC),
        Recurrence={"NumberOfOnCalls": 1, "RecurrenceMultiplier": 1,
                    "WeeklySettings": [{"DayOfWeek": "MON", "HandOffTime": {"HourOfDay": 9, "MinuteOfHour": 0}}]},
    )["RotationArn"]
    return arn


# -- DeleteRotation ---------------------------------------------------------------------------------------------


def test_deleting_a_rotation_takes_it_out_of_every_on_call_schedule(client: Any, rotation: Rotation) -> None:
    other = weekly(client, rotation, "other-weekly")
    second = schedule_of(client, "second-oncall", [rotation.oncall_rotation_arn, other])
    client.create_rotation_override(
        RotationId=rotation.oncall_rotation_arn, NewContactIds=[rotation.bob_arn],
        StartTime=datetime.datetime(2026, 1, 6, tzinfo=datetime.UTC),
        EndTime=datetime.datetime(2026, 1, 7, tzinfo=datetime.UTC),
    )

    client.delete_rotation(RotationId=rotation.oncall_rotation_arn)

    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_rotation(RotationId=rotation.oncall_rotation_arn)
    assert client.get_contact(ContactId=second)["Plan"] == {"Stages": [], "RotationIds": [other]}
    # The seeded schedule had no other rotation: it stays, with none.
    assert client.get_contact(ContactId=rotation.oncall_schedule_arn)["Plan"] == {"Stages": [], "RotationIds": []}
    assert [r["Name"] for r in client.list_rotations()["Rotations"]] == ["other-weekly"]


def test_a_schedule_left_without_rotations_is_engaged_and_pages_nobody(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    client.delete_rotation(RotationId=rotation.oncall_rotation_arn)
    plan = client.create_contact(
        Alias="schedule-then-bob", Type="ESCALATION",
        Plan={"Stages": [stage(rotation.oncall_schedule_arn), stage(rotation.bob_arn)]},
    )["ContactArn"]

    alone = client.start_engagement(ContactId=rotation.oncall_schedule_arn, **DRILL)["EngagementArn"]
    through = client.start_engagement(ContactId=plan, **DRILL)["EngagementArn"]

    assert client.describe_engagement(EngagementId=alone)["ContactArn"] == rotation.oncall_schedule_arn
    assert client.list_pages_by_engagement(EngagementId=alone)["Pages"] == []
    assert paged(emu, alone) == []
    assert paged(emu, through) == ["bob-oncall", "bob-oncall"]  # the plan goes on: SMS and EMAIL of stage 2
    # UpdateContact keeps its rule: a schedule needs a rotation to be given one.
    with pytest.raises(client.exceptions.ValidationException, match=r"Plan\.RotationIds"):
        client.update_contact(ContactId=rotation.oncall_schedule_arn, Plan={"RotationIds": []})


# -- DeleteContact ----------------------------------------------------------------------------------------------


def test_a_contact_an_escalation_plan_names_is_deleted_and_the_plan_still_names_it(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    client.delete_rotation(RotationId=rotation.oncall_rotation_arn)  # bob is no rotation's member any more
    before = client.get_contact(ContactId=rotation.escalation_arn)

    client.delete_contact(ContactId=rotation.bob_arn)

    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_contact(ContactId=rotation.bob_arn)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_contact_channel(ContactChannelId=rotation.bob_sms_arn)
    # "deleting a contact does not remove it from escalation plans": GetContact lists the target as before.
    after = client.get_contact(ContactId=rotation.escalation_arn)
    assert after == {**before, "ResponseMetadata": after["ResponseMetadata"]}
    assert after["Plan"]["Stages"][1]["Targets"][0]["ContactTargetInfo"]["ContactId"] == rotation.bob_arn


def test_an_engagement_pages_nobody_at_a_stage_whose_contact_is_deleted(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    client.delete_rotation(RotationId=rotation.oncall_rotation_arn)
    client.delete_contact(ContactId=rotation.bob_arn)

    engagement = client.start_engagement(ContactId=rotation.escalation_arn, **DRILL)["EngagementArn"]
    time.sleep(STAGE_SECONDS + 0.5)  # past stage 2, which names bob

    assert paged(emu, engagement) == ["alice-oncall", "alice-oncall"]
    pages = client.list_pages_by_engagement(EngagementId=engagement)["Pages"]
    assert {p["ContactArn"] for p in pages} == {rotation.alice_arn}
    assert emu.requests()[-1]["status"] == 200


def test_an_on_call_schedule_an_escalation_plan_names_is_deleted_and_reaches_nobody(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    plan = client.create_contact(
        Alias="schedule-first", Type="ESCALATION",
        Plan={"Stages": [stage(rotation.oncall_schedule_arn, 1), stage(rotation.alice_arn)]},
    )["ContactArn"]

    client.delete_contact(ContactId=rotation.oncall_schedule_arn)

    assert client.get_contact(ContactId=plan)["Plan"]["Stages"][0]["Targets"] == [
        {"ContactTargetInfo": {"ContactId": rotation.oncall_schedule_arn, "IsEssential": True}}
    ]
    engagement = client.start_engagement(ContactId=plan, **DRILL)["EngagementArn"]
    wait_for(lambda: paged(emu, engagement))
    assert paged(emu, engagement) == ["alice-oncall", "alice-oncall"]  # stage 2 only: stage 1 reached nobody


def test_a_contact_deleted_while_its_engagement_escalates_is_not_paged_and_the_scheduler_goes_on(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    client.delete_rotation(RotationId=rotation.oncall_rotation_arn)
    first = client.start_engagement(ContactId=rotation.escalation_arn, **DRILL)["EngagementArn"]
    client.delete_contact(ContactId=rotation.bob_arn)  # before stage 2 is due
    second = client.start_engagement(ContactId=rotation.escalation_arn, **DRILL)["EngagementArn"]
    time.sleep(STAGE_SECONDS + 0.5)

    assert paged(emu, first) == paged(emu, second) == ["alice-oncall", "alice-oncall"]
    # The scheduler is alive: a later engagement's later stage is still sent.
    later = client.create_contact(
        Alias="alice-later", Type="ESCALATION",
        Plan={"Stages": [{"DurationInMinutes": 1, "Targets": []}, stage(rotation.alice_arn)]},
    )["ContactArn"]
    engagement = client.start_engagement(ContactId=later, **DRILL)["EngagementArn"]
    wait_for(lambda: paged(emu, engagement))


def test_pages_of_deleted_contacts_still_resolve_and_their_answers_still_come(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    emu.set_responders([Responder.parse("bob-oncall:EMAIL:2m")])
    engagement = client.start_engagement(ContactId=rotation.escalation_arn, **DRILL)["EngagementArn"]
    wait_for(lambda: "bob-oncall" in paged(emu, engagement))
    bob_email = next(o["page_arn"] for o in emu.outbox() if o["channel_arn"] == rotation.bob_email_arn)
    # Bob's answer is due two plan minutes after his page: delete him, and the plan, before it comes.
    client.delete_rotation(RotationId=rotation.oncall_rotation_arn)
    client.delete_contact(ContactId=rotation.bob_arn)
    client.delete_contact(ContactId=rotation.escalation_arn)

    receipts = wait_for(lambda: [r["ReceiptType"] for r in
                                 client.list_page_receipts(PageId=bob_email)["Receipts"] if r["ReceiptType"] == "READ"])
    assert receipts == ["READ"]
    assert client.list_page_resolutions(PageId=bob_email)["PageResolutions"] == [
        {"ContactArn": rotation.escalation_arn, "Type": "ESCALATION", "StageIndex": 1},
        {"ContactArn": rotation.bob_arn, "Type": "PERSONAL", "StageIndex": 0},
    ]
    assert client.describe_page(PageId=bob_email)["ContactArn"] == rotation.bob_arn
    assert len(client.list_pages_by_engagement(EngagementId=engagement)["Pages"]) == 4
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.list_pages_by_contact(ContactId=rotation.bob_arn)


def test_a_deleted_contact_an_override_puts_on_call_is_listed_in_shifts_and_paged_nowhere(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    carol = client.create_contact(Alias="carol-oncall", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
    # Far wider than the test runs, whatever the rotations' clock (sped up like the stages) says now.
    start, end = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), datetime.datetime(2036, 1, 1, tzinfo=datetime.UTC)
    client.create_rotation_override(
        RotationId=rotation.oncall_rotation_arn, NewContactIds=[carol], StartTime=start, EndTime=end
    )
    client.delete_contact(ContactId=carol)  # in an override only, not a member: nothing holds it back

    shifts = client.list_rotation_shifts(
        RotationId=rotation.oncall_rotation_arn, EndTime=end - datetime.timedelta(days=1), MaxResults=3
    )["RotationShifts"]
    assert [s["ContactIds"] for s in shifts] == [[carol]] * 3
    assert emu.rotations()[0]["OnCallNow"] == [carol]
    engagement = client.start_engagement(ContactId=rotation.oncall_schedule_arn, **DRILL)["EngagementArn"]
    assert paged(emu, engagement) == []
