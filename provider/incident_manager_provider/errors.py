"""AWS failures turned into one sentence that says what went wrong and what to do about it.

The hierarchy, re-exported by the SDK::

    IncidentManagerError            one actionable sentence (a pulumi.RunError); .operation and .code (AWS's code)
    ├── NotFoundError               the engagement, page or contact does not exist (ResourceNotFoundException)
    └── InvalidInputError           an input breaks a rule of the service model, or a setting takes a value the
                                    package cannot use (also a ValueError)

Exceptions raised by a dynamic provider reach the user as text, so the botocore chain is dropped
(``from None``) and the sentence names the action, the resource and the setting to look at. botocore's own
exceptions are mapped here, in :func:`aws_errors`, and nowhere else.

A sentence names each setting symbolically (``f"set {REGION}"``, see :mod:`.settings`): ``str(error)`` spells it as
a Python program sets it (``aws:region``), and :func:`present`, the one presenter every front calls, as the front's
users set it (``incident-manager:region`` through the provider plugin).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
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

from .settings import ENDPOINT, MAX_ATTEMPTS, PROFILE, PYTHON, REGION, Front, render

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
        super().__init__(render(message, PYTHON))
        self.template = message
        """The sentence with the settings it advises named symbolically: :func:`present` spells them per front."""
        self.operation = operation
        """The ssm-contacts operation that failed (``StartEngagement``), if any."""
        self.code = code
        """AWS's error code (``ThrottlingException``) or botocore's exception name, if any."""


class NotFoundError(IncidentManagerError):
    """The engagement, page or contact named does not exist in this account and region."""


class InvalidInputError(IncidentManagerError, ValueError):
    """An input breaks a rule of the ssm-contacts service model, or a setting (``incident-manager:retryMode``,
    ``AWS_MAX_ATTEMPTS``...) takes a value the package cannot use; the sentence names the property or setting and
    the rule."""


def present(error: Exception, front: Front = PYTHON) -> str:
    """The one sentence a user of ``front`` reads for ``error`` (one of the package's errors, or another exception
    whose text is already a sentence), with that front's setting names: never an exception class name, never a
    traceback. Every front (dynamic provider, plugin, drill CLI) reports through this."""
    return render(error.template if isinstance(error, IncidentManagerError) else str(error), front)


def not_found_sentence(kind: str, resource: str | None, operation: str) -> str:
    """The one sentence for anything that does not exist."""
    missing = " ".join(part for part in (kind, resource) if part) or "the resource"
    return (
        f"ssm-contacts:{operation} failed because {missing} does not exist in this account and region; check the "
        f"ARN and the {REGION} setting."
    )


def error_code(err: ClientError) -> str:
    """The AWS error code of ``err`` (``ResourceNotFoundException``, ...)."""
    return str(err.response.get("Error", {}).get("Code", ""))


def describe_client_error(
    err: ClientError, action: str, resource: str | None = None, secrets: Iterable[Any] = ()
) -> str:
    """One sentence for an error answer from ssm-contacts to ``action`` (an operation name) on ``resource``.

    AWS's own words are kept intact, or all withheld when any string of the answer quotes one of ``secrets`` (see
    :func:`quotes_secret`): a secret may hide in a field's name or an unmodeled member as well as in the message.
    """
    response: dict[str, Any] = dict(err.response)
    code = error_code(err)
    secrets = list(secrets)
    withheld = quotes_secret(response, secrets)

    def aws(text: Any) -> str:
        return WITHHELD if withheld else str(text or "").rstrip(".")

    message = aws(response.get("Error", {}).get("Message") or response.get("Message"))
    shown_code = "an error code that quotes a secret input" if withheld and quotes_secret(code, secrets) else code
    attempts = int(response.get("ResponseMetadata", {}).get("RetryAttempts", 0)) + 1
    target = f" on {resource}" if resource else ""
    qualified = f"ssm-contacts:{action}"
    if code == "AccessDeniedException":
        return (
            f"Access denied: the AWS credentials in use are not allowed to call {qualified}{target}; "
            f"allow that action in their IAM policy or choose another profile with {PROFILE}."
        )
    if code == "ResourceNotFoundException":
        if withheld:
            return not_found_sentence("", resource, action)
        kind = str(response.get("ResourceType") or "").lower().replace("_", " ")
        return not_found_sentence(kind, response.get("ResourceId") or resource, action)
    if code == "ValidationException":
        named = [] if withheld else response.get("Fields") or []
        fields = "; ".join(f"{field.get('Name')}: {aws(field.get('Message'))}" for field in named)
        detail = f" ({fields})" if fields else ""
        return f"ssm-contacts rejected {action}{target}: {message}{detail}; fix the input and run again."
    if code == "ThrottlingException":
        return (
            f"ssm-contacts kept throttling {action} after {attempts} attempts; run again later or raise "
            f"{MAX_ATTEMPTS} (it wins over AWS_MAX_ATTEMPTS and the profile's max_attempts)."
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
            f"({message}); set {REGION} (it wins over AWS_REGION) to the endpoint's region, or for an ARN of "
            f"another region use that region's endpoint (a call about an ARN is signed for the region it names)."
        )
    if code in _CREDENTIAL_CODES:
        return (
            f"AWS rejected the credentials used for {qualified} ({shown_code}: {message}); refresh them "
            f"(for example `aws sso login`) or choose another profile with {PROFILE}."
        )
    return f"{qualified}{target} failed with {shown_code}: {message}."


def describe_botocore_error(err: BotoCoreError, action: str, secrets: Iterable[Any] = ()) -> str:
    """One sentence for a failure before any answer came back (credentials, region, network).

    botocore may quote parameter values: its words are withheld when they, or the values it was given
    (``err.kwargs``), quote one of ``secrets``.
    """
    qualified = f"ssm-contacts:{action}"
    words = WITHHELD if quotes_secret([str(err), getattr(err, "kwargs", {})], secrets) else str(err).rstrip(".")
    if isinstance(err, NoCredentialsError):
        return (
            f"No AWS credentials were found for {qualified}; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
            f"AWS_PROFILE, or {PROFILE} in the stack config."
        )
    if isinstance(err, NoRegionError):
        return f"No AWS region is set for {qualified}; set {REGION} in the stack config or AWS_REGION."
    if isinstance(err, ProfileNotFound):
        return f"{words}; fix {PROFILE} in the stack config, or AWS_PROFILE when {PROFILE} is not set."
    if isinstance(err, (EndpointConnectionError, ConnectionClosedError)):
        return (
            f"Could not reach the ssm-contacts endpoint for {action} ({words}); check {ENDPOINT}, "
            f"AWS_ENDPOINT_URL_SSM_CONTACTS and the network."
        )
    return f"{qualified} failed before AWS answered: {words}."


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
            f"The endpoint {url!r} is not a valid URL for ssm-contacts:{action}; fix {ENDPOINT} or "
            f"AWS_ENDPOINT_URL_SSM_CONTACTS.",
            operation=action,
        ) from None


WITHHELD = "its message is withheld because it quotes a secret input"

SECRET_RUN = 8
"""A text quotes a secret when it holds any run of this many of the secret's characters, in any letter case: AWS
quotes a long value cut short (``Value 'SEKRIT-CONT-b81e22 p...' at 'content'``), so a whole-secret match is not
enough. A secret shorter than this counts only whole, as a word (not inside a longer word or number), in any case:
a one-letter subject must not withhold every AWS sentence containing that letter."""


def quotes_secret(answer: Any, secrets: Iterable[Any]) -> bool:
    """Whether any string in ``answer`` (a text, or a parsed answer: mappings, keys included, and lists at any
    depth) quotes one of ``secrets`` (strings or numbers; others are ignored), as :data:`SECRET_RUN` says.

    Linear in the lengths: each long secret becomes the set of its runs, looked up once per position of the text.
    """
    runs: set[str] = set()
    words: list[re.Pattern[str]] = []
    for secret in secrets:
        if isinstance(secret, bool) or not isinstance(secret, str | int | float):
            continue
        folded = str(secret).casefold()
        if len(folded) >= SECRET_RUN:
            runs.update(folded[i : i + SECRET_RUN] for i in range(len(folded) - SECRET_RUN + 1))
        elif folded:
            words.append(re.compile(rf"(?<![^\W_]){re.escape(folded)}(?![^\W_])"))
    if not runs and not words:
        return False
    for text in _strings(answer):
        folded = text.casefold()
        if any(folded[i : i + SECRET_RUN] in runs for i in range(len(folded) - SECRET_RUN + 1)):
            return True
        if any(word.search(folded) for word in words):
            return True
    return False


def _strings(value: Any) -> Iterator[str]:
    """Every string in a parsed answer, mapping keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item)
