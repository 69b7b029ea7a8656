"""The one AWS layer: every ssm-contacts call the package makes, each answer parsed in one place.

The providers, the SDK's functions, the drill report and the testing kit all go through here. Callers pass a
client from :func:`incident_manager_provider.aws.client` (which tests replace with
:func:`incident_manager_provider.aws.client_override`); failures arrive as the typed errors of :mod:`.errors`.
Names here are snake_case; AWS's PascalCase members appear only in these parsers and in :mod:`.schema`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore import xform_name

from .errors import NotFoundError, aws_errors, error_code, not_found_sentence
from .schema import ENGAGEMENT


@dataclass(frozen=True)
class EngagementRecord:
    """An engagement as DescribeEngagement answers it."""

    arn: str
    contact_arn: str
    sender: str
    subject: str
    content: str
    public_subject: str | None
    public_content: str | None
    incident_id: str | None
    start_time: datetime | None
    stop_time: datetime | None

    @classmethod
    def parse(cls, answer: Mapping[str, Any]) -> EngagementRecord:
        fields = _snake(answer)
        members: dict[str, Any] = {name: fields.get(name) for name in cls.__dataclass_fields__ if name != "arn"}
        return cls(arn=fields["engagement_arn"], **members)

    @property
    def stopped(self) -> bool:
        return self.stop_time is not None


@dataclass(frozen=True)
class PageRecord:
    """One page of an engagement, as ListPagesByEngagement answers it."""

    page_arn: str
    engagement_arn: str
    contact_arn: str
    sender: str
    incident_id: str | None
    sent_time: datetime | None
    delivery_time: datetime | None
    read_time: datetime | None

    @classmethod
    def parse(cls, page: Mapping[str, Any]) -> PageRecord:
        fields = _snake(page)
        members: dict[str, Any] = {name: fields.get(name) for name in cls.__dataclass_fields__}
        return cls(**members)


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


def _snake(answer: Mapping[str, Any]) -> dict[str, Any]:
    """An AWS answer's members under their snake_case names (``ContactArn`` -> ``contact_arn``), as boto3 names
    parameters."""
    return {xform_name(member): value for member, value in answer.items()}


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
        return EngagementRecord.parse(client.describe_engagement(EngagementId=arn))


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


def list_pages(client: Any, engagement_arn: str) -> list[PageRecord]:
    """Every page of an engagement, oldest first as AWS lists them, following NextToken."""
    with aws_errors("ListPagesByEngagement", engagement_arn):
        return [
            PageRecord.parse(page)
            for listing in client.get_paginator("list_pages_by_engagement").paginate(EngagementId=engagement_arn)
            for page in listing["Pages"]
        ]


def list_receipts(client: Any, page_arn: str) -> list[ReceiptRecord]:
    """Every receipt of a page, following NextToken."""
    with aws_errors("ListPageReceipts", page_arn):
        return [
            ReceiptRecord.parse(receipt)
            for listing in client.get_paginator("list_page_receipts").paginate(PageId=page_arn)
            for receipt in listing["Receipts"]
        ]


def get_channel(client: Any, arn: str) -> ChannelRecord:
    """GetContactChannel."""
    with aws_errors("GetContactChannel", arn):
        return ChannelRecord.parse(client.get_contact_channel(ContactChannelId=arn))


def accept_page(client: Any, params: Mapping[str, Any], secrets: Iterable[Any] = ()) -> None:
    """AcceptPage with AWS's parameters."""
    with aws_errors("AcceptPage", params.get("PageId"), secrets):
        client.accept_page(**params)


__all__ = [
    "ChannelRecord",
    "EngagementRecord",
    "PageRecord",
    "ReceiptRecord",
    "accept_page",
    "error_code",
    "find_engagement",
    "get_channel",
    "get_engagement",
    "list_pages",
    "list_receipts",
    "not_found_sentence",
    "start_engagement",
    "stop_engagement",
]
