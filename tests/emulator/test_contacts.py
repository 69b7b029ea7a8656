"""Contacts: create (PERSONAL, ESCALATION), get, list, update, delete, tags, through boto3 over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from ssm_contacts_emulator import Emulator, Rotation

from .support import ARN, remove_oncall_schedule


def test_create_personal_contact_returns_its_arn_and_get_contact_reads_it_back(client: Any) -> None:
    arn = client.create_contact(Alias="carol", DisplayName="Carol Danvers", Type="PERSONAL", Plan={"Stages": []})[
        "ContactArn"
    ]
    assert arn == f"{ARN}:contact/carol"
    got = client.get_contact(ContactId=arn)
    assert {k: got[k] for k in ("ContactArn", "Alias", "DisplayName", "Type", "Plan")} == {
        "ContactArn": arn,
        "Alias": "carol",
        "DisplayName": "Carol Danvers",
        "Type": "PERSONAL",
        "Plan": {"Stages": []},
    }


def test_arns_follow_the_configured_account_and_region() -> None:
    from ssm_contacts_emulator import EmulatorConfig

    with Emulator(EmulatorConfig(region="eu-west-1", account_id="210987654321")) as emu:
        arn = emu.client().create_contact(Alias="dan", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
    assert arn == "arn:aws:ssm-contacts:eu-west-1:210987654321:contact/dan"


def test_escalation_plan_is_stored_as_given(client: Any, rotation: Rotation) -> None:
    plan = client.get_contact(ContactId=rotation.escalation_arn)["Plan"]
    assert plan["Stages"] == [
        {
            "DurationInMinutes": 5,
            "Targets": [{"ContactTargetInfo": {"ContactId": rotation.alice_arn, "IsEssential": True}}],
        },
        {
            "DurationInMinutes": 0,
            "Targets": [{"ContactTargetInfo": {"ContactId": rotation.bob_arn, "IsEssential": True}}],
        },
    ]


def test_duplicate_alias_is_a_conflict(client: Any) -> None:
    client.create_contact(Alias="erin", Type="PERSONAL", Plan={"Stages": []})
    with pytest.raises(client.exceptions.ConflictException) as info:
        client.create_contact(Alias="erin", Type="PERSONAL", Plan={"Stages": []})
    assert info.value.response["Error"] == {
        "Code": "ConflictException",
        "Message": "A contact with alias 'erin' already exists.",
    }
    assert info.value.response["ResourceId"] == f"{ARN}:contact/erin"
    assert info.value.response["ResourceType"] == "CONTACT"


def test_create_contact_retried_with_its_idempotency_token_returns_the_same_contact(client: Any) -> None:
    first = client.create_contact(Alias="fay", Type="PERSONAL", Plan={"Stages": []}, IdempotencyToken="tok-1")
    again = client.create_contact(Alias="fay", Type="PERSONAL", Plan={"Stages": []}, IdempotencyToken="tok-1")
    assert first["ContactArn"] == again["ContactArn"]
    assert len(client.list_contacts()["Contacts"]) == 1


def test_escalation_plan_must_target_existing_contacts(client: Any) -> None:
    missing = f"{ARN}:contact/nobody"
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.create_contact(
            Alias="esc",
            Type="ESCALATION",
            Plan={
                "Stages": [
                    {
                        "DurationInMinutes": 1,
                        "Targets": [{"ContactTargetInfo": {"ContactId": missing, "IsEssential": True}}],
                    }
                ]
            },
        )
    assert info.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "The plan is not valid: Plan.Stages[0].Targets[0].ContactTargetInfo.ContactId: "
        "Member must be an existing contact",
    }
    assert info.value.response["Reason"] == "FIELD_VALIDATION_FAILED"
    assert info.value.response["Fields"] == [
        {
            "Name": "Plan.Stages[0].Targets[0].ContactTargetInfo.ContactId",
            "Message": "Member must be an existing contact",
        }
    ]


def test_personal_plan_must_target_its_own_channels(client: Any, rotation: Rotation) -> None:
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.update_contact(
            ContactId=rotation.bob_arn,
            Plan={
                "Stages": [
                    {
                        "DurationInMinutes": 0,
                        "Targets": [{"ChannelTargetInfo": {"ContactChannelId": rotation.alice_sms_arn}}],
                    }
                ]
            },
        )
    assert info.value.response["Error"]["Message"] == (
        "The plan is not valid: Plan.Stages[0].Targets[0].ChannelTargetInfo.ContactChannelId: "
        "Member must be a channel of this contact"
    )


def test_plan_target_kind_must_match_the_contact_type(client: Any, rotation: Rotation) -> None:
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.create_contact(
            Alias="esc",
            Type="ESCALATION",
            Plan={
                "Stages": [
                    {
                        "DurationInMinutes": 0,
                        "Targets": [{"ChannelTargetInfo": {"ContactChannelId": rotation.alice_sms_arn}}],
                    }
                ]
            },
        )
    assert info.value.response["Error"]["Message"] == (
        "The plan is not valid: Plan.Stages[0].Targets[0]: An ESCALATION plan targets contacts (ContactTargetInfo)"
    )
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.update_contact(
            ContactId=rotation.alice_arn,
            Plan={
                "Stages": [
                    {
                        "DurationInMinutes": 0,
                        "Targets": [{"ContactTargetInfo": {"ContactId": rotation.bob_arn, "IsEssential": True}}],
                    }
                ]
            },
        )
    assert info.value.response["Error"]["Message"] == (
        "The plan is not valid: Plan.Stages[0].Targets[0]: "
        "A PERSONAL plan targets the contact's channels (ChannelTargetInfo)"
    )
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.update_contact(
            ContactId=rotation.alice_arn, Plan={"Stages": [{"DurationInMinutes": 0, "Targets": [{}]}]}
        )
    assert info.value.response["Error"]["Message"] == (
        "The plan is not valid: Plan.Stages[0].Targets[0]: "
        "A target needs exactly one of ChannelTargetInfo, ContactTargetInfo"
    )


def test_list_contacts_filters_by_alias_prefix_and_type_and_paginates(client: Any, rotation: Rotation) -> None:
    aliases = [c["Alias"] for c in client.list_contacts()["Contacts"]]
    assert aliases == ["alice-oncall", "bob-oncall", "drill-escalation", "drill-oncall"]
    assert [c["Alias"] for c in client.list_contacts(AliasPrefix="bob")["Contacts"]] == ["bob-oncall"]
    assert [c["Alias"] for c in client.list_contacts(Type="ESCALATION")["Contacts"]] == ["drill-escalation"]
    assert [c["Alias"] for c in client.list_contacts(Type="ONCALL_SCHEDULE")["Contacts"]] == ["drill-oncall"]
    first = client.list_contacts(MaxResults=3)
    assert [c["Alias"] for c in first["Contacts"]] == ["alice-oncall", "bob-oncall", "drill-escalation"]
    second = client.list_contacts(MaxResults=3, NextToken=first["NextToken"])
    assert [c["Alias"] for c in second["Contacts"]] == ["drill-oncall"]
    assert "NextToken" not in second
    paginated = [
        c["Alias"]
        for page in client.get_paginator("list_contacts").paginate(PaginationConfig={"PageSize": 1})
        for c in page["Contacts"]
    ]
    assert paginated == aliases


def test_a_contact_added_between_pages_neither_repeats_nor_skips_one(client: Any, rotation: Rotation) -> None:
    remove_oncall_schedule(client, rotation)
    first = client.list_contacts(MaxResults=2)
    client.create_contact(Alias="aaron-oncall", Type="PERSONAL", Plan={"Stages": []})
    second = client.list_contacts(MaxResults=2, NextToken=first["NextToken"])

    assert [c["Alias"] for c in first["Contacts"]] == ["alice-oncall", "bob-oncall"]
    assert [c["Alias"] for c in second["Contacts"]] == ["drill-escalation"]


def test_a_next_token_the_endpoint_did_not_issue_is_rejected(client: Any) -> None:
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.list_contacts(NextToken="bm90LWEtbnVtYmVy")
    assert info.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "NextToken is not a token this endpoint issued: pass the NextToken of the previous response.",
    }


def test_update_contact_changes_display_name_and_plan(client: Any, rotation: Rotation) -> None:
    plan = {
        "Stages": [
            {"DurationInMinutes": 0, "Targets": [{"ChannelTargetInfo": {"ContactChannelId": rotation.alice_email_arn}}]}
        ]
    }
    client.update_contact(ContactId=rotation.alice_arn, DisplayName="Alice B.", Plan=plan)
    got = client.get_contact(ContactId=rotation.alice_arn)
    assert got["DisplayName"] == "Alice B."
    assert got["Plan"] == plan


def test_delete_contact_removes_it_and_its_channels(client: Any, rotation: Rotation) -> None:
    client.update_contact(
        ContactId=rotation.escalation_arn,
        Plan={
            "Stages": [
                {
                    "DurationInMinutes": 0,
                    "Targets": [{"ContactTargetInfo": {"ContactId": rotation.alice_arn, "IsEssential": True}}],
                }
            ]
        },
    )
    remove_oncall_schedule(client, rotation)  # its rotation holds bob
    client.delete_contact(ContactId=rotation.bob_arn)
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.get_contact(ContactId=rotation.bob_arn)
    assert info.value.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": f"Contact {rotation.bob_arn} does not exist.",
    }
    assert info.value.response["ResourceType"] == "CONTACT"
    assert info.value.response["ResourceId"] == rotation.bob_arn
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.get_contact_channel(ContactChannelId=rotation.bob_sms_arn)
    assert info.value.response["Error"]["Message"] == f"Contact channel {rotation.bob_sms_arn} does not exist."


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("get_contact", {}),
        ("update_contact", {"DisplayName": "x"}),
        ("delete_contact", {}),
        ("list_contact_channels", {}),
        ("list_pages_by_contact", {}),
    ],
)
def test_operations_on_a_missing_contact_answer_resource_not_found(
    client: Any, operation: str, kwargs: dict[str, Any]
) -> None:
    missing = f"{ARN}:contact/ghost"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        getattr(client, operation)(ContactId=missing, **kwargs)
    assert info.value.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": f"Contact {missing} does not exist.",
    }


def test_tags_are_listed_added_and_removed(client: Any) -> None:
    arn = client.create_contact(
        Alias="gus", Type="PERSONAL", Plan={"Stages": []}, Tags=[{"Key": "team", "Value": "sre"}]
    )["ContactArn"]
    client.tag_resource(ResourceARN=arn, Tags=[{"Key": "tier", "Value": "1"}, {"Key": "team", "Value": "ops"}])
    assert client.list_tags_for_resource(ResourceARN=arn)["Tags"] == [
        {"Key": "team", "Value": "ops"},
        {"Key": "tier", "Value": "1"},
    ]
    client.untag_resource(ResourceARN=arn, TagKeys=["team"])
    assert client.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "tier", "Value": "1"}]
