"""Engagement and PageAcceptance through the real dynamic-provider server, over gRPC, against the endpoint."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from pulumi.output import Unknown
from pulumi.runtime.proto import provider_pb2

from incident_manager_provider import aws
from incident_manager_provider.engagement import EngagementProvider
from incident_manager_provider.page_acceptance import PageAcceptanceProvider
from incident_manager_provider.tokens import mint_idempotency_token, next_run_token
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import Rotation

from .conftest import READ_ONLY_KEY, StartServer, server_env
from .harness import ProviderServer

ENGAGEMENT = EngagementProvider()
ACCEPTANCE = PageAcceptanceProvider()


def inputs(rotation: Rotation, **changes: Any) -> dict[str, Any]:
    """What ``pulumi_incident_manager.Engagement`` sends for a drill that pages alice."""
    props: dict[str, Any] = {
        "contact_id": rotation.alice_arn,
        "sender": "gameday-bot",
        "subject": "[DRILL] Checkout latency",
        "content": "Game-day drill: acknowledge this page.",
        "public_subject": "[DRILL] checkout",
        "public_content": "Drill: acknowledge with the code.",
        "incident_id": "gameday",
        "token_key": "5ca1ab1e" * 8,
    }
    props.update(changes)
    return props


def checked(server: ProviderServer, rotation: Rotation, **changes: Any) -> dict[str, Any]:
    news, failures = server.check(ENGAGEMENT, {}, inputs(rotation, **changes))
    assert failures == []
    return news


def create(server: ProviderServer, rotation: Rotation, **changes: Any) -> tuple[str, dict[str, Any]]:
    return server.create(ENGAGEMENT, checked(server, rotation, **changes))


def pages_of(emulator: Emulator, arn: str) -> list[dict[str, Any]]:
    return [message for message in emulator.outbox() if message["engagement_arn"] == arn]


def rpc_error(call: Any, *args: Any) -> str:
    with pytest.raises(grpc.RpcError) as caught:
        call(*args)
    details: str = caught.value.details()  # type: ignore[attr-defined]
    return details


def test_check_with_unknowns_passes_them_through_without_calling_aws(
    server: ProviderServer, rotation: Rotation, ssm_contacts_emulator: Emulator
) -> None:
    before = ssm_contacts_emulator.request_counts()

    news, failures = server.check(ENGAGEMENT, {}, inputs(rotation, contact_id=Unknown(), content=Unknown()))

    assert failures == []
    assert isinstance(news["contact_id"], Unknown) and isinstance(news["idempotency_token"], Unknown)
    assert news["sender"] == "gameday-bot"
    assert ssm_contacts_emulator.request_counts() == before


def test_check_reports_one_failure_per_bad_property(server: ProviderServer, rotation: Rotation) -> None:
    _, failures = server.check(ENGAGEMENT, {}, inputs(rotation, sender="ops;bot", subject="", incident_id="i" * 1025))
    assert [(prop, reason.split(" (ssm-contacts")[0]) for prop, reason in failures] == [
        ("sender", "sender must match the pattern ^[\\\\a-zA-Z0-9_@#%*+=:?.\\/!\\s-]*$: ';' is not allowed"),
        ("", "subject is required"),  # a secret: the failure names no property, so the CLI prints no value
        ("", "incident_id must be at most 1024 characters long, not 1025"),  # too long for the CLI to print whole
    ]


def test_create_pages_once_and_records_the_engagement_as_aws_stored_it(
    server: ProviderServer, rotation: Rotation, ssm_contacts_emulator: Emulator
) -> None:
    arn, outs = create(server, rotation)

    token = mint_idempotency_token("5ca1ab1e" * 8, inputs(rotation))
    assert arn.startswith("arn:aws:ssm-contacts:us-east-1:123456789012:engagement/alice-oncall/")
    assert outs["arn"] == arn and outs["idempotency_token"] == token
    assert outs["contact_arn"] == rotation.alice_arn and outs["subject"] == "[DRILL] Checkout latency"
    assert outs["start_time"] and outs.get("stop_time") is None
    pages = pages_of(ssm_contacts_emulator, arn)
    assert sorted((page["channel_type"], page["subject"]) for page in pages) == [
        ("EMAIL", "[DRILL] Checkout latency"),
        ("SMS", "[DRILL] checkout"),
    ]
    assert ssm_contacts_emulator.request_counts()["StartEngagement"] == 1


def test_a_second_create_with_the_same_token_adopts_the_engagement_and_pages_nobody(
    server: ProviderServer, rotation: Rotation, ssm_contacts_emulator: Emulator
) -> None:
    first, _ = create(server, rotation)
    pages = len(ssm_contacts_emulator.outbox())

    again, outs = create(server, rotation)  # the engine died before saving the first create

    assert again == first and outs["arn"] == first
    assert len(ssm_contacts_emulator.outbox()) == pages
    assert ssm_contacts_emulator.request_counts()["StartEngagement"] == 2
    listed = ssm_contacts_emulator.client().list_engagements()["Engagements"]
    assert [engagement["EngagementArn"] for engagement in listed] == [first]


def test_a_create_after_the_engagement_was_stopped_starts_the_next_run_once(
    server: ProviderServer, rotation: Rotation, ssm_contacts_emulator: Emulator
) -> None:
    # `pulumi up --replace` of an unchanged engagement: delete stops it, then create runs with the same token.
    arn, outs = create(server, rotation)
    server.delete(ENGAGEMENT, arn, outs)

    new_arn, new_outs = create(server, rotation)
    again, _ = create(server, rotation)  # a crash-retry of that create: the same next run, no new page

    expected = next_run_token("5ca1ab1e" * 8, outs["idempotency_token"], arn)
    assert new_arn != arn and again == new_arn
    assert new_outs["idempotency_token"] == expected and new_outs["minted_token"] == outs["idempotency_token"]
    assert len(pages_of(ssm_contacts_emulator, new_arn)) == 2
    assert "StopTime" not in ssm_contacts_emulator.client().describe_engagement(EngagementId=new_arn)


def test_create_with_an_explicit_token_of_a_stopped_engagement_says_how_to_start_a_new_run(
    server: ProviderServer, rotation: Rotation, ssm_contacts_emulator: Emulator
) -> None:
    arn, outs = create(server, rotation, idempotency_token="drill-2026-q3")
    server.delete(ENGAGEMENT, arn, outs)
    pages = len(ssm_contacts_emulator.outbox())

    details = rpc_error(server.create, ENGAGEMENT, checked(server, rotation, idempotency_token="drill-2026-q3"))

    assert (
        f"The idempotency token {outs['idempotency_token']} belongs to engagement {arn}, which was stopped at "
    ) in details
    assert "to start a new run, set idempotency_token to a new value (or remove it to let one be minted)." in details
    assert len(ssm_contacts_emulator.outbox()) == pages
    new_arn, _ = create(server, rotation, idempotency_token="drill-2026-q4")
    assert new_arn != arn and len(pages_of(ssm_contacts_emulator, new_arn)) == 2


def test_diff_compares_tokens_and_calls_no_aws(
    server: ProviderServer, rotation: Rotation, ssm_contacts_emulator: Emulator
) -> None:
    arn, state = create(server, rotation, stop_reason="drill over")
    before = ssm_contacts_emulator.request_counts()
    other_pickle = EngagementProvider()
    other_pickle.settings = aws.AwsSettings(region="eu-west-1")  # a different __provider, same class

    same = server.diff(ENGAGEMENT, arn, state, checked(server, rotation, stop_reason="drill over"))
    new_code = server.diff(other_pickle, arn, state, checked(server, rotation, stop_reason="drill over"))
    reworded = server.diff(ENGAGEMENT, arn, state, checked(server, rotation, content="New text."))
    new_reason = server.diff(ENGAGEMENT, arn, state, checked(server, rotation, stop_reason="cancelled"))

    assert same.changes == provider_pb2.DiffResponse.DIFF_NONE
    assert new_code.changes == provider_pb2.DiffResponse.DIFF_NONE
    # A change goes out as unknown, so that the engine names each changed input (the server sends no detailed diff);
    # replaces decide the replacement.
    assert reworded.changes == provider_pb2.DiffResponse.DIFF_UNKNOWN
    assert list(reworded.replaces) == ["content", "idempotency_token"]
    assert new_reason.changes == provider_pb2.DiffResponse.DIFF_UNKNOWN and list(new_reason.replaces) == []
    assert ssm_contacts_emulator.request_counts() == before


def test_refresh_of_an_unchanged_engagement_is_followed_by_no_diff(server: ProviderServer, rotation: Rotation) -> None:
    arn, state = create(server, rotation)

    read_id, refreshed = server.read(ENGAGEMENT, arn, state)

    assert read_id == arn and refreshed == state
    assert server.diff(ENGAGEMENT, arn, refreshed, checked(server, rotation)).changes == (
        provider_pb2.DiffResponse.DIFF_NONE
    )


def test_read_after_a_stop_behind_pulumis_back_shows_the_stop_time(
    server: ProviderServer, rotation: Rotation, ssm_contacts_emulator: Emulator
) -> None:
    arn, state = create(server, rotation)
    ssm_contacts_emulator.client().stop_engagement(EngagementId=arn, Reason="stopped from the console")

    read_id, refreshed = server.read(ENGAGEMENT, arn, state)

    assert read_id == arn and refreshed["stop_time"] is not None and refreshed["start_time"] == state["start_time"]


def test_an_engagement_the_endpoint_no_longer_has_reads_as_gone(
    server: ProviderServer, rotation: Rotation, ssm_contacts_emulator: Emulator
) -> None:
    arn, state = create(server, rotation)
    ssm_contacts_emulator.reset()

    read_id, _ = server.read(ENGAGEMENT, arn, state)

    assert read_id == ""


def test_update_of_stop_reason_keeps_every_output_and_calls_no_aws(
    server: ProviderServer, rotation: Rotation, ssm_contacts_emulator: Emulator
) -> None:
    arn, state = create(server, rotation)
    before = ssm_contacts_emulator.request_counts()

    outs = server.update(ENGAGEMENT, arn, state, checked(server, rotation, stop_reason="drill cancelled"))

    assert outs == {**state, "stop_reason": "drill cancelled"}
    assert ssm_contacts_emulator.request_counts() == before


def test_delete_stops_with_the_reason_and_deleting_twice_is_safe(
    server: ProviderServer, rotation: Rotation, ssm_contacts_emulator: Emulator
) -> None:
    arn, state = create(server, rotation, stop_reason="drill over")
    client = ssm_contacts_emulator.client()

    server.delete(ENGAGEMENT, arn, state)
    server.delete(ENGAGEMENT, arn, state)

    assert "StopTime" in client.describe_engagement(EngagementId=arn)
    page = client.list_pages_by_engagement(EngagementId=arn)["Pages"][0]["PageArn"]
    stops = [r for r in client.list_page_receipts(PageId=page)["Receipts"] if r["ReceiptType"] == "STOP"]
    assert [receipt.get("ReceiptInfo") for receipt in stops] == ["drill over"]
    ssm_contacts_emulator.reset()
    server.delete(ENGAGEMENT, arn, state)  # gone altogether: still done
    assert ssm_contacts_emulator.request_counts()["StopEngagement"] == 1


def test_access_denied_names_the_action_and_the_arn(
    start_server: StartServer, rotation: Rotation, ssm_contacts_emulator: Emulator
) -> None:
    server = start_server(key=READ_ONLY_KEY)

    details = rpc_error(server.create, ENGAGEMENT, checked(server, rotation))

    assert (
        "Access denied: the AWS credentials in use are not allowed to call ssm-contacts:StartEngagement on "
        f"{rotation.alice_arn}; allow that action in their IAM policy or choose another profile with aws:profile."
    ) in details
    assert "Traceback" not in details and ssm_contacts_emulator.outbox() == []


def test_the_endpoint_can_come_from_the_aws_environment(
    ssm_contacts_emulator: Emulator, rotation: Rotation, tmp_path: Any
) -> None:
    with ProviderServer(server_env(tmp_path, **ssm_contacts_emulator.env())) as server:
        arn, _ = create(server, rotation)
    assert len(pages_of(ssm_contacts_emulator, arn)) == 2


def test_page_acceptance_acknowledges_the_page_and_forgets_it_on_delete(
    server: ProviderServer, rotation: Rotation, ssm_contacts_emulator: Emulator
) -> None:
    arn, _ = create(server, rotation)
    sms = next(page for page in pages_of(ssm_contacts_emulator, arn) if page["channel_type"] == "SMS")
    news, failures = server.check(
        ACCEPTANCE, {}, {"page_id": sms["page_arn"], "accept_code": sms["accept_code"], "note": "on it"}
    )
    assert failures == []

    id_, outs = server.create(ACCEPTANCE, news)
    server.delete(ACCEPTANCE, id_, outs)

    assert id_ == f"{sms['page_arn']}#READ"
    assert outs["accept_type"] == "READ" and outs["accept_code_validation"] == "ENFORCE" and outs["accepted_at"]
    receipts = ssm_contacts_emulator.client().list_page_receipts(PageId=sms["page_arn"])["Receipts"]
    assert [(r["ReceiptType"], r.get("ReceiptInfo")) for r in receipts if r["ReceiptType"] == "READ"] == [
        ("READ", "on it")
    ]
    assert ssm_contacts_emulator.request_counts()["AcceptPage"] == 1


def test_page_acceptance_with_a_wrong_code_fails_in_one_sentence(
    server: ProviderServer, rotation: Rotation, ssm_contacts_emulator: Emulator
) -> None:
    arn, _ = create(server, rotation)
    page = pages_of(ssm_contacts_emulator, arn)[0]
    wrong = "000000" if page["accept_code"] != "000000" else "111111"
    news, _ = server.check(ACCEPTANCE, {}, {"page_id": page["page_arn"], "accept_code": wrong})

    details = rpc_error(server.create, ACCEPTANCE, news)

    assert (
        f"ssm-contacts rejected AcceptPage on {page['page_arn']}: AcceptCode does not match the code sent with "
        f"page {page['page_arn']} (AcceptCode: Member must be the accept code sent with the page); "
        "fix the input and run again."
    ) in details
