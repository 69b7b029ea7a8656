"""What a drill did: the pages an engagement sent, how each reached its person, on which channels, their receipts,
time to acknowledge and a verdict.

``summarize_drill(engagement_arn)`` reads it through the ssm-contacts API (DescribeEngagement,
ListPagesByEngagement, ListPageReceipts, ListPageResolutions, GetContactChannel) and returns a
:class:`DrillSummary` that prints as text (:meth:`DrillSummary.to_text`) or JSON (:meth:`DrillSummary.to_json`);
:func:`write_junit` writes summaries as a JUnit XML file, one testcase per engagement, so CI shows a failed drill
as a failed test. From a shell: ``python -m pulumi_incident_manager.drill ARN... [--json] [--junit FILE]``
(exit 1 when a drill failed).

A page counts as acknowledged at its first READ receipt (what AcceptPage with ``READ`` records): the time to
acknowledge of a page runs from when it was sent, that of the drill from when the engagement started.
The :class:`Verdict` comes from an :class:`Expectation`; until drills declare their own, :class:`AnyAcknowledgement`
passes an engagement when at least one of its pages was acknowledged.
Delivery addresses are left out: a summary is meant to be pasted into a drill report.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from incident_manager_provider import api, aws
from incident_manager_provider.errors import IncidentManagerError, InvalidInputError, present
from incident_manager_provider.validation import validate

from .._functions import stack_settings
from . import _orphans
from ._orphans import Orphan, find_orphans

__all__ = [
    "AnyAcknowledgement",
    "ChannelSummary",
    "DrillSummary",
    "Expectation",
    "Orphan",
    "PageSummary",
    "ReceiptSummary",
    "ResolutionStep",
    "Verdict",
    "find_orphans",
    "junit_xml",
    "summarize_drill",
    "write_junit",
]


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
            "sent_time": _iso(self.sent_time),
            "delivery_time": _iso(self.delivery_time),
            "read_time": _iso(self.read_time),
            "acknowledged_at": _iso(self.acknowledged_at),
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

    @property
    def contact(self) -> str:
        """The engaged contact's alias."""
        return api.contact_alias(self.contact_arn)

    def decided(self) -> Verdict:
        """:attr:`verdict`, or the default expectation's verdict when none was set."""
        return self.verdict or AnyAcknowledgement().verdict(self)

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
            "start_time": _iso(self.start_time),
            "stop_time": _iso(self.stop_time),
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
            f"  started   {_iso(self.start_time) or '-'}",
            f"  stopped   {_iso(self.stop_time) or '- (still engaged)'}",
            f"  pages     {len(self.pages)} sent, {acknowledged} acknowledged",
            f"  verdict   {'PASSED' if self.decided().passed else 'FAILED'}: {self.decided().message}",
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
            if page.resolution:
                lines.append(f"    reached via {' -> '.join(step.to_text() for step in page.resolution)}")
            for receipt in page.receipts:
                channel = f"{receipt.channel.type:<5} {receipt.channel.name}" if receipt.channel else "-"
                note = f'  "{receipt.info}"' if receipt.info else ""
                lines.append(f"    {receipt.time.isoformat()}  {receipt.type:<9} {channel}{note}")
        return "\n".join(lines)


def summarize_drill(
    engagement_arn: str, client: Any | None = None, expectation: Expectation | None = None
) -> DrillSummary:
    """Read what the engagement ``engagement_arn`` paged so far, and judge it with ``expectation`` (by default
    :class:`AnyAcknowledgement`).

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
            resolution=tuple(
                ResolutionStep(step.contact_arn, step.type, step.stage_index)
                for step in api.list_page_resolutions(client, page.page_arn)
            ),
        )
        for page in api.list_pages(client, engagement_arn)
    ]
    summary = DrillSummary(
        engagement_arn=engagement.arn,
        contact_arn=engagement.contact_arn,
        sender=engagement.sender,
        incident_id=engagement.incident_id,
        start_time=engagement.start_time,
        stop_time=engagement.stop_time,
        pages=tuple(sorted(pages, key=lambda page: (page.sent_time is None, page.sent_time or 0, page.arn))),
    )
    return dataclasses.replace(summary, verdict=(expectation or AnyAcknowledgement()).verdict(summary))


@dataclass(frozen=True)
class Verdict:
    """Whether a drill passed, and the facts behind it: a JUnit testcase, a line of the text report, an object of
    the JSON one."""

    passed: bool
    message: str
    """One sentence: who acknowledged over what and how fast, or who was paged and that nobody answered."""
    acknowledged_by: str | None = None
    """The alias of the contact whose acknowledgement decided it."""
    channel: str | None = None
    """The type of the channel it was acknowledged on (``SMS``, ``VOICE``, ``EMAIL``)."""
    time_to_acknowledge: timedelta | None = None
    """From the engagement's start to that acknowledgement."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "message": self.message,
            "acknowledged_by": self.acknowledged_by,
            "channel": self.channel,
            "time_to_acknowledge_seconds": _seconds(self.time_to_acknowledge),
        }


class Expectation(Protocol):
    """What decides a drill's :class:`Verdict` from what it paged; the reports and :func:`write_junit` only read
    the verdict, so any object with this method can judge."""

    def verdict(self, summary: DrillSummary) -> Verdict: ...


@dataclass(frozen=True)
class AnyAcknowledgement:
    """Passes when at least one page was acknowledged (has a READ receipt), by anyone, over any channel."""

    def verdict(self, summary: DrillSummary) -> Verdict:
        page = summary.first_acknowledged
        if page is None:
            paged = _and([f"{contact} ({', '.join(types)})" for contact, types in _paged(summary).items()])
            return Verdict(False, f"Nobody acknowledged: {summary.contact} paged {paged or 'nobody'}"
                                  f"{', and no page has a READ receipt' if paged else ' (no page was sent)'}.")
        acknowledgement = page.acknowledgement
        channel = acknowledgement.channel if acknowledgement and acknowledgement.channel else None
        channel = channel or next(iter(page.channels), None)
        over = f" over {channel.type}" if channel else ""
        after = f" after {_duration(summary.time_to_acknowledge)}" if summary.time_to_acknowledge is not None else ""
        return Verdict(True, f"{page.contact} acknowledged{over}{after}.", page.contact,
                       channel.type if channel else None, summary.time_to_acknowledge)


def _paged(summary: DrillSummary) -> dict[str, list[str]]:
    """Each paged contact's alias, in the order paged -> the channel types of its pages, sorted (pages sent at the
    same moment have no order)."""
    paged: dict[str, set[str]] = {}
    for page in summary.pages:
        paged.setdefault(page.contact, set()).update(channel.type for channel in page.channels)
    return {contact: sorted(types) for contact, types in paged.items()}


def _and(items: Sequence[str]) -> str:
    return ", ".join(items[:-1]) + f" and {items[-1]}" if len(items) > 1 else "".join(items)


JUNIT_SUITE = "incident-manager drills"


def junit_xml(
    summaries: Sequence[DrillSummary], unread: Mapping[str, str] | None = None, now: datetime | None = None
) -> ET.ElementTree[ET.Element]:
    """A JUnit XML document with one testsuite and one testcase per engagement: a ``failure`` when its verdict
    failed, an ``error`` for each engagement in ``unread`` (ARN -> the sentence saying why it could not be read).

    Each testcase is named after the engagement's ARN in the class of its incident id (or contact), takes the
    time to acknowledge (or, failed, how long the engagement ran), and carries the verdict as properties and the
    text report as its output.
    """
    now = now or datetime.now(UTC)
    unread = unread or {}
    verdicts = [summary.decided() for summary in summaries]
    suite = ET.Element("testsuite", {
        "name": JUNIT_SUITE,
        "tests": str(len(summaries) + len(unread)),
        "failures": str(sum(not verdict.passed for verdict in verdicts)),
        "errors": str(len(unread)),
        "skipped": "0",
        "timestamp": now.isoformat(timespec="seconds"),
    })
    total = 0.0
    for summary, verdict in zip(summaries, verdicts, strict=True):
        ran = verdict.time_to_acknowledge if verdict.passed else _ran(summary, now)
        seconds = ran.total_seconds() if ran is not None else 0.0
        total += seconds
        case = ET.SubElement(suite, "testcase", {
            "classname": summary.incident_id or summary.contact,
            "name": summary.engagement_arn,
            "time": f"{seconds:.3f}",
        })
        properties = ET.SubElement(case, "properties")
        for name, value in verdict.to_dict().items():
            if value is not None and name != "message":
                ET.SubElement(properties, "property", {"name": name, "value": str(value).lower()
                                                       if isinstance(value, bool) else str(value)})
        ET.SubElement(properties, "property", {"name": "pages", "value": str(len(summary.pages))})
        if not verdict.passed:
            ET.SubElement(case, "failure", {"message": verdict.message, "type": "DrillFailed"}).text = verdict.message
        ET.SubElement(case, "system-out").text = summary.to_text()
    for arn, sentence in unread.items():
        case = ET.SubElement(suite, "testcase", {"classname": JUNIT_SUITE, "name": arn, "time": "0.000"})
        ET.SubElement(case, "error", {"message": sentence, "type": "IncidentManagerError"}).text = sentence
    suite.set("time", f"{total:.3f}")
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(
    path: str | Path, summaries: Sequence[DrillSummary], unread: Mapping[str, str] | None = None
) -> None:
    """Write :func:`junit_xml` to ``path`` (UTF-8, with an XML declaration)."""
    junit_xml(summaries, unread).write(path, encoding="utf-8", xml_declaration=True)


def _ran(summary: DrillSummary, now: datetime) -> timedelta | None:
    """How long the engagement ran: to its stop, or to ``now`` while it still runs."""
    if summary.start_time is None:
        return None
    return (summary.stop_time or now) - summary.start_time


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
    """``python -m pulumi_incident_manager.drill ARN... [--json] [--junit FILE] [--exit-zero]``.

    Prints each engagement's report, verdict included. Exits 1 with one sentence on stderr when an engagement
    cannot be read (with ``--junit``, an ``error`` testcase) or when a drill failed, as a test runner does, so a CI
    step fails with the drill; ``--exit-zero`` only reports a failed drill (an unreadable engagement still exits 1).
    ``... drill orphans ...`` finds live engagements a stack's state lost (:mod:`._orphans`).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["orphans"]:  # no ARN is spelled so
        return _orphans.main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_incident_manager.drill",
        usage="%(prog)s [-h] [--json] [--junit FILE] [--exit-zero] engagement_arn [engagement_arn ...]\n"
              "       %(prog)s orphans (--stack NAME [--cwd DIR] | --export FILE) [--stop] [--json]",
        description="Summarize what engagements paged, judge each drill, and optionally write JUnit XML.",
        epilog="`python -m pulumi_incident_manager.drill orphans --help`: find (and stop) the live engagements a "
               "stack started that its state no longer holds.",
    )
    parser.add_argument("engagement_arn", nargs="+", help="one or more engagement ARNs")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text (a list for several ARNs)")
    parser.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report, one testcase per engagement")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when a drill failed (report only)")
    args = parser.parse_args(argv)
    summaries: list[DrillSummary] = []
    unread: dict[str, str] = {}
    for arn in args.engagement_arn:
        try:
            summaries.append(summarize_drill(arn))
        except IncidentManagerError as error:
            unread[arn] = present(error)
    if summaries:
        if args.json:
            documents = [summary.to_dict() for summary in summaries]
            print(json.dumps(documents[0] if len(args.engagement_arn) == 1 else documents, indent=2))
        else:
            print("\n\n".join(summary.to_text() for summary in summaries))
    if args.junit:
        try:
            write_junit(args.junit, summaries, unread)
        except OSError as error:
            print(f"error: could not write the JUnit report to {args.junit}: {error.strerror or error}.",
                  file=sys.stderr)
            return 1
    failed = [summary for summary in summaries if not summary.decided().passed]
    if unread:
        print(f"error: {next(iter(unread.values()))}", file=sys.stderr)
        return 1
    if failed and not args.exit_zero:
        more = f" (and {len(failed) - 1} more: see the report)" if len(failed) > 1 else ""
        message = failed[0].decided().message
        print(f"drill failed ({len(failed)} of {len(summaries)}): {message.removesuffix('.')}{more}.", file=sys.stderr)
        return 1
    return 0
