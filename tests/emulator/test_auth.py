"""SigV4: unsigned, unknown keys, wrong secrets, tampering, wrong scope, stale dates; per-key allowlists; AWS CLI."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import botocore.exceptions
import pytest

from ssm_contacts_emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, Emulator, EmulatorConfig

from .conftest import RawPost

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access "
    "Key and signing method. Consult the service documentation for details."
)


def test_an_unsigned_request_is_refused(raw: RawPost, emu: Emulator) -> None:
    response = raw({}, sign=False)
    assert (response.status, response.body) == (
        400,
        {"__type": "MissingAuthenticationTokenException", "Message": "Missing Authentication Token"},
    )
    assert emu.requests()[-1]["error"] == "MissingAuthenticationTokenException"


def test_an_unknown_access_key_is_refused(emu: Emulator) -> None:
    client = emu.client(aws_access_key_id="AKIAUNKNOWNKEY000000")
    with pytest.raises(botocore.exceptions.ClientError) as info:
        client.list_contacts()
    assert info.value.response["Error"] == {
        "Code": "UnrecognizedClientException",
        "Message": "The security token included in the request is invalid.",
    }


def test_a_wrong_secret_is_refused(emu: Emulator) -> None:
    client = emu.client(aws_secret_access_key="not-the-secret")
    with pytest.raises(botocore.exceptions.ClientError) as info:
        client.list_contacts()
    assert info.value.response["Error"] == {"Code": "InvalidSignatureException", "Message": SIGNATURE_MISMATCH}


def test_a_body_changed_after_signing_is_refused(raw: RawPost) -> None:
    response = raw({"MaxResults": 1}, send=b'{"MaxResults": 2}')
    assert (response.status, response.body) == (
        400,
        {"__type": "InvalidSignatureException", "Message": SIGNATURE_MISMATCH},
    )


def test_a_signature_for_another_region_or_service_is_refused(raw: RawPost) -> None:
    assert raw({}, region="eu-west-1").body == {
        "__type": "InvalidSignatureException",
        "Message": "Credential should be scoped to a valid region, not 'eu-west-1'. This endpoint serves 'us-east-1'.",
    }
    assert raw({}, service="ssm").body == {
        "__type": "InvalidSignatureException",
        "Message": "Credential should be scoped to correct service: 'ssm-contacts'.",
    }


def test_a_stale_signature_is_refused(raw: RawPost) -> None:
    stamp = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
    response = raw({}, timestamp=stamp)
    assert response.body["__type"] == "InvalidSignatureException"
    assert response.body["Message"].startswith(f"Signature expired: {stamp} is now earlier than ")
    assert response.body["Message"].endswith(" - 15 min.)")


def test_a_correct_signature_made_at_a_given_time_is_accepted(raw: RawPost) -> None:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert raw({}, timestamp=stamp).status == 200


def test_an_incomplete_authorization_header_is_refused(emu: Emulator) -> None:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", int(emu.endpoint_url.rsplit(":", 1)[1]), timeout=10)
    connection.request(
        "POST",
        "/",
        body=b"{}",
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE",
            "X-Amz-Target": "SSMContacts.ListContacts",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    body = json.loads(connection.getresponse().read())
    connection.close()
    assert body == {
        "__type": "IncompleteSignatureException",
        "Message": "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters "
        "with algorithm AWS4-HMAC-SHA256.",
    }


def test_an_allowlist_refuses_other_operations_with_access_denied() -> None:
    config = EmulatorConfig(
        credentials={DEFAULT_ACCESS_KEY_ID: DEFAULT_SECRET_ACCESS_KEY, "AKIAREADONLY00000000": "read-only-secret"},
        allowed_actions={"AKIAREADONLY00000000": frozenset({"ListContacts", "DescribeEngagement"})},
    )
    with Emulator(config) as emu:
        reader = emu.client(aws_access_key_id="AKIAREADONLY00000000", aws_secret_access_key="read-only-secret")
        assert reader.list_contacts()["Contacts"] == []
        with pytest.raises(reader.exceptions.AccessDeniedException) as info:
            reader.start_engagement(
                ContactId="arn:aws:ssm-contacts:us-east-1:123456789012:contact/alice-oncall",
                Sender="s",
                Subject="s",
                Content="c",
            )
        assert info.value.response["Error"] == {
            "Code": "AccessDeniedException",
            "Message": "User: arn:aws:iam::123456789012:user/AKIAREADONLY00000000 is not authorized to perform: "
            "ssm-contacts:StartEngagement because no identity-based policy allows the "
            "ssm-contacts:StartEngagement action",
        }
        # The default key has no allowlist: it may call everything.
        assert emu.client().list_engagements()["Engagements"] == []


def test_the_aws_cli_works_unchanged_through_the_environment(emu: Emulator, tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        **emu.env(),
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    aws = [sys.executable, "-m", "awscli"]
    created = subprocess.run(
        [*aws, "ssm-contacts", "create-contact", "--alias", "cli-user", "--type", "PERSONAL", "--plan", "Stages=[]"],
        env=env, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert json.loads(created.stdout) == {"ContactArn": "arn:aws:ssm-contacts:us-east-1:123456789012:contact/cli-user"}
    listed = subprocess.run(
        [*aws, "ssm-contacts", "list-contacts", "--output", "json"],
        env=env, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert [c["Alias"] for c in json.loads(listed.stdout)["Contacts"]] == ["cli-user"]
    assert emu.request_counts() == {"CreateContact": 1, "ListContacts": 1}
