"""one-engagement-per-token: no two Engagements of a stack would record one engagement."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy import PolicyResource, PolicyResourceOptions, StackValidationArgs

from pulumi_incident_manager._shared import shared_engagement_sentence
from pulumi_incident_manager.policies import ENGAGEMENT_TYPE, ONE_ENGAGEMENT_PER_TOKEN

from ..support import engagement


def resource(name: str, **props: Any) -> PolicyResource:
    fields = {**engagement(content="SECRET-TEXT"), **props}  # a text no message may repeat
    options = PolicyResourceOptions(False, [], True, [], None, [])  # type: ignore[arg-type]
    urn = f"urn:pulumi:drill::shop::{ENGAGEMENT_TYPE}::{name}"
    return PolicyResource(ENGAGEMENT_TYPE, fields, urn, name, options, None, None, [], {})


def violations(*resources: PolicyResource) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    ONE_ENGAGEMENT_PER_TOKEN.validate(  # type: ignore[misc]
        StackValidationArgs(list(resources)), lambda message, urn=None: found.append((message, urn))
    )
    return found


def test_distinct_engagements_pass() -> None:
    assert violations(resource("a", idempotency_token="t-a"), resource("b", idempotency_token="t-b", run="2")) == []


def test_the_same_token_is_reported_naming_both_resources_and_no_value() -> None:
    [(message, urn)] = violations(
        resource("a", idempotency_token="t-1", explicit_token=True),
        resource("b", idempotency_token="t-1", explicit_token=True, content="other"),
    )
    # The sentence the SDK refuses the same pair with inside one program.
    assert message == shared_engagement_sentence("a", "b", explicit=True) == (
        "Engagements 'a' and 'b' have the same idempotency_token, so they would share one engagement and destroying "
        "either would stop the other's: give one of them a different idempotency_token."
    )
    assert urn is not None and urn.endswith("::b")
    assert "SECRET-TEXT" not in message


def test_the_same_message_before_tokens_are_known_is_reported() -> None:
    assert len(violations(resource("a"), resource("b"))) == 1


def test_engagements_only_read_with_get_are_ignored() -> None:
    assert violations(resource("a", contact_id=None), resource("b", contact_id=None)) == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"run": "2"}, {"run": 2.0}),  # the engine sends every number as a float
        ({"run": "2"}, {"run": " 2 "}),
        ({"run": None}, {"run": ""}),
        ({"incident_id": None}, {"incident_id": ""}),
        ({"public_content": ""}, {}),
    ],
    ids=str,
)
def test_every_spelling_of_one_engagement_is_reported(first: dict[str, Any], second: dict[str, Any]) -> None:
    [(message, _)] = violations(resource("a", **first), resource("b", **second))
    assert message == shared_engagement_sentence("a", "b", explicit=False)


@pytest.mark.parametrize(
    ("first", "second"),
    [({"run": "2"}, {"run": "02"}), ({"content": "c"}, {"content": "c "}), ({"run": None}, {"run": 0.0})],
    ids=str,
)
def test_different_engagements_pass(first: dict[str, Any], second: dict[str, Any]) -> None:
    assert violations(resource("a", **first), resource("b", **second)) == []


def test_a_run_with_no_canonical_form_is_left_to_the_providers_check() -> None:
    assert violations(resource("a", run=True), resource("b", run=True)) == []
