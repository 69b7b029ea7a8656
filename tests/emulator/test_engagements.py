"""Engagements: start (pages, escalation stages, idempotency), describe, list, stop."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest

from ssm_contacts_emulator import Emulator, EmulatorConfig, Rotation

from .support import ARN, DRILL, remove_oncall_schedule, wait_for


def test_engaging_a_personal_contact_pages_each_activated_channel_of_its_plan(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    arn = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
    assert arn.startswith(f"{ARN}:engagement/alice-oncall/")
    outbox = emu.outbox()
    assert [(o["channel_arn"], o["channel_type"], o["address"]) for o in outbox] == [
        (rotation.alice_sms_arn, "SMS", "+15555550101"),
        (rotation.alice_email_arn, "EMAIL", "alice@example.com"),
    ]
    sms, email = outbox
    # SMS is not a secure channel: it only ever gets the public texts.
    assert (sms["subject"], sms["content"]) == ("Drill", "Drill page: check your email.")
    assert (email["subject"], email["content"]) == (DRILL["Subject"], DRILL["Content"])
    for entry in outbox:
        assert entry["engagement_arn"] == arn
        assert entry["contact_arn"] == rotation.alice_arn
        assert entry["page_arn"].startswith(f"{ARN}:page/alice-oncall/")
        assert entry["accept_code"].isdigit() and len(entry["accept_code"]) == 6
        assert datetime.datetime.fromisoformat(entry["sent_at"]).tzinfo is not None


def test_describe_engagement_returns_what_was_started(client: Any, rotation: Rotation) -> None:
    arn = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
    got = client.describe_engagement(EngagementId=arn)
    assert {k: got[k] for k in ("ContactArn", "EngagementArn", *DRILL)} == {
        "ContactArn": rotation.alice_arn,
        "EngagementArn": arn,
        **DRILL,
    }
    assert isinstance(got["StartTime"], datetime.datetime)
    assert "StopTime" not in got


def test_channels_not_activated_are_not_paged(client: Any, emu: Emulator, rotation: Rotation) -> None:
    client.deactivate_contact_channel(ContactChannelId=rotation.alice_sms_arn)
    client.start_engagement(ContactId=rotation.alice_arn, **DRILL)
    assert [o["channel_type"] for o in emu.outbox()] == ["EMAIL"]


def test_an_escalation_plan_pages_stage_one_at_once_and_stage_two_after_its_delay(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    arn = client.start_engagement(ContactId=rotation.escalation_arn, **DRILL)["EngagementArn"]
    assert arn.startswith(f"{ARN}:engagement/drill-escalation/")
    assert {o["contact_arn"] for o in emu.outbox()} == {rotation.alice_arn}
    outbox = wait_for(lambda: (o := emu.outbox()) and len(o) == 4 and o)
    assert [o["contact_arn"] for o in outbox] == [rotation.alice_arn] * 2 + [rotation.bob_arn] * 2
    assert all(o["engagement_arn"] == arn for o in outbox)


def _wait_until_stage_two_has_come_due(client: Any, emu: Emulator, rotation: Rotation) -> None:
    """Return once the scheduler is past the stage-2 moment of every engagement started so far.

    A control engagement started now has a later stage 2: once bob is paged for it, the scheduler has handled every
    earlier stage 2 in the same pass or before. No sleep, so a slow machine cannot make the test pass vacuously.
    """
    control = client.start_engagement(ContactId=rotation.escalation_arn, **{**DRILL, "IncidentId": "control"})
    wait_for(
        lambda: (
            (control["EngagementArn"], rotation.bob_arn)
            in {(o["engagement_arn"], o["contact_arn"]) for o in emu.outbox()}
        )
    )


def test_stop_engagement_stops_later_stages_and_sets_stop_time(client: Any, emu: Emulator, rotation: Rotation) -> None:
    arn = client.start_engagement(ContactId=rotation.escalation_arn, **DRILL)["EngagementArn"]
    client.stop_engagement(EngagementId=arn, Reason="drill over")
    _wait_until_stage_two_has_come_due(client, emu, rotation)
    assert {o["contact_arn"] for o in emu.outbox() if o["engagement_arn"] == arn} == {rotation.alice_arn}
    got = client.describe_engagement(EngagementId=arn)
    assert got["StopTime"] >= got["StartTime"]
    page = emu.outbox()[0]["page_arn"]
    receipts = client.list_page_receipts(PageId=page)["Receipts"]
    assert [(r["ReceiptType"], r.get("ReceiptInfo")) for r in receipts] == [("SENT", None), ("STOP", "drill over")]


def test_stopping_a_stopped_engagement_is_harmless_and_keeps_the_first_stop(client: Any, rotation: Rotation) -> None:
    arn = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
    client.stop_engagement(EngagementId=arn, Reason="first")
    first = client.describe_engagement(EngagementId=arn)["StopTime"]
    response = client.stop_engagement(EngagementId=arn, Reason="second")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert client.describe_engagement(EngagementId=arn)["StopTime"] == first


def test_acknowledging_a_page_stops_the_escalation(client: Any, emu: Emulator, rotation: Rotation) -> None:
    arn = client.start_engagement(ContactId=rotation.escalation_arn, **DRILL)["EngagementArn"]
    page = emu.outbox()[0]
    client.accept_page(
        PageId=page["page_arn"], AcceptType="READ", AcceptCode=page["accept_code"], AcceptCodeValidation="ENFORCE"
    )
    _wait_until_stage_two_has_come_due(client, emu, rotation)
    assert {o["contact_arn"] for o in emu.outbox() if o["engagement_arn"] == arn} == {rotation.alice_arn}


def test_same_token_and_parameters_return_the_same_engagement_without_paging_again(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    first = client.start_engagement(ContactId=rotation.alice_arn, IdempotencyToken="drill-1", **DRILL)["EngagementArn"]
    again = client.start_engagement(ContactId=rotation.alice_arn, IdempotencyToken="drill-1", **DRILL)["EngagementArn"]
    assert again == first
    assert len(emu.outbox()) == 2
    assert len(client.list_engagements()["Engagements"]) == 1


def test_a_retry_answers_with_its_engagement_even_after_the_contact_is_deleted(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    first = client.start_engagement(ContactId=rotation.alice_arn, IdempotencyToken="drill-1", **DRILL)["EngagementArn"]
    client.delete_contact(ContactId=rotation.escalation_arn)  # its plan targets alice
    remove_oncall_schedule(client, rotation)  # its rotation holds alice
    client.delete_contact(ContactId=rotation.alice_arn)
    again = client.start_engagement(ContactId=rotation.alice_arn, IdempotencyToken="drill-1", **DRILL)["EngagementArn"]
    assert again == first
    assert len(emu.outbox()) == 2


def test_same_token_with_different_parameters_is_rejected(client: Any, emu: Emulator, rotation: Rotation) -> None:
    first = client.start_engagement(ContactId=rotation.alice_arn, IdempotencyToken="drill-1", **DRILL)["EngagementArn"]
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.start_engagement(
            ContactId=rotation.bob_arn, IdempotencyToken="drill-1", **{**DRILL, "Subject": "Another drill"}
        )
    assert info.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": f"IdempotencyToken was already used for engagement {first} with different parameters "
        "(ContactId, Subject differ): use a new token to start a new engagement.",
    }
    assert info.value.response["Reason"] == "OTHER"
    assert len(emu.outbox()) == 2


def test_a_token_is_forgotten_after_the_idempotency_window() -> None:
    from ssm_contacts_emulator import seed_rotation

    with Emulator(EmulatorConfig(idempotency_window_seconds=0.3)) as emu:
        client = emu.client()
        rotation = seed_rotation(client)
        first = client.start_engagement(ContactId=rotation.alice_arn, IdempotencyToken="t", **DRILL)["EngagementArn"]
        time.sleep(0.5)
        second = client.start_engagement(ContactId=rotation.alice_arn, IdempotencyToken="t", **DRILL)["EngagementArn"]
        assert second != first
        assert len(emu.outbox()) == 4


def test_without_a_token_each_call_is_a_new_engagement(unvalidated: Any, emu: Emulator, rotation: Rotation) -> None:
    # botocore fills IdempotencyToken with a fresh uuid4 per call: two calls, two engagements.
    arns = {unvalidated.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"] for _ in range(2)}
    assert len(arns) == 2
    assert len(emu.outbox()) == 4


def test_start_engagement_for_a_missing_contact_is_not_found(client: Any) -> None:
    missing = f"{ARN}:contact/ghost"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.start_engagement(ContactId=missing, **DRILL)
    assert info.value.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": f"Contact {missing} does not exist.",
    }


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("describe_engagement", {}),
        ("stop_engagement", {}),
        ("list_pages_by_engagement", {}),
    ],
)
def test_operations_on_a_missing_engagement_answer_resource_not_found(
    client: Any, operation: str, kwargs: dict[str, Any]
) -> None:
    missing = f"{ARN}:engagement/alice-oncall/00000000-0000-0000-0000-000000000000"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        getattr(client, operation)(EngagementId=missing, **kwargs)
    assert info.value.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": f"Engagement {missing} does not exist.",
    }
    assert info.value.response["ResourceType"] == "ENGAGEMENT"


def test_list_engagements_filters_by_incident_and_time_and_paginates(client: Any, rotation: Rotation) -> None:
    a = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
    b = client.start_engagement(ContactId=rotation.bob_arn, **{**DRILL, "IncidentId": "other"})["EngagementArn"]
    c = client.start_engagement(ContactId=rotation.bob_arn, **DRILL)["EngagementArn"]
    listed = client.list_engagements()["Engagements"]
    assert [e["EngagementArn"] for e in listed] == [a, b, c]
    assert {k: listed[0][k] for k in ("ContactArn", "Sender", "IncidentId")} == {
        "ContactArn": rotation.alice_arn,
        "Sender": "drill-bot",
        "IncidentId": "drill-42",
    }
    assert [e["EngagementArn"] for e in client.list_engagements(IncidentId="drill-42")["Engagements"]] == [a, c]
    now = datetime.datetime.now(datetime.UTC)
    past = {"StartTime": now - datetime.timedelta(days=2), "EndTime": now - datetime.timedelta(days=1)}
    assert client.list_engagements(TimeRangeValue=past)["Engagements"] == []
    recent = {"StartTime": now - datetime.timedelta(hours=1), "EndTime": now + datetime.timedelta(hours=1)}
    assert len(client.list_engagements(TimeRangeValue=recent)["Engagements"]) == 3
    pages = client.get_paginator("list_engagements").paginate(PaginationConfig={"PageSize": 2})
    assert [len(p["Engagements"]) for p in pages] == [2, 1]


def test_a_start_time_read_back_selects_its_own_engagement(client: Any, rotation: Rotation) -> None:
    arn = client.start_engagement(ContactId=rotation.alice_arn, Sender="drill-bot", Subject="s", Content="c")[
        "EngagementArn"
    ]
    started = client.describe_engagement(EngagementId=arn)["StartTime"]

    # The answer carries the millisecond the service recorded, so the same instant as a bound selects it.
    exactly = {"StartTime": started, "EndTime": started}
    assert [e["EngagementArn"] for e in client.list_engagements(TimeRangeValue=exactly)["Engagements"]] == [arn]


def test_time_scale_zero_pages_every_stage_at_once() -> None:
    from ssm_contacts_emulator import seed_rotation

    with Emulator(EmulatorConfig(time_scale=0)) as emu:
        client = emu.client()
        seeded = seed_rotation(client)
        client.start_engagement(ContactId=seeded.escalation_arn, **DRILL)
        assert [o["contact_arn"] for o in emu.outbox()] == [seeded.alice_arn] * 2 + [seeded.bob_arn] * 2
