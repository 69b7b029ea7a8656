"""Input validation driven by botocore's ssm-contacts service model, so the rules match what AWS enforces.

botocore itself checks only required members and minimum lengths before sending; lengths, patterns and
ARN shapes are left to the server. Checking them here lets ``pulumi preview`` fail before anyone is paged.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

import botocore.session
from botocore.model import Shape, StructureShape
from pulumi.dynamic import CheckFailure
from pulumi.output import Unknown

from .aws import SERVICE_NAME

# The model's ARN pattern accepts any ssm-contacts ARN; each member wants one kind of resource.
ARN_RESOURCE_TYPES = {
    "ContactId": "contact",
    "EngagementId": "engagement",
    "PageId": "page",
    "ContactChannelId": "contact-channel",
}
_ARN_RESOURCE = re.compile(r"arn:[^:]+:ssm-contacts:[^:]*:[0-9]+:(?P<type>[a-z-]+)/.+")
# The model's ARN pattern ends in `([...]+)*`, a repeat inside a repeat: Python's re backtracks exponentially on a
# near miss (a trailing space), so preview would hang. `(?:[...])*` accepts exactly the same strings in linear time.
_NESTED_REPEAT = re.compile(r"\((\[(?:\\.|[^\]\\])*\])\+\)\*")


@functools.cache
def model_regex(pattern: str) -> re.Pattern[str]:
    """A service-model pattern, compiled so that checking a value cannot backtrack exponentially."""
    return re.compile(_NESTED_REPEAT.sub(r"(?:\1)*", pattern))


def is_unknown(value: Any) -> bool:
    """True for a value that is not known yet (a computed input during preview)."""
    return isinstance(value, Unknown)


@functools.cache
def input_shape(operation: str) -> StructureShape:
    """The input shape of an ssm-contacts operation, from the service model botocore ships."""
    model = botocore.session.get_session().get_service_model(SERVICE_NAME)
    shape = model.operation_model(operation).input_shape
    assert shape is not None, f"{operation} takes no input"
    return shape


def validate(operation: str, props: Mapping[str, Any], members: Mapping[str, str]) -> list[CheckFailure]:
    """One failure per property in ``members`` (property name -> AWS member of ``operation``) that AWS would reject.

    Unknown values pass: they are checked again once known, before anything is sent.
    """
    shape = input_shape(operation)
    failures = []
    for prop, member in members.items():
        value = props.get(prop)
        if is_unknown(value):
            continue
        rule = broken_rule(shape, member, value)
        if rule is not None:
            failures.append(CheckFailure(prop, f"{prop} {rule} (ssm-contacts {operation} {member})"))
    return failures


def broken_rule(structure: StructureShape, member: str, value: Any) -> str | None:
    """The first rule of ``structure.member`` that ``value`` breaks, phrased to follow the property name."""
    if value is None or value == "":
        return "is required" if member in structure.required_members else None
    shape: Shape = structure.members[member]
    if shape.type_name != "string":
        raise NotImplementedError(f"no validation for {shape.type_name} member {member}")
    if not isinstance(value, str):
        return f"must be a string, not {type(value).__name__}"
    if shape.enum:
        return None if value in shape.enum else f"must be one of {', '.join(shape.enum)}, not {value!r}"
    minimum, maximum = shape.metadata.get("min"), shape.metadata.get("max")
    if minimum is not None and len(value) < minimum:
        return f"must be at least {minimum} characters long, not {len(value)}"
    if maximum is not None and len(value) > maximum:
        return f"must be at most {maximum} characters long, not {len(value)}"
    if member in ARN_RESOURCE_TYPES:
        return _arn_rule(shape, ARN_RESOURCE_TYPES[member], value)
    pattern = shape.metadata.get("pattern")
    if pattern is not None and not model_regex(pattern).fullmatch(value):
        bad = next((char for char in value if not model_regex(pattern).fullmatch(char)), None)
        offender = f": {bad!r} is not allowed" if bad is not None else ""
        return f"must match the pattern {pattern}{offender}"
    return None


def _arn_rule(shape: Shape, resource_type: str, value: str) -> str | None:
    example = f"arn:aws:ssm-contacts:<region>:<account>:{resource_type}/..."
    found = _ARN_RESOURCE.fullmatch(value)
    if not model_regex(shape.metadata["pattern"]).fullmatch(value) or found is None:
        return f"must be an ssm-contacts ARN shaped like {example}, not {value!r}"
    if found["type"] != resource_type:
        return f"must be a {resource_type} ARN shaped like {example}, not an ARN of type {found['type']}"
    return None
