"""One class per error code the emulator answers, named exactly after the AWS code.

Each error knows its HTTP status and the extra members its modeled shape carries, so that boto3 parses it into
the modeled exception class (``client.exceptions.ValidationException`` and so on).
"""

from __future__ import annotations

from typing import Any, ClassVar


class EmulatorError(Exception):
    """An AWS error answer: ``{"__type": code, "Message": message, **fields}`` with ``status``."""

    code: str = "InternalServerException"
    status: int = 400

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = {k: v for k, v in fields.items() if v is not None}

    def body(self) -> dict[str, Any]:
        """The JSON error document, as the AWS JSON 1.1 protocol shapes it."""
        return {"__type": self.code, "Message": self.message, **self.fields}

    def headers(self) -> dict[str, str]:
        """Extra response headers (Retry-After for throttling)."""
        return {}


class AccessDeniedException(EmulatorError):
    code = "AccessDeniedException"


class ConflictException(EmulatorError):
    code = "ConflictException"

    def __init__(self, message: str, resource_id: str, resource_type: str) -> None:
        super().__init__(message, ResourceId=resource_id, ResourceType=resource_type)


class DataEncryptionException(EmulatorError):
    code = "DataEncryptionException"


class InternalServerException(EmulatorError):
    code = "InternalServerException"
    status = 500


class ResourceNotFoundException(EmulatorError):
    code = "ResourceNotFoundException"

    _LABELS: ClassVar[dict[str, str]] = {
        "CONTACT": "Contact",
        "CONTACT_CHANNEL": "Contact channel",
        "ENGAGEMENT": "Engagement",
        "PAGE": "Page",
        "ROTATION": "Rotation",
        "ROTATION_OVERRIDE": "Rotation override",
    }

    def __init__(self, resource_type: str, resource_id: str) -> None:
        label = self._LABELS.get(resource_type, resource_type)
        super().__init__(f"{label} {resource_id} does not exist.", ResourceId=resource_id, ResourceType=resource_type)


class ServiceQuotaExceededException(EmulatorError):
    code = "ServiceQuotaExceededException"


class ThrottlingException(EmulatorError):
    code = "ThrottlingException"

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(
            message, QuotaCode="RequestRate", ServiceCode="ssm-contacts", RetryAfterSeconds=retry_after_seconds
        )
        self.retry_after_seconds = retry_after_seconds

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


class ValidationException(EmulatorError):
    """Reason is one of UNKNOWN_OPERATION, CANNOT_PARSE, FIELD_VALIDATION_FAILED, OTHER."""

    code = "ValidationException"

    def __init__(self, message: str, reason: str = "OTHER", fields: list[dict[str, str]] | None = None) -> None:
        super().__init__(message, Reason=reason, Fields=fields)


# Errors of the AWS front end rather than of the service model (no modeled shape: boto3 raises ClientError
# with these codes, as it does against AWS).


class MissingAuthenticationTokenException(EmulatorError):
    code = "MissingAuthenticationTokenException"


class UnrecognizedClientException(EmulatorError):
    code = "UnrecognizedClientException"


class InvalidSignatureException(EmulatorError):
    code = "InvalidSignatureException"


class IncompleteSignatureException(EmulatorError):
    code = "IncompleteSignatureException"


class UnknownOperationException(EmulatorError):
    code = "UnknownOperationException"


class SerializationException(EmulatorError):
    code = "SerializationException"
