"""diff(): tokens decide. Same token, nothing; new token, a replacement naming what changed; never __provider."""

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


def diff(olds: dict[str, Any], news: dict[str, Any]) -> tuple[bool | None, list[str] | None]:
    result = EngagementProvider().diff(ARN, olds, news)
    return result.changes, result.replaces


def test_same_inputs_make_no_change() -> None:
    assert diff(state(), checked()) == (False, None)


def test_a_new_provider_pickle_alone_is_never_a_change() -> None:
    assert diff(state(), checked(__provider="pickled-v2")) == (False, None)


def test_a_changed_field_replaces_and_names_the_field_and_the_token() -> None:
    assert diff(state(), checked(content="New text.")) == (True, ["content", "idempotency_token"])


def test_a_new_run_replaces() -> None:
    assert diff(state(), checked(run="2")) == (True, ["run", "idempotency_token"])


def test_a_given_token_change_replaces() -> None:
    assert diff(state(idempotency_token="a"), checked(idempotency_token="b")) == (True, ["idempotency_token"])


def test_with_a_given_token_unchanged_other_edits_do_not_page_again() -> None:
    assert diff(state(idempotency_token="a"), checked(idempotency_token="a", content="New")) == (False, None)


def test_stop_reason_alone_updates_in_place() -> None:
    assert diff(state(stop_reason="done"), checked(stop_reason="drill over")) == (True, [])


def test_update_takes_only_the_new_stop_reason_and_a_removed_one_stays_removed() -> None:
    provider = EngagementProvider()
    olds = state(stop_reason="done", idempotency_token="a")
    news = checked(idempotency_token="a", content="Edited, but the token says it is the same engagement.")

    outs = provider.update(ARN, olds, news).outs

    assert outs == {key: value for key, value in olds.items() if key not in ("__provider", "stop_reason")}
    assert diff(outs, news) == (False, None)  # no update again on the next run


def test_an_optional_field_set_to_empty_instead_of_unset_is_no_change() -> None:
    assert diff(state(), checked(public_subject="", run="")) == (False, None)


def test_an_unknown_field_during_preview_is_a_replacement() -> None:
    changes, replaces = diff(state(), checked(subject=Unknown()))
    assert changes is True and replaces == ["subject", "idempotency_token"]


def test_page_acceptance_replaces_on_any_input_change_and_ignores_the_provider() -> None:
    provider = PageAcceptanceProvider()
    olds = {"page_id": "p", "accept_code": "123456", "accept_type": "READ", "__provider": "v1", "accepted_at": "t"}
    assert provider.diff("p#READ", olds, {**olds, "__provider": "v2"}).changes is False
    result = provider.diff("p#READ", olds, {**olds, "accept_type": "DELIVERED", "note": "n"})
    assert (result.changes, result.replaces) == (True, ["accept_type", "note"])
