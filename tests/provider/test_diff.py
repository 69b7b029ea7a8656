"""diff(): tokens decide. Same token, nothing; new token, a replacement naming what changed; never __provider.

Each diff is shown as (replaces, updates): the inputs that make a new engagement, and those changed in place.
"""

from __future__ import annotations

from typing import Any

from pulumi.output import Unknown

from incident_manager_provider.engagement import EngagementProvider
from incident_manager_provider.page_acceptance import PageAcceptanceProvider

ARN = "arn:aws:ssm-contacts:us-east-1:123456789012:engagement/drill-escalation/0b2c"


def checked(**changes: Any) -> dict[str, Any]:
    news: dict[str, Any] = {
        "contact_id": "arn:aws:ssm-contacts:us-east-1:123456789012:contact/drill-escalation",
        "sender": "gameday-bot",
        "subject": "[DRILL] latency",
        "content": "Acknowledge this page.",
        "token_key": "5ca1ab1e" * 8,
        "__provider": "pickled-v1",
    }
    news.update(changes)
    result = EngagementProvider().check({}, news)
    assert result.failures == []
    return {**result.inputs, "__provider": news["__provider"]}


def state(**changes: Any) -> dict[str, Any]:
    return {**checked(**changes), "arn": ARN, "contact_arn": "c", "start_time": "2026-01-01T00:00:00+00:00"}


NONE: tuple[list[str], list[str]] = ([], [])


def diff(olds: dict[str, Any], news: dict[str, Any]) -> tuple[list[str], list[str]]:
    result = EngagementProvider().diff(ARN, olds, news)
    return result.replaces or [], result.updates


def test_same_inputs_make_no_change() -> None:
    assert diff(state(), checked()) == NONE


def test_a_new_provider_pickle_alone_is_never_a_change() -> None:
    assert diff(state(), checked(__provider="pickled-v2")) == NONE


def test_a_changed_field_replaces_and_names_the_field_and_the_token() -> None:
    assert diff(state(), checked(content="New text.")) == (["content", "idempotency_token"], [])


def test_a_new_run_replaces() -> None:
    assert diff(state(), checked(run="2")) == (["run", "idempotency_token"], [])


def test_a_given_token_change_replaces() -> None:
    assert diff(state(idempotency_token="a"), checked(idempotency_token="b")) == (["idempotency_token"], [])


def test_with_a_given_token_unchanged_other_edits_do_not_page_again() -> None:
    assert diff(state(idempotency_token="a"), checked(idempotency_token="a", content="New")) == NONE


def test_stop_reason_alone_updates_in_place() -> None:
    assert diff(state(stop_reason="done"), checked(stop_reason="drill over")) == ([], ["stop_reason"])


def test_update_takes_only_the_new_stop_reason_and_a_removed_one_stays_removed() -> None:
    provider = EngagementProvider()
    olds = state(stop_reason="done", idempotency_token="a")
    news = checked(idempotency_token="a", content="Edited, but the token says it is the same engagement.")

    outs = provider.update(ARN, olds, news).outs

    assert outs == {key: value for key, value in olds.items() if key not in ("__provider", "stop_reason")}
    assert diff(outs, news) == NONE  # no update again on the next run


def test_an_optional_field_set_to_empty_instead_of_unset_is_no_change() -> None:
    assert diff(state(), checked(public_subject="", run="")) == NONE


def test_an_unknown_field_during_preview_is_a_replacement() -> None:
    assert diff(state(), checked(subject=Unknown())) == (["subject", "idempotency_token"], [])


def test_page_acceptance_replaces_on_any_input_change_and_ignores_the_provider() -> None:
    provider = PageAcceptanceProvider()
    olds = {"page_id": "p", "accept_code": "123456", "accept_type": "READ", "__provider": "v1", "accepted_at": "t"}
    assert provider.diff("p#READ", olds, {**olds, "__provider": "v2"}).changed == []
    assert provider.diff("p#READ", olds, {**olds, "accept_type": "DELIVERED", "note": "n"}).changed == [
        "accept_type", "note"]


def test_a_new_token_and_a_new_stop_reason_are_named_together() -> None:
    assert diff(state(stop_reason="done"), checked(content="New text.", stop_reason="drill over")) == (
        ["content", "idempotency_token"], ["stop_reason"])


def test_the_dynamic_server_gets_a_change_as_unknown_so_the_engine_names_the_changed_inputs() -> None:
    # The dynamic server sends no detailed diff: with `changes` unknown the engine diffs the inputs itself (secrets by
    # value), so a changed content is named; `replaces` still decides the replacement; no change stays a firm no.
    provider = EngagementProvider()
    replaced = provider.diff(ARN, state(), checked(content="New text."))
    updated = provider.diff(ARN, state(stop_reason="done"), checked(stop_reason="drill over"))
    same = provider.diff(ARN, state(), checked(__provider="pickled-v2"))

    assert (replaced.changes, replaced.replaces) == (None, ["content", "idempotency_token"])
    assert (updated.changes, updated.replaces) == (None, [])
    assert (same.changes, same.replaces) == (False, None)
