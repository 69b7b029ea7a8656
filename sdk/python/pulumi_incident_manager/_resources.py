"""What every resource does with its declared fields: Args or keywords in, the engine's property map out.

A mistake in a program's inputs is reported as :class:`ResourceInputError`: one sentence naming the resource and the
input. It is a :class:`pulumi.RunError`, which the Python language host prints without a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import fields
from typing import Any, TypeVar

import pulumi

from incident_manager_provider.schema import Resource

ArgsT = TypeVar("ArgsT")


class ResourceInputError(pulumi.RunError, TypeError):
    """A resource was given inputs it cannot take; the message names the resource and the input.

    A :class:`TypeError`, as Python's own answer to wrong arguments is, and a :class:`pulumi.RunError`, so that
    ``pulumi preview`` prints the sentence alone.
    """


def args_from(
    resource: Resource, resource_name: str, args_class: type[ArgsT], args: ArgsT | None, keywords: Mapping[str, Any]
) -> ArgsT:
    """``args``, or an ``args_class`` built from the keyword inputs.

    Pulumi's generated SDKs ignore keywords when an Args object is passed; a silently ignored ``run`` would not page,
    so both at once is refused. A keyword set to None counts as not given.
    """
    named = f"{resource.name} {resource_name!r}"
    given = {name: value for name, value in keywords.items() if value is not None}
    if args is not None:
        if not isinstance(args, args_class):
            raise ResourceInputError(
                f"{named} got {type(args).__name__} as its args: pass a {args_class.__name__} or keyword inputs"
            )
        if given:
            raise ResourceInputError(
                f"{named} got both {args_class.__name__} and keyword input(s) {', '.join(given)}: pass one or the "
                f"other"
            )
        return args
    inputs = [field.name for field in resource.inputs]
    unknown = sorted(set(given) - set(inputs))
    if unknown:
        hints = [f"{name} (did you mean {close[0]}?)" if (close := difflib.get_close_matches(name, inputs, 1)) else name
                 for name in unknown]
        raise ResourceInputError(f"{named} got unknown input(s) {', '.join(hints)}; its inputs are {', '.join(inputs)}")
    missing = [field.name for field in resource.inputs if field.required and field.name not in given]
    if missing:
        raise ResourceInputError(
            f"{named} is missing required input(s) {', '.join(missing)}: give each a value (None counts as missing)"
        )
    return args_class(**given)


def properties(resource: Resource, resource_name: str, args: Any) -> dict[str, Any]:
    """The property map the engine registers: every input (secrets wrapped as secrets), every output unset.

    Text that is not Unicode (a lone surrogate, ``"\\ud800"``) cannot be sent to the engine: it is refused here, or
    in an apply for a value not known yet, instead of failing deep in the serializer with a traceback.
    """
    values = {field.name: getattr(args, field.name) for field in fields(args)}
    props: dict[str, Any] = {}
    for field in resource.inputs:
        value = values[field.name]
        checked = _unicode_checked(resource, resource_name, field.name, value)
        props[field.name] = pulumi.Output.secret(checked) if field.secret and value is not None else checked
    props.update((field.name, None) for field in resource.fields if field.role == "output")
    return props


def _unicode_checked(resource: Resource, resource_name: str, name: str, value: Any) -> Any:
    def check(known: Any) -> Any:
        texts = known if isinstance(known, list) else [known]
        if any(isinstance(text, str) and not _is_unicode(text) for text in texts):
            raise ResourceInputError(
                f"{resource.name} {resource_name!r}: {name} holds a lone surrogate (a character between U+D800 and "
                f"U+DFFF), which is not Unicode text and cannot be sent; build the text from str values that encode "
                f"as UTF-8 (for bytes, decode them with errors='replace')"
            )
        return known

    if isinstance(value, pulumi.Output):
        return value.apply(check)
    return check(value)


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
