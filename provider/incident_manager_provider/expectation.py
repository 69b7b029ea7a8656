"""The AcknowledgementExpectation resource: a drill's verdict, decided by what AWS recorded.

The deadline is the engagement's start time plus ``within``, read from AWS, so a re-run after a crash in the middle
of the wait keeps the original deadline; watching pages nobody. The verdict is reached as soon as a receipt meets
the expectation, or at the deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    ReadResult,
)

from . import api, aws
from .base import Diff, ProviderBase
from .errors import IncidentManagerError
from .schema import EXPECTATION
from .validation import check_failure, excerpt, is_unknown
from .verdict import Terms, Verdict, judge, read, terms_failures

POLL_SECONDS = 1.0

STOP_ENGAGEMENT_REFUSED = (
    "stop_engagement would stop the engagement while its Engagement's state still records it as live: remove "
    "stop_engagement and give the Engagement stop_when with the same within, by, channels and receipt, so that "
    "the Engagement stops itself and records stop_time"
)


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
    judged = Terms.of(terms)
    channels: dict[str, api.ChannelRecord] = {}
    while True:
        now = clock()
        reading = read(client, arn, now, channels)
        deadline = judged.deadline(reading.start_time or now)
        assert deadline is not None  # check refused a missing or malformed within
        verdict = judge(reading, judged, now)
        if verdict is not None:
            return verdict, deadline
        sleep(min(POLL_SECONDS, max((deadline - clock()).total_seconds(), 0.0)) or POLL_SECONDS / 10)


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

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> Diff:
        changed = [f.name for f in EXPECTATION.inputs if _value(olds.get(f.name)) != _value(news.get(f.name))]
        return Diff(replaces=changed)

    def create(self, props: dict[str, Any]) -> CreateResult:
        arn = props["engagement_arn"]
        verdict, deadline = wait_for_verdict(self.settings, arn, props, self.clock, self.sleep)
        if not verdict.passed and props.get("on_miss", "fail") == "fail":
            raise IncidentManagerError(verdict.message, operation="ListPageReceipts")
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
