"""What both resources do with their declared fields: Args or keywords in, the engine's property map out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any, TypeVar

import pulumi

from incident_manager_provider.schema import Resource

ArgsT = TypeVar("ArgsT")


def args_from(
    resource: Resource, resource_name: str, args_class: type[ArgsT], args: ArgsT | None, keywords: Mapping[str, Any]
) -> ArgsT:
    """``args``, or an ``args_class`` built from the keyword inputs.

    Pulumi's generated SDKs ignore keywords when an Args object is passed; a silently ignored ``run`` would not page,
    so both at once is refused.
    """
    given = {name: value for name, value in keywords.items() if value is not None}
    if args is not None:
        if given:
            raise TypeError(
                f"{resource.name} {resource_name!r} got both {resource.name}Args and keyword input(s) "
                f"{', '.join(given)}: pass one or the other"
            )
        return args
    missing = [field.name for field in resource.inputs if field.required and field.name not in given]
    if missing:
        raise TypeError(f"{resource.name} {resource_name!r} is missing required input(s): {', '.join(missing)}")
    unknown = sorted(set(given) - {field.name for field in resource.inputs})
    if unknown:
        raise TypeError(f"{resource.name} {resource_name!r} got unknown input(s): {', '.join(unknown)}")
    return args_class(**given)


def properties(resource: Resource, args: Any) -> dict[str, Any]:
    """The property map the engine registers: every input (secrets wrapped as secrets), every output unset."""
    values = {field.name: getattr(args, field.name) for field in fields(args)}
    props: dict[str, Any] = {}
    for field in resource.inputs:
        value = values[field.name]
        props[field.name] = pulumi.Output.secret(value) if field.secret and value is not None else value
    props.update((field.name, None) for field in resource.fields if field.role == "output")
    return props
