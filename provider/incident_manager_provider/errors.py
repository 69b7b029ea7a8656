"""AWS failures turned into one sentence that says what went wrong and what to do about it.

Exceptions raised by a dynamic provider reach the user as text, so the botocore chain is dropped
(``from None``) and the sentence names the action, the resource and the setting to look at.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ProfileNotFound,
)

_CREDENTIAL_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "ExpiredTokenException",
        "ExpiredToken",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
    }
)


class IncidentManagerError(Exception):
    """A failed ssm-contacts call or setting, described in one actionable sentence."""


def error_code(err: ClientError) -> str:
    """The AWS error code of ``err`` (``ResourceNotFoundException``, ...)."""
    return str(err.response.get("Error", {}).get("Code", ""))


def describe_client_error(
    err: ClientError, action: str, resource: str | None = None, secrets: Iterable[Any] = ()
) -> str:
    """One sentence for an error answer from ssm-contacts to ``action`` (an operation name) on ``resource``.

    AWS may quote the values it rejects: any of ``secrets`` in its text is replaced by ``[secret]``.
    """
    response: dict[str, Any] = dict(err.response)
    code = error_code(err)
    message = str(response.get("Error", {}).get("Message") or response.get("Message") or "").rstrip(".")
    message = redact(message, secrets)
    attempts = int(response.get("ResponseMetadata", {}).get("RetryAttempts", 0)) + 1
    target = f" on {resource}" if resource else ""
    qualified = f"ssm-contacts:{action}"
    if code == "AccessDeniedException":
        return (
            f"Access denied: the AWS credentials in use are not allowed to call {qualified}{target}; "
            f"allow that action in their IAM policy or choose another profile with aws:profile."
        )
    if code == "ResourceNotFoundException":
        missing = " ".join(
            part for part in (response.get("ResourceType"), response.get("ResourceId") or resource) if part
        )
        return (
            f"{qualified} failed because {missing or 'the resource'} does not exist in this account and region; "
            f"check the ARN and the aws:region setting."
        )
    if code == "ValidationException":
        fields = "; ".join(
            f"{field.get('Name')}: {redact(str(field.get('Message')), secrets)}"
            for field in response.get("Fields") or []
        )
        detail = f" ({fields})" if fields else ""
        return f"ssm-contacts rejected {action}{target}: {message}{detail}; fix the input and run again."
    if code == "ThrottlingException":
        return (
            f"ssm-contacts kept throttling {action} after {attempts} attempts; run again later or raise "
            f"incident-manager:maxAttempts (or AWS_MAX_ATTEMPTS)."
        )
    if code == "InternalServerException":
        return (
            f"ssm-contacts failed internally on {action}{target} after {attempts} attempts ({message}); "
            f"run again: the idempotency token keeps a repeated StartEngagement from paging twice."
        )
    if code == "DataEncryptionException":
        return (
            f"ssm-contacts could not use the KMS key for {action}{target} ({message}); "
            f"check the key policy and that the key is enabled."
        )
    if code in _CREDENTIAL_CODES:
        return (
            f"AWS rejected the credentials used for {qualified} ({code}: {message}); refresh them "
            f"(for example `aws sso login`) or choose another profile with aws:profile."
        )
    return f"{qualified}{target} failed with {code}: {message}."


def describe_botocore_error(err: BotoCoreError, action: str, secrets: Iterable[Any] = ()) -> str:
    """One sentence for a failure before any answer came back (credentials, region, network).

    botocore may quote parameter values: any of ``secrets`` in its text is replaced by ``[secret]``.
    """
    qualified = f"ssm-contacts:{action}"
    if isinstance(err, NoCredentialsError):
        return (
            f"No AWS credentials were found for {qualified}; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
            f"AWS_PROFILE, or aws:profile in the stack config."
        )
    if isinstance(err, NoRegionError):
        return f"No AWS region is set for {qualified}; set aws:region in the stack config or AWS_REGION."
    if isinstance(err, ProfileNotFound):
        return f"{err}; fix aws:profile in the stack config or AWS_PROFILE."
    if isinstance(err, (EndpointConnectionError, ConnectionClosedError)):
        return (
            f"Could not reach the ssm-contacts endpoint for {action} ({err}); check incident-manager:endpoint, "
            f"AWS_ENDPOINT_URL_SSM_CONTACTS and the network."
        )
    return f"{qualified} failed before AWS answered: {redact(str(err), secrets)}."


@contextmanager
def aws_errors(action: str, resource: str | None = None, secrets: Iterable[Any] = ()) -> Iterator[None]:
    """Re-raise botocore failures inside the block as :class:`IncidentManagerError`, ``secrets`` redacted."""
    try:
        yield
    except ClientError as err:
        raise IncidentManagerError(describe_client_error(err, action, resource, secrets)) from None
    except BotoCoreError as err:
        raise IncidentManagerError(describe_botocore_error(err, action, secrets)) from None


def redact(text: str, secrets: Iterable[Any]) -> str:
    """``text`` with every non-empty string of ``secrets`` in it replaced by ``[secret]``."""
    for secret in sorted({value for value in secrets if isinstance(value, str) and value}, key=len, reverse=True):
        text = text.replace(secret, "[secret]")
    return text
