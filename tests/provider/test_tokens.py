"""Minted tokens: deterministic under the stack's key, valid for StartEngagement, keyed, and kept through renames."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from incident_manager_provider.engagement import EngagementProvider
from incident_manager_provider.tokens import IDENTITY_FIELDS, mint_idempotency_token, next_run_token
from incident_manager_provider.validation import broken_rule, input_shape

KEY = "5ca1ab1e" * 8
PINNED = "pulumi-im-14153175b355c73f456aa0b093f8e144960202227233ed5b92eb6ec71f4bbfda"
FIELDS = {
    "contact_id": "arn:aws:ssm-contacts:us-east-1:123456789012:contact/drill-escalation",
    "sender": "gameday-bot",
    "subject": "[DRILL] Checkout latency",
    "content": "Game-day drill: acknowledge this page.",
    "public_subject": "[DRILL] checkout",
    "public_content": "Drill: acknowledge.",
    "incident_id": "gameday",
}


def token(key: str = KEY, **changes: Any) -> str:
    return mint_idempotency_token(key, {**FIELDS, **changes})


def test_same_key_and_fields_give_the_same_token_on_every_machine() -> None:
    # Pinned: a change here would make a re-run after a crash send a different token, and page twice.
    assert token() == PINNED
    assert token() == mint_idempotency_token(KEY, dict(reversed(list(FIELDS.items()))))


def test_token_satisfies_the_api_pattern_and_length() -> None:
    value = token(content="x" * 8192)
    assert broken_rule(input_shape("StartEngagement"), "IdempotencyToken", value) is None  # the service model's rules
    assert len(value) == len("pulumi-im-") + 64 <= 2048


@pytest.mark.parametrize("field", IDENTITY_FIELDS)
def test_every_field_and_run_change_the_token(field: str) -> None:
    assert token(**{field: "something else"}) != token()


def test_another_stack_key_gives_another_token() -> None:
    assert token(key="0" * 64) != token()


def test_an_unset_or_empty_optional_field_counts_as_absent() -> None:
    # StartEngagement is sent neither, so they page the same way: no new token, no second page.
    assert token(incident_id=None, run=None) == token(incident_id="", run="") == mint_idempotency_token(
        KEY, {name: value for name, value in FIELDS.items() if name != "incident_id"}
    )


def test_fields_that_do_not_page_differently_do_not_change_the_token() -> None:
    assert token(stop_reason="done", pulumi_name="renamed") == token()


def test_without_the_key_a_dictionary_of_messages_does_not_find_the_token() -> None:
    # What an unkeyed hash allowed: hash every candidate message with the plaintext fields in state, compare.
    minted = token(subject="db", content="failover")
    candidates = ["db", "failover", "latency", "disk", "outage"]
    plain = {name: value for name, value in FIELDS.items() if name not in ("subject", "content")}
    guesses = {
        mint_idempotency_token(guess_key, {**plain, "subject": subject, "content": content})
        for guess_key in ("", "0" * 64)
        for subject in candidates
        for content in candidates
    }
    unkeyed = {
        "pulumi-im-" + hashlib.sha256(json.dumps({**plain, "subject": s, "content": c}).encode()).hexdigest()
        for s in candidates
        for c in candidates
    }
    assert minted not in guesses | unkeyed


def test_the_next_run_token_is_deterministic_and_new() -> None:
    arn = "arn:aws:ssm-contacts:us-east-1:123456789012:engagement/alice-oncall/5f8d7c7e"
    assert next_run_token(KEY, token(), arn) == next_run_token(KEY, token(), arn) != token()


def test_check_keeps_the_previous_token_when_only_the_name_or_key_changed() -> None:
    provider = EngagementProvider()
    old_inputs = {**FIELDS, "idempotency_token": "pulumi-im-minted-long-ago", "pulumi_name": "before-the-rename"}

    renamed = provider.check(old_inputs, {**FIELDS, "token_key": "f" * 64})
    changed = provider.check(old_inputs, {**FIELDS, "content": "new text", "token_key": KEY})

    assert renamed.inputs["idempotency_token"] == "pulumi-im-minted-long-ago"
    assert "pulumi_name" not in renamed.inputs
    assert changed.inputs["idempotency_token"] == token(content="new text")
