"""AWS failures turned into one sentence that says what went wrong and what to do about it.

The hierarchy, re-exported by the SDK::

    IncidentManagerError            one actionable sentence (a pulumi.RunError); .operation and .code (AWS's code)
    ├── NotFoundError               the engagement, page or contact does not exist (ResourceNotFoundException)
    └── InvalidInputError           an input breaks a rule of the service model (also a ValueError)

Exceptions raised by a dynamic provider reach the user as text, so the botocore chain is dropped
(``from None``) and the sentence names the action, the resource and the setting to look at. botocore's own
exceptions are mapped here, in :func:`aws_errors`, and nowhere else.
"""

from __future__ import annotations

import re
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
from pulumi.errors import RunError

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


class IncidentManagerError(RunError):
    """A failed ssm-contacts call or setting, described in one actionable sentence.

    A :class:`pulumi.RunError`: raised in a program (by a function such as ``get_engagement``), the Python language
    host prints the sentence alone, with no traceback.
    """

    def __init__(self, message: str, *, operation: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.operation = operation
        """The ssm-contacts operation that failed (``StartEngagement``), if any."""
        self.code = code
        """AWS's error code (``ThrottlingException``) or botocore's exception name, if any."""


class NotFoundError(IncidentManagerError):
    """The engagement, page or contact named does not exist in this account and region."""


class InvalidInputError(IncidentManagerError, ValueError):
    """An input breaks a rule of the ssm-contacts service model; the sentence names the property and the rule."""


def not_found_sentence(kind: str, resource: str | None, operation: str) -> str:
    """The one sentence for anything that does not exist."""
    missing = " ".join(part for part in (kind, resource) if part) or "the resource"
    return (
        f"ssm-contacts:{operation} failed because {missing} does not exist in this account and region; check the "
        f"ARN and the aws:region setting."
    )


def error_code(err: ClientError) -> str:
    """The AWS error code of ``err`` (``ResourceNotFoundException``, ...)."""
    return str(err.response.get("Error", {}).get("Code", ""))


def describe_client_error(
    err: ClientError, action: str, resource: str | None = None, secrets: Iterable[Any] = ()
) -> str:
    """One sentence for an error answer from ssm-contacts to ``action`` (an operation name) on ``resource``.

    AWS's own text is kept intact, or withheld whole when it quotes one of ``secrets`` (see :func:`quotes_secret`).
    """
    response: dict[str, Any] = dict(err.response)
    code = error_code(err)
    message = aws_words(str(response.get("Error", {}).get("Message") or response.get("Message") or ""), secrets)
    attempts = int(response.get("ResponseMetadata", {}).get("RetryAttempts", 0)) + 1
    target = f" on {resource}" if resource else ""
    qualified = f"ssm-contacts:{action}"
    if code == "AccessDeniedException":
        return (
            f"Access denied: the AWS credentials in use are not allowed to call {qualified}{target}; "
            f"allow that action in their IAM policy or choose another profile with aws:profile."
        )
    if code == "ResourceNotFoundException":
        kind = str(response.get("ResourceType") or "").lower().replace("_", " ")
        return not_found_sentence(kind, response.get("ResourceId") or resource, action)
    if code == "ValidationException":
        fields = "; ".join(
            f"{field.get('Name')}: {aws_words(str(field.get('Message')), secrets)}"
            for field in response.get("Fields") or []
        )
        detail = f" ({fields})" if fields else ""
        return f"ssm-contacts rejected {action}{target}: {message}{detail}; fix the input and run again."
    if code == "ThrottlingException":
        return (
            f"ssm-contacts kept throttling {action} after {attempts} attempts; run again later or raise "
            f"incident-manager:maxAttempts (it wins over AWS_MAX_ATTEMPTS and the profile's max_attempts)."
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
    if code in _CREDENTIAL_CODES and "scoped to a valid region" in message:
        return (
            f"The ssm-contacts endpoint refused {qualified} because the request was signed for another region "
            f"({message}); set aws:region (it wins over AWS_REGION) to the endpoint's region, or for an ARN of "
            f"another region use that region's endpoint (a call about an ARN is signed for the region it names)."
        )
    if code in _CREDENTIAL_CODES:
        return (
            f"AWS rejected the credentials used for {qualified} ({code}: {message}); refresh them "
            f"(for example `aws sso login`) or choose another profile with aws:profile."
        )
    return f"{qualified}{target} failed with {code}: {message}."


def describe_botocore_error(err: BotoCoreError, action: str, secrets: Iterable[Any] = ()) -> str:
    """One sentence for a failure before any answer came back (credentials, region, network).

    botocore may quote parameter values: its text is withheld when it quotes one of ``secrets``.
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
        return f"{err}; fix aws:profile in the stack config, or AWS_PROFILE when aws:profile is not set."
    if isinstance(err, (EndpointConnectionError, ConnectionClosedError)):
        return (
            f"Could not reach the ssm-contacts endpoint for {action} ({err}); check incident-manager:endpoint, "
            f"AWS_ENDPOINT_URL_SSM_CONTACTS and the network."
        )
    return f"{qualified} failed before AWS answered: {aws_words(str(err), secrets)}."


@contextmanager
def aws_errors(action: str, resource: str | None = None, secrets: Iterable[Any] = ()) -> Iterator[None]:
    """Re-raise botocore failures inside the block as :class:`IncidentManagerError`, quoting none of ``secrets``."""
    try:
        yield
    except ClientError as err:
        code = error_code(err)
        kind = NotFoundError if code == "ResourceNotFoundException" else IncidentManagerError
        sentence = describe_client_error(err, action, resource, secrets)
        raise kind(sentence, operation=action, code=code) from None
    except BotoCoreError as err:
        sentence = describe_botocore_error(err, action, secrets)
        raise IncidentManagerError(sentence, operation=action, code=type(err).__name__) from None
    except ValueError as err:
        if not str(err).startswith("Invalid endpoint"):
            raise
        url = str(err).removeprefix("Invalid endpoint: ")
        raise IncidentManagerError(
            f"The endpoint {url!r} is not a valid URL for ssm-contacts:{action}; fix incident-manager:endpoint or "
            f"AWS_ENDPOINT_URL_SSM_CONTACTS.",
            operation=action,
        ) from None


WITHHELD = "its message is withheld because it quotes a secret input"

# Secrets this long are withheld wherever they occur in a text; shorter ones (a 1-letter subject, say) only where
# they stand as a whole word, as AWS quotes a value, so that ordinary words containing them stay readable.
_SUBSTRING_LENGTH = 8


def quotes_secret(text: str, secrets: Iterable[Any]) -> bool:
    """Whether ``text`` contains one of ``secrets`` (non-empty strings), as a whole word or, if long, anywhere."""
    for secret in secrets:
        if not isinstance(secret, str) or not secret:
            continue
        if len(secret) >= _SUBSTRING_LENGTH and secret in text:
            return True
        if re.search(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", text):
            return True
    return False


def aws_words(text: str, secrets: Iterable[Any]) -> str:
    """AWS's (or botocore's) text unchanged, trailing period dropped; or :data:`WITHHELD` if it quotes a secret."""
    secrets = list(secrets)
    return WITHHELD if quotes_secret(text, secrets) else text.rstrip(".")
