"""The plugin's Pulumi package schema, derived from the declarations in :mod:`incident_manager_provider.schema` and
:mod:`incident_manager_provider.settings`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..records import page_type_schema
from ..schema import ENGAGEMENT, EXPECTATION, PAGE_ACCEPTANCE, PLUGIN_PACKAGE, TOKEN_KEY, Field, Resource, plugin_type
from ..settings import SETTINGS, Setting

PACKAGE = PLUGIN_PACKAGE
VERSION = "0.1.0"

RESOURCE_TYPES: dict[str, Resource] = {
    plugin_type(resource): resource for resource in (ENGAGEMENT, PAGE_ACCEPTANCE, TOKEN_KEY, EXPECTATION)
}
"""Type token (``incident-manager:index:Engagement``) -> the resource's declaration."""

CONFIG: dict[str, Setting] = {setting.plugin_name: setting for setting in SETTINGS.values()}
"""Plugin config (``incident-manager:<name>``) -> the setting, its description declared once in :mod:`.settings`."""

# Inputs of the plugin's Engagement beyond the shared declaration: the stack key that tokens are minted with.
TOKEN_KEY_INPUT = Field("token_key", "What idempotency tokens are minted with: a TokenKey resource's key; unset: the "
                        "provider's (its tokenKey config, or a key it draws once per stack and keeps in state).",
                        secret=True)


def inputs_of(resource: Resource) -> list[Field]:
    """The plugin's inputs of ``resource``: its declared ones, and the token key for an Engagement."""
    return [*resource.inputs, TOKEN_KEY_INPUT] if resource is ENGAGEMENT else list(resource.inputs)


def _type_token(field: Field) -> str:
    return f"{PACKAGE}:index:{field.type_name}"


def _property(field: Field) -> dict[str, Any]:
    if field.type == "object":
        return {"$ref": f"#/types/{_type_token(field)}", "description": field.description}
    spec: dict[str, Any] = {"type": field.type, "description": field.description}
    if field.type == "array":
        spec["items"] = {"type": "string"}
    if field.secret:
        spec["secret"] = True
    if field.default is not None:
        spec["default"] = field.default
    return spec


def _resource_spec(resource: Resource) -> dict[str, Any]:
    inputs = inputs_of(resource)
    return {
        "description": resource.description,
        "inputProperties": {field.camel_name: _property(field) for field in inputs},
        "requiredInputs": [field.camel_name for field in inputs if field.required],
        "properties": {field.camel_name: _property(field) for field in resource.outputs},
        "required": [field.camel_name for field in resource.outputs if field.always_set],
    }


def _object_type(field: Field) -> dict[str, Any]:
    """The schema type of an object field (``StopWhen``), its properties declared once in :mod:`.schema`."""
    return {
        "description": field.description,
        "properties": {part.camel_name: _property(part) for part in field.properties},
        "required": [part.camel_name for part in field.properties if part.required],
        "type": "object",
    }


def _object(properties: Mapping[str, str], required: list[str]) -> dict[str, Any]:
    return {
        "properties": {name: {"type": "string", "description": text} for name, text in properties.items()},
        "required": required,
        "type": "object",
    }


FUNCTIONS = {
    "getEngagement": (
        "An engagement, read with DescribeEngagement (message fields secret).",
        _object({"arn": "The engagement ARN."}, ["arn"]),
        {**_resource_spec(ENGAGEMENT)["properties"]},
    ),
    "listPages": (
        "Every page an engagement sent (one per engaged contact channel), following NextToken.",
        _object({"engagementArn": "The engagement ARN."}, ["engagementArn"]),
        {"pages": {"type": "array", "items": {"$ref": "#/types/incident-manager:index:Page"}}},
    ),
}

PAGE_TYPE = page_type_schema()
"""The ``Page`` type, as the read side declares a page."""


def package_schema() -> dict[str, Any]:
    """The Pulumi package schema of the plugin."""
    functions = {}
    for name, (description, inputs, outputs) in FUNCTIONS.items():
        functions[f"{PACKAGE}:index:{name}"] = {
            "description": description,
            "inputs": inputs,
            "outputs": {"properties": outputs, "type": "object"},
        }
    config = {name: {"type": "string", "description": setting.description} for name, setting in CONFIG.items()}
    return {
        "name": PACKAGE,
        "displayName": "AWS Incident Manager engagements",
        "version": VERSION,
        "description": "Declarative AWS Incident Manager engagements: page people from code, exactly once.",
        "license": "Apache-2.0",
        "config": {"variables": config},
        "provider": {
            "description": "Where to reach ssm-contacts and the key tokens are minted with.",
            "inputProperties": config,
        },
        "resources": {token: _resource_spec(resource) for token, resource in RESOURCE_TYPES.items()},
        "functions": functions,
        "types": {
            f"{PACKAGE}:index:Page": PAGE_TYPE,
            **{_type_token(field): _object_type(field) for resource in RESOURCE_TYPES.values()
               for field in resource.fields if field.type == "object"},
        },
        "language": {
            "nodejs": {"packageName": "@incident-manager/pulumi", "respectSchemaVersion": True},
            # Python programs use the dynamic provider's SDK, `pulumi_incident_manager`; a generated SDK for this
            # plugin gets a name of its own so that the two never collide.
            "python": {"packageName": "pulumi_incident_manager_plugin", "respectSchemaVersion": True},
        },
    }
