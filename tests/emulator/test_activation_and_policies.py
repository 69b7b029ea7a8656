"""SendActivationCode, ActivateContactChannel with a sent code, UpdateContactChannel, contact policies."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ssm_contacts_emulator import Emulator, EmulatorConfig, Rotation, seed_rotation

from .support import ARN

POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                "Action": ["ssm-contacts:GetContact", "ssm-contacts:StartEngagement"],
                "Resource": f"{ARN}:contact/alice-oncall",
            }
        ],
    }
)


def new_channel(client: Any, alias: str = "carol", kind: str = "SMS", address: str = "+15555550199") -> str:
    contact = client.create_contact(Alias=alias, Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
    arn: str = client.create_contact_channel(
        ContactId=contact, Name=f"{alias}-{kind.lower()}", Type=kind, DeliveryAddress={"SimpleAddress": address}
    )["ContactChannelArn"]
    return arn


def status(client: Any, channel: str) -> str:
    return str(client.get_contact_channel(ContactChannelId=channel)["ActivationStatus"])


# -- SendActivationCode -----------------------------------------------------------------------------------------


def test_send_activation_code_puts_a_six_digit_code_addressed_to_the_channel_in_the_outbox(
    client: Any, emu: Emulator
) -> None:
    channel = new_channel(client)
    assert client.send_activation_code(ContactChannelId=channel)["ResponseMetadata"]["HTTPStatusCode"] == 200
    [entry] = emu.outbox()
    assert (entry["kind"], entry["channel_arn"], entry["channel_type"], entry["address"]) == (
        "ACTIVATION_CODE",
        channel,
        "SMS",
        "+15555550199",
    )
    assert len(entry["activation_code"]) == 6 and entry["activation_code"].isdigit()
    assert entry["content"] == f"Your AWS Incident Manager activation code is {entry['activation_code']}"


def test_the_sent_code_activates_the_channel(client: Any, emu: Emulator) -> None:
    channel = new_channel(client)
    client.send_activation_code(ContactChannelId=channel)
    client.activate_contact_channel(ContactChannelId=channel, ActivationCode=emu.outbox()[0]["activation_code"])
    assert status(client, channel) == "ACTIVATED"


def test_send_activation_code_to_a_missing_channel_answers_resource_not_found(client: Any) -> None:
    ghost = f"{ARN}:contact-channel/carol/00000000-0000-0000-0000-000000000000"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.send_activation_code(ContactChannelId=ghost)
    assert info.value.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": f"Contact channel {ghost} does not exist.",
    }


def test_strict_activation_accepts_only_the_code_that_was_sent() -> None:
    with Emulator(EmulatorConfig(strict_activation=True)) as emu:
        client = emu.client()
        channel = new_channel(client)
        with pytest.raises(client.exceptions.ValidationException) as info:
            client.activate_contact_channel(ContactChannelId=channel, ActivationCode="123456")
        assert info.value.response["Error"]["Message"] == (
            f"ActivationCode does not match the code sent to contact channel {channel} "
            "(no code was sent: call SendActivationCode first)."
        )
        client.send_activation_code(ContactChannelId=channel)
        code = emu.outbox()[0]["activation_code"]
        wrong = "000000" if code != "000000" else "111111"
        with pytest.raises(client.exceptions.ValidationException) as info:
            client.activate_contact_channel(ContactChannelId=channel, ActivationCode=wrong)
        assert info.value.response["Error"]["Message"] == (
            f"ActivationCode does not match the code sent to contact channel {channel}."
        )
        client.activate_contact_channel(ContactChannelId=channel, ActivationCode=code)
        assert status(client, channel) == "ACTIVATED"


def test_a_configured_activation_code_and_a_sent_one_are_both_accepted() -> None:
    with Emulator(EmulatorConfig(activation_code="424242")) as emu:
        client = emu.client()
        first, second = new_channel(client), new_channel(client, "dave", "EMAIL", "dave@example.com")
        client.activate_contact_channel(ContactChannelId=first, ActivationCode="424242")
        client.send_activation_code(ContactChannelId=second)
        client.activate_contact_channel(ContactChannelId=second, ActivationCode=emu.outbox()[0]["activation_code"])
        assert (status(client, first), status(client, second)) == ("ACTIVATED", "ACTIVATED")


def test_without_strict_activation_any_well_formed_code_still_activates(client: Any) -> None:
    channel = new_channel(client)
    client.send_activation_code(ContactChannelId=channel)
    client.activate_contact_channel(ContactChannelId=channel, ActivationCode="987654")
    assert status(client, channel) == "ACTIVATED"


# -- UpdateContactChannel ---------------------------------------------------------------------------------------


def test_renaming_a_channel_keeps_it_activated(client: Any, rotation: Rotation) -> None:
    client.update_contact_channel(ContactChannelId=rotation.alice_sms_arn, Name="alice-mobile")
    got = client.get_contact_channel(ContactChannelId=rotation.alice_sms_arn)
    assert (got["Name"], got["ActivationStatus"]) == ("alice-mobile", "ACTIVATED")


def test_a_new_address_must_be_activated_again(client: Any, emu: Emulator, rotation: Rotation) -> None:
    client.update_contact_channel(
        ContactChannelId=rotation.alice_sms_arn, DeliveryAddress={"SimpleAddress": "+15555550111"}
    )
    got = client.get_contact_channel(ContactChannelId=rotation.alice_sms_arn)
    assert (got["DeliveryAddress"], got["ActivationStatus"]) == ({"SimpleAddress": "+15555550111"}, "NOT_ACTIVATED")
    client.start_engagement(ContactId=rotation.alice_arn, Sender="drill", Subject="s", Content="c")
    assert [m["channel_type"] for m in emu.outbox()] == ["EMAIL"]  # the unactivated phone is not paged


def test_the_same_address_again_changes_nothing(client: Any, rotation: Rotation) -> None:
    client.update_contact_channel(
        ContactChannelId=rotation.alice_sms_arn, DeliveryAddress={"SimpleAddress": "+15555550101"}
    )
    assert status(client, rotation.alice_sms_arn) == "ACTIVATED"


def test_a_new_address_must_suit_the_channel_type(client: Any, rotation: Rotation) -> None:
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.update_contact_channel(
            ContactChannelId=rotation.alice_email_arn, DeliveryAddress={"SimpleAddress": "+15555550111"}
        )
    assert info.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "DeliveryAddress.SimpleAddress must be an email address such as oncall@example.com "
        "for a EMAIL channel.",
    }


def test_a_new_address_of_another_channel_of_the_contact_conflicts(client: Any, rotation: Rotation) -> None:
    other = client.create_contact_channel(
        ContactId=rotation.alice_arn, Name="desk", Type="SMS", DeliveryAddress={"SimpleAddress": "+15555550177"}
    )["ContactChannelArn"]
    with pytest.raises(client.exceptions.ConflictException) as info:
        client.update_contact_channel(ContactChannelId=other, DeliveryAddress={"SimpleAddress": "+15555550101"})
    assert info.value.response["Error"] == {
        "Code": "ConflictException",
        "Message": f"Contact {rotation.alice_arn} already has a SMS channel to that address: {rotation.alice_sms_arn}.",
    }


def test_updating_a_missing_channel_answers_resource_not_found(client: Any) -> None:
    ghost = f"{ARN}:contact-channel/carol/00000000-0000-0000-0000-000000000000"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.update_contact_channel(ContactChannelId=ghost, Name="x")


# -- contact policies -------------------------------------------------------------------------------------------


def test_a_contact_policy_is_stored_and_returned_as_given(client: Any, rotation: Rotation) -> None:
    client.put_contact_policy(ContactArn=rotation.alice_arn, Policy=POLICY)
    got = client.get_contact_policy(ContactArn=rotation.alice_arn)
    assert (got["ContactArn"], got["Policy"]) == (rotation.alice_arn, POLICY)


def test_a_contact_without_a_policy_answers_with_its_arn_only(client: Any, rotation: Rotation) -> None:
    got = client.get_contact_policy(ContactArn=rotation.bob_arn)
    assert {k: v for k, v in got.items() if k != "ResponseMetadata"} == {"ContactArn": rotation.bob_arn}


@pytest.mark.parametrize(
    ("policy", "problem"),
    [
        (
            "{not json",
            "Policy is not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        ("[]", "Policy must be a JSON object"),
        ('{"Version": "2012-10-17"}', "Policy must have a Statement (an object or a non-empty list)"),
        ('{"Statement": [{"Effect": "Maybe"}]}', "Each Statement must be an object whose Effect is Allow or Deny"),
    ],
)
def test_a_policy_that_is_not_a_policy_document_is_refused(
    client: Any, rotation: Rotation, policy: str, problem: str
) -> None:
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.put_contact_policy(ContactArn=rotation.alice_arn, Policy=policy)
    assert info.value.response["Error"] == {"Code": "ValidationException", "Message": f"{problem}."}
    assert info.value.response["Fields"] == [{"Name": "Policy", "Message": f"Member is not valid: {problem}"}]
    assert "Policy" not in client.get_contact_policy(ContactArn=rotation.alice_arn)


def test_policies_of_a_missing_contact_answer_resource_not_found(client: Any) -> None:
    ghost = f"{ARN}:contact/ghost"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.put_contact_policy(ContactArn=ghost, Policy=POLICY)
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.get_contact_policy(ContactArn=ghost)
    assert info.value.response["Error"]["Message"] == f"Contact {ghost} does not exist."


def test_strict_activation_with_a_configured_code_accepts_it_so_the_seed_still_works() -> None:
    with Emulator(EmulatorConfig(strict_activation=True, activation_code="123456")) as emu:
        client = emu.client()
        seeded = seed_rotation(client)
        assert status(client, seeded.alice_sms_arn) == "ACTIVATED"
        channel = new_channel(client)
        with pytest.raises(client.exceptions.ValidationException):
            client.activate_contact_channel(ContactChannelId=channel, ActivationCode="654321")
