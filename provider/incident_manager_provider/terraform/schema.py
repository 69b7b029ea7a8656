"""The provider's OpenTofu/Terraform schema, derived from the declarations every front shares.

Resources from :mod:`..schema` (each field once: its snake_case name, type, secrecy, and whether a change replaces),
data sources from the read side (:mod:`..records`) and the paging plan of the SDK's ``who_would_be_paged``, provider
arguments from :mod:`..settings`. Nothing here declares a field of its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from tf import types
from tf.gen import tfplugin_pb2 as pb
from tf.schema import Attribute, Schema

from ..records import engagement_read, page_read
from ..schema import ENGAGEMENT, Field, Resource
from ..settings import AWS_CONNECTION, MAX_ATTEMPTS, TOKEN_KEY

PREFIX = "incidentmanager_"
"""Every resource and data source type starts with the provider's local name."""

SOURCE = "incident-manager/incidentmanager"
"""The provider's source address, as a configuration's ``required_providers`` names it."""

VERSION = "0.1.0"

SET_IN_HCL: dict[Resource, tuple[str, ...]] = {ENGAGEMENT: ("token_key",)}
"""Internal fields a configuration sets: the key tokens are minted with (an ``incidentmanager_token_key``'s key),
which Python programs pass for the user and the plugin keeps in its provider's state, neither of which HCL has."""

FILLED_IN = frozenset({"idempotency_token"})
"""Inputs the core fills in when unset beyond declared defaults: the minted token (computed as well as optional)."""

ID = "id"
"""Every resource's id: the core's resource id (an engagement's ARN), what ``tofu import`` takes."""


def type_name(resource: Resource) -> str:
    """``Engagement`` -> ``incidentmanager_engagement``."""
    return PREFIX + re.sub(r"(?<!^)([A-Z])", r"_\1", resource.name).lower()


class Value(types.TfType):  # type: ignore[misc]
    """A value passed through as msgpack carries it (objects as dicts, lists as lists), of the given cty type."""

    def __init__(self, cty: Any) -> None:
        self.cty = cty

    def encode(self, value: Any) -> Any:
        return value

    def decode(self, value: Any) -> Any:
        return value

    def tf_type(self) -> bytes:
        return json.dumps(self.cty).encode()


class NestedAttribute(Attribute):  # type: ignore[misc]
    """An object attribute whose fields are attributes too (``stop_when = { within = "15m" }``), as protocol 6's
    nested attribute types declare it (the ``tf`` package declares only plain types)."""

    def __init__(self, name: str, parts: Sequence[Attribute], **flags: Any) -> None:
        cty = ["object", {part.name: json.loads(part.type.tf_type()) for part in parts}]
        super().__init__(name, Value(cty), **flags)
        self.parts = list(parts)

    def to_pb(self) -> pb.Schema.Attribute:
        nested = pb.Schema.Object(attributes=[part.to_pb() for part in self.parts], nesting=pb.Schema.Object.SINGLE)
        return pb.Schema.Attribute(name=self.name, nested_type=nested, description=self.description,
                                   description_kind=pb.MARKDOWN, required=bool(self.required),
                                   optional=bool(self.optional), computed=bool(self.computed),
                                   sensitive=bool(self.sensitive))


PLAIN_TYPES: dict[str, types.TfType] = {
    "string": types.String(),
    "number": types.Number(),
    "boolean": types.Bool(),
    "array": types.List(types.String()),
}


def attribute(field: Field, role: str | None = None) -> Attribute:
    """The attribute of one declared field: required or optional as an input (optional and computed where the core
    fills it in), computed as an output; ``sensitive`` when secret; ``requires_replace`` when a change makes a new
    one (the plan itself asks the core's diff, which says the same)."""
    role = role or field.role
    flags: dict[str, Any] = {
        "description": field.description,
        "sensitive": field.secret,
        "requires_replace": field.identity or field.replaces,
    }
    if role == "output":
        flags["computed"] = True
    elif field.required:
        flags["required"] = True
    else:
        flags["optional"] = True
        flags["computed"] = field.default is not None or field.name in FILLED_IN
    if field.type == "object":
        return NestedAttribute(field.name, [attribute(part, "input") for part in field.properties], **flags)
    return Attribute(field.name, PLAIN_TYPES[field.type], **flags)


def resource_attributes(resource: Resource) -> list[Attribute]:
    """``id``, then every field an HCL configuration sets or reads: inputs, outputs and :data:`SET_IN_HCL`."""
    internal = SET_IN_HCL.get(resource, ())
    fields = [attribute(field, "input" if field.name in internal else None) for field in resource.fields
              if field.role != "internal" or field.name in internal]
    said = "The engagement ARN: what `tofu import` takes." if resource is ENGAGEMENT else "The core's id of it."
    own_id = Attribute(ID, types.String(), description=said, computed=True)
    return [own_id, *fields]


def resource_schema(resource: Resource) -> Schema:
    return Schema(attributes=resource_attributes(resource), version=0, description=resource.description)


def _computed(name: str, cty: Any, description: str, sensitive: bool = False) -> Attribute:
    kind = PLAIN_TYPES[cty] if isinstance(cty, str) and cty in PLAIN_TYPES else Value(cty)
    return Attribute(name, kind, description=description, computed=True, sensitive=sensitive)


def engagement_data_schema() -> Schema:
    """``incidentmanager_engagement``: DescribeEngagement's answer, as the read side names it."""
    read = engagement_read()
    arn = Attribute("arn", types.String(), description="The engagement ARN.", required=True)
    fields = [_computed(field.name, "string", field.description, field.secret) for field in read.fields
              if field.name != "arn"]
    return Schema(attributes=[arn, *fields], version=0, description=read.description)


def pages_data_schema() -> Schema:
    """``incidentmanager_pages``: every page of an engagement (ListPagesByEngagement's ``Page``)."""
    read = page_read()
    page = ["object", {field.name: "string" for field in read.fields}]
    return Schema(attributes=[
        Attribute("engagement_arn", types.String(), description="The engagement ARN.", required=True),
        _computed("pages", ["list", page], f"{read.description} Each has "
                  f"{', '.join(field.name for field in read.fields)}."),
    ], version=0, description="Every page an engagement sent, following NextToken.")


STAGE = ["object", {"stage_index": "number", "starts_after_minutes": "number", "duration_in_minutes": "number",
                    "people": ["list", "string"], "unreachable": ["list", "string"]}]


def paging_plan_data_schema() -> Schema:
    """``incidentmanager_who_would_be_paged``: the SDK's ``who_would_be_paged`` (reads only)."""
    return Schema(attributes=[
        Attribute("contact_id", types.String(), required=True,
                  description="ARN of the contact, escalation plan or on-call schedule an engagement would engage."),
        Attribute("at", types.String(), optional=True, computed=True,
                  description="The moment on-call schedules are resolved for (ISO 8601; unset: now)."),
        _computed("contact_arn", "string", "The contact, as AWS stores it."),
        _computed("alias", "string", "Its alias."),
        _computed("type", "string", "PERSONAL, ESCALATION or ONCALL_SCHEDULE."),
        _computed("people", "array", "Aliases of everyone who would be paged, in stage order, each once."),
        _computed("stages", ["list", STAGE], "Each stage: its index, when it starts and how long it waits (minutes), "
                  "the aliases it pages, and deleted contacts it still names (unreachable)."),
        _computed("summary", "string", "The plan as text: one line for the contact and one per stage."),
    ], version=0, description="Who engaging a contact, escalation plan or on-call schedule would page, stage by stage.")


PROVIDER_TOKEN_KEY = (
    "A secret (64 hex digits) to mint the tokens of engagements that set no token_key. From a sensitive variable, it "
    "is known before anything is applied, so a first apply killed right after StartEngagement cannot lose it (tofu "
    "writes a key made by an incidentmanager_token_key in the same apply to the state file only with its next "
    "snapshot), and it is never stored in state."
)
"""The provider's own key: what the plugin's ``tokenKey`` setting is to plugin programs, minus its keeping in
provider state, which OpenTofu and Terraform do not have."""


def provider_schema() -> Schema:
    """The provider block's arguments: the settings that say how to reach ssm-contacts, and the key, all optional."""
    return Schema(attributes=[
        *(Attribute(setting.terraform_name, types.Number() if setting is MAX_ATTEMPTS else types.String(),
                    description=setting.description, optional=True)
          for setting in AWS_CONNECTION),
        Attribute(TOKEN_KEY.terraform_name, types.String(), description=PROVIDER_TOKEN_KEY, optional=True,
                  sensitive=True),
    ], version=0)
