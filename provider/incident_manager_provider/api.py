"""The one AWS layer: every ssm-contacts call the package makes, each answer parsed in one place.

The providers, the SDK's functions, the drill report and the testing kit all go through here. Callers pass a
client from :func:`incident_manager_provider.aws.client` (which tests replace with
:func:`incident_manager_provider.aws.client_override`); failures arrive as the typed errors of :mod:`.errors`.
Names here are snake_case; AWS's PascalCase members appear only in these parsers and in :mod:`.schema`. The
records that every front turns into outputs (engagements, pages) are declared in :mod:`.records`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore import xform_name

from .errors import NotFoundError, aws_errors
from .records import EngagementRecord, PageRecord, Record
from .schema import ENGAGEMENT
from .validation import service_model


@dataclass(frozen=True)
class EngagementSummaryRecord(Record):
    """An engagement as ListEngagements lists it: no message, which only DescribeEngagement returns."""

    engagement_arn: str
    contact_arn: str
    sender: str
    incident_id: str | None
    start_time: datetime | None
    stop_time: datetime | None

    @property
    def stopped(self) -> bool:
        return self.stop_time is not None


@dataclass(frozen=True)
class ReceiptRecord:
    """One receipt of a page (SENT, DELIVERED, READ, ERROR, STOP)."""

    type: str
    time: datetime
    channel_arn: str | None
    info: str | None

    @classmethod
    def parse(cls, receipt: Mapping[str, Any]) -> ReceiptRecord:
        return cls(receipt["ReceiptType"], receipt["ReceiptTime"], receipt.get("ContactChannelArn"),
                   receipt.get("ReceiptInfo"))


@dataclass(frozen=True)
class ChannelRecord:
    """A contact channel, as GetContactChannel answers it."""

    arn: str
    name: str
    type: str

    @classmethod
    def parse(cls, answer: Mapping[str, Any]) -> ChannelRecord:
        return cls(answer["ContactChannelArn"], answer["Name"], answer.get("Type", "-"))


@dataclass(frozen=True)
class TargetRecord(Record):
    """One target of a plan stage: a contact (``ContactTargetInfo``) or a channel (``ChannelTargetInfo``), the two
    AWS shapes merged, so exactly one of ``contact_id`` and ``contact_channel_id`` is set."""

    contact_id: str | None
    is_essential: bool | None
    contact_channel_id: str | None
    retry_interval_in_minutes: int | None

    @classmethod
    def parse_target(cls, target: Mapping[str, Any]) -> TargetRecord:
        return cls.parse({**target.get("ContactTargetInfo", {}), **target.get("ChannelTargetInfo", {})})


@dataclass(frozen=True)
class StageRecord(Record):
    """One stage of a contact's plan: its targets are engaged together, the next stage ``duration_in_minutes``
    later."""

    duration_in_minutes: int | None
    targets: list[Any] | None

    @property
    def target_records(self) -> list[TargetRecord]:
        return [TargetRecord.parse_target(target) for target in self.targets or []]


@dataclass(frozen=True)
class ContactRecord(Record):
    """A contact (PERSONAL, ESCALATION or ONCALL_SCHEDULE), as GetContact answers it."""

    contact_arn: str
    alias: str
    display_name: str | None
    type: str
    plan: dict[str, Any] | None

    @property
    def stages(self) -> list[StageRecord]:
        """The plan's stages (none for an on-call schedule)."""
        return [StageRecord.parse(stage) for stage in (self.plan or {}).get("Stages") or []]

    @property
    def rotation_ids(self) -> list[str]:
        """The rotations of an on-call schedule (none for other contacts)."""
        return list((self.plan or {}).get("RotationIds") or [])


@dataclass(frozen=True)
class ContactChannelRecord(Record):
    """A contact channel as ListContactChannels answers it, without its delivery address."""

    contact_channel_arn: str
    contact_arn: str
    name: str
    type: str | None
    activation_status: str | None

    @property
    def activated(self) -> bool:
        return self.activation_status == "ACTIVATED"


@dataclass(frozen=True)
class RotationRecord(Record):
    """A rotation, as GetRotation answers it."""

    rotation_arn: str
    name: str
    contact_ids: list[str]
    start_time: datetime | None
    time_zone_id: str | None
    recurrence: dict[str, Any] | None


@dataclass(frozen=True)
class ShiftRecord(Record):
    """One shift of a rotation (REGULAR or OVERRIDDEN), as ListRotationShifts answers it."""

    contact_ids: list[str] | None
    start_time: datetime | None
    end_time: datetime | None
    type: str | None
    shift_details: dict[str, Any] | None

    def covers(self, moment: datetime) -> bool:
        return self.start_time is not None and self.end_time is not None and self.start_time <= moment < self.end_time


@dataclass(frozen=True)
class ResolutionRecord(Record):
    """One hop of how a page reached its contact (escalation plan -> on-call schedule -> contact), as
    ListPageResolutions answers it; ``stage_index`` is the stage of the plan at this hop that led on."""

    contact_arn: str
    type: str
    stage_index: int | None


def start_engagement(client: Any, params: Mapping[str, Any], secrets: Iterable[Any] = ()) -> str:
    """StartEngagement; the engagement's ARN. ``secrets`` are never quoted in an error."""
    with aws_errors("StartEngagement", params.get(ENGAGEMENT.members()["contact_id"]), secrets):
        arn: str = client.start_engagement(**params)["EngagementArn"]
    return arn


def find_engagement(client: Any, arn: str) -> EngagementRecord | None:
    """DescribeEngagement, or None if there is no such engagement."""
    try:
        return get_engagement(client, arn)
    except NotFoundError:
        return None


def get_engagement(client: Any, arn: str) -> EngagementRecord:
    """DescribeEngagement; :class:`NotFoundError` if there is no such engagement."""
    with aws_errors("DescribeEngagement", arn):
        return EngagementRecord.parse(client.describe_engagement(**request("DescribeEngagement", engagement_id=arn)))


def stop_engagement(client: Any, arn: str, reason: str | None = None) -> None:
    """StopEngagement. Already stopped or gone counts as done (AWS documents neither answer: look before failing)."""
    params = {"EngagementId": arn, **({"Reason": reason} if reason else {})}
    try:
        with aws_errors("StopEngagement", arn):
            client.stop_engagement(**params)
    except NotFoundError:
        return
    except Exception as error:
        if getattr(error, "code", None) in ("ValidationException", "ConflictException"):
            live = find_engagement(client, arn)
            if live is None or live.stopped:
                return
        raise


def contact_alias(arn: str) -> str:
    """The alias in an ssm-contacts ARN (``...:contact/<alias>``, ``...:page/<alias>/<id>``); anything else as
    given (an alias already)."""
    resource = arn.rsplit(":", 1)[-1] if arn.startswith("arn:") else ""
    return resource.split("/")[1] if resource.count("/") >= 1 else arn


@functools.cache
def _spelled(operation: str) -> dict[str, str]:
    shape = service_model().operation_model(operation).input_shape
    return {xform_name(member): member for member in (shape.members if shape else {})}


def request(operation: str, **members: Any) -> dict[str, Any]:
    """An operation's parameters from snake_case names (``contact_id`` -> its AWS member), as the service model
    spells them: the mirror of :meth:`Record.parse`."""
    spelled = _spelled(operation)
    return {spelled[name]: value for name, value in members.items()}


def _every(client: Any, operation: str, listed: str, resource: str | None, **members: Any) -> list[Any]:
    """Every item ``listed`` in the answers to ``operation`` (an AWS name), following NextToken."""
    with aws_errors(operation, resource):
        paginator = client.get_paginator(xform_name(operation))
        return [item for answer in paginator.paginate(**request(operation, **members)) for item in answer[listed]]


def list_engagements(client: Any) -> list[EngagementSummaryRecord]:
    """Every engagement of the client's account and region, stopped or live, following NextToken."""
    answers = _every(client, "ListEngagements", "Engagements", None)
    return [EngagementSummaryRecord.parse(engagement) for engagement in answers]


def list_pages(client: Any, engagement_arn: str) -> list[PageRecord]:
    """Every page of an engagement, oldest first as AWS lists them, following NextToken."""
    answers = _every(client, "ListPagesByEngagement", "Pages", engagement_arn, engagement_id=engagement_arn)
    return [PageRecord.parse(page) for page in answers]


def list_receipts(client: Any, page_arn: str) -> list[ReceiptRecord]:
    """Every receipt of a page, following NextToken."""
    return [ReceiptRecord.parse(receipt) for receipt in _every(client, "ListPageReceipts", "Receipts", page_arn,
                                                                 page_id=page_arn)]


def get_channel(client: Any, arn: str) -> ChannelRecord:
    """GetContactChannel."""
    with aws_errors("GetContactChannel", arn):
        return ChannelRecord.parse(client.get_contact_channel(**request("GetContactChannel", contact_channel_id=arn)))


def accept_page(client: Any, params: Mapping[str, Any], secrets: Iterable[Any] = ()) -> None:
    """AcceptPage with AWS's parameters."""
    with aws_errors("AcceptPage", params.get("PageId"), secrets):
        client.accept_page(**params)


def get_contact(client: Any, arn: str) -> ContactRecord:
    """GetContact; :class:`NotFoundError` if there is no such contact."""
    with aws_errors("GetContact", arn):
        return ContactRecord.parse(client.get_contact(**request("GetContact", contact_id=arn)))


def list_contact_channels(client: Any, contact_arn: str) -> list[ContactChannelRecord]:
    """Every channel of a contact, following NextToken."""
    answers = _every(client, "ListContactChannels", "ContactChannels", contact_arn, contact_id=contact_arn)
    return [ContactChannelRecord.parse(channel) for channel in answers]


def get_rotation(client: Any, arn: str) -> RotationRecord:
    """GetRotation; :class:`NotFoundError` if there is no such rotation."""
    with aws_errors("GetRotation", arn):
        return RotationRecord.parse(client.get_rotation(**request("GetRotation", rotation_id=arn)))


def list_rotation_shifts(client: Any, rotation_arn: str, start: datetime, end: datetime) -> list[ShiftRecord]:
    """Every shift of a rotation that overlaps [start, end), following NextToken."""
    answers = _every(client, "ListRotationShifts", "RotationShifts", rotation_arn, rotation_id=rotation_arn,
                     start_time=start.isoformat(), end_time=end.isoformat())
    return [ShiftRecord.parse(shift) for shift in answers]


def list_page_resolutions(client: Any, page_arn: str) -> list[ResolutionRecord]:
    """How a page reached its contact, from the engaged contact down, following NextToken."""
    answers = _every(client, "ListPageResolutions", "PageResolutions", page_arn, page_id=page_arn)
    return [ResolutionRecord.parse(hop) for hop in answers]


__all__ = [
    "ChannelRecord",
    "ContactChannelRecord",
    "ContactRecord",
    "EngagementRecord",
    "EngagementSummaryRecord",
    "PageRecord",
    "ReceiptRecord",
    "ResolutionRecord",
    "RotationRecord",
    "ShiftRecord",
    "StageRecord",
    "TargetRecord",
    "accept_page",
    "contact_alias",
    "find_engagement",
    "get_channel",
    "get_contact",
    "get_engagement",
    "get_rotation",
    "list_contact_channels",
    "list_engagements",
    "list_page_resolutions",
    "list_pages",
    "list_receipts",
    "list_rotation_shifts",
    "start_engagement",
    "stop_engagement",
]
