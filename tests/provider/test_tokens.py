"""derive_idempotency_token: deterministic, valid for StartEngagement, and sensitive to what it should be."""

from __future__ import annotations

import pytest

from incident_manager_provider.tokens import ENGAGEMENT_FIELDS, derive_idempotency_token
from incident_manager_provider.validation import broken_rule, input_shape

FIELDS = {
    "contact_id": "arn:aws:ssm-contacts:us-east-1:123456789012:contact/drill-escalation",
    "sender": "gameday-bot",
    "subject": "[DRILL] Checkout latency",
    "content": "Game-day drill: acknowledge this page.",
    "public_subject": "[DRILL] checkout",
    "public_content": "Drill: acknowledge.",
    "incident_id": "gameday",
}


def token(**changes: str | None) -> str:
    identity = {"project": "shop", "stack": "gameday", "name": "drill", "run": None}
    fields = dict(FIELDS)
    for key, value in changes.items():
        if key in identity:
            identity[key] = value
        else:
            fields[key] = value
    return derive_idempotency_token(
        identity["project"] or "", identity["stack"] or "", identity["name"] or "", fields, run=identity["run"]
    )


def test_same_inputs_give_the_same_token_on_every_machine() -> None:
    # Pinned: a change here would make every existing stack page its contacts again.
    assert token() == "pulumi-im-e742d09f90171cb50e13ece1786bbb73812cbd03e2169cc44e625d0110e76e8b"


def test_token_satisfies_the_api_pattern_and_length() -> None:
    value = token(content="x" * 8192, name="a" * 500)
    assert broken_rule(input_shape("StartEngagement"), "IdempotencyToken", value) is None  # the service model's rules
    assert ":" not in value and "." not in value
    assert len(value) == len("pulumi-im-") + 64 <= 2048


@pytest.mark.parametrize("field", [*ENGAGEMENT_FIELDS, "project", "stack", "name", "run"])
def test_every_engagement_field_and_the_stack_identity_change_the_token(field: str) -> None:
    assert token(**{field: "something else"}) != token()


def test_an_unset_or_empty_optional_field_counts_as_absent() -> None:
    # StartEngagement is sent neither, so they page the same way: no new token, no second page.
    required = {"contact_id": "c", "sender": "x", "subject": "s", "content": "c"}
    without = derive_idempotency_token("p", "s", "n", required)
    with_nones = derive_idempotency_token("p", "s", "n", {**required, "incident_id": None, "public_subject": None})
    empties = {**required, "incident_id": "", "public_subject": ""}
    with_empties = derive_idempotency_token("p", "s", "n", empties, run="")
    assert without == with_nones == with_empties


def test_fields_that_do_not_page_differently_do_not_change_the_token() -> None:
    assert token(stop_reason="done") == token()
