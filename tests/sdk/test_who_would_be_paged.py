"""who_would_be_paged: stages -> contacts -> channels of a seeded plan, read from the offline endpoint over HTTP."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from pulumi_incident_manager import (
    InvalidInputError,
    NotFoundError,
    PagedChannel,
    PagingPlan,
    who_would_be_paged,
    who_would_be_paged_output,
)
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import Rotation

from .conftest import RecordingMonitor

ALICE_WEEK = "2026-01-07T12:00:00Z"
"""The seeded weekly rotation starts on Monday 2026-01-05 09:00 UTC with alice; bob takes over a week later."""
BOB_WEEK = "2026-01-13T12:00:00Z"
READS = {"GetContact", "ListContactChannels", "GetRotation", "ListRotationShifts"}


pytestmark = pytest.mark.usefixtures("ssm_contacts_env")  # the functions find the endpoint through the environment


def people_and_channels(plan: PagingPlan) -> list[list[tuple[str, list[str | None]]]]:
    return [[(c.alias, [ch.type for ch in c.channels]) for c in stage.contacts] for stage in plan.stages]


def test_an_escalation_plan_resolves_stage_by_stage_to_people_and_their_channels(
    ssm_contacts_env: Emulator, rotation: Rotation
) -> None:
    before = ssm_contacts_env.request_counts()

    plan = who_would_be_paged(rotation.escalation_arn)

    assert (plan.contact_arn, plan.alias, plan.type) == (rotation.escalation_arn, "drill-escalation", "ESCALATION")
    assert people_and_channels(plan) == [
        [("alice-oncall", ["SMS", "EMAIL"])],
        [("bob-oncall", ["SMS", "EMAIL"])],
    ]
    timing = [(s.stage_index, s.starts_after_minutes, s.duration_in_minutes) for s in plan.stages]
    assert timing == [(0, 0, 5), (1, 5, 0)]
    [bob] = plan.stages[1].contacts
    assert (bob.contact_arn, bob.essential, bob.via, bob.rotation) == (rotation.bob_arn, True, [], None)
    assert bob.channels[0] == PagedChannel(rotation.bob_sms_arn, "bob-oncall-sms", "SMS", True, 5, None)
    assert plan.people == ["alice-oncall", "bob-oncall"]
    # Only reads: nothing was created, engaged or changed.
    made = {op: n - before.get(op, 0) for op, n in ssm_contacts_env.request_counts().items() if n != before.get(op, 0)}
    assert set(made) <= READS and made["GetContact"] == 3
    assert ssm_contacts_env.outbox() == []


def test_a_personal_contact_is_one_stage_of_its_own_channels(rotation: Rotation) -> None:
    plan = who_would_be_paged(rotation.alice_arn)

    assert plan.type == "PERSONAL"
    assert people_and_channels(plan) == [[("alice-oncall", ["SMS", "EMAIL"])]]
    assert [ch.channel_arn for ch in plan.stages[0].contacts[0].channels] == [
        rotation.alice_sms_arn,
        rotation.alice_email_arn,
    ]


def test_an_on_call_schedule_pages_whoever_is_on_call_at_the_time_given(rotation: Rotation) -> None:
    alice_week = who_would_be_paged(rotation.oncall_schedule_arn, at=ALICE_WEEK)
    bob_week = who_would_be_paged(rotation.oncall_schedule_arn, at=BOB_WEEK)

    assert (alice_week.type, alice_week.at) == ("ONCALL_SCHEDULE", "2026-01-07T12:00:00+00:00")
    assert people_and_channels(alice_week) == [[("alice-oncall", ["SMS", "EMAIL"])]]
    assert people_and_channels(bob_week) == [[("bob-oncall", ["SMS", "EMAIL"])]]
    [bob] = bob_week.stages[0].contacts
    assert (bob.via, bob.rotation) == (["drill-oncall"], "drill-weekly")


def test_a_schedule_inside_an_escalation_plan_is_resolved_at_the_time_given(
    ssm_contacts_env: Emulator, rotation: Rotation
) -> None:
    plan_arn = ssm_contacts_env.client().create_contact(
        Alias="oncall-then-escalation",
        Type="ESCALATION",
        Plan={
            "Stages": [
                {"DurationInMinutes": 3, "Targets": [{"ContactTargetInfo": {"ContactId": rotation.oncall_schedule_arn,
                                                                            "IsEssential": False}}]},
                {"DurationInMinutes": 0, "Targets": [{"ContactTargetInfo": {"ContactId": rotation.escalation_arn,
                                                                            "IsEssential": True}}]},
            ]
        },
    )["ContactArn"]

    plan = who_would_be_paged(plan_arn, at=BOB_WEEK)

    [on_call] = plan.stages[0].contacts
    assert (on_call.alias, on_call.essential, on_call.via, on_call.rotation) == (
        "bob-oncall", False, ["drill-oncall"], "drill-weekly"
    )
    # The nested plan's second stage pages bob 5 minutes after its own start, 3 minutes into this plan.
    assert [(c.alias, c.channels[0].after_minutes) for c in plan.stages[1].contacts] == [
        ("alice-oncall", 3),
        ("bob-oncall", 8),
    ]
    assert plan.to_text().splitlines() == [
        f"oncall-then-escalation (ESCALATION) would page, at {plan.at}:",
        "  stage 1 (+0 min, waits 3 min): bob-oncall via drill-oncall/drill-weekly (SMS, EMAIL)",
        "  stage 2 (+3 min): alice-oncall via drill-escalation (SMS, EMAIL); "
        "bob-oncall via drill-escalation (SMS +8 min, EMAIL +8 min)",
    ]


def test_a_time_without_a_zone_is_utc_and_a_bad_one_is_refused_before_any_call(
    ssm_contacts_env: Emulator, rotation: Rotation
) -> None:
    assert who_would_be_paged(rotation.oncall_schedule_arn, at="2026-01-13T12:00:00").people == ["bob-oncall"]
    before = ssm_contacts_env.request_counts()

    with pytest.raises(InvalidInputError, match="at must be an ISO 8601 time"):
        who_would_be_paged(rotation.oncall_schedule_arn, at="next tuesday")
    with pytest.raises(InvalidInputError, match="contact_id must be an ssm-contacts ARN"):
        who_would_be_paged("drill-escalation")
    assert ssm_contacts_env.request_counts() == before


def test_a_missing_contact_says_so_in_one_sentence(ssm_contacts_env: Emulator) -> None:
    with pytest.raises(NotFoundError) as raised:
        who_would_be_paged("arn:aws:ssm-contacts:us-east-1:123456789012:contact/nobody")

    assert str(raised.value).startswith("ssm-contacts:GetContact failed because contact ")
    assert raised.value.__cause__ is None


def test_the_output_form_answers_during_a_preview(
    rotation: Rotation, preview_engine: RecordingMonitor, through_the_emulator: Emulator
) -> None:
    seen: list[Any] = []

    def program() -> pulumi.Output[Any]:
        arn = pulumi.Output.from_input(rotation.oncall_schedule_arn)
        return who_would_be_paged_output(arn, at=pulumi.Output.from_input(ALICE_WEEK)).apply(seen.append)

    pulumi.runtime.test(program)()

    [plan] = seen
    assert plan.people == ["alice-oncall"]


def test_before_the_rotation_starts_nobody_is_on_call(rotation: Rotation) -> None:
    plan = who_would_be_paged(rotation.oncall_schedule_arn, at="2025-12-01T12:00:00Z")

    assert [stage.contacts for stage in plan.stages] == [[]]
    assert plan.to_text().splitlines()[1] == "  stage 1 (+0 min): nobody"


def test_a_channel_not_activated_is_shown_as_one_aws_would_skip(
    ssm_contacts_env: Emulator, rotation: Rotation
) -> None:
    client = ssm_contacts_env.client()
    voice = client.create_contact_channel(
        ContactId=rotation.alice_arn, Name="alice-oncall-voice", Type="VOICE",
        DeliveryAddress={"SimpleAddress": "+15555550101"},
    )["ContactChannelArn"]
    client.update_contact(ContactId=rotation.alice_arn, Plan={"Stages": [
        {"DurationInMinutes": 2, "Targets": [{"ChannelTargetInfo": {"ContactChannelId": rotation.alice_sms_arn}}]},
        {"DurationInMinutes": 0, "Targets": [{"ChannelTargetInfo": {"ContactChannelId": voice,
                                                                    "RetryIntervalInMinutes": 1}}]},
    ]})

    plan = who_would_be_paged(rotation.alice_arn)

    assert plan.stages[0].contacts[0].channels == [
        PagedChannel(rotation.alice_sms_arn, "alice-oncall-sms", "SMS", True, 0, None),
        PagedChannel(voice, "alice-oncall-voice", "VOICE", False, 2, 1),
    ]
    assert plan.to_text().splitlines()[1] == "  stage 1 (+0 min): alice-oncall (SMS, VOICE +2 min [not activated])"


def test_a_stage_whose_contact_was_deleted_pages_nobody_and_says_who_is_gone(
    ssm_contacts_env: Emulator, rotation: Rotation
) -> None:
    client = ssm_contacts_env.client()
    client.delete_rotation(RotationId=rotation.oncall_rotation_arn)  # bob is no rotation's member any more
    client.delete_contact(ContactId=rotation.bob_arn)  # the escalation plan's stage 2 still names him

    plan = who_would_be_paged(rotation.escalation_arn)

    assert people_and_channels(plan) == [[("alice-oncall", ["SMS", "EMAIL"])], []]
    assert (plan.stages[0].unreachable, plan.stages[1].unreachable) == ([], [rotation.bob_arn])
    assert plan.people == ["alice-oncall"]
    assert plan.to_text().splitlines()[2] == (
        "  stage 2 (+5 min): nobody (bob-oncall was deleted: not reachable)"
    )


def test_a_schedule_without_rotations_and_one_deleted_page_nobody(
    ssm_contacts_env: Emulator, rotation: Rotation
) -> None:
    client = ssm_contacts_env.client()
    client.delete_rotation(RotationId=rotation.oncall_rotation_arn)  # the schedule's only rotation
    assert people_and_channels(who_would_be_paged(rotation.oncall_schedule_arn)) == [[]]
    plan_arn = client.create_contact(
        Alias="schedule-then-alice",
        Type="ESCALATION",
        Plan={"Stages": [
            {"DurationInMinutes": 1, "Targets": [{"ContactTargetInfo": {"ContactId": rotation.oncall_schedule_arn,
                                                                        "IsEssential": True}}]},
            {"DurationInMinutes": 0, "Targets": [{"ContactTargetInfo": {"ContactId": rotation.alice_arn,
                                                                        "IsEssential": True}}]},
        ]},
    )["ContactArn"]
    client.delete_contact(ContactId=rotation.oncall_schedule_arn)

    plan = who_would_be_paged(plan_arn)

    assert people_and_channels(plan) == [[], [("alice-oncall", ["SMS", "EMAIL"])]]
    assert plan.stages[0].unreachable == [rotation.oncall_schedule_arn]
    assert plan.to_text().splitlines()[1] == (
        "  stage 1 (+0 min, waits 1 min): nobody (drill-oncall was deleted: not reachable)"
    )
