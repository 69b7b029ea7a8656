"""Settings: stack config first, then the AWS environment; one cached client per settings and environment."""

from __future__ import annotations

import base64
from pathlib import Path

import dill
import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider

from incident_manager_provider import aws
from incident_manager_provider.engagement import EngagementProvider
from incident_manager_provider.errors import IncidentManagerError
from incident_manager_provider.page_acceptance import PageAcceptanceProvider


def test_settings_come_from_namespaced_stack_config() -> None:
    config = {
        "aws:region": "eu-west-1",
        "aws:profile": "gameday",
        "incident-manager:endpoint": "http://127.0.0.1:4566",
        "incident-manager:retryMode": "adaptive",
        "incident-manager:maxAttempts": "4",
        "shop:unrelated": "x",
    }
    assert aws.AwsSettings.from_config(config.get) == aws.AwsSettings(
        region="eu-west-1",
        profile="gameday",
        endpoint_url="http://127.0.0.1:4566",
        retry_mode="adaptive",
        max_attempts=4,
    )
    assert aws.AwsSettings.from_config({"aws:region": "  "}.get) == aws.AwsSettings()


@pytest.mark.parametrize("attempts", ["ten", "0", "-1", "2.5"])
def test_max_attempts_that_is_not_a_positive_whole_number_is_named(attempts: str) -> None:
    with pytest.raises(ValueError) as caught:
        aws.AwsSettings.from_config({"incident-manager:maxAttempts": attempts}.get)
    assert str(caught.value) == (
        f"incident-manager:maxAttempts must be a whole number of attempts, at least 1, not {attempts!r}"
    )


def test_retries_prefer_stack_config_then_the_aws_environment_then_a_patient_default() -> None:
    assert aws.AwsSettings().retries({}.get) == {"mode": "standard", "total_max_attempts": 10}
    from_aws = {"retry_mode": "adaptive", "max_attempts": "5"}.get
    assert aws.AwsSettings().retries(from_aws) == {"mode": "adaptive", "total_max_attempts": 5}
    assert aws.AwsSettings(retry_mode="standard", max_attempts=7).retries(from_aws) == {
        "mode": "standard",
        "total_max_attempts": 7,
    }


def test_a_retry_mode_in_stack_config_that_is_not_standard_or_adaptive_is_named_with_its_key() -> None:
    with pytest.raises(ValueError) as caught:
        aws.AwsSettings.from_config({"incident-manager:retryMode": "legacy"}.get)
    assert str(caught.value) == "incident-manager:retryMode must be standard or adaptive, not 'legacy'"


def test_a_retry_mode_from_the_aws_environment_names_where_it_comes_from_and_what_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_RETRY_MODE", "legacy")
    with pytest.raises(IncidentManagerError) as caught:
        aws.client(aws.AwsSettings(region="us-east-1"), operation="StartEngagement")
    assert str(caught.value) == (
        "AWS_RETRY_MODE (or the AWS profile's retry_mode) must be standard or adaptive, not 'legacy'; change it, "
        "or set incident-manager:retryMode, which comes first"
    )
    assert aws.client(aws.AwsSettings(region="us-east-1", retry_mode="standard"), operation="StartEngagement")


@pytest.mark.parametrize("attempts", ["ten", "-2"])
def test_max_attempts_from_the_aws_environment_that_is_not_a_positive_whole_number_is_named(
    monkeypatch: pytest.MonkeyPatch, attempts: str
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", attempts)
    with pytest.raises(IncidentManagerError) as caught:
        aws.client(aws.AwsSettings(region="us-east-1"), operation="StartEngagement")
    assert str(caught.value).startswith(
        "AWS_MAX_ATTEMPTS (or the AWS profile's max_attempts) must be a whole number of attempts, at least 1, not "
    )
    assert attempts in str(caught.value)


def test_clients_take_retry_settings_from_the_environment_and_the_profile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    config_file = tmp_path / "config"
    config_file.write_text("[profile drill]\nregion = eu-west-1\nretry_mode = adaptive\nmax_attempts = 6\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config_file))

    from_profile = aws.client(aws.AwsSettings(profile="drill"), operation="StartEngagement")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "4")
    from_environment = aws.client(aws.AwsSettings(profile="drill"), operation="StartEngagement")

    assert from_profile.meta.region_name == "eu-west-1"
    assert from_profile.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 6}
    assert from_environment.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 4}


def test_client_uses_the_settings_and_is_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    settings = aws.AwsSettings(region="eu-west-1", endpoint_url="http://127.0.0.1:1")
    client = aws.client(settings, operation="StartEngagement")
    assert client.meta.region_name == "eu-west-1"
    assert client.meta.endpoint_url == "http://127.0.0.1:1"
    assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 10}
    assert aws.client(settings, operation="StartEngagement") is client
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM_CONTACTS", "http://127.0.0.1:2")
    assert aws.client(aws.AwsSettings(region="eu-west-1"), operation="StartEngagement").meta.endpoint_url == "http://127.0.0.1:2"


def test_the_endpoint_environment_variable_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM_CONTACTS", "http://127.0.0.1:3")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    assert aws.client(operation="StartEngagement").meta.endpoint_url == "http://127.0.0.1:3"


@pytest.mark.parametrize("provider_class", [EngagementProvider, PageAcceptanceProvider])
def test_a_configured_provider_pickles_without_clients_or_credentials(
    provider_class: type[EngagementProvider | PageAcceptanceProvider], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    provider = provider_class()
    provider.configure(ConfigureRequest(Config(raw_config={"aws:region": "us-east-1"}, project_name="shop")))
    # A client exists in this process, but not on the provider.
    aws.client(provider.settings, operation="StartEngagement")

    pickled = base64.b64decode(serialize_provider(provider))  # as pulumi.dynamic.Resource stores __provider

    assert b"EXAMPLEKEY" not in pickled and b"AKIA" not in pickled and b"boto" not in pickled
    assert dill.loads(pickled).settings == aws.AwsSettings(region="us-east-1")
