"""AWS failures reach the user as one actionable sentence (botocore Stubber: errors the emulator cannot produce)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from incident_manager_provider import aws
from incident_manager_provider.engagement import EngagementProvider
from incident_manager_provider.errors import IncidentManagerError

CONTACT = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/drill-escalation"
ENGAGEMENT = "arn:aws:ssm-contacts:us-east-1:123456789012:engagement/drill-escalation/0b2c"
PROPS = {
    "contact_id": CONTACT,
    "sender": "gameday-bot",
    "subject": "[DRILL] Checkout latency",
    "content": "Runbook: https://wiki.example/checkout",
    "public_subject": "[DRILL] checkout",
    "idempotency_token": "pulumi-im-abc",
}


@pytest.fixture
def stubbed() -> Iterator[Stubber]:
    client = boto3.session.Session().client(
        "ssm-contacts", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret"
    )
    with aws.client_override(client), Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def error(stubber: Stubber, method: str, code: str, message: str, status: int, **extra: Any) -> None:
    stubber.add_client_error(
        method, service_error_code=code, service_message=message, http_status_code=status, response_meta=extra
    )


def test_access_denied_names_the_action_and_the_arn(stubbed: Stubber) -> None:
    error(stubbed, "start_engagement", "AccessDeniedException", "User is not authorized", 403)
    with pytest.raises(IncidentManagerError) as caught:
        EngagementProvider().create(PROPS)
    assert str(caught.value) == (
        f"Access denied: the AWS credentials in use are not allowed to call ssm-contacts:StartEngagement on "
        f"{CONTACT}; allow that action in their IAM policy or choose another profile with aws:profile."
    )
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_data_encryption_points_at_the_key_policy(stubbed: Stubber) -> None:
    error(stubbed, "start_engagement", "DataEncryptionException", "KMS key is disabled.", 400)
    with pytest.raises(IncidentManagerError, match=r"could not use the KMS key for StartEngagement on .*"
                       r"\(KMS key is disabled\); check the key policy and that the key is enabled\.$"):
        EngagementProvider().create(PROPS)


def test_a_rejection_that_quotes_a_secret_input_never_repeats_it(stubbed: Stubber) -> None:
    stubbed.add_client_error(
        "start_engagement",
        service_error_code="ValidationException",
        service_message="1 validation error detected: Value '[DRILL] Checkout latency' at 'subject' was refused.",
        http_status_code=400,
        modeled_fields={
            "Message": "1 validation error detected",
            "Fields": [{"Name": "PublicSubject", "Message": "'[DRILL] checkout' was refused"}],
        },
    )
    with pytest.raises(IncidentManagerError) as caught:
        EngagementProvider().create(PROPS)
    assert str(caught.value) == (
        f"ssm-contacts rejected StartEngagement on {CONTACT}: its message is withheld because it quotes a secret "
        "input (PublicSubject: its message is withheld because it quotes a secret input); fix the input and run again."
    )


def test_short_secrets_leave_awss_own_words_intact(stubbed: Stubber) -> None:
    # Subject "S" and content "C": replacing every "S" and "C" would garble AWS's text and show where they occur.
    message = (
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
        "Access Key and signing method."
    )
    error(stubbed, "start_engagement", "InvalidSignatureException", message, 403)
    with pytest.raises(IncidentManagerError) as caught:
        EngagementProvider().create({**PROPS, "subject": "S", "content": "C"})
    assert message.rstrip(".") in str(caught.value)
    assert "[secret]" not in str(caught.value)


def test_a_stop_the_service_refuses_for_another_reason_is_reported(stubbed: Stubber) -> None:
    error(stubbed, "stop_engagement", "AccessDeniedException", "denied", 403)
    with pytest.raises(IncidentManagerError, match=r"ssm-contacts:StopEngagement on " + ENGAGEMENT):
        EngagementProvider().delete(ENGAGEMENT, PROPS)


def test_a_stop_refused_because_already_stopped_counts_as_done(stubbed: Stubber) -> None:
    error(stubbed, "stop_engagement", "ValidationException", "Engagement is already stopped", 400)
    stubbed.add_response(
        "describe_engagement",
        {
            "ContactArn": CONTACT,
            "EngagementArn": ENGAGEMENT,
            "Sender": "gameday-bot",
            "Subject": "s",
            "Content": "c",
            "StopTime": "2026-01-01T00:00:00Z",
        },
        {"EngagementId": ENGAGEMENT},
    )
    EngagementProvider().delete(ENGAGEMENT, PROPS)  # the Stubber fixture asserts both answers were used


def test_no_region_says_which_settings_to_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(IncidentManagerError) as caught:
        aws.client(aws.AwsSettings(), operation="DescribeEngagement")
    assert str(caught.value) == (
        "No AWS region is set for ssm-contacts:DescribeEngagement; set aws:region in the stack config or AWS_REGION."
    )
    assert (caught.value.operation, caught.value.code) == ("DescribeEngagement", "NoRegionError")


def test_unknown_profile_says_which_settings_to_fix(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(IncidentManagerError) as caught:
        aws.client(aws.AwsSettings(profile="gameday", region="us-east-1"), operation="StartEngagement")
    assert str(caught.value) == (
        "The config profile (gameday) could not be found; fix aws:profile in the stack config, or AWS_PROFILE when "
        "aws:profile is not set."
    )


def test_a_region_mismatch_says_to_fix_the_region_not_the_credentials(stubbed: Stubber) -> None:
    message = "Credential should be scoped to a valid region, not 'eu-west-1'. This endpoint serves 'us-east-1'."
    error(stubbed, "start_engagement", "InvalidSignatureException", message, 403)
    with pytest.raises(IncidentManagerError) as caught:
        EngagementProvider().create(PROPS)
    assert str(caught.value) == (
        "The ssm-contacts endpoint refused ssm-contacts:StartEngagement because the request was signed for another "
        f"region ({message.rstrip('.')}); set aws:region (it wins over AWS_REGION) to the endpoint's region, or for "
        "an ARN of another region use that region's endpoint (a call about an ARN is signed for the region it names)."
    )
    assert "sso login" not in str(caught.value)
