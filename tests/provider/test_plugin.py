"""The plugin's adapter speaks the plugin's own names: camelCase properties and ``incident-manager:*`` settings."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckRequest,
    ConfigureRequest,
    DiffRequest,
    DiffResponse,
    PropertyDiffKind,
)

from incident_manager_provider.errors import IncidentManagerError, present
from incident_manager_provider.plugin import IncidentManagerProvider
from incident_manager_provider.settings import PLUGIN

T = TypeVar("T")

URN = "urn:pulumi:e2e::e2e-yaml::incident-manager:index:Engagement::page"
INPUTS = {
    "contactId": "arn:aws:ssm-contacts:us-east-1:123456789012:contact/alice-oncall",
    "sender": "e2e-yaml",
    "subject": "[DRILL] checkout",
    "content": "Runbook",
}


def run(call: Coroutine[Any, Any, T]) -> T:
    """Run a provider call on a loop of its own: ``asyncio.run`` would leave the thread with no current loop, which
    later tests that build Pulumi mocks (``asyncio.get_event_loop``) then lack."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(call)
    finally:
        loop.close()


def configure(provider: IncidentManagerProvider, **variables: str) -> None:
    request = ConfigureRequest({f"incident-manager:{k}": v for k, v in variables.items()}, {}, True, True)
    run(provider.configure(request))


def test_a_setting_the_plugin_cannot_use_is_named_as_a_plugin_program_sets_it() -> None:
    with pytest.raises(IncidentManagerError) as caught:
        configure(IncidentManagerProvider(), maxAttempts="0")

    assert present(caught.value, PLUGIN) == (
        "incident-manager:maxAttempts must be a whole number of attempts, at least 1, not '0'"
    )


def test_the_plugin_reads_its_own_setting_keys() -> None:
    provider = IncidentManagerProvider()
    configure(provider, region="eu-west-1", profile="gameday", endpoint="http://localhost:1", retryMode="adaptive",
              maxAttempts="3")

    assert provider.settings.__dict__ == {"region": "eu-west-1", "profile": "gameday",
                                          "endpoint_url": "http://localhost:1", "retry_mode": "adaptive",
                                          "max_attempts": 3}


def test_an_engagement_with_no_token_key_is_told_the_plugins_way_to_give_one() -> None:
    provider = IncidentManagerProvider()
    request = CheckRequest(URN, {}, {key: PropertyValue(value) for key, value in INPUTS.items()}, b"")

    [failure] = run(provider.check(request)).failures

    assert (failure.property, failure.reason) == (
        "tokenKey",
        "tokenKey is required to mint idempotencyToken: pass a TokenKey resource's key as tokenKey (or set the "
        "provider's incident-manager:tokenKey config), or set idempotencyToken",
    )


PROVIDER_URN = "urn:pulumi:e2e::e2e-yaml::pulumi:providers:incident-manager::default"


def checked_key(provider: IncidentManagerProvider, olds: dict[str, PropertyValue],
                news: dict[str, PropertyValue]) -> PropertyValue:
    """The tokenKey among the provider inputs that the plugin's CheckConfig returns."""
    inputs = run(provider.check_config(CheckRequest(PROVIDER_URN, olds, news, b""))).inputs
    assert inputs is not None
    return inputs["tokenKey"]


def test_with_no_key_configured_the_provider_draws_a_secret_one_and_keeps_it_from_its_old_inputs() -> None:
    version = {"version": PropertyValue("0.1.0")}
    drawn = checked_key(IncidentManagerProvider(), {}, version)
    kept = checked_key(IncidentManagerProvider(), {**version, "tokenKey": drawn}, version)

    assert drawn.is_secret and isinstance(drawn.value, str) and re.fullmatch("[0-9a-f]{64}", drawn.value)
    assert (kept.value, kept.is_secret) == (drawn.value, True)
    assert checked_key(IncidentManagerProvider(), {}, version).value != drawn.value  # another stack, another key


def test_a_configured_token_key_is_used_as_given() -> None:
    configured = PropertyValue("ab" * 32, is_secret=True)
    old = PropertyValue("cd" * 32, is_secret=True)

    assert checked_key(IncidentManagerProvider(), {"tokenKey": old}, {"tokenKey": configured}).value == "ab" * 32


def checked(provider: IncidentManagerProvider, olds: dict[str, PropertyValue], **inputs: str) -> dict[str, Any]:
    news = {key: PropertyValue(value) for key, value in {**INPUTS, "tokenKey": "5ca1ab1e" * 8, **inputs}.items()}
    result = run(provider.check(CheckRequest(URN, olds, news, b"")))
    assert result.failures == []
    return result.inputs


def test_a_diff_names_each_changed_input_and_the_token_in_the_plugins_names() -> None:
    provider = IncidentManagerProvider()
    olds = checked(provider, {}, stopReason="drill over")
    state = {**olds, "arn": PropertyValue("arn:aws:ssm-contacts:us-east-1:123456789012:engagement/alice-oncall/1")}

    def diff(**inputs: str) -> DiffResponse:
        return run(provider.diff(DiffRequest(URN, "id", state, checked(provider, olds, **inputs), [])))

    reworded = diff(content="Runbook, reworded", publicSubject="[DRILL]", stopReason="drill over")
    reason_only = diff(stopReason="cancelled")
    same = diff(stopReason="drill over")

    assert reworded.changes is True and reworded.delete_before_replace is True
    assert reworded.replaces == reworded.diffs == ["content", "publicSubject", "idempotencyToken"]
    assert {name: (found.kind, found.input_diff) for name, found in reworded.detailed_diff.items()} == {
        "content": (PropertyDiffKind.UPDATE_REPLACE, True),
        "publicSubject": (PropertyDiffKind.ADD_REPLACE, True),
        "idempotencyToken": (PropertyDiffKind.UPDATE_REPLACE, True),
    }
    assert reason_only.changes is True and reason_only.replaces == [] and reason_only.diffs == ["stopReason"]
    assert reason_only.detailed_diff["stopReason"].kind == PropertyDiffKind.UPDATE
    assert (same.changes, same.diffs, same.detailed_diff) == (False, [], {})
