"""Minted tokens: deterministic under the stack's key, valid for StartEngagement, keyed, and kept through renames."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest

from incident_manager_provider.engagement import EngagementProvider
from incident_manager_provider.tokens import (
    IDENTITY_FIELDS,
    LABEL_FIELDS,
    NotCanonical,
    canonical,
    mint_idempotency_token,
    next_run_token,
)
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


# Every spelling a user could write for one value, and the one form the token is minted from.
SAME_RUN = [("2", 2), ("2", 2.0), (2, 2.0), ("2", " 2 "), ("2.5", 2.5), ("1000000", 1e6)]
SAME_UNSET = [(None, ""), (None, "   "), ("", " ")]  # a run of spaces is no run
DIFFERENT_RUN = [("2", "02"), ("2", "2.0"), ("2", "3"), (2, 2.5), ("a", "A"), (None, "0"), (None, 0)]


@pytest.mark.parametrize(("one", "other"), SAME_RUN + SAME_UNSET)
def test_spellings_of_one_run_mint_one_token(one: Any, other: Any) -> None:
    assert token(run=one) == token(run=other)


@pytest.mark.parametrize(("one", "other"), DIFFERENT_RUN)
def test_different_runs_mint_different_tokens(one: Any, other: Any) -> None:
    assert token(run=one) != token(run=other)


def test_a_numeric_run_mints_the_token_its_text_did_so_existing_stacks_keep_theirs() -> None:
    assert token(run=7.0) == token(run="7") == mint_idempotency_token(KEY, {**FIELDS, "run": "7"})


@pytest.mark.parametrize("name", [name for name in IDENTITY_FIELDS if name != "contact_id"])
def test_unset_and_empty_are_one_value_for_every_field(name: str) -> None:
    assert token(**{name: None}) == token(**{name: ""})


@pytest.mark.parametrize("name", [name for name in IDENTITY_FIELDS if name not in LABEL_FIELDS])
def test_text_sent_to_aws_keeps_its_whitespace_and_case_so_another_spelling_is_another_message(name: str) -> None:
    # AWS sends the text as written: " x" and "x" are two different pages, so two engagements.
    value = FIELDS.get(name, "gameday")
    assert len({token(**{name: value}), token(**{name: f" {value}"}), token(**{name: f"{value}\n"}),
                token(**{name: value.upper()})}) == 4


@pytest.mark.parametrize(
    ("value", "sentence"),
    [
        (True, 'run must be text or a number, not the boolean True: quote it ("True")'),
        (False, 'run must be text or a number, not the boolean False: quote it ("False")'),
        (float("nan"), "run must be text or a finite number, not nan: quote it"),
        (float("inf"), "run must be text or a finite number, not inf: quote it"),
        (["2"], "run must be text, not list: quote it"),
    ],
)
def test_a_run_with_no_canonical_form_is_refused_by_check_in_one_sentence(value: Any, sentence: str) -> None:
    with pytest.raises(NotCanonical, match="^" + re.escape(sentence) + "$"):
        canonical("run", value)
    result = EngagementProvider().check({}, {**FIELDS, "run": value, "token_key": KEY})
    assert [(failure.property, failure.reason) for failure in result.failures] == [("run", sentence)]


@pytest.mark.parametrize(("value", "stored"), [(2.0, "2"), (" 7 ", "7"), ("", None), ("rerun", "rerun")])
def test_check_stores_the_canonical_run(value: Any, stored: str | None) -> None:
    result = EngagementProvider().check({}, {**FIELDS, "run": value, "token_key": KEY})
    assert result.failures == [] and result.inputs["run"] == stored


def test_a_run_respelled_is_no_change_and_keeps_the_token() -> None:
    provider = EngagementProvider()
    first = provider.check({}, {**FIELDS, "run": "2", "token_key": KEY}).inputs

    again = provider.check(first, {**FIELDS, "run": 2.0, "token_key": KEY}).inputs

    assert again["idempotency_token"] == first["idempotency_token"]
    assert provider.diff("arn", {**first, "arn": "arn"}, again).changes is False


def test_an_empty_idempotency_token_is_unset_so_one_is_minted() -> None:
    result = EngagementProvider().check({}, {**FIELDS, "idempotency_token": "", "token_key": KEY})
    assert result.failures == []
    assert result.inputs["idempotency_token"] == token() and result.inputs["explicit_token"] is False
