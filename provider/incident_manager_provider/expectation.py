"""The AcknowledgementExpectation resource: a drill's verdict, decided by what AWS recorded.

The deadline is the engagement's start time plus ``within``, read from AWS, so a re-run after a crash in the middle
of the wait keeps the original deadline; watching pages nobody. The verdict is reached as soon as a receipt meets
the expectation, or at the deadline.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
)

from . import api, aws
from .base import ProviderBase
from .errors import IncidentManagerError
from .schema import EXPECTATION, TERMS
from .validation import check_failure, excerpt, is_unknown

_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?")
CHANNEL_TYPES = ("SMS", "VOICE", "EMAIL")
RECEIPTS = ("READ", "DELIVERED")
POLL_SECONDS = 1.0


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


@dataclass(frozen=True)
class Acknowledgement:
    contact: str
    channel: str
    at: datetime


@dataclass(frozen=True)
class Verdict:
    """What a drill found: whether the expectation was met, and the facts behind it."""

    passed: bool
    sentence: str
    paged: tuple[str, ...]
    pages_sent: int
    acknowledgement: Acknowledgement | None
    time_to_acknowledge: timedelta | None

    def outputs(self) -> dict[str, Any]:
        ack = self.acknowledgement
        seconds = self.time_to_acknowledge.total_seconds() if self.time_to_acknowledge is not None else None
        return {
            "passed": self.passed,
            "verdict": self.sentence,
            "acknowledged_by": ack.contact if ack else None,
            "channel": ack.channel if ack else None,
            "time_to_acknowledge": seconds,
            "pages_sent": float(self.pages_sent),
            "paged": list(self.paged),
        }


def judge(
    client: Any,
    engagement_arn: str,
    props: Mapping[str, Any],  # the terms: within, by, channels, receipt
    deadline: datetime,
    now: datetime,
    within: str,
    channel_types: dict[str, str],
) -> Verdict | None:
    """The verdict as AWS's records show it now: met, missed (at or past the deadline), or None (still open).

    ``channel_types`` (channel ARN -> SMS/VOICE/EMAIL) is filled as channels are read, so that a wait reads each
    channel once, not once a poll."""
    engagement = api.get_engagement(client, engagement_arn)
    pages = api.list_pages(client, engagement_arn)
    paged = tuple(dict.fromkeys(api.contact_alias(page.contact_arn) for page in pages))
    wanted_people = {api.contact_alias(person) for person in props.get("by") or []}
    wanted_channels = set(props.get("channels") or [])
    receipt_type = props.get("receipt") or "READ"
    found: list[Acknowledgement] = []
    for page in pages:
        person = api.contact_alias(page.contact_arn)
        if wanted_people and person not in wanted_people:
            continue
        for receipt in api.list_receipts(client, page.page_arn):
            if receipt.type != receipt_type or receipt.time > deadline:
                continue
            kind = channel_types.get(receipt.channel_arn or "") or _channel_type(client, receipt.channel_arn)
            channel_types[receipt.channel_arn or ""] = kind
            if not wanted_channels or kind in wanted_channels:
                found.append(Acknowledgement(person, kind, receipt.time))
    start = engagement.start_time or now
    if found:
        first = min(found, key=lambda ack: ack.at)
        took = first.at - start
        sentence = (
            f"{first.contact} acknowledged ({receipt_type}) on {first.channel} after {_human(took)}, within {within}; "
            f"paged: {', '.join(paged)}."
        )
        return Verdict(True, sentence, paged, len(pages), first, took)
    if now < deadline and engagement.stop_time is None:
        return None
    over = f" on {'/'.join(sorted(wanted_channels))}" if wanted_channels else ""
    silent = (f"{', '.join(sorted(wanted_people))} did not acknowledge" if wanted_people
              else "nobody acknowledged")
    sentence = (
        f"Drill missed: paged {', '.join(paged) or 'nobody'}; {silent} ({receipt_type}){over} within {within} of "
        f"the engagement's start (waited until {deadline.isoformat()})."
    )
    return Verdict(False, sentence, paged, len(pages), None, None)


def _channel_type(client: Any, channel_arn: str | None) -> str:
    return api.get_channel(client, channel_arn).type if channel_arn else "-"


def _human(span: timedelta) -> str:
    seconds = max(span.total_seconds(), 0.0)
    return f"{seconds:.1f}s" if seconds < 60 else f"{int(seconds // 60)}m {int(seconds % 60):02d}s"


STOP_ENGAGEMENT_REFUSED = (
    "stop_engagement would stop the engagement while its Engagement's state still records it as live: remove "
    "stop_engagement and give the Engagement stop_when with the same within, by, channels and receipt, so that "
    "the Engagement stops itself and records stop_time"
)


def terms_failures(terms: Mapping[str, Any], owner: str = "") -> list[CheckFailure]:
    """What is wrong with a drill's terms (within, by, channels, receipt); no AWS call.

    ``owner`` names the object that holds them (``stop_when``): its failures name it, as ``stop_when.within``."""
    prefix = f"{owner}." if owner else ""
    failures = []
    within = terms.get("within")
    if not is_unknown(within) and parse_duration(within) is None:
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


def wait_for_verdict(
    settings: aws.AwsSettings,
    arn: str,
    terms: Mapping[str, Any],
    clock: Callable[[], datetime],
    sleep: Callable[[float], None],
) -> tuple[Verdict, datetime]:
    """Watch ``arn``'s pages and receipts until ``terms`` are met or their deadline passes; reads only.

    The deadline is the engagement's start (as AWS recorded it) plus ``within``, so a re-run after a crash waits
    for the same moment. Returns the verdict and the deadline."""
    client = aws.client(settings, arn=arn, operation="DescribeEngagement")
    within_text = str(terms["within"])
    within = parse_duration(terms["within"])
    assert within is not None  # check refused anything else
    start = api.get_engagement(client, arn).start_time or clock()
    deadline = start + within
    channel_types: dict[str, str] = {}
    while (verdict := judge(client, arn, terms, deadline, clock(), within_text, channel_types)) is None:
        sleep(min(POLL_SECONDS, max((deadline - clock()).total_seconds(), 0.0)) or POLL_SECONDS / 10)
    return verdict, deadline


class AcknowledgementExpectationProvider(ProviderBase):
    """Engine-facing CRUD for ``AcknowledgementExpectation``.

    check: validates the expectation; no AWS call (preview says what it would wait for, in the plan).
    diff: any input change replaces (a new wait).
    create: watches the engagement's pages and receipts until the verdict; reads only. Stopping the engagement
    belongs to the Engagement (its ``stop_when``), whose own state then records the stop.
    read: keeps the recorded verdict; no AWS call.
    delete: forgets it; no AWS call.
    """

    resource = EXPECTATION
    sleep: Callable[[float], None] = staticmethod(time.sleep)
    clock: Callable[[], datetime] = staticmethod(lambda: datetime.now(UTC))

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = self.inputs(news)
        failures = []
        arn = inputs.get("engagement_arn")
        if not is_unknown(arn) and (not isinstance(arn, str) or ":engagement/" not in arn):
            failures.append(check_failure("engagement_arn", "engagement_arn must be an engagement ARN (an "
                                                            "Engagement's arn output)", arn))
        failures += terms_failures(inputs)
        failures += _choices(inputs, "on_miss", ("fail", "record"))
        if inputs.get("stop_engagement") and not is_unknown(inputs.get("stop_engagement")):
            # Stopped from here, the engagement would stay live in the Engagement's state until a refresh.
            failures.append(CheckFailure("stop_engagement", STOP_ENGAGEMENT_REFUSED))
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [f.name for f in EXPECTATION.inputs if _value(olds.get(f.name)) != _value(news.get(f.name))]
        return DiffResult(changes=bool(changed), replaces=changed)

    def create(self, props: dict[str, Any]) -> CreateResult:
        arn = props["engagement_arn"]
        verdict, deadline = wait_for_verdict(self.settings, arn, props, self.clock, self.sleep)
        if not verdict.passed and props.get("on_miss", "fail") == "fail":
            raise IncidentManagerError(verdict.sentence, operation="ListPageReceipts")
        outs = self.state(props)
        outs.update(verdict.outputs(), deadline=deadline.isoformat())
        return CreateResult(f"{arn}#expectation", outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


def _choices(inputs: Mapping[str, Any], name: str, allowed: Sequence[str]) -> list[CheckFailure]:
    value = inputs.get(name)
    if is_unknown(value) or value in allowed:
        return []
    shown = excerpt(value) if isinstance(value, str) else repr(value)
    return [check_failure(name, f"{name} must be one of {', '.join(allowed)}, not {shown}", value)]


def _value(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
