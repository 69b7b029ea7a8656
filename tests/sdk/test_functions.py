"""accept_page, get_engagement and list_pages from a program, against the offline endpoint over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pulumi
import pytest
from botocore.stub import Stubber

from incident_manager_provider import aws
from pulumi_incident_manager import (
    AcceptPageResult,
    IncidentManagerError,
    NotFoundError,
    accept_page,
    accept_page_output,
    get_engagement,
    get_engagement_output,
    list_pages,
    list_pages_output,
)
from pulumi_incident_manager._functions import stack_settings
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import Rotation

from ..support import engage
from .conftest import RecordingMonitor


@pytest.fixture
def paged(ssm_contacts_env: Emulator, rotation: Rotation) -> Iterator[tuple[Emulator, str, dict[str, Any]]]:
    """An engagement of alice (SMS and e-mail) and its SMS page as the phone received it."""
    arn = engage(
        ssm_contacts_env.client(), rotation.alice_arn, Subject="[DRILL] latency", PublicSubject="[DRILL]",
        IncidentId="gameday"
    )
    sms = next(m for m in ssm_contacts_env.outbox() if m["engagement_arn"] == arn and m["channel_type"] == "SMS")
    yield ssm_contacts_env, arn, sms


def read_receipts(emulator: Emulator, page_arn: str) -> list[tuple[str, str | None]]:
    receipts = emulator.client().list_page_receipts(PageId=page_arn)["Receipts"]
    return [(r["ReceiptType"], r.get("ReceiptInfo")) for r in receipts if r["ReceiptType"] in ("READ", "DELIVERED")]


def test_accept_page_acknowledges_the_page(paged: tuple[Emulator, str, dict[str, Any]]) -> None:
    emulator, _, sms = paged

    result = accept_page(sms["page_arn"], sms["accept_code"], note="on it")

    assert result == AcceptPageResult(sms["page_arn"], "READ", acknowledged=True)
    assert read_receipts(emulator, sms["page_arn"]) == [("READ", "on it")]


def test_accept_page_acknowledges_once_however_often_a_program_calls_it(
    paged: tuple[Emulator, str, dict[str, Any]], engine: RecordingMonitor, through_the_emulator: Emulator
) -> None:
    # A program calling accept_page_output runs it on every `pulumi up`: the second run finds the READ receipt.
    emulator, _, sms = paged
    results: list[AcceptPageResult] = []

    def program() -> pulumi.Output[Any]:
        return accept_page_output(sms["page_arn"], sms["accept_code"], note="on it").apply(results.append)

    pulumi.runtime.test(program)()
    pulumi.runtime.test(program)()

    assert results == [
        AcceptPageResult(sms["page_arn"], "READ", acknowledged=True),
        AcceptPageResult(sms["page_arn"], "READ", acknowledged=True, already=True),
    ]
    assert read_receipts(emulator, sms["page_arn"]) == [("READ", "on it")]
    assert emulator.request_counts()["AcceptPage"] == 1


def test_accept_page_checks_its_inputs_before_calling_aws(paged: tuple[Emulator, str, dict[str, Any]]) -> None:
    emulator, _, sms = paged
    with pytest.raises(ValueError) as caught:
        accept_page(sms["page_arn"], "12", accept_type="SEEN")
    assert str(caught.value) == (
        "accept_code must be at least 6 characters long (ssm-contacts AcceptPage AcceptCode); "
        "accept_type must be one of DELIVERED, READ, not 'SEEN' (ssm-contacts AcceptPage AcceptType)"
    )
    assert "AcceptPage" not in emulator.request_counts()


def test_accept_page_output_during_an_up_acknowledges(
    paged: tuple[Emulator, str, dict[str, Any]], engine: RecordingMonitor, through_the_emulator: Emulator
) -> None:
    emulator, _, sms = paged
    results: list[AcceptPageResult] = []

    def program() -> pulumi.Output[Any]:
        code = pulumi.Output.secret(sms["accept_code"])
        return accept_page_output(pulumi.Output.from_input(sms["page_arn"]), code, "DELIVERED").apply(results.append)

    pulumi.runtime.test(program)()

    assert results == [AcceptPageResult(sms["page_arn"], "DELIVERED", acknowledged=True)]
    assert read_receipts(emulator, sms["page_arn"]) == [("DELIVERED", None)]


def test_accept_page_output_during_a_preview_acknowledges_nothing(
    paged: tuple[Emulator, str, dict[str, Any]], preview_engine: RecordingMonitor, through_the_emulator: Emulator
) -> None:
    emulator, _, sms = paged
    results: list[AcceptPageResult] = []

    def program() -> pulumi.Output[Any]:
        return accept_page_output(sms["page_arn"], sms["accept_code"]).apply(results.append)

    pulumi.runtime.test(program)()

    assert results == [AcceptPageResult(sms["page_arn"], "READ", acknowledged=False)]
    assert "AcceptPage" not in emulator.request_counts()
    assert read_receipts(emulator, sms["page_arn"]) == []


def test_get_engagement_reads_what_aws_stored(paged: tuple[Emulator, str, dict[str, Any]]) -> None:
    emulator, arn, _ = paged
    emulator.client().stop_engagement(EngagementId=arn, Reason="done")

    found = get_engagement(arn)

    assert (found.arn, found.sender, found.subject, found.public_subject, found.incident_id) == (
        arn,
        "gameday-bot",
        "[DRILL] latency",
        "[DRILL]",
        "gameday",
    )
    assert found.contact_arn.endswith(":contact/alice-oncall")
    assert found.start_time is not None and found.stop_time is not None


def test_get_engagement_of_a_missing_engagement_says_so(ssm_contacts_env: Emulator) -> None:
    arn = "arn:aws:ssm-contacts:us-east-1:123456789012:engagement/alice-oncall/00000000-0000-0000-0000-000000000000"
    with pytest.raises(NotFoundError) as caught:
        get_engagement(arn)
    assert str(caught.value) == (
        f"ssm-contacts:DescribeEngagement failed because engagement {arn} does not exist in this account and region; "
        "check the ARN and the aws:region setting."
    )
    assert isinstance(caught.value, IncidentManagerError)
    assert (caught.value.operation, caught.value.code) == ("DescribeEngagement", "ResourceNotFoundException")


def test_output_forms_resolve_and_keep_the_message_secret(
    paged: tuple[Emulator, str, dict[str, Any]], engine: RecordingMonitor, through_the_emulator: Emulator
) -> None:
    _, arn, sms = paged
    seen: dict[str, Any] = {}

    def program() -> pulumi.Output[Any]:
        engagement = get_engagement_output(pulumi.Output.from_input(arn))
        secret = pulumi.Output.from_input(engagement.is_secret())
        pages = list_pages_output(arn)
        return pulumi.Output.all(engagement, pages, secret).apply(lambda values: seen.update(values=values))

    pulumi.runtime.test(program)()

    engagement, pages, secret = seen["values"]
    assert engagement.subject == "[DRILL] latency"
    assert sms["page_arn"] in [page.page_arn for page in pages]
    assert secret is True


def test_list_pages_lists_one_page_per_engaged_channel(paged: tuple[Emulator, str, dict[str, Any]]) -> None:
    emulator, arn, _ = paged

    pages = list_pages(arn)

    expected = sorted(m["page_arn"] for m in emulator.outbox() if m["engagement_arn"] == arn)
    assert sorted(page.page_arn for page in pages) == expected and len(pages) == 2
    assert all(page.engagement_arn == arn and page.sent_time for page in pages)


def test_list_pages_follows_next_token() -> None:
    client = boto3.session.Session().client(
        "ssm-contacts", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret"
    )
    arn = "arn:aws:ssm-contacts:us-east-1:123456789012:engagement/a/e"

    def page(n: int) -> dict[str, Any]:
        return {
            "PageArn": f"arn:aws:ssm-contacts:us-east-1:123456789012:page/a/{n}",
            "EngagementArn": arn,
            "ContactArn": "arn:aws:ssm-contacts:us-east-1:123456789012:contact/a",
            "Sender": "bot",
        }

    with aws.client_override(client), Stubber(client) as stubber:
        stubber.add_response(
            "list_pages_by_engagement", {"Pages": [page(1), page(2)], "NextToken": "Mg=="}, {"EngagementId": arn}
        )
        stubber.add_response(
            "list_pages_by_engagement", {"Pages": [page(3)]}, {"EngagementId": arn, "NextToken": "Mg=="}
        )
        pages = list_pages(arn)
        stubber.assert_no_pending_responses()

    assert [p.page_arn.rsplit("/", 1)[1] for p in pages] == ["1", "2", "3"]


def test_functions_read_the_stack_config(engine: RecordingMonitor) -> None:
    pulumi.runtime.set_config("aws:region", "eu-west-1")
    pulumi.runtime.set_config("aws:profile", "gameday")
    pulumi.runtime.set_config("incident-manager:endpoint", "http://127.0.0.1:4566")
    try:
        settings = stack_settings()
    finally:
        pulumi.runtime.set_all_config({})
    assert settings == aws.AwsSettings(region="eu-west-1", profile="gameday", endpoint_url="http://127.0.0.1:4566")
