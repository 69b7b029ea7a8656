"""Contact channels: create, activate, deactivate, get, list, delete."""

from __future__ import annotations

from typing import Any

import pytest

from ssm_contacts_emulator import Emulator, EmulatorConfig

from .support import ARN


@pytest.fixture
def carol(client: Any) -> str:
    arn: str = client.create_contact(Alias="carol", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
    return arn


def test_a_new_channel_is_not_activated_until_activate_contact_channel(client: Any, carol: str) -> None:
    channel = client.create_contact_channel(
        ContactId=carol, Name="carol-sms", Type="SMS", DeliveryAddress={"SimpleAddress": "+15555550199"}
    )["ContactChannelArn"]
    assert channel.startswith(f"{ARN}:contact-channel/carol/")
    got = client.get_contact_channel(ContactChannelId=channel)
    assert {
        k: got[k] for k in ("ContactArn", "ContactChannelArn", "Name", "Type", "DeliveryAddress", "ActivationStatus")
    } == {
        "ContactArn": carol,
        "ContactChannelArn": channel,
        "Name": "carol-sms",
        "Type": "SMS",
        "DeliveryAddress": {"SimpleAddress": "+15555550199"},
        "ActivationStatus": "NOT_ACTIVATED",
    }
    client.activate_contact_channel(ContactChannelId=channel, ActivationCode="000000")
    assert client.get_contact_channel(ContactChannelId=channel)["ActivationStatus"] == "ACTIVATED"
    client.deactivate_contact_channel(ContactChannelId=channel)
    assert client.get_contact_channel(ContactChannelId=channel)["ActivationStatus"] == "NOT_ACTIVATED"


def test_a_configured_activation_code_is_enforced() -> None:
    with Emulator(EmulatorConfig(activation_code="424242")) as emu:
        client = emu.client()
        contact = client.create_contact(Alias="carol", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
        channel = client.create_contact_channel(
            ContactId=contact, Name="mail", Type="EMAIL", DeliveryAddress={"SimpleAddress": "c@example.com"}
        )["ContactChannelArn"]
        with pytest.raises(client.exceptions.ValidationException) as info:
            client.activate_contact_channel(ContactChannelId=channel, ActivationCode="111111")
        assert info.value.response["Error"] == {
            "Code": "ValidationException",
            "Message": f"ActivationCode does not match the code sent to contact channel {channel}.",
        }
        client.activate_contact_channel(ContactChannelId=channel, ActivationCode="424242")
        assert client.get_contact_channel(ContactChannelId=channel)["ActivationStatus"] == "ACTIVATED"


@pytest.mark.parametrize(
    ("kind", "address", "wanted"),
    [
        ("EMAIL", "not-an-email", "an email address such as oncall@example.com"),
        ("SMS", "5555550199", "an E.164 number"),
        ("VOICE", "+1-555", "an E.164 number"),
    ],
)
def test_delivery_address_must_suit_the_channel_type(
    client: Any, carol: str, kind: str, address: str, wanted: str
) -> None:
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.create_contact_channel(ContactId=carol, Name="x", Type=kind, DeliveryAddress={"SimpleAddress": address})
    assert info.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": f"DeliveryAddress.SimpleAddress must be {wanted} for a {kind} channel.",
    }
    assert info.value.response["Fields"] == [
        {"Name": "DeliveryAddress.SimpleAddress", "Message": f"Member must be {wanted}"}
    ]


def test_the_same_address_twice_is_a_conflict_unless_it_is_a_retry(client: Any, carol: str) -> None:
    kwargs = {"ContactId": carol, "Name": "m", "Type": "EMAIL", "DeliveryAddress": {"SimpleAddress": "c@example.com"}}
    first = client.create_contact_channel(**kwargs, IdempotencyToken="t1")["ContactChannelArn"]
    assert client.create_contact_channel(**kwargs, IdempotencyToken="t1")["ContactChannelArn"] == first
    with pytest.raises(client.exceptions.ConflictException) as info:
        client.create_contact_channel(**kwargs, IdempotencyToken="t2")
    assert info.value.response["Error"] == {
        "Code": "ConflictException",
        "Message": f"Contact {carol} already has a EMAIL channel to that address: {first}.",
    }


def test_list_contact_channels_paginates_and_delete_removes(client: Any, carol: str) -> None:
    arns = [
        client.create_contact_channel(
            ContactId=carol, Name=f"m{i}", Type="EMAIL", DeliveryAddress={"SimpleAddress": f"c{i}@example.com"}
        )["ContactChannelArn"]
        for i in range(3)
    ]
    first = client.list_contact_channels(ContactId=carol, MaxResults=2)
    assert [c["ContactChannelArn"] for c in first["ContactChannels"]] == arns[:2]
    second = client.list_contact_channels(ContactId=carol, MaxResults=2, NextToken=first["NextToken"])
    assert [c["ContactChannelArn"] for c in second["ContactChannels"]] == arns[2:]
    client.delete_contact_channel(ContactChannelId=arns[0])
    assert [c["ContactChannelArn"] for c in client.list_contact_channels(ContactId=carol)["ContactChannels"]] == arns[
        1:
    ]


def test_deleting_the_last_listed_channel_between_pages_skips_nothing(client: Any, carol: str) -> None:
    arns = [
        client.create_contact_channel(
            ContactId=carol, Name=f"m{i}", Type="EMAIL", DeliveryAddress={"SimpleAddress": f"c{i}@example.com"}
        )["ContactChannelArn"]
        for i in range(4)
    ]
    first = client.list_contact_channels(ContactId=carol, MaxResults=2)
    client.delete_contact_channel(ContactChannelId=arns[1])
    second = client.list_contact_channels(ContactId=carol, MaxResults=2, NextToken=first["NextToken"])

    assert [c["ContactChannelArn"] for c in first["ContactChannels"]] == arns[:2]
    assert [c["ContactChannelArn"] for c in second["ContactChannels"]] == arns[2:]


def test_create_contact_channel_for_a_missing_contact_is_not_found(client: Any) -> None:
    missing = f"{ARN}:contact/ghost"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.create_contact_channel(
            ContactId=missing, Name="m", Type="EMAIL", DeliveryAddress={"SimpleAddress": "a@b.c"}
        )
    assert info.value.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": f"Contact {missing} does not exist.",
    }


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("get_contact_channel", {}),
        ("activate_contact_channel", {"ActivationCode": "123456"}),
        ("deactivate_contact_channel", {}),
        ("delete_contact_channel", {}),
    ],
)
def test_operations_on_a_missing_channel_answer_resource_not_found(
    client: Any, operation: str, kwargs: dict[str, Any]
) -> None:
    missing = f"{ARN}:contact-channel/carol/00000000-0000-0000-0000-000000000000"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        getattr(client, operation)(ContactChannelId=missing, **kwargs)
    assert info.value.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": f"Contact channel {missing} does not exist.",
    }
    assert info.value.response["ResourceType"] == "CONTACT_CHANNEL"
