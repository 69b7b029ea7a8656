"""Values between the engine's PropertyValues (camelCase) and the core's plain snake_case dicts.

The names are mapped by the schema's declarations (:meth:`Resource.in_snake_case`, :attr:`Field.camel_name`), the
same ones the package schema is built from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import CheckFailure as DynamicCheckFailure
from pulumi.output import UNKNOWN, Unknown
from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.provider.experimental.provider import CheckFailure
from pulumi.runtime import rpc

from ..schema import Resource
from .schema import TOKEN_KEY_INPUT


def plain(value: PropertyValue) -> Any:
    """The plain Python value of ``value``; an unknown becomes :data:`pulumi.output.UNKNOWN`."""
    # An unknown arrives as Computed, or (an output value not yet known) as the runtime's unknown sentinel string.
    if isinstance(value.value, Computed) or value.value == rpc.UNKNOWN:
        return UNKNOWN
    if isinstance(value.value, Mapping):
        return {key: plain(item) for key, item in value.value.items()}
    if isinstance(value.value, tuple):
        return [plain(item) for item in value.value]
    return value.value


def snake(resource: Resource, properties: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """The core's dict for the engine's ``properties`` of ``resource``."""
    # Internal fields too: they travel in state.
    return resource.in_snake_case({key: plain(value) for key, value in properties.items()})


def wrap(value: Any, secret: bool = False) -> PropertyValue:
    """A plain value as a PropertyValue, secret if ``secret``."""
    if isinstance(value, Unknown):
        # The engine reads the runtime's sentinel as unknown; PropertyValue cannot marshal Computed (3.259).
        return PropertyValue(rpc.UNKNOWN)
    if isinstance(value, bool | float | str) or value is None:
        return PropertyValue(value, is_secret=secret)
    if isinstance(value, int):
        return PropertyValue(float(value), is_secret=secret)
    if isinstance(value, list | tuple):
        return PropertyValue([wrap(item) for item in value], is_secret=secret)
    if isinstance(value, Mapping):  # an object input (stopWhen); its fields' names are single words
        return PropertyValue({key: wrap(item) for key, item in value.items()}, is_secret=secret)
    return PropertyValue(str(value), is_secret=secret)


def camel(resource: Resource, values: Mapping[str, Any]) -> dict[str, PropertyValue]:
    """The engine's properties for the core's ``values`` of ``resource``, the declared secrets marked secret."""
    fields = {field.name: field for field in (*resource.fields, TOKEN_KEY_INPUT)}
    wrapped = {}
    for name, value in values.items():
        field = fields.get(name)
        wrapped[field.camel_name if field else name] = wrap(value, bool(field and field.secret))
    return wrapped


def _reason(resource: Resource, text: str) -> str:
    """A check failure's reason with the properties named as the program names them (``contactId``)."""
    names = {name: camel for name, camel in resource.camel_names.items() if name != camel}
    if not names:
        return text
    return re.sub(r"\b(" + "|".join(map(re.escape, names)) + r")\b", lambda match: names[match[1]], text)


def failure(resource: Resource, found: DynamicCheckFailure) -> CheckFailure:
    """The core's check failure as the engine's, the property named as the program names it."""
    name = resource.camel_names.get(found.property, found.property)
    return CheckFailure(name, _reason(resource, found.reason))
