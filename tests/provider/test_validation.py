"""check(): every rule of the service model, one failure per bad property, unknowns pass, no AWS call."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown

from incident_manager_provider.engagement import EngagementProvider
from incident_manager_provider.page_acceptance import PageAcceptanceProvider
from incident_manager_provider.tokens import mint_idempotency_token
from incident_manager_provider.validation import validate

CONTACT = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/drill-escalation"
PAGE = "arn:aws:ssm-contacts:us-east-1:123456789012:page/alice-oncall/5f8d7c7e-1f6a-4f57-9d4e-2b1c3a4d5e6f"
CODE_PATTERN = "^[0-9]*$"


def engagement(**changes: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "contact_id": CONTACT,
        "sender": "gameday-bot",
        "subject": "[DRILL] latency",
        "content": "Acknowledge this page.",
        "token_key": "5ca1ab1e" * 8,
    }
    props.update(changes)
    return props


def failures(**changes: Any) -> dict[str, str]:
    """Reason by property; a failure of a secret, or of a value too long to read, names no property (the CLI would
    print its value), so its key is the property its reason starts with, marked ``(unnamed)``."""
    result = EngagementProvider().check({}, engagement(**changes))
    return {
        failure.property or f"{failure.reason.split()[0]} (unnamed)": failure.reason for failure in result.failures
    }


def test_valid_inputs_pass_and_get_a_minted_token() -> None:
    result = EngagementProvider().check({}, engagement())
    assert result.failures == []
    assert result.inputs["idempotency_token"] == mint_idempotency_token("5ca1ab1e" * 8, engagement())
    assert result.inputs["explicit_token"] is False


def test_a_given_token_is_kept() -> None:
    result = EngagementProvider().check({}, engagement(idempotency_token="drill-2026-q3"))
    assert result.failures == []
    assert result.inputs["idempotency_token"] == "drill-2026-q3"


def test_missing_required_field_names_the_property_and_the_rule() -> None:
    assert failures(subject=None) == {"subject (unnamed)": "subject is required (ssm-contacts StartEngagement Subject)"}


def test_too_long_field_names_the_limit() -> None:
    assert failures(sender="s" * 256) == {
        "sender (unnamed)": "sender must be at most 255 characters long, not 256 (ssm-contacts StartEngagement Sender)",
    }


def test_a_secret_breaking_a_length_rule_is_told_the_rule_but_not_its_length() -> None:
    # The length of a message (or an accept code) tells something about it.
    assert failures(content="c" * 8193, subject="") == {
        "content (unnamed)": "content must be at most 8192 characters long (ssm-contacts StartEngagement Content)",
        "subject (unnamed)": "subject is required (ssm-contacts StartEngagement Subject)",
    }
    assert failures(subject="s" * 2110) == {
        "subject (unnamed)": "subject must be at most 2048 characters long (ssm-contacts StartEngagement Subject)",
    }


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
        "stop_reason (unnamed)":
            "stop_reason must be at most 255 characters long, not 256 (ssm-contacts StopEngagement Reason)"
    }


def test_one_failure_per_bad_property() -> None:
    found = failures(sender="a;b" * 200, subject="", contact_id="nope")
    assert sorted(found) == ["contact_id", "sender (unnamed)", "subject (unnamed)"]
    assert found["sender (unnamed)"].startswith("sender must be at most 255")  # the first broken rule only


def test_unknown_values_pass_and_leave_the_token_unknown() -> None:
    result = EngagementProvider().check({}, engagement(contact_id=Unknown(), subject=Unknown()))
    assert result.failures == []
    assert isinstance(result.inputs["idempotency_token"], Unknown)


def test_without_the_stack_key_no_token_can_be_minted() -> None:
    props = engagement()
    del props["token_key"]
    result = EngagementProvider().check({}, props)
    assert [(f.property, f.reason) for f in result.failures] == [
        (
            "token_key",
            "token_key is required to mint idempotency_token: pass a TokenKey resource's key as token_key "
            "(pulumi_incident_manager.Engagement does it for you), or set idempotency_token",
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
        "": "accept_code must be at least 6 characters long (ssm-contacts AcceptPage AcceptCode)",
        "accept_type": "accept_type must be one of DELIVERED, READ, not 'SEEN' (ssm-contacts AcceptPage AcceptType)",
    }


def test_an_empty_input_counts_as_unset_and_takes_its_default_as_an_absent_one_does() -> None:
    empty = PageAcceptanceProvider().check({}, {"page_id": PAGE, "accept_code": "123456", "accept_type": "",
                                                "accept_code_validation": ""})

    assert empty.failures == []
    assert empty.inputs["accept_type"] == "READ" and empty.inputs["accept_code_validation"] == "ENFORCE"


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


@pytest.mark.parametrize(
    "field, value",
    [("subject", "S" * 2049), ("content", "C" * 8193), ("public_subject", 12345.0), ("public_content", ["x"])],
)
def test_a_secret_fields_failure_names_no_property_and_quotes_nothing_of_its_value(field: str, value: Any) -> None:
    [failure] = EngagementProvider().check({}, engagement(**{field: value})).failures
    assert failure.property == ""  # the CLI prints the value of the property a failure names
    assert failure.reason.startswith(f"{field} must ")
    assert str(value)[:5] not in failure.reason and "12345" not in failure.reason


def test_an_accept_codes_failure_shows_no_digit_of_it() -> None:
    [failure] = PageAcceptanceProvider().check({}, {"page_id": PAGE, "accept_code": "98765x"}).failures
    assert (failure.property, failure.reason) == ("", f"accept_code must match the pattern {CODE_PATTERN} "
                                                      "(ssm-contacts AcceptPage AcceptCode)")


def test_a_number_where_text_belongs_says_to_quote_it() -> None:
    # Numbers reach the provider as floats, whatever the program wrote.
    assert failures(sender=123.0) == {
        "sender": "sender must be a string, not the number 123: quote it (ssm-contacts StartEngagement Sender)"
    }
