"""The one verdict engine: the rules a drill is judged by and the sentences that say the result.

Every front judges an engagement here: ``AcknowledgementExpectation`` and an Engagement's ``stop_when`` (which wait
for :func:`judge` to decide), and the drill report, its JSON and JUnit forms (``pulumi_incident_manager.drill``),
which judge what they read with the same :class:`Terms`. So for one engagement and one set of terms every front
says the same verdict, in the same words, whenever it looks.

The rules. An acknowledgement counts when it is a receipt of the ``receipt`` type (READ unless told otherwise), on a
page of someone in ``by`` (anyone paged when unset), over a channel type in ``channels`` (any when unset), and
no later than the deadline: the engagement's start (as AWS recorded it) plus ``within``. The first one that counts
passes the drill. Without one, the drill is missed once the deadline has passed or the engagement was stopped, and
undecided until then. Without ``within`` (the report's default) every receipt counts whatever its time, and the
drill is judged as of the read: passed if one counts, missed otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from pulumi.dynamic import CheckFailure

from . import api
from .schema import TERMS
from .validation import check_failure, excerpt, is_unknown

CHANNEL_TYPES = ("SMS", "VOICE", "EMAIL")
RECEIPTS = ("READ", "DELIVERED")
_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?")


def parse_duration(text: Any) -> timedelta | None:
    """``90s``, ``15m``, ``1h30m`` (or a number of seconds) as a timedelta; None when it is neither."""
    if isinstance(text, int | float) and not isinstance(text, bool) and text > 0:
        return timedelta(seconds=float(text))
    if not isinstance(text, str) or not text.strip():
        return None
    found = _DURATION.fullmatch(text.strip())
    if found is None or not any(found.groups()):
        return None
    hours, minutes, seconds = (float(part or 0) for part in found.groups())
    span = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    return span if span > timedelta(0) else None


def human_duration(span: timedelta | None) -> str:
    """``1h 02m 03s``, ``2m 05s``, ``4.2s``: how fast, as every verdict and report says it."""
    if span is None:
        return "-"
    seconds = max(span.total_seconds(), 0.0)
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"


# What the judge reads: an engagement, its pages and their receipts. The reading below and the drill report's
# summary (DrillSummary, PageSummary, ReceiptSummary) both have this shape.
class Channel(Protocol):
    @property
    def type(self) -> str: ...


class Receipt(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def time(self) -> datetime: ...
    @property
    def channel(self) -> Channel | None: ...


class Page(Protocol):
    @property
    def contact(self) -> str: ...
    @property
    def receipts(self) -> Sequence[Receipt]: ...


class Engaged(Protocol):
    @property
    def start_time(self) -> datetime | None: ...
    @property
    def stop_time(self) -> datetime | None: ...
    @property
    def pages(self) -> Sequence[Page]: ...
    @property
    def read_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class ReadReceipt:
    type: str
    time: datetime
    channel: api.ChannelRecord | None
    info: str | None


@dataclass(frozen=True)
class ReadPage:
    record: api.PageRecord
    receipts: tuple[ReadReceipt, ...]
    """In time order."""

    @property
    def contact(self) -> str:
        return api.contact_alias(self.record.contact_arn)


@dataclass(frozen=True)
class Reading:
    """One read of an engagement: its record, its pages (in the order sent) and their receipts."""

    engagement: api.EngagementRecord
    pages: tuple[ReadPage, ...]
    read_at: datetime

    @property
    def start_time(self) -> datetime | None:
        return self.engagement.start_time

    @property
    def stop_time(self) -> datetime | None:
        return self.engagement.stop_time


def read(client: Any, arn: str, now: datetime, channels: dict[str, api.ChannelRecord] | None = None) -> Reading:
    """DescribeEngagement, ListPagesByEngagement, ListPageReceipts of each page, GetContactChannel of each channel
    not in ``channels`` (filled as it goes, so that a wait reads each channel once, not once a poll)."""
    channels = {} if channels is None else channels

    def channel(channel_arn: str | None) -> api.ChannelRecord | None:
        if channel_arn and channel_arn not in channels:
            channels[channel_arn] = api.get_channel(client, channel_arn)
        return channels.get(channel_arn) if channel_arn else None

    engagement = api.get_engagement(client, arn)
    pages = [
        ReadPage(page, tuple(sorted((ReadReceipt(r.type, r.time, channel(r.channel_arn), r.info)
                                     for r in api.list_receipts(client, page.page_arn)), key=lambda r: r.time)))
        for page in api.list_pages(client, arn)
    ]
    # Stable: pages sent at the same moment keep AWS's order.
    pages.sort(key=lambda page: (page.record.sent_time is None, page.record.sent_time or now))
    return Reading(engagement, tuple(pages), now)


@dataclass(frozen=True)
class Verdict:
    """Whether a drill passed, and the facts behind it: the resource's outputs, a line of the text report, an object
    of the JSON one, a JUnit testcase."""

    passed: bool
    message: str
    """One sentence: who acknowledged on what and how fast, or who was paged and that nobody answered in time."""
    acknowledged_by: str | None = None
    """The alias of the contact whose acknowledgement decided it."""
    channel: str | None = None
    """The type of the channel it was acknowledged on (``SMS``, ``VOICE``, ``EMAIL``)."""
    time_to_acknowledge: timedelta | None = None
    """From the engagement's start to that acknowledgement."""
    paged: tuple[str, ...] = ()
    """The contacts paged by then (aliases), in the order they were paged."""
    pages_sent: int = 0
    deadline: datetime | None = None
    """The engagement's start plus ``within``; None without ``within``."""
    decided: bool = True
    """False while nothing counts yet and the deadline is still ahead (a report can see that; a wait never ends so)."""

    @property
    def status(self) -> str:
        """``PASSED``, ``MISSED`` or, not decided yet, ``PENDING``: the word every front prints before the sentence."""
        return "PASSED" if self.passed else "MISSED" if self.decided else "PENDING"

    def outputs(self) -> dict[str, Any]:
        """The AcknowledgementExpectation's outputs."""
        return {
            "passed": self.passed,
            "verdict": self.message,
            "acknowledged_by": self.acknowledged_by,
            "channel": self.channel,
            "time_to_acknowledge": _seconds(self.time_to_acknowledge),
            "pages_sent": float(self.pages_sent),
            "paged": list(self.paged),
        }

    def to_dict(self) -> dict[str, Any]:
        """The drill report's JSON form."""
        return {
            "passed": self.passed,
            "status": self.status,
            "message": self.message,
            "acknowledged_by": self.acknowledged_by,
            "channel": self.channel,
            "time_to_acknowledge_seconds": _seconds(self.time_to_acknowledge),
            "deadline": self.deadline.isoformat() if self.deadline else None,
        }


@dataclass(frozen=True)
class Terms:
    """What a drill expects (AcknowledgementExpectation's inputs, an Engagement's ``stop_when``, the drill report's
    ``--within``, ``--by``, ``--channels``, ``--receipt``). ``Terms()``: any READ receipt, any time.

    Also an expectation of the drill report (``summarize_drill(arn, expectation=Terms(within="10m"))``)."""

    within: str | float | None = None
    """As written: ``90s``, ``15m``, ``1h30m`` or a number of seconds; None: any time."""
    by: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    receipt: str = "READ"

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Terms:
        """The terms of an input map (``within``, ``by``, ``channels``, ``receipt``; others ignored)."""
        return cls(values.get("within"), tuple(values.get("by") or ()), tuple(values.get("channels") or ()),
                   values.get("receipt") or "READ")

    @property
    def span(self) -> timedelta | None:
        return parse_duration(self.within) if self.within is not None else None

    def deadline(self, start: datetime | None) -> datetime | None:
        span = self.span
        return start + span if span is not None and start is not None else None

    def who(self) -> str:
        """Whose acknowledgement counts: ``alice-oncall, bob-oncall`` or ``anyone paged``."""
        return ", ".join(sorted({api.contact_alias(person) for person in self.by})) or "anyone paged"

    def the_wait(self) -> str:
        """What ``pulumi up`` will wait for, said at preview (no call is made)."""
        over = f" on {'/'.join(self.channels)}" if self.channels else ""
        return (f"up will wait up to {self.within} after the engagement starts for {self.who()} to acknowledge "
                f"({self.receipt}){over}")

    def verdict(self, engagement: Engaged) -> Verdict:
        """The verdict as of the read (:func:`judge`), undecided included: the report's answer."""
        now = engagement.read_at or datetime.now(UTC)
        return judge(engagement, self, now) or _undecided(engagement, self, now)


def judge(engagement: Engaged, terms: Terms, now: datetime) -> Verdict | None:
    """The verdict as ``engagement`` was read at ``now``: passed, missed, or None while undecided."""
    start = engagement.start_time or now
    deadline = terms.deadline(start)
    wanted_people = {api.contact_alias(person) for person in terms.by}
    found: list[tuple[datetime, str, str]] = []
    for page in engagement.pages:
        if wanted_people and page.contact not in wanted_people:
            continue
        for receipt in page.receipts:
            kind = receipt.channel.type if receipt.channel else "-"
            if (receipt.type == terms.receipt and (deadline is None or receipt.time <= deadline)
                    and (not terms.channels or kind in terms.channels)):
                found.append((receipt.time, page.contact, kind))
    paged = _paged(engagement)
    sent = len(engagement.pages)
    if found:
        at, contact, kind = min(found)
        took = at - start
        within = f", within {terms.within}" if terms.within is not None else ""
        sentence = (f"{contact} acknowledged ({terms.receipt}) on {kind} after {human_duration(took)}{within}; "
                    f"paged: {', '.join(paged)}.")
        return Verdict(True, sentence, contact, kind, took, paged, sent, deadline)
    if deadline is not None and now < deadline and engagement.stop_time is None:
        return None
    if deadline is None:
        when = f"by {now.isoformat(timespec='seconds')}, when the engagement was read"
    else:
        when = f"within {terms.within} of the engagement's start (waited until {deadline.isoformat()})"
    sentence = f"Drill missed: paged {', '.join(paged) or 'nobody'}; {_silent(terms)} {when}."
    return Verdict(False, sentence, paged=paged, pages_sent=sent, deadline=deadline)


def _undecided(engagement: Engaged, terms: Terms, now: datetime) -> Verdict:
    deadline = terms.deadline(engagement.start_time or now)
    paged = _paged(engagement)
    sentence = (f"Drill undecided: paged {', '.join(paged) or 'nobody'}; {_silent(terms)} yet, and may until "
                f"{deadline.isoformat() if deadline else '-'} ({terms.within} after the engagement's start).")
    return Verdict(False, sentence, paged=paged, pages_sent=len(engagement.pages), deadline=deadline, decided=False)


def _paged(engagement: Engaged) -> tuple[str, ...]:
    return tuple(dict.fromkeys(page.contact for page in engagement.pages))


def _silent(terms: Terms) -> str:
    """Who did not acknowledge, with the receipt and channels that would have counted."""
    over = f" on {'/'.join(sorted(terms.channels))}" if terms.channels else ""
    who = f"{terms.who()} did not acknowledge" if terms.by else "nobody acknowledged"
    return f"{who} ({terms.receipt}){over}"


def _seconds(span: timedelta | None) -> float | None:
    return span.total_seconds() if span is not None else None


def terms_failures(
    terms: Mapping[str, Any], owner: str = "", prefix: str | None = None, within_required: bool = True
) -> list[CheckFailure]:
    """What is wrong with a drill's terms (within, by, channels, receipt); no AWS call.

    ``owner`` names the object that holds them (``stop_when``): its failures name it, as ``stop_when.within``;
    ``prefix`` spells the terms otherwise (``--`` for the drill report's flags, where ``within`` may be left out)."""
    prefix = prefix if prefix is not None else f"{owner}." if owner else ""
    failures = []
    within = terms.get("within")
    if not is_unknown(within) and (within is not None or within_required) and parse_duration(within) is None:
        failures.append(check_failure(owner or "within", f"{prefix}within must be a duration such as 90s, 15m or "
                                                         f"1h30m", within))
    receipt = terms.get("receipt")
    if not is_unknown(receipt) and receipt not in (None, *RECEIPTS):
        shown = excerpt(receipt) if isinstance(receipt, str) else repr(receipt)
        failures.append(check_failure(owner or "receipt", f"{prefix}receipt must be one of {', '.join(RECEIPTS)}, "
                                                          f"not {shown}", receipt))
    for name in ("by", "channels"):
        value = terms.get(name)
        if value is not None and not is_unknown(value) and (isinstance(value, str) or not isinstance(value, Sequence)):
            failures.append(CheckFailure(owner or name, f"{prefix}{name} must be a list of strings"))
    channels = terms.get("channels")
    if isinstance(channels, Sequence) and not isinstance(channels, str):
        wrong = [c for c in channels if not is_unknown(c) and c not in CHANNEL_TYPES]
        if wrong:
            shown = ", ".join(excerpt(c) if isinstance(c, str) else repr(c) for c in wrong)
            failures.append(check_failure(owner or "channels", f"{prefix}channels must be among "
                                                               f"{', '.join(CHANNEL_TYPES)}, not {shown}", channels))
    return failures


def stop_when_failures(stop_when: Any) -> list[CheckFailure]:
    """What is wrong with an Engagement's ``stop_when`` (unset is fine); no AWS call."""
    if stop_when is None or is_unknown(stop_when):
        return []
    names = [field.name for field in TERMS]
    if not isinstance(stop_when, Mapping):
        return [CheckFailure("stop_when", f"stop_when must be an object with {', '.join(names)}")]
    unknown = sorted(set(stop_when) - set(names))
    if unknown:
        return [CheckFailure("stop_when", f"stop_when has no {', '.join(unknown)}: its fields are "
                                          f"{', '.join(names)}")]
    if stop_when.get("within") is None:
        return [CheckFailure("stop_when", "stop_when.within is required: how long after the engagement starts an "
                                          "acknowledgement may come, such as 15m")]
    return terms_failures(stop_when, "stop_when")
