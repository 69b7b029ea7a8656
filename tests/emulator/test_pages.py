"""Pages: list by engagement and by contact, describe, accept (codes, receipts), list receipts."""

from __future__ import annotations

from typing import Any

import pytest

from ssm_contacts_emulator import Emulator, Rotation

from .support import ARN, DRILL


@pytest.fixture
def engaged(client: Any, rotation: Rotation) -> str:
    arn: str = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
    return arn


def test_list_pages_by_engagement_matches_the_outbox(client: Any, emu: Emulator, engaged: str) -> None:
    pages = client.list_pages_by_engagement(EngagementId=engaged)["Pages"]
    assert [p["PageArn"] for p in pages] == [o["page_arn"] for o in emu.outbox()]
    assert {(p["EngagementArn"], p["Sender"], p["IncidentId"]) for p in pages} == {(engaged, "drill-bot", "drill-42")}
    assert all("SentTime" in p and "ReadTime" not in p for p in pages)
    first = client.list_pages_by_engagement(EngagementId=engaged, MaxResults=1)
    second = client.list_pages_by_engagement(EngagementId=engaged, MaxResults=1, NextToken=first["NextToken"])
    assert [p["PageArn"] for p in first["Pages"] + second["Pages"]] == [p["PageArn"] for p in pages]


def test_list_pages_by_contact_covers_personal_and_escalation_contacts(
    client: Any, emu: Emulator, rotation: Rotation, engaged: str
) -> None:
    alice_pages = client.list_pages_by_contact(ContactId=rotation.alice_arn)["Pages"]
    assert [p["PageArn"] for p in alice_pages] == [o["page_arn"] for o in emu.outbox()]
    assert client.list_pages_by_contact(ContactId=rotation.bob_arn)["Pages"] == []
    escalation = client.start_engagement(ContactId=rotation.escalation_arn, **DRILL)["EngagementArn"]
    by_plan = client.list_pages_by_contact(ContactId=rotation.escalation_arn)["Pages"]
    assert {p["EngagementArn"] for p in by_plan} == {escalation}
    assert len(by_plan) == 2


def test_describe_page_has_the_engagement_texts(client: Any, emu: Emulator, engaged: str) -> None:
    page = emu.outbox()[0]
    got = client.describe_page(PageId=page["page_arn"])
    assert {k: got[k] for k in ("PageArn", "EngagementArn", "ContactArn", *DRILL)} == {
        "PageArn": page["page_arn"],
        "EngagementArn": engaged,
        "ContactArn": page["contact_arn"],
        **DRILL,
    }


def test_accept_page_records_delivered_then_read(client: Any, emu: Emulator, engaged: str) -> None:
    page = emu.outbox()[1]
    client.accept_page(PageId=page["page_arn"], AcceptType="DELIVERED", AcceptCode=page["accept_code"])
    client.accept_page(
        PageId=page["page_arn"],
        AcceptType="READ",
        AcceptCode=page["accept_code"],
        Note="on it",
        AcceptCodeValidation="ENFORCE",
    )
    receipts = client.list_page_receipts(PageId=page["page_arn"])["Receipts"]
    assert [(r["ReceiptType"], r.get("ReceiptInfo"), r["ContactChannelArn"]) for r in receipts] == [
        ("SENT", None, page["channel_arn"]),
        ("DELIVERED", None, page["channel_arn"]),
        ("READ", "on it", page["channel_arn"]),
    ]
    described = client.describe_page(PageId=page["page_arn"])
    assert described["DeliveryTime"] <= described["ReadTime"]
    first = client.list_page_receipts(PageId=page["page_arn"], MaxResults=2)
    assert len(first["Receipts"]) == 2
    rest = client.list_page_receipts(PageId=page["page_arn"], NextToken=first["NextToken"])
    assert [r["ReceiptType"] for r in rest["Receipts"]] == ["READ"]


def test_enforce_rejects_a_wrong_accept_code(client: Any, emu: Emulator, engaged: str) -> None:
    page = emu.outbox()[0]
    wrong = "000000" if page["accept_code"] != "000000" else "111111"
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.accept_page(PageId=page["page_arn"], AcceptType="READ", AcceptCode=wrong, AcceptCodeValidation="ENFORCE")
    assert info.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": f"AcceptCode does not match the code sent with page {page['page_arn']}.",
    }
    assert info.value.response["Fields"] == [
        {"Name": "AcceptCode", "Message": "Member must be the accept code sent with the page"}
    ]
    assert [r["ReceiptType"] for r in client.list_page_receipts(PageId=page["page_arn"])["Receipts"]] == ["SENT"]


@pytest.mark.parametrize("validation", ["IGNORE", None])
def test_ignore_or_no_validation_accepts_any_code(
    client: Any, emu: Emulator, engaged: str, validation: str | None
) -> None:
    page = emu.outbox()[0]
    extra = {"AcceptCodeValidation": validation} if validation else {}
    client.accept_page(PageId=page["page_arn"], AcceptType="READ", AcceptCode="999999999", **extra)
    assert "ReadTime" in client.describe_page(PageId=page["page_arn"])


def test_accept_page_with_a_missing_channel_is_not_found(client: Any, emu: Emulator, engaged: str) -> None:
    page = emu.outbox()[0]
    missing = f"{ARN}:contact-channel/alice-oncall/00000000-0000-0000-0000-000000000000"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.accept_page(PageId=page["page_arn"], ContactChannelId=missing, AcceptType="READ", AcceptCode="123456")
    assert info.value.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": f"Contact channel {missing} does not exist.",
    }


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("describe_page", {}),
        ("list_page_receipts", {}),
        ("accept_page", {"AcceptType": "READ", "AcceptCode": "123456"}),
    ],
)
def test_operations_on_a_missing_page_answer_resource_not_found(
    client: Any, operation: str, kwargs: dict[str, Any]
) -> None:
    missing = f"{ARN}:page/alice-oncall/00000000-0000-0000-0000-000000000000"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        getattr(client, operation)(PageId=missing, **kwargs)
    assert info.value.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": f"Page {missing} does not exist.",
    }
    assert info.value.response["ResourceType"] == "PAGE"
