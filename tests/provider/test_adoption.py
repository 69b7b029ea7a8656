"""Adoption: an engagement `pulumi import` recorded stays the same engagement while the program says what it says.

check and diff only (no AWS call); the CLI runs of import are in tests/e2e/test_import.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from incident_manager_provider.engagement import EngagementProvider, adopted_inputs
from incident_manager_provider.records import EngagementRecord

ARN = "arn:aws:ssm-contacts:us-east-1:123456789012:engagement/bob-oncall/0b2c"
CONTACT = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/bob-oncall"
KEY = "5ca1ab1e" * 8

LIVE = EngagementRecord(
    contact_arn=CONTACT, engagement_arn=ARN, sender="console", subject="SECRET subject", content="SECRET content",
    public_subject=None, public_content="SECRET sms", incident_id=None,
    start_time=datetime(2026, 12, 6, tzinfo=UTC), stop_time=None,
)
IMPORTED = adopted_inputs(LIVE)
"""What `pulumi import` records as the engagement's inputs."""


def program(**changes: Any) -> dict[str, Any]:
    """The generated code's inputs: the message fields empty (the engine sends required ones as "")."""
    return {"contact_id": CONTACT, "sender": "console", "subject": "", "content": "", **changes}


def test_imported_inputs_hold_no_message_in_the_fields_the_engine_generates_code_from() -> None:
    assert IMPORTED == {
        "contact_id": CONTACT, "sender": "console", "adopted_arn": ARN,
        "adopted": {"subject": "SECRET subject", "content": "SECRET content", "public_content": "SECRET sms"},
    }


def test_the_imports_own_check_passes_with_no_token_key() -> None:
    result = EngagementProvider().check(IMPORTED, IMPORTED)

    assert result.failures == []
    assert result.inputs["adopted_arn"] == ARN and "idempotency_token" not in result.inputs


def test_the_generated_code_keeps_the_engagement_adopted_and_diff_sees_no_change() -> None:
    result = EngagementProvider().check(IMPORTED, program())

    assert result.failures == []
    assert result.inputs["subject"] == "SECRET subject" and result.inputs["public_content"] == "SECRET sms"
    assert EngagementProvider().diff(ARN, {"arn": ARN}, result.inputs).changes is False


def test_the_message_as_adopted_or_the_token_it_was_started_with_keep_it_adopted_too() -> None:
    said = program(subject="SECRET subject", content="SECRET content", public_content="SECRET sms")
    for news in (said, program(idempotency_token="started-by-hand-1"), program(token_key=KEY)):
        result = EngagementProvider().check(IMPORTED, news)
        assert result.failures == [] and result.inputs["adopted_arn"] == ARN, news
        assert EngagementProvider().diff(ARN, {"arn": ARN}, result.inputs).changes is False


def test_saying_something_else_mints_a_token_and_replaces() -> None:
    result = EngagementProvider().check(IMPORTED, program(subject="New", content="New", token_key=KEY))

    assert result.failures == [] and "adopted_arn" not in result.inputs
    assert result.inputs["idempotency_token"].startswith("pulumi-im-")
    diff = EngagementProvider().diff(ARN, {"arn": ARN}, result.inputs)
    # A change goes out as "unknown" (the engine then names each changed input), with the token among the replaces.
    assert diff.changes is None and "idempotency_token" in diff.changed and "idempotency_token" in (diff.replaces or [])


def test_a_new_engagement_needs_the_whole_message_in_the_program() -> None:
    result = EngagementProvider().check(IMPORTED, program(subject="New", token_key=KEY))

    assert [failure.reason for failure in result.failures] == [
        "content is required (ssm-contacts StartEngagement Content)"]
