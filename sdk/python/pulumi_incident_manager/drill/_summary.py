"""What a drill did, as data: the engagement, its pages, their receipts and resolutions, and the verdict; each with
its text and JSON forms. Delivery addresses are left out: a summary is meant to be pasted into a drill report."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from incident_manager_provider import api
from incident_manager_provider.records import iso_time
from incident_manager_provider.verdict import Terms, Verdict, human_duration


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
class ResolutionStep:
    """One hop of how a page reached its person (ListPageResolutions): escalation plan -> on-call schedule ->
    contact."""

    contact_arn: str
    type: str
    """``ESCALATION``, ``ONCALL_SCHEDULE`` or ``PERSONAL``."""
    stage_index: int | None
    """The stage of this contact's plan that led on (0 for the first), if it has stages."""

    @property
    def contact(self) -> str:
        return api.contact_alias(self.contact_arn)

    def to_text(self) -> str:
        stage = f" stage {self.stage_index + 1}" if self.type == "ESCALATION" and self.stage_index is not None else ""
        return f"{self.contact}{stage}"

    def to_dict(self) -> dict[str, Any]:
        return {"contact": self.contact, "contact_arn": self.contact_arn, "type": self.type,
                "stage_index": self.stage_index}


@dataclass(frozen=True)
class PageSummary:
    """One page of the engagement (one per engaged contact channel), with its receipts in time order."""

    arn: str
    contact_arn: str
    sent_time: datetime | None
    delivery_time: datetime | None
    read_time: datetime | None
    receipts: tuple[ReceiptSummary, ...]
    resolution: tuple[ResolutionStep, ...] = ()
    """How the page reached its person, from the engaged contact down (ListPageResolutions)."""

    @property
    def contact(self) -> str:
        """The paged contact's alias."""
        return api.contact_alias(self.contact_arn)

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
            "sent_time": iso_time(self.sent_time),
            "delivery_time": iso_time(self.delivery_time),
            "read_time": iso_time(self.read_time),
            "acknowledged_at": iso_time(self.acknowledged_at),
            "time_to_acknowledge_seconds": _seconds(self.time_to_acknowledge),
            "channels": [channel.to_dict() for channel in self.channels],
            "resolution": [step.to_dict() for step in self.resolution],
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
    verdict: Verdict | None = None
    """Whether the drill passed, as its :class:`Expectation` decided (:func:`summarize_drill` always sets it)."""
    read_at: datetime | None = None
    """When it was read: the verdict is as of then (:func:`summarize_drill` sets it)."""
    subject: str | None = field(default=None, repr=False)
    """The engagement's subject, only when asked for (``summarize_drill(..., include_message=True)``): the text and
    JSON forms never show it, the HTML and SVG reports do (``--include-message-text``)."""
    content: str | None = field(default=None, repr=False)
    """The engagement's content, under the same rule as :attr:`subject`."""

    @property
    def contact(self) -> str:
        """The engaged contact's alias."""
        return api.contact_alias(self.contact_arn)

    def decided(self) -> Verdict:
        """:attr:`verdict`, or the default expectation's verdict when none was set."""
        return self.verdict or Terms().verdict(self)

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
            "contact": api.contact_alias(self.contact_arn),
            "contact_arn": self.contact_arn,
            "sender": self.sender,
            "incident_id": self.incident_id,
            "start_time": iso_time(self.start_time),
            "stop_time": iso_time(self.stop_time),
            "acknowledged": first is not None,
            "acknowledged_by": first.contact if first else None,
            "time_to_acknowledge_seconds": _seconds(self.time_to_acknowledge),
            "verdict": self.decided().to_dict(),
            "pages": [page.to_dict() for page in self.pages],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    def to_text(self) -> str:
        first = self.first_acknowledged
        acknowledged = sum(1 for page in self.pages if page.acknowledged_at is not None)
        lines = [
            f"Engagement {self.engagement_arn}",
            f"  contact   {api.contact_alias(self.contact_arn)}",
            f"  sender    {self.sender}",
            f"  incident  {self.incident_id or '-'}",
            f"  started   {iso_time(self.start_time) or '-'}",
            f"  stopped   {iso_time(self.stop_time) or '- (still engaged)'}",
            f"  pages     {len(self.pages)} sent, {acknowledged} acknowledged",
            f"  verdict   {self.decided().status}: {self.decided().message}",
        ]
        if first is not None and self.time_to_acknowledge is not None:
            lines.append(f"  first acknowledged by {first.contact} after {human_duration(self.time_to_acknowledge)}")
        else:
            lines.append("  not acknowledged")
        for page in self.pages:
            status = (
                f"acknowledged after {human_duration(page.time_to_acknowledge)}"
                if page.time_to_acknowledge is not None
                else "not acknowledged"
            )
            via = "".join(f" via {channel.type} {channel.name}" for channel in page.channels[:1])
            lines += ["", f"  {page.contact}{via}: sent {iso_time(page.sent_time) or '-'}, {status}", f"    {page.arn}"]
            if page.resolution:
                lines.append(f"    reached via {' -> '.join(step.to_text() for step in page.resolution)}")
            for receipt in page.receipts:
                channel = f"{receipt.channel.type:<5} {receipt.channel.name}" if receipt.channel else "-"
                note = f'  "{receipt.info}"' if receipt.info else ""
                lines.append(f"    {receipt.time.isoformat()}  {receipt.type:<9} {channel}{note}")
        return "\n".join(lines)


def _seconds(span: timedelta | None) -> float | None:
    return span.total_seconds() if span is not None else None
