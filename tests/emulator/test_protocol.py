"""The AWS JSON 1.1 protocol: raw errors, model-driven validation, and responses that conform to the model."""

from __future__ import annotations

import datetime
import inspect
import json
import socket
from typing import Any

import pytest
from botocore import xform_name

from ssm_contacts_emulator import Emulator, Rotation
from ssm_contacts_emulator.backend import Backend
from ssm_contacts_emulator.responses import SSMContactsResponse
from ssm_contacts_emulator.validation import problems, service_model

from .conftest import RawPost
from .support import ARN, DRILL


def test_malformed_json_is_a_serialization_exception(raw: RawPost) -> None:
    response = raw(b'{"ContactId": ')
    assert response.status == 400
    assert response.body["__type"] == "SerializationException"
    assert response.body["Message"].startswith("The request body is not valid JSON: Expecting value")


def test_a_json_body_that_is_not_an_object_is_a_serialization_exception(raw: RawPost) -> None:
    response = raw(b"[1, 2]")
    assert (response.status, response.body) == (
        400,
        {"__type": "SerializationException", "Message": "The request body must be a JSON object."},
    )


def test_nan_and_infinity_are_not_json(raw: RawPost) -> None:
    response = raw(b'{"TimeRangeValue": {"StartTime": NaN, "EndTime": Infinity}}', "SSMContacts.ListEngagements")
    assert (response.status, response.body) == (
        400,
        {"__type": "SerializationException", "Message": "The request body is not valid JSON: NaN is not a JSON value."},
    )


def test_a_timestamp_beyond_the_calendar_is_a_validation_error_not_a_server_error(raw: RawPost) -> None:
    response = raw({"TimeRangeValue": {"StartTime": 1e20, "EndTime": 0}}, "SSMContacts.ListEngagements")
    assert (response.status, response.body) == (
        400,
        {
            "__type": "ValidationException",
            "Message": "1 validation error detected: Value at 'TimeRangeValue.StartTime' failed to satisfy "
            "constraint: Member must be a timestamp (epoch seconds)",
            "Reason": "FIELD_VALIDATION_FAILED",
            "Fields": [{"Name": "TimeRangeValue.StartTime", "Message": "Member must be a timestamp (epoch seconds)"}],
        },
    )


def test_a_content_length_that_is_not_a_length_is_a_bad_request(emu: Emulator) -> None:
    host, port = emu.endpoint_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n{}")
        answer = connection.makefile("rb").read()  # the server answers, then closes: no hang
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert json.loads(body) == {"message": "Content-Length '-1' is not a number of bytes."}


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        ("SSMContacts.LaunchMissiles", "SSMContacts.LaunchMissiles"),
        ("AmazonSSM.ListContacts", "AmazonSSM.ListContacts"),
        (None, "(no X-Amz-Target header)"),
    ],
)
def test_an_unknown_operation_is_refused(raw: RawPost, target: str | None, shown: str) -> None:
    response = raw({}, target)
    assert (response.status, response.body) == (
        400,
        {
            "__type": "UnknownOperationException",
            "Message": f"Unknown operation {shown}: X-Amz-Target must be SSMContacts.<Operation>.",
        },
    )


def test_a_wrong_content_type_is_refused(raw: RawPost) -> None:
    response = raw({}, content_type="text/plain")
    assert (response.status, response.body) == (
        400,
        {
            "__type": "UnknownOperationException",
            "Message": "Content-Type text/plain is not supported: send application/x-amz-json-1.1.",
        },
    )


def test_a_post_to_another_path_is_refused(raw: RawPost) -> None:
    response = raw({}, path="/v1/contacts")
    assert (response.status, response.body["__type"], response.body["Message"]) == (
        400,
        "UnknownOperationException",
        "No operation is served at path /v1/contacts: POST to /.",
    )


def test_get_outside_the_admin_endpoints_is_not_found(raw: RawPost) -> None:
    response = raw(b"", method="GET", sign=False)
    assert response.status == 404
    assert response.body == {"message": "GET / is not served: the API is POST / and admin is /_emulator/"}


def test_missing_required_members_are_each_named(raw: RawPost) -> None:
    response = raw({}, "SSMContacts.StartEngagement")
    assert response.status == 400
    assert response.body["__type"] == "ValidationException"
    assert response.body["Reason"] == "FIELD_VALIDATION_FAILED"
    assert response.body["Fields"] == [
        {"Name": name, "Message": "Member must not be null"} for name in ("ContactId", "Sender", "Subject", "Content")
    ]
    assert response.body["Message"] == "4 validation errors detected: " + "; ".join(
        f"Value at '{name}' failed to satisfy constraint: Member must not be null"
        for name in ("ContactId", "Sender", "Subject", "Content")
    )


def test_lengths_patterns_and_arn_shapes_checked_by_the_server(unvalidated: Any) -> None:
    with pytest.raises(unvalidated.exceptions.ValidationException) as info:
        unvalidated.start_engagement(
            ContactId="alice-oncall",
            Sender="drill<bot>",
            Subject="s" * 2049,
            Content="c",
            IdempotencyToken="urn:pulumi:dev::proj::Engagement::x",
        )
    fields = info.value.response["Fields"]
    assert fields == [
        {
            "Name": "ContactId",
            "Message": "Member must satisfy regular expression pattern: "
            + service_model().shape_for("SsmContactsArn").metadata["pattern"],
        },
        {
            "Name": "Sender",
            "Message": "Member must satisfy regular expression pattern: " + r"^[\\a-zA-Z0-9_@#%*+=:?.\/!\s-]*$",
        },
        {"Name": "Subject", "Message": "Member must have length less than or equal to 2048"},
        {
            "Name": "IdempotencyToken",
            "Message": "Member must satisfy regular expression pattern: " + r"^[\\\/a-zA-Z0-9_+=\-]*$",
        },
    ]
    assert info.value.response["Error"]["Message"].startswith("4 validation errors detected: Value at 'ContactId'")


def test_types_enums_ranges_and_nested_members_are_checked(unvalidated: Any) -> None:
    with pytest.raises(unvalidated.exceptions.ValidationException) as info:
        unvalidated.create_contact(
            Alias="Bad Alias",
            Type="BOSS",
            Plan={
                "Stages": [
                    {"DurationInMinutes": 31, "Targets": [{"ContactTargetInfo": {"ContactId": f"{ARN}:contact/x"}}]}
                ]
            },
        )
    assert info.value.response["Fields"] == [
        {"Name": "Alias", "Message": r"Member must satisfy regular expression pattern: ^[a-z0-9_\-]*$"},
        {"Name": "Type", "Message": "Member must satisfy enum value set: [PERSONAL, ESCALATION, ONCALL_SCHEDULE]"},
        {"Name": "Plan.Stages[0].DurationInMinutes", "Message": "Member must have value less than or equal to 30"},
        {"Name": "Plan.Stages[0].Targets[0].ContactTargetInfo.IsEssential", "Message": "Member must not be null"},
    ]


def test_wrong_json_types_are_validation_errors(raw: RawPost) -> None:
    response = raw({"MaxResults": "ten", "AliasPrefix": 7}, "SSMContacts.ListContacts")
    assert response.body["Fields"] == [
        {"Name": "MaxResults", "Message": "Member must be an integer"},
        {"Name": "AliasPrefix", "Message": "Member must be a string"},
    ]
    response = raw({"ContactId": f"{ARN}:contact/x", "DisplayName": "x", "Plan": []}, "SSMContacts.UpdateContact")
    assert response.body["Fields"] == [{"Name": "Plan", "Message": "Member must be an object"}]


def test_unknown_request_members_are_ignored_as_aws_does(raw: RawPost) -> None:
    response = raw({"Unheard": "of"}, "SSMContacts.ListContacts")
    assert (response.status, response.body) == (200, {"Contacts": []})


def test_responses_carry_a_request_id_and_the_json_content_type(raw: RawPost) -> None:
    response = raw({})
    assert response.headers["content-type"] == "application/x-amz-json-1.1"
    assert len(response.headers["x-amzn-requestid"]) == 36


def test_timestamps_are_epoch_seconds_to_the_millisecond(raw: RawPost, client: Any, rotation: Rotation) -> None:
    arn = client.start_engagement(ContactId=rotation.alice_arn, Sender="tests", Subject="s", Content="c")[
        "EngagementArn"
    ]
    client.stop_engagement(EngagementId=arn)

    body = raw({"EngagementId": arn}, "SSMContacts.DescribeEngagement").body

    for member in ("StartTime", "StopTime"):
        assert isinstance(body[member], float)
        assert round(body[member], 3) == body[member], body[member]  # at most 3 decimals, as Smithy's format says


def _exercise_every_operation(client: Any, emu: Emulator, rotation: Rotation) -> None:
    """Call each implemented operation at least once, with the members that make responses fullest."""
    client.get_contact(ContactId=rotation.escalation_arn)
    client.list_contacts(MaxResults=1)
    spare = client.create_contact(
        Alias="spare", Type="PERSONAL", Plan={"Stages": []}, Tags=[{"Key": "k", "Value": "v"}]
    )
    spare_arn = spare["ContactArn"]
    channel = client.create_contact_channel(
        ContactId=spare_arn, Name="voice", Type="VOICE", DeliveryAddress={"SimpleAddress": "+15555550100"}
    )["ContactChannelArn"]
    client.activate_contact_channel(ContactChannelId=channel, ActivationCode="123456")
    client.get_contact_channel(ContactChannelId=channel)
    client.list_contact_channels(ContactId=rotation.alice_arn, MaxResults=1)
    client.deactivate_contact_channel(ContactChannelId=channel)
    client.tag_resource(ResourceARN=spare_arn, Tags=[{"Key": "x", "Value": "y"}])
    client.untag_resource(ResourceARN=spare_arn, TagKeys=["x"])
    client.list_tags_for_resource(ResourceARN=spare_arn)
    client.delete_contact_channel(ContactChannelId=channel)
    client.update_contact(ContactId=spare_arn, DisplayName="Spare")
    client.delete_contact(ContactId=spare_arn)
    engagement = client.start_engagement(ContactId=rotation.escalation_arn, **DRILL)["EngagementArn"]
    page = emu.outbox()[0]
    client.accept_page(PageId=page["page_arn"], AcceptType="DELIVERED", AcceptCode=page["accept_code"], Note="got it")
    client.accept_page(PageId=page["page_arn"], AcceptType="READ", AcceptCode=page["accept_code"])
    client.describe_page(PageId=page["page_arn"])
    client.list_page_receipts(PageId=page["page_arn"], MaxResults=1)
    client.list_pages_by_engagement(EngagementId=engagement, MaxResults=1)
    client.list_pages_by_contact(ContactId=rotation.alice_arn)
    client.stop_engagement(EngagementId=engagement, Reason="done")
    client.describe_engagement(EngagementId=engagement)
    client.list_engagements(MaxResults=1)
    _exercise_on_call_operations(client, emu, rotation)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_contact(ContactId=f"{ARN}:contact/ghost")
    with pytest.raises(client.exceptions.ConflictException):
        client.create_contact(Alias="alice-oncall", Type="PERSONAL", Plan={"Stages": []})
    with pytest.raises(client.exceptions.ValidationException):
        client.create_contact(Alias="Bad Alias", Type="PERSONAL", Plan={"Stages": []})


def _exercise_on_call_operations(client: Any, emu: Emulator, rotation: Rotation) -> None:
    """The operations of on-call schedules, activation, contact policies and page resolutions."""
    weekly = {
        "NumberOfOnCalls": 1,
        "RecurrenceMultiplier": 1,
        "WeeklySettings": [{"DayOfWeek": "MON", "HandOffTime": {"HourOfDay": 9, "MinuteOfHour": 0}}],
        "ShiftCoverages": {
            "MON": [{"Start": {"HourOfDay": 0, "MinuteOfHour": 0}, "End": {"HourOfDay": 0, "MinuteOfHour": 0}}]
        },
    }
    members = [rotation.alice_arn, rotation.bob_arn]
    start = datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)
    rotation_arn = client.create_rotation(
        Name="Primary",
        ContactIds=members,
        StartTime=start,
        TimeZoneId="UTC",
        Recurrence=weekly,
        Tags=[{"Key": "team", "Value": "db"}],
    )["RotationArn"]
    client.get_rotation(RotationId=rotation_arn)
    client.list_rotations(RotationNamePrefix="Pri", MaxResults=1)
    client.update_rotation(RotationId=rotation_arn, Recurrence={**weekly, "ShiftCoverages": {}})
    end = start + datetime.timedelta(days=30)
    override = client.create_rotation_override(
        RotationId=rotation_arn,
        NewContactIds=[rotation.bob_arn],
        StartTime=start + datetime.timedelta(days=1),
        EndTime=start + datetime.timedelta(days=2),
    )["RotationOverrideId"]
    client.get_rotation_override(RotationId=rotation_arn, RotationOverrideId=override)
    client.list_rotation_overrides(RotationId=rotation_arn, StartTime=start, EndTime=end, MaxResults=1)
    client.list_rotation_shifts(RotationId=rotation_arn, StartTime=start, EndTime=end, MaxResults=2)
    client.list_preview_rotation_shifts(
        RotationStartTime=start,
        StartTime=start,
        EndTime=end,
        Members=members,
        TimeZoneId="UTC",
        Recurrence=weekly,
        Overrides=[{"NewMembers": [rotation.bob_arn], "StartTime": start, "EndTime": end}],
        MaxResults=1,
    )
    client.delete_rotation_override(RotationId=rotation_arn, RotationOverrideId=override)
    client.tag_resource(ResourceARN=rotation_arn, Tags=[{"Key": "x", "Value": "y"}])
    client.list_tags_for_resource(ResourceARN=rotation_arn)
    schedule = client.create_contact(Alias="db-oncall", Type="ONCALL_SCHEDULE", Plan={"RotationIds": [rotation_arn]})[
        "ContactArn"
    ]
    client.put_contact_policy(ContactArn=schedule, Policy=json.dumps({"Statement": [{"Effect": "Allow"}]}))
    client.get_contact_policy(ContactArn=schedule)
    client.start_engagement(ContactId=schedule, **DRILL)
    page = emu.outbox()[-1]
    client.list_page_resolutions(PageId=page["page_arn"])
    client.update_contact(ContactId=schedule, Plan={"RotationIds": [rotation_arn]})
    client.delete_contact(ContactId=schedule)
    client.delete_rotation(RotationId=rotation_arn)
    client.send_activation_code(ContactChannelId=rotation.alice_sms_arn)
    client.update_contact_channel(ContactChannelId=rotation.alice_sms_arn, Name="alice-phone")


def test_every_response_conforms_to_the_model_output_and_error_shapes(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    bodies: list[tuple[str, int, dict[str, Any]]] = []

    def capture(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        body = json.loads(response_dict["body"] or b"{}")
        bodies.append((operation_model.name, response_dict["status_code"], body))

    client.meta.events.register("before-parse.ssm-contacts.*", capture)
    _exercise_every_operation(client, emu, rotation)
    model = service_model()
    succeeded = set()
    for operation, status, body in bodies:
        if status == 200:
            succeeded.add(operation)
            shape = model.operation_model(operation).output_shape
            assert shape is not None
            assert problems(shape, body, strict=True) == [], operation
        else:
            error = dict(body)
            shape = model.shape_for(error.pop("__type"))
            assert problems(shape, error, strict=True) == [], (operation, body)
    assert succeeded == SSMContactsResponse.operations()


@pytest.mark.parametrize("operation", sorted(SSMContactsResponse.operations()))
def test_the_backend_method_of_each_operation_takes_its_members_as_keyword_arguments(operation: str) -> None:
    shape = service_model().operation_model(operation).input_shape
    assert shape is not None
    parameters = inspect.signature(getattr(Backend, xform_name(operation))).parameters.values()
    keywords = {p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY}
    without_default = {p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is p.empty}

    assert keywords == {xform_name(member) for member in shape.members}
    assert without_default == {xform_name(member) for member in shape.required_members}
