"""check(): every rule of the service model, one failure per bad property, unknowns pass, no AWS call."""

from __future__ import annotations

from typing import Any

from pulumi.output import Unknown

from incident_manager_provider.engagement import EngagementProvider
from incident_manager_provider.page_acceptance import PageAcceptanceProvider
from incident_manager_provider.tokens import derive_idempotency_token
from incident_manager_provider.validation import validate

CONTACT = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/drill-escalation"
PAGE = "arn:aws:ssm-contacts:us-east-1:123456789012:page/alice-oncall/5f8d7c7e-1f6a-4f57-9d4e-2b1c3a4d5e6f"


def engagement(**changes: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "contact_id": CONTACT,
        "sender": "gameday-bot",
        "subject": "[DRILL] latency",
        "content": "Acknowledge this page.",
        "pulumi_project": "shop",
        "pulumi_stack": "gameday",
        "pulumi_name": "drill",
    }
    props.update(changes)
    return props


def failures(**changes: Any) -> dict[str, str]:
    result = EngagementProvider().check({}, engagement(**changes))
    return {failure.property: failure.reason for failure in result.failures}


def test_valid_inputs_pass_and_get_the_derived_token() -> None:
    result = EngagementProvider().check({}, engagement())
    assert result.failures == []
    assert result.inputs["idempotency_token"] == derive_idempotency_token(
        "shop", "gameday", "drill", engagement()
    )


def test_a_given_token_is_kept() -> None:
    result = EngagementProvider().check({}, engagement(idempotency_token="drill-2026-q3"))
    assert result.failures == []
    assert result.inputs["idempotency_token"] == "drill-2026-q3"


def test_missing_required_field_names_the_property_and_the_rule() -> None:
    assert failures(subject=None) == {"subject": "subject is required (ssm-contacts StartEngagement Subject)"}


def test_too_long_field_names_the_limit() -> None:
    assert failures(sender="s" * 256) == {
        "sender": "sender must be at most 255 characters long, not 256 (ssm-contacts StartEngagement Sender)"
    }
    assert failures(content="c" * 8193)["content"].startswith("content must be at most 8192 characters long")


def test_pattern_failure_names_the_offending_character() -> None:
    reason = failures(sender="ops;oncall")["sender"]
    assert reason.startswith("sender must match the pattern ^[")
    assert "';' is not allowed" in reason


def test_contact_id_must_be_a_contact_arn() -> None:
    assert failures(contact_id="drill-escalation")["contact_id"] == (
        "contact_id must be an ssm-contacts ARN shaped like arn:aws:ssm-contacts:<region>:<account>:contact/..., "
        "not 'drill-escalation' (ssm-contacts StartEngagement ContactId)"
    )
    assert failures(contact_id=PAGE)["contact_id"].startswith(
        "contact_id must be a contact ARN shaped like arn:aws:ssm-contacts:<region>:<account>:contact/..., "
        "not an ARN of type page"
    )


def test_idempotency_token_must_match_the_api_pattern() -> None:
    reason = failures(idempotency_token="urn:pulumi:dev::shop::drill")["idempotency_token"]
    assert "idempotency_token must match the pattern" in reason and "':' is not allowed" in reason


def test_stop_reason_is_checked_against_stop_engagement() -> None:
    assert failures(stop_reason="r" * 256) == {
        "stop_reason": "stop_reason must be at most 255 characters long, not 256 (ssm-contacts StopEngagement Reason)"
    }


def test_one_failure_per_bad_property() -> None:
    found = failures(sender="a;b" * 200, subject="", contact_id="nope")
    assert sorted(found) == ["contact_id", "sender", "subject"]
    assert found["sender"].startswith("sender must be at most 255")  # the first broken rule only


def test_unknown_values_pass_and_leave_the_token_unknown() -> None:
    result = EngagementProvider().check({}, engagement(contact_id=Unknown(), subject=Unknown()))
    assert result.failures == []
    assert isinstance(result.inputs["idempotency_token"], Unknown)


def test_without_stack_identity_the_token_cannot_be_derived() -> None:
    props = engagement()
    del props["pulumi_name"]
    result = EngagementProvider().check({}, props)
    assert [(f.property, f.reason) for f in result.failures] == [
        (
            "pulumi_name",
            "pulumi_name is required to derive idempotency_token: build the resource with "
            "pulumi_incident_manager.Engagement or set idempotency_token",
        )
    ]


def test_page_acceptance_check_fills_defaults_and_checks_enums_and_code_length() -> None:
    provider = PageAcceptanceProvider()
    ok = provider.check({}, {"page_id": PAGE, "accept_code": "123456"})
    assert ok.failures == []
    assert ok.inputs["accept_type"] == "READ" and ok.inputs["accept_code_validation"] == "ENFORCE"

    bad = provider.check({}, {"page_id": CONTACT, "accept_code": "12", "accept_type": "SEEN"})
    assert {f.property: f.reason for f in bad.failures} == {
        "page_id": "page_id must be a page ARN shaped like arn:aws:ssm-contacts:<region>:<account>:page/..., "
        "not an ARN of type contact (ssm-contacts AcceptPage PageId)",
        "accept_code": "accept_code must be at least 6 characters long, not 2 (ssm-contacts AcceptPage AcceptCode)",
        "accept_type": "accept_type must be one of DELIVERED, READ, not 'SEEN' (ssm-contacts AcceptPage AcceptType)",
    }


def test_an_arn_with_a_trailing_space_is_refused_at_once_not_after_exponential_backtracking() -> None:
    # The model's ARN pattern nests a repeat in a repeat; matched as written, this value takes minutes.
    contact = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/checkout-escalation-plan-primary "
    failures = validate("StartEngagement", {"contact_id": contact}, {"contact_id": "ContactId"})
    assert [(f.property, f.reason) for f in failures] == [
        (
            "contact_id",
            "contact_id must be an ssm-contacts ARN shaped like arn:aws:ssm-contacts:<region>:<account>:contact/..., "
            f"not {contact!r} (ssm-contacts StartEngagement ContactId)",
        )
    ]
