"""Each sentence's advice, followed, works: the setting it names is the one that decides, the input it names
changes the outcome. (The explicit token after destroy is followed end to end in tests/e2e/test_inputs.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from incident_manager_provider import aws
from incident_manager_provider.engagement import EngagementProvider
from incident_manager_provider.errors import IncidentManagerError

KEY = "5ca1ab1e" * 8
FIELDS = {
    "contact_id": "arn:aws:ssm-contacts:us-east-1:123456789012:contact/drill-escalation",
    "sender": "gameday-bot",
    "subject": "[DRILL] latency",
    "content": "Acknowledge this page.",
}


def test_raising_incident_manager_max_attempts_raises_the_attempts_whatever_the_environment_says() -> None:
    # "... run again later or raise incident-manager:maxAttempts (it wins over AWS_MAX_ATTEMPTS ...)."
    settings = aws.AwsSettings.from_config({"incident-manager:maxAttempts": "25"}.get)
    from_environment = {"max_attempts": "3", "retry_mode": None}.get
    assert settings.retries(from_environment)["total_max_attempts"] == 25


def test_setting_aws_region_decides_the_region_whatever_aws_region_says(monkeypatch: pytest.MonkeyPatch) -> None:
    # "... set aws:region (it wins over AWS_REGION) to the endpoint's region, or for an ARN of another region use
    # that region's endpoint (a call about an ARN is signed for the region it names)."
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    assert aws.client(aws.AwsSettings(region="us-east-1"), operation="StartEngagement").meta.region_name == (
        "us-east-1"
    )
    engagement = "arn:aws:ssm-contacts:ap-south-1:123456789012:engagement/drill/0b2c"
    client = aws.client(aws.AwsSettings(region="us-east-1"), arn=engagement, operation="StopEngagement")
    assert client.meta.region_name == "ap-south-1"


def test_fixing_aws_profile_when_aws_profile_is_not_set_finds_the_profile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # "The config profile (gone) could not be found; fix aws:profile in the stack config, or AWS_PROFILE when
    # aws:profile is not set."
    config = tmp_path / "config"
    config.write_text("[profile gameday]\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_PROFILE", "gone")
    with pytest.raises(IncidentManagerError, match=r"AWS_PROFILE when aws:profile is not set\.$"):
        aws.client(aws.AwsSettings(), operation="StartEngagement")

    monkeypatch.setenv("AWS_PROFILE", "gameday")
    assert aws.client(aws.AwsSettings(), operation="StartEngagement").meta.region_name == "us-east-1"

    monkeypatch.setenv("AWS_PROFILE", "gone")  # and aws:profile, when set, is the one that decides
    assert aws.client(aws.AwsSettings(profile="gameday"), operation="StartEngagement").meta.region_name == (
        "us-east-1"
    )


@pytest.mark.parametrize("follow", ["a new token", "no token"])
def test_an_unchanged_explicit_token_for_a_changed_message_is_fixed_by_either_advice(follow: str) -> None:
    # "idempotency_token is unchanged but content changed, and AWS refuses a token reused for a different
    # engagement: set a new idempotency_token (or remove it to let one be minted)."
    provider = EngagementProvider()
    olds = provider.check({}, {**FIELDS, "idempotency_token": "drill-1"}).inputs
    changed = {**FIELDS, "content": "Reworded."}
    [refused] = provider.check(olds, {**changed, "idempotency_token": "drill-1"}).failures
    assert "set a new idempotency_token (or remove it to let one be minted)" in refused.reason

    token = "drill-2" if follow == "a new token" else None
    followed = provider.check(olds, {**changed, "idempotency_token": token, "token_key": KEY})

    assert followed.failures == []
    assert followed.inputs["idempotency_token"] not in (None, "drill-1")
    assert provider.diff("arn", {**olds, "arn": "arn"}, followed.inputs).replaces  # a new engagement: it pages


@pytest.mark.parametrize("follow", ["token_key", "idempotency_token"])
def test_without_a_key_passing_one_or_setting_idempotency_token_is_enough(follow: str) -> None:
    # "token_key is required to mint idempotency_token: pass a TokenKey resource's key as token_key (...), or set
    # idempotency_token"
    provider = EngagementProvider()
    [refused] = provider.check({}, dict(FIELDS)).failures
    assert refused.reason.endswith("or set idempotency_token")

    followed = provider.check({}, {**FIELDS, follow: KEY if follow == "token_key" else "drill-1"})

    assert followed.failures == [] and followed.inputs["idempotency_token"]


def test_a_new_run_with_an_unchanged_explicit_token_says_run_alone_pages_nobody_and_a_new_token_does() -> None:
    provider = EngagementProvider()
    olds = provider.check({}, {**FIELDS, "idempotency_token": "drill-1", "run": "1"}).inputs

    [refused] = provider.check(olds, {**FIELDS, "idempotency_token": "drill-1", "run": "2"}).failures
    followed = provider.check(olds, {**FIELDS, "idempotency_token": "drill-2", "run": "2"})

    assert refused.reason == (
        "idempotency_token is unchanged but run changed, and run is no part of an explicit token, so nobody would be "
        "paged again: set a new idempotency_token (or remove it to let one be minted)."
    )
    assert followed.failures == []
    assert provider.diff("arn", {**olds, "arn": "arn"}, followed.inputs).replaces
