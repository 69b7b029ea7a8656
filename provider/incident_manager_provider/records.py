"""The read side, declared once: what AWS answers about an engagement and its pages, and how that becomes outputs.

An answer is parsed into a record (:class:`EngagementRecord`, :class:`PageRecord`: the read operation's members in
snake_case, as boto3 names them), and each record has ONE function to outputs (:func:`engagement_outputs`,
:func:`page_outputs`: snake_case names as state holds them, times as ISO 8601 by :func:`iso_time`). Every front
reads through these: the Engagement provider's create and read, the SDK's ``get_engagement``/``list_pages`` (whose
result classes are generated from :func:`engagement_read`/:func:`page_read`), the provider plugin's functions and
its ``Page`` type, and the testing kit.

The output fields come from the service model (the read operation's members, which are required) plus
:mod:`.schema` (an engagement's output names, descriptions and secrets, through each field's ``described_as``);
a page's descriptions are declared here, as no resource declares a page.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from botocore import xform_name

from .schema import ENGAGEMENT, camel_case
from .validation import service_model

RecordT = TypeVar("RecordT", bound="Record")


def iso_time(moment: datetime | None) -> str | None:
    """An AWS timestamp as ISO 8601 text, as outputs store it."""
    return moment.isoformat() if moment is not None else None


class Record:
    """An AWS answer as a dataclass: each field is the member of the same name in snake_case (``ContactArn`` ->
    ``contact_arn``), as boto3 names parameters. Subclasses declare only their fields."""

    @classmethod
    def parse(cls: type[RecordT], answer: Mapping[str, Any]) -> RecordT:
        members = {xform_name(member): value for member, value in answer.items()}
        return cls(**{name: members.get(name) for name in cls.__dataclass_fields__})  # type: ignore[attr-defined]


@dataclass(frozen=True)
class EngagementRecord(Record):
    """An engagement as DescribeEngagement answers it (its fields are the answer's members: a test holds them to
    the service model)."""

    contact_arn: str
    engagement_arn: str
    sender: str
    subject: str
    content: str
    public_subject: str | None
    public_content: str | None
    incident_id: str | None
    start_time: datetime | None
    stop_time: datetime | None

    @property
    def arn(self) -> str:
        return self.engagement_arn

    @property
    def stopped(self) -> bool:
        return self.stop_time is not None


@dataclass(frozen=True)
class PageRecord(Record):
    """One page of an engagement, as ListPagesByEngagement answers it (members of its ``Page`` shape)."""

    page_arn: str
    engagement_arn: str
    contact_arn: str
    sender: str
    incident_id: str | None
    sent_time: datetime | None
    delivery_time: datetime | None
    read_time: datetime | None


@dataclass(frozen=True)
class ReadField:
    """One output of a record: its name in outputs, the record attribute it comes from, and what it means."""

    name: str
    """snake_case, as state, the SDK's results and (in camelCase) the plugin hold it."""
    attribute: str
    """The record's field: the AWS member in snake_case."""
    description: str
    required: bool
    """The service model always answers it."""
    secret: bool = False

    @property
    def camel_name(self) -> str:
        return camel_case(self.name)


@dataclass(frozen=True)
class ReadModel:
    """A record's outputs, in the order AWS answers its members."""

    name: str
    """The SDK's result class (``GetEngagementResult``, ``Page``)."""
    description: str
    fields: tuple[ReadField, ...]

    def outputs(self, record: Any) -> dict[str, Any]:
        """The record's outputs: every field, times as ISO 8601."""
        values = ((field.name, getattr(record, field.attribute)) for field in self.fields)
        return {name: iso_time(value) if isinstance(value, datetime) else value for name, value in values}

    def in_camel_case(self, outputs: Mapping[str, Any]) -> dict[str, Any]:
        """Outputs keyed as the plugin's schema names them (``pageArn``)."""
        return {field.camel_name: outputs[field.name] for field in self.fields}

    def type_schema(self) -> dict[str, Any]:
        """This record as a Pulumi schema object type (the plugin's ``Page``)."""
        return {
            "description": self.description,
            "properties": {field.camel_name: _property(field) for field in self.fields},
            "required": [field.camel_name for field in self.fields if field.required],
            "type": "object",
        }


def _property(field: ReadField) -> dict[str, Any]:
    return {"type": "string", "description": field.description, **({"secret": True} if field.secret else {})}


PAGE_DESCRIPTIONS = {
    "page_arn": "The page ARN.",
    "engagement_arn": "The engagement that sent it.",
    "contact_arn": "The contact it went to.",
    "sender": "Who paged.",
    "incident_id": "The engagement's incident.",
    "sent_time": "When it was sent (ISO 8601).",
    "delivery_time": "When it was delivered (ISO 8601), if it was.",
    "read_time": "When it was read (ISO 8601), if it was.",
}
"""What each member of ListPagesByEngagement's ``Page`` means, by its snake_case name (no resource declares a
page)."""


@functools.cache
def _answer_shape(operation: str, listed: str | None = None) -> Any:
    shape = service_model().operation_model(operation).output_shape
    return shape.members[listed].member if listed else shape


@functools.cache
def engagement_read() -> ReadModel:
    """An engagement's outputs as read: the schema's fields that DescribeEngagement's members are read back into
    (built on first use: the service model is read only by a process that reads AWS)."""
    shape = _answer_shape("DescribeEngagement")
    fields = []
    for member in shape.members:
        declared = ENGAGEMENT.field(ENGAGEMENT.described()[member])
        fields.append(ReadField(declared.name, xform_name(member), declared.description,
                                member in shape.required_members, declared.secret))
    return ReadModel("GetEngagementResult", "An engagement as DescribeEngagement answers it.", tuple(fields))


@functools.cache
def page_read() -> ReadModel:
    """A page's outputs: the members of ListPagesByEngagement's ``Page``."""
    shape = _answer_shape("ListPagesByEngagement", "Pages")
    names = {member: xform_name(member) for member in shape.members}
    fields = tuple(ReadField(name, name, PAGE_DESCRIPTIONS[name], member in shape.required_members)
                   for member, name in names.items())
    return ReadModel("Page", "One page of an engagement (one per engaged contact channel).", fields)


def engagement_outputs(record: EngagementRecord) -> dict[str, Any]:
    """An engagement's outputs as read (``arn``, ``contact_arn``, the message, ``start_time``, ``stop_time``...)."""
    return engagement_read().outputs(record)


def page_outputs(record: PageRecord) -> dict[str, Any]:
    """A page's outputs (``page_arn``, ``contact_arn``, ``sent_time``...)."""
    return page_read().outputs(record)


def page_type_schema() -> dict[str, Any]:
    """The plugin schema's ``incident-manager:index:Page`` type."""
    return page_read().type_schema()


__all__ = [
    "EngagementRecord",
    "PageRecord",
    "ReadField",
    "ReadModel",
    "Record",
    "engagement_outputs",
    "engagement_read",
    "iso_time",
    "page_outputs",
    "page_read",
    "page_type_schema",
]
