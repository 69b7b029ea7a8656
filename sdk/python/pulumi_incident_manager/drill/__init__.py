"""What a drill did: the pages an engagement sent, on which channels, their receipts, and time to acknowledge.

``summarize_drill(engagement_arn)`` reads it through the ssm-contacts API (DescribeEngagement,
ListPagesByEngagement, ListPageReceipts, GetContactChannel) and returns a :class:`DrillSummary` that prints as
text (:meth:`DrillSummary.to_text`) or JSON (:meth:`DrillSummary.to_json`). From a shell:
``python -m pulumi_incident_manager.drill <engagement-arn> [--json]``.

A page counts as acknowledged at its first READ receipt (what AcceptPage with ``READ`` records): the time to
acknowledge of a page runs from when it was sent, that of the drill from when the engagement started.
Delivery addresses are left out: a summary is meant to be pasted into a drill report.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from incident_manager_provider import api, aws
from incident_manager_provider.errors import IncidentManagerError, InvalidInputError
from incident_manager_provider.validation import validate

from .._functions import stack_settings

__all__ = ["ChannelSummary", "DrillSummary", "PageSummary", "ReceiptSummary", "summarize_drill"]


@dataclass(frozen=True)
class ChannelSummary:
    """A contact channel that a page reached."""

    arn: str
    name: str
    """The channel's name, e.g. ``alice-oncall-sms``."""
    type: str
    """``SMS``, ``VOICE`` or ``EMAIL``."""

    def to_dict(self) -> dict[str, Any]:
        return {"arn": self.arn, "name": self.name, "type": self.type}


@dataclass(frozen=True)
class ReceiptSummary:
    """One receipt of a page: SENT, DELIVERED, READ (acknowledged), ERROR or STOP."""

    type: str
    time: datetime
    channel: ChannelSummary | None
    """The channel it concerns, when the receipt names one."""
    info: str | None
    """Free text: the note given to AcceptPage, or the reason of an ERROR."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "time": self.time.isoformat(),
            "channel": self.channel.to_dict() if self.channel else None,
            "info": self.info,
        }


@dataclass(frozen=True)
class PageSummary:
    """One page of the engagement (one per engaged contact channel), with its receipts in time order."""

    arn: str
    contact_arn: str
    sent_time: datetime | None
    delivery_time: datetime | None
    read_time: datetime | None
    receipts: tuple[ReceiptSummary, ...]

    @property
    def contact(self) -> str:
        """The paged contact's alias."""
        return _alias(self.contact_arn)

    @property
    def channels(self) -> tuple[ChannelSummary, ...]:
        """The channels the receipts name, in the order they first appear."""
        seen = {receipt.channel.arn: receipt.channel for receipt in self.receipts if receipt.channel}
        return tuple(seen.values())

    @property
    def acknowledgement(self) -> ReceiptSummary | None:
        """The first READ receipt, if the page was acknowledged."""
        return next((receipt for receipt in self.receipts if receipt.type == "READ"), None)

    @property
    def acknowledged_at(self) -> datetime | None:
        return self.acknowledgement.time if self.acknowledgement else self.read_time

    @property
    def time_to_acknowledge(self) -> timedelta | None:
        """From when this page was sent to its acknowledgement."""
        if self.acknowledged_at is None or self.sent_time is None:
            return None
        return self.acknowledged_at - self.sent_time

    def to_dict(self) -> dict[str, Any]:
        return {
            "arn": self.arn,
            "contact": self.contact,
            "contact_arn": self.contact_arn,
            "sent_time": _iso(self.sent_time),
            "delivery_time": _iso(self.delivery_time),
            "read_time": _iso(self.read_time),
            "acknowledged_at": _iso(self.acknowledged_at),
            "time_to_acknowledge_seconds": _seconds(self.time_to_acknowledge),
            "channels": [channel.to_dict() for channel in self.channels],
            "receipts": [receipt.to_dict() for receipt in self.receipts],
        }


@dataclass(frozen=True)
class DrillSummary:
    """An engagement and everything it paged."""

    engagement_arn: str
    contact_arn: str
    sender: str
    incident_id: str | None
    start_time: datetime | None
    stop_time: datetime | None
    pages: tuple[PageSummary, ...]
    """In the order they were sent."""

    @property
    def first_acknowledged(self) -> PageSummary | None:
        """The page acknowledged first, if any was."""
        acknowledged = [page for page in self.pages if page.acknowledged_at is not None]
        return min(acknowledged, key=lambda page: page.acknowledged_at or datetime.max) if acknowledged else None

    @property
    def time_to_acknowledge(self) -> timedelta | None:
        """From the start of the engagement to the first acknowledgement."""
        page = self.first_acknowledged
        if page is None or page.acknowledged_at is None or self.start_time is None:
            return None
        return page.acknowledged_at - self.start_time

    def to_dict(self) -> dict[str, Any]:
        first = self.first_acknowledged
        return {
            "engagement_arn": self.engagement_arn,
            "contact": _alias(self.contact_arn),
            "contact_arn": self.contact_arn,
            "sender": self.sender,
            "incident_id": self.incident_id,
            "start_time": _iso(self.start_time),
            "stop_time": _iso(self.stop_time),
            "acknowledged": first is not None,
            "acknowledged_by": first.contact if first else None,
            "time_to_acknowledge_seconds": _seconds(self.time_to_acknowledge),
            "pages": [page.to_dict() for page in self.pages],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    def to_text(self) -> str:
        first = self.first_acknowledged
        acknowledged = sum(1 for page in self.pages if page.acknowledged_at is not None)
        lines = [
            f"Engagement {self.engagement_arn}",
            f"  contact   {_alias(self.contact_arn)}",
            f"  sender    {self.sender}",
            f"  incident  {self.incident_id or '-'}",
            f"  started   {_iso(self.start_time) or '-'}",
            f"  stopped   {_iso(self.stop_time) or '- (still engaged)'}",
            f"  pages     {len(self.pages)} sent, {acknowledged} acknowledged",
        ]
        if first is not None and self.time_to_acknowledge is not None:
            lines.append(f"  first acknowledged by {first.contact} after {_duration(self.time_to_acknowledge)}")
        else:
            lines.append("  not acknowledged")
        for page in self.pages:
            status = (
                f"acknowledged after {_duration(page.time_to_acknowledge)}"
                if page.time_to_acknowledge is not None
                else "not acknowledged"
            )
            via = "".join(f" via {channel.type} {channel.name}" for channel in page.channels[:1])
            lines += ["", f"  {page.contact}{via}: sent {_iso(page.sent_time) or '-'}, {status}", f"    {page.arn}"]
            for receipt in page.receipts:
                channel = f"{receipt.channel.type:<5} {receipt.channel.name}" if receipt.channel else "-"
                note = f'  "{receipt.info}"' if receipt.info else ""
                lines.append(f"    {receipt.time.isoformat()}  {receipt.type:<9} {channel}{note}")
        return "\n".join(lines)


def summarize_drill(engagement_arn: str, client: Any | None = None) -> DrillSummary:
    """Read what the engagement ``engagement_arn`` paged so far.

    ``client`` is a boto3 ``ssm-contacts`` client; by default the package's own, from the stack config inside a
    program (``aws:region``, ``incident-manager:endpoint``...) and the AWS environment outside one. Failures raise
    :class:`IncidentManagerError` with one sentence.
    """
    failures = validate("DescribeEngagement", {"engagement_arn": engagement_arn}, {"engagement_arn": "EngagementId"})
    if failures:
        raise InvalidInputError(failures[0].reason, operation="DescribeEngagement")
    if client is None:
        client = aws.client(stack_settings(), arn=engagement_arn, operation="DescribeEngagement")
    engagement = api.get_engagement(client, engagement_arn)
    channels: dict[str, ChannelSummary] = {}

    def channel(arn: str | None) -> ChannelSummary | None:
        if arn and arn not in channels:
            found = api.get_channel(client, arn)
            channels[arn] = ChannelSummary(found.arn, found.name, found.type)
        return channels.get(arn) if arn else None

    pages = [
        PageSummary(
            arn=page.page_arn,
            contact_arn=page.contact_arn,
            sent_time=page.sent_time,
            delivery_time=page.delivery_time,
            read_time=page.read_time,
            receipts=tuple(
                sorted(
                    (
                        ReceiptSummary(receipt.type, receipt.time, channel(receipt.channel_arn), receipt.info)
                        for receipt in api.list_receipts(client, page.page_arn)
                    ),
                    key=lambda receipt: receipt.time,
                )
            ),
        )
        for page in api.list_pages(client, engagement_arn)
    ]
    return DrillSummary(
        engagement_arn=engagement.arn,
        contact_arn=engagement.contact_arn,
        sender=engagement.sender,
        incident_id=engagement.incident_id,
        start_time=engagement.start_time,
        stop_time=engagement.stop_time,
        pages=tuple(sorted(pages, key=lambda page: (page.sent_time is None, page.sent_time or 0, page.arn))),
    )


def _alias(arn: str) -> str:
    """``arn:aws:ssm-contacts:<region>:<account>:contact/<alias>`` -> ``<alias>``."""
    return arn.rsplit(":", 1)[-1].split("/")[1] if "/" in arn else arn


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _seconds(span: timedelta | None) -> float | None:
    return span.total_seconds() if span is not None else None


def _duration(span: timedelta | None) -> str:
    """``1h 02m 03s``, ``2m 05s``, ``4.2s``: what a drill report reads best."""
    if span is None:
        return "-"
    seconds = span.total_seconds()
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pulumi_incident_manager.drill ARN [--json]``; exits 1 with one sentence when AWS cannot answer."""
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_incident_manager.drill", description="Summarize what an engagement paged."
    )
    parser.add_argument("engagement_arn")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args(argv)
    try:
        summary = summarize_drill(args.engagement_arn)
    except IncidentManagerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(summary.to_json() if args.json else summary.to_text())
    return 0
