"""Request (and response) validation driven by botocore's ssm-contacts service model.

No hand-written schema: required members, types, lengths, ranges, patterns and enums all come from the model, and
every problem is gathered into one ValidationException (as botocore's ParamValidator gathers its report).
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Mapping
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

from .exceptions import ValidationException

# Java's Unicode classes, which Python's re lacks, in the only places the model uses them (inside [...]).
# \w stands for letters: it also admits digits and "_", which every such pattern allows anyway.
_UNICODE_CLASSES = {
    r"\p{L}": r"\w",
    r"\p{N}": r"\d",
    r"\p{Z}": " \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000",
}


@functools.cache
def service_model() -> ServiceModel:
    """The ssm-contacts model shipped with the installed botocore."""
    return botocore.session.get_session().get_service_model("ssm-contacts")


@functools.cache
def _compile(pattern: str) -> re.Pattern[str]:
    for java, python in _UNICODE_CLASSES.items():
        pattern = pattern.replace(java, python)
    return re.compile(pattern)


class _Report:
    def __init__(self) -> None:
        self.fields: list[dict[str, str]] = []

    def add(self, path: str, rule: str) -> None:
        self.fields.append({"Name": path, "Message": rule})


def _join(path: str, member: str) -> str:
    return f"{path}.{member}" if path else member


def _check(shape: Shape, value: Any, path: str, report: _Report, strict: bool) -> None:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if not isinstance(value, Mapping):
            report.add(path, "Member must be an object")
            return
        for name in shape.required_members:
            if value.get(name) is None:
                report.add(_join(path, name), "Member must not be null")
        for name, item in value.items():
            member = shape.members.get(name)
            if member is None:
                if strict:
                    report.add(_join(path, name), "Member is not in the model")
                continue  # AWS ignores members it does not know
            if item is not None:
                _check(member, item, _join(path, name), report, strict)
    elif kind == "list":
        assert isinstance(shape, ListShape)
        if not isinstance(value, list):
            report.add(path, "Member must be a list")
            return
        _check_range(shape, len(value), path, report, "length")
        for index, item in enumerate(value):
            _check(shape.member, item, f"{path}[{index}]", report, strict)
    elif kind == "map":
        assert isinstance(shape, MapShape)
        if not isinstance(value, Mapping):
            report.add(path, "Member must be an object")
            return
        for key, item in value.items():
            _check(shape.key, key, f"{path}.<key>", report, strict)
            _check(shape.value, item, f"{path}.{key}", report, strict)
    elif kind == "string":
        if not isinstance(value, str):
            report.add(path, "Member must be a string")
            return
        _check_range(shape, len(value), path, report, "length")
        pattern = shape.metadata.get("pattern")
        if pattern is not None and not _compile(pattern).search(value):
            report.add(path, f"Member must satisfy regular expression pattern: {pattern}")
        enum = shape.enum
        if enum and value not in enum:
            report.add(path, f"Member must satisfy enum value set: [{', '.join(enum)}]")
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            report.add(path, "Member must be an integer")
            return
        _check_range(shape, value, path, report, "value")
    elif kind == "boolean":
        if not isinstance(value, bool):
            report.add(path, "Member must be a boolean")
    elif kind in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            report.add(path, "Member must be a number")
    elif kind == "timestamp" and parse_timestamp(value) is None:
        report.add(path, "Member must be a timestamp (epoch seconds)")


def _check_range(shape: Shape, size: int, path: str, report: _Report, what: str) -> None:
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    if low is not None and size < low:
        report.add(path, f"Member must have {what} greater than or equal to {low}")
    if high is not None and size > high:
        report.add(path, f"Member must have {what} less than or equal to {high}")


def parse_timestamp(value: Any) -> datetime.datetime | None:
    """A JSON 1.1 timestamp (epoch seconds; ISO 8601 tolerated) as an aware datetime, or None if malformed."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.datetime.fromtimestamp(value, datetime.UTC)
        except (OverflowError, OSError, ValueError):  # out of datetime's range, or NaN
            return None
    if isinstance(value, str):
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)
    return None


def problems(shape: Shape, value: Any, *, strict: bool = False) -> list[dict[str, str]]:
    """Every way ``value`` breaks ``shape``, as ValidationExceptionField dicts (Name, Message).

    ``strict`` also rejects members the model does not know: what a response must satisfy.
    """
    report = _Report()
    _check(shape, value, "", report, strict)
    return report.fields


def operation_model(name: str) -> OperationModel:
    return service_model().operation_model(name)


def validate_input(operation: str, params: Any) -> None:
    """Raise one ValidationException (FIELD_VALIDATION_FAILED) naming every bad member of the request."""
    shape = operation_model(operation).input_shape
    assert shape is not None
    fields = problems(shape, params)
    if fields:
        count = len(fields)
        detail = "; ".join(f"Value at '{f['Name']}' failed to satisfy constraint: {f['Message']}" for f in fields)
        noun = "error" if count == 1 else "errors"
        raise ValidationException(f"{count} validation {noun} detected: {detail}", "FIELD_VALIDATION_FAILED", fields)
