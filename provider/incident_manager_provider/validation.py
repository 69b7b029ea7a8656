"""Input validation driven by botocore's ssm-contacts service model, so the rules match what AWS enforces.

botocore itself checks only required members and minimum lengths before sending; lengths, patterns and
ARN shapes are left to the server. Checking them here lets ``pulumi preview`` fail before anyone is paged.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import botocore
from botocore.model import ServiceModel, Shape, StructureShape
from pulumi.dynamic import CheckFailure
from pulumi.output import Unknown

from .aws import SERVICE_NAME

ARN_SHAPE = "SsmContactsArn"
"""The model's shape for every ARN member; its pattern accepts any ssm-contacts ARN."""


def arn_resource_type(member: str) -> str:
    """The resource type an ARN member wants, from its name: ``ContactChannelId`` -> ``contact-channel``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", member.removesuffix("Id")).lower()


_ARN_RESOURCE = re.compile(r"arn:[^:]+:ssm-contacts:[^:]*:[0-9]+:(?P<type>[a-z-]+)/.+")
# The model's ARN pattern ends in `([...]+)*`, a repeat inside a repeat: Python's re backtracks exponentially on a
# near miss (a trailing space), so preview would hang. `(?:[...])*` accepts exactly the same strings in linear time.
_NESTED_REPEAT = re.compile(r"\((\[(?:\\.|[^\]\\])*\])\+\)\*")


@functools.cache
def model_regex(pattern: str) -> re.Pattern[str]:
    """A service-model pattern, compiled so that checking a value cannot backtrack exponentially."""
    return re.compile(_NESTED_REPEAT.sub(r"(?:\1)*", pattern))


READABLE_LENGTH = 100
"""How much of a non-secret value an error quotes (an ARN fits): a longer one is cut, and names no property: the engine
prints the whole value of the property a check failure names."""


def excerpt(value: str) -> str:
    """A non-secret value as an error quotes it: whole when short, else its start, an ellipsis and its length."""
    if len(value) <= READABLE_LENGTH:
        return repr(value)
    return f"{value[:READABLE_LENGTH]!r}... ({len(value)} characters)"


def check_failure(prop: str, reason: str, value: Any) -> CheckFailure:
    """A failure of ``prop``, naming it only when the engine may print ``value`` beside it (short enough to read)."""
    too_long = isinstance(value, str | list) and len(str(value)) > READABLE_LENGTH
    return CheckFailure("" if too_long else prop, reason)


def is_unknown(value: Any) -> bool:
    """True for a value that is not known yet (a computed input during preview)."""
    return isinstance(value, Unknown)


@functools.cache
def service_model() -> ServiceModel:
    """The ssm-contacts service model botocore ships, read from its data files alone.

    A botocore session would resolve the AWS profile first: with ``AWS_PROFILE`` naming no profile, every check
    would fail with botocore's bare "could not be found" before any rule was looked at. The file is read directly,
    the newest API version as botocore's loader picks it: ``botocore.loaders`` would import most of botocore
    (about 0.15 s) in every provider process, on the path of every preview and no-op up.
    """
    versions = sorted(p for p in (Path(botocore.__file__).parent / "data" / SERVICE_NAME).iterdir() if p.is_dir())
    for version in reversed(versions):
        for name, read in (("service-2.json", Path.read_bytes), ("service-2.json.gz", _gunzip)):
            if (version / name).is_file():
                return ServiceModel(json.loads(read(version / name)), SERVICE_NAME)
    raise FileNotFoundError(f"botocore ships no {SERVICE_NAME} service model")


def _gunzip(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


@functools.cache
def input_shape(operation: str) -> StructureShape:
    """The input shape of an ssm-contacts operation, from the service model botocore ships."""
    shape = service_model().operation_model(operation).input_shape
    assert shape is not None, f"{operation} takes no input"
    return shape


def validate(
    operation: str, props: Mapping[str, Any], members: Mapping[str, str], *, secret: Collection[str] = ()
) -> list[CheckFailure]:
    """One failure per property in ``members`` (property name -> AWS member of ``operation``) that AWS would reject.

    Unknown values pass: they are checked again once known, before anything is sent. A failure of a ``secret``
    property names it in the reason only, with no part of its value: the CLI prints the value of the property a
    failure names (``property content value {&{{...}}}``), and nothing for a failure that names none. So does a
    failure of a value longer than :data:`READABLE_LENGTH`, which the reason quotes cut (:func:`excerpt`).
    """
    shape = input_shape(operation)
    failures = []
    for prop, member in members.items():
        value = props.get(prop)
        if is_unknown(value):
            continue
        hidden = prop in secret
        rule = broken_rule(shape, member, value, reveal=not hidden)
        if rule is not None:
            reason = f"{prop} {rule} (ssm-contacts {operation} {member})"
            failures.append(CheckFailure("", reason) if hidden else check_failure(prop, reason, value))
    return failures


def broken_rule(structure: StructureShape, member: str, value: Any, *, reveal: bool = True) -> str | None:
    """The first rule of ``structure.member`` that ``value`` breaks, phrased to follow the property name.

    With ``reveal`` False the phrase quotes nothing of the value (a secret's): no offending character, no excerpt, no
    length.
    """
    if value is None or value == "":
        return "is required" if member in structure.required_members else None
    shape: Shape = structure.members[member]
    if shape.type_name != "string":
        raise NotImplementedError(f"no validation for {shape.type_name} member {member}")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return f"must be a string, not {_kind(value)}"
    if not isinstance(value, str):
        # The engine sends every number as a float: say what the user wrote, and how to fix it.
        shown = f" {value:g}" if reveal else ""
        return f"must be a string, not the number{shown}: quote it"
    if shape.enum:
        shown = f", not {excerpt(value)}" if reveal else ""
        return None if value in shape.enum else f"must be one of {', '.join(shape.enum)}{shown}"
    minimum, maximum = shape.metadata.get("min"), shape.metadata.get("max")
    length = f", not {len(value)}" if reveal else ""  # a secret's length tells something about it
    if minimum is not None and len(value) < minimum:
        return f"must be at least {minimum} characters long{length}"
    if maximum is not None and len(value) > maximum:
        return f"must be at most {maximum} characters long{length}"
    if shape.name == ARN_SHAPE:
        return _arn_rule(shape, arn_resource_type(member), value)
    pattern = shape.metadata.get("pattern")
    if pattern is not None and not model_regex(pattern).fullmatch(value):
        bad = next((char for char in value if not model_regex(pattern).fullmatch(char)), None)
        offender = f": {bad!r} is not allowed" if bad is not None and reveal else ""
        return f"must match the pattern {pattern}{offender}"
    return None


def _kind(value: Any) -> str:
    return {bool: "a boolean", list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


def _arn_rule(shape: Shape, resource_type: str, value: str) -> str | None:
    example = f"arn:aws:ssm-contacts:<region>:<account>:{resource_type}/..."
    found = _ARN_RESOURCE.fullmatch(value)
    if not model_regex(shape.metadata["pattern"]).fullmatch(value) or found is None:
        return f"must be an ssm-contacts ARN shaped like {example}, not {excerpt(value)}"
    if found["type"] != resource_type:
        return f"must be a {resource_type} ARN shaped like {example}, not an ARN of type {found['type']}"
    return None
