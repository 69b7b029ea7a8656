"""SigV4: unsigned, unknown keys, wrong secrets, tampering, wrong scope, stale dates; per-key allowlists; AWS CLI."""

from __future__ import annotations

import datetime
import hashlib
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


def test_a_body_swapped_under_a_signed_content_hash_header_is_refused(raw: RawPost) -> None:
    signed_body = json.dumps({"AliasPrefix": "nobody"}).encode()
    claimed = {"X-Amz-Content-SHA256": hashlib.sha256(signed_body).hexdigest()}
    assert raw(signed_body, headers=claimed).status == 200  # an honest request with the header passes
    response = raw(signed_body, headers=claimed, send=b"{}")
    assert (response.status, response.body) == (
        400,
        {
            "__type": "InvalidSignatureException",
            "Message": "The provided 'x-amz-content-sha256' header does not match what was computed.",
        },
    )


def test_an_unsigned_payload_is_refused(raw: RawPost) -> None:
    response = raw({}, headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    assert (response.status, response.body) == (
        400,
        {
            "__type": "InvalidSignatureException",
            "Message": "The provided 'x-amz-content-sha256' header does not match what was computed.",
        },
    )


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _authorization(signed_headers: str, stamp: str, *, day: str | None = None, signature: str = "0" * 64) -> str:
    """An Authorization header of the right form, for checks made before the signature is compared."""
    return (
        f"AWS4-HMAC-SHA256 Credential={DEFAULT_ACCESS_KEY_ID}/{day or stamp[:8]}/us-east-1/ssm-contacts/aws4_request, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )


@pytest.mark.parametrize(
    ("signed_headers", "message"),
    [
        ("x-amz-date;x-amz-target", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."),
        ("host;x-amz-target", "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."),
    ],
)
def test_host_and_date_must_be_signed(raw: RawPost, signed_headers: str, message: str) -> None:
    stamp = _now()
    response = raw({}, timestamp=stamp, override={"Authorization": _authorization(signed_headers, stamp)})
    assert (response.status, response.body) == (400, {"__type": "InvalidSignatureException", "Message": message})


def test_a_signed_header_missing_from_the_request_is_refused(raw: RawPost) -> None:
    stamp = _now()
    response = raw({}, timestamp=stamp, override={"Authorization": _authorization("host;x-amz-date;x-custom", stamp)})
    assert (response.status, response.body) == (
        400,
        {
            "__type": "IncompleteSignatureException",
            "Message": "'x-custom' is named as a SignedHeader, but it does not exist in the HTTP request.",
        },
    )


def test_a_credential_scope_for_another_day_is_refused(raw: RawPost) -> None:
    stamp = _now()
    authorization = _authorization("host;x-amz-date", stamp, day="20200101")
    response = raw({}, timestamp=stamp, override={"Authorization": authorization})
    assert (response.status, response.body) == (
        400,
        {
            "__type": "InvalidSignatureException",
            "Message": "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'20200101' != '{stamp[:8]}', from '{stamp}'.",
        },
    )


def test_a_non_ascii_signature_is_a_mismatch_not_a_server_error(raw: RawPost) -> None:
    stamp = _now()
    authorization = _authorization("content-type;host;x-amz-date;x-amz-target", stamp, signature="\u00e9" * 64)
    response = raw({}, timestamp=stamp, override={"Authorization": authorization})
    assert (response.status, response.body) == (
        400,
        {"__type": "InvalidSignatureException", "Message": SIGNATURE_MISMATCH},
    )
