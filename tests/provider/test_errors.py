"""AWS failures reach the user as one actionable sentence (botocore Stubber: errors the emulator cannot produce)."""

from __future__ import annotations

import random
import string
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from incident_manager_provider import aws
from incident_manager_provider.engagement import EngagementProvider
from incident_manager_provider.errors import IncidentManagerError, describe_botocore_error, present, quotes_secret
from incident_manager_provider.settings import PLUGIN, PYTHON
from pulumi_incident_manager import accept_page

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


SECRET_CONTENT = "SEKRIT-CONT-b81e22 please page the checkout team " * 4


def runs(secret: str) -> set[str]:
    """Every run of 8 characters of ``secret``, casefolded: none may appear in what the user sees."""
    folded = secret.casefold()
    return {folded[i : i + 8] for i in range(len(folded) - 7)}


def quoted_run(text: str, *secrets: str) -> set[str]:
    folded = text.casefold()
    return {run for secret in secrets for run in runs(secret) if run in folded}


# How AWS (or something between) can echo a secret: each answer quotes the content or the subject once.
ECHOES = {
    "quoted truncated prefix": {
        "Message": "1 validation error detected: Value 'SEKRIT-CONT-b81e22 p...' at 'content' failed to satisfy "
        "constraint: Member must have length less than or equal to 8192",
    },
    "upper-cased copy": {"Message": f"Subject '{PROPS['subject'].upper()}' was refused"},
    "field name": {
        "Message": "1 validation error detected",
        "Fields": [{"Name": "sekrit-cont-B81E22", "Message": "x"}],
    },
    "field message": {
        "Message": "1 validation error detected",
        "Fields": [{"Name": "Content", "Message": "'...checkout team SEKRIT-CONT' is too long"}],
    },
    "another member": {"Message": "refused", "Reason": "[drill] CHECKOUT LAT"},
}


@pytest.mark.parametrize("echo", ECHOES.values(), ids=ECHOES.keys())
def test_a_rejection_quoting_8_characters_of_a_secret_anywhere_withholds_awss_words(
    stubbed: Stubber, echo: dict[str, Any]
) -> None:
    stubbed.add_client_error(
        "start_engagement",
        service_error_code="ValidationException",
        service_message=echo["Message"],
        http_status_code=400,
        modeled_fields={"Message": echo["Message"], **{k: v for k, v in echo.items() if k != "Message"}},
    )
    with pytest.raises(IncidentManagerError) as caught:
        EngagementProvider().create({**PROPS, "content": SECRET_CONTENT})
    assert str(caught.value) == (
        f"ssm-contacts rejected StartEngagement on {CONTACT}: its message is withheld because it quotes a secret "
        "input; fix the input and run again."
    )
    assert not quoted_run(str(caught.value), SECRET_CONTENT, PROPS["subject"], PROPS["content"])


def test_an_answer_quoting_a_secret_outside_the_modeled_members_withholds_awss_words(stubbed: Stubber) -> None:
    error(stubbed, "start_engagement", "ConflictException", "refused", 409, Echo={"Quoted": ["CHECKOUT LATENCY"]})
    with pytest.raises(IncidentManagerError) as caught:
        EngagementProvider().create(PROPS)
    assert str(caught.value) == (
        f"ssm-contacts:StartEngagement on {CONTACT} failed with ConflictException: its message is withheld because "
        "it quotes a secret input."
    )


def test_a_rejection_quoting_no_secret_keeps_awss_words_and_fields(stubbed: Stubber) -> None:
    stubbed.add_client_error(
        "start_engagement",
        service_error_code="ValidationException",
        service_message="1 validation error detected.",
        http_status_code=400,
        modeled_fields={"Message": "1 validation error detected.", "Fields": [{"Name": "Sender", "Message": "bad."}]},
    )
    with pytest.raises(IncidentManagerError) as caught:
        EngagementProvider().create(PROPS)
    assert str(caught.value) == (
        f"ssm-contacts rejected StartEngagement on {CONTACT}: 1 validation error detected (Sender: bad); fix the "
        "input and run again."
    )


def test_a_not_found_answer_quoting_a_secret_names_only_the_resource_asked_for(stubbed: Stubber) -> None:
    stubbed.add_client_error(
        "start_engagement",
        service_error_code="ResourceNotFoundException",
        service_message="not found",
        http_status_code=404,
        modeled_fields={"Message": "not found", "ResourceId": "[drill] CHECKOUT LATENCY", "ResourceType": "CONTACT"},
    )
    with pytest.raises(IncidentManagerError) as caught:
        EngagementProvider().create(PROPS)
    assert str(caught.value) == (
        f"ssm-contacts:StartEngagement failed because {CONTACT} does not exist in this account and region; check "
        "the ARN and the aws:region setting."
    )


def test_an_accept_code_quoted_by_aws_is_withheld_through_the_sdk_function(stubbed: Stubber) -> None:
    page = "arn:aws:ssm-contacts:us-east-1:123456789012:page/drill-escalation/7f3a"
    stubbed.add_response("list_page_receipts", {"Receipts": []}, {"PageId": page})
    error(stubbed, "accept_page", "ValidationException", "Accept code 482913 does not match.", 400)
    with pytest.raises(IncidentManagerError) as caught:
        accept_page(page, "482913")
    assert "482913" not in str(caught.value) and "its message is withheld" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "secret", "quoted"),
    [
        ("Value 'SEKRIT-C...' at 'content'", "sekrit-content-that-goes-on", True),
        ("Value 'SEKRIT-...' at 'content'", "sekrit-content-that-goes-on", False),  # 7 characters only
        ("Straße ist gesperrt", "STRASSE IST", True),  # casefolded: ß and SS compare equal
        ("code 4829 refused", "4829", True),  # a short secret, whole
        ("code 48291 refused", "4829", False),  # inside a longer number: not that secret
        ("Check your AWS Secret Access Key", "s", False),  # a one-letter subject never garbles AWS's words
        ("Subject 'S' refused", "s", True),
    ],
)
def test_quotes_secret_finds_8_character_runs_in_any_case_and_short_secrets_whole(
    text: str, secret: str, quoted: bool
) -> None:
    assert quotes_secret(text, [secret]) is quoted


def test_quotes_secret_scales_linearly_with_a_long_secret_and_a_long_answer() -> None:
    letters = random.Random(17)
    secret = "".join(letters.choices(string.ascii_lowercase, k=8192))
    text = "".join(letters.choices(string.ascii_lowercase, k=800_000))
    quoting = {"Message": text, "Fields": [{"Name": "Content", "Message": secret[5000:5008].upper()}]}
    started = time.perf_counter()
    assert quotes_secret(quoting, [secret])
    assert not quotes_secret({"Message": text}, [secret])
    # Looking for each of the secret's 8185 runs in the text in turn takes seconds here; this takes a tenth of one.
    assert time.perf_counter() - started < 1.5


def test_botocores_own_words_are_withheld_when_they_quote_a_secret() -> None:
    from botocore.exceptions import ParamValidationError

    err = ParamValidationError(report=f"Invalid type for parameter Content, value: {SECRET_CONTENT.upper()}")
    assert describe_botocore_error(err, "StartEngagement", [SECRET_CONTENT]) == (
        "ssm-contacts:StartEngagement failed before AWS answered: its message is withheld because it quotes a "
        "secret input."
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


@pytest.mark.parametrize(
    ("front", "region", "profile"),
    [(PYTHON, "aws:region", "aws:profile"), (PLUGIN, "incident-manager:region", "incident-manager:profile")],
)
def test_each_front_reads_the_setting_names_its_users_set(
    stubbed: Stubber, front: Any, region: str, profile: str
) -> None:
    error(stubbed, "start_engagement", "AccessDeniedException", "User is not authorized", 403)
    with pytest.raises(IncidentManagerError) as denied:
        EngagementProvider().create(PROPS)
    error(stubbed, "describe_engagement", "ResourceNotFoundException", "Engagement not found", 400)
    with pytest.raises(IncidentManagerError) as missing:
        EngagementProvider().read(ENGAGEMENT, {"arn": None})  # as Engagement.get reads: every output unset

    assert present(denied.value, front).endswith(f"allow that action in their IAM policy or choose another profile "
                                                 f"with {profile}.")
    assert present(missing.value, front).endswith(f"check the ARN given to Engagement.get and the {region} setting.")
    assert str(denied.value) == present(denied.value, PYTHON)  # what a Python program prints


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
