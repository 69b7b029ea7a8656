"""Escalation: who an engagement pages and when, the retry of a failed send, and the thread that sends later stages.

When an engagement starts, its contact's plan is expanded once into pending sends (``Engagement.pending``, sorted
by due time; escalation stages and on-call schedules are followed, who is on call is decided at the start). The
backend sends those already due at once; the ``Scheduler`` sends the rest as they fall due. Acknowledging or
stopping the engagement clears what is still pending.

Simulated responders (responders.py) add answers: when a page is delivered to a person a rule says answers, the
answer is scheduled (``Engagement.answers``) at the page's send time plus the rule's delay, scaled like the stages.
The same scheduler runs sends and answers in due order, so an answer due before stage 2 stops it in time.
"""

from __future__ import annotations

import bisect
import datetime
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from .models import Contact, Engagement, Rotation, epoch_now
from .responders import Responder

logger = logging.getLogger("ssm_contacts_emulator")

MAX_SEND_ATTEMPTS = 3
"""A send that fails is retried after the target's RetryIntervalInMinutes, at most this many attempts in all."""

OnCall = Callable[[Rotation, datetime.datetime], tuple[str, ...]]
"""Who is on call in a rotation at a moment (overrides included)."""


class PendingSend(NamedTuple):
    """A page to send (or send again): one item of ``Engagement.pending``, persisted as a list."""

    due: float
    """When, in epoch seconds."""
    contact_arn: str
    channel_arn: str
    path: list[dict[str, Any]]
    """How the engaged contact led here: ResolutionContact shapes (plus IsEssential of escalation targets)."""
    retry_minutes: int
    """The target's RetryIntervalInMinutes (0: a failed send is not retried)."""
    attempt: int
    page_arn: str | None
    """The page a retry sends again (None for a first attempt)."""

    @classmethod
    def from_stored(cls, item: list[Any]) -> PendingSend:
        """State files written before paths and retries existed hold only the first three members."""
        padded = [*item, *[[], 0, 1, None][len(item) - 3 :]] if len(item) < 7 else item
        due, contact_arn, channel_arn, path, retry, attempt, page_arn = padded
        return cls(float(due), contact_arn, channel_arn, path, int(retry), int(attempt), page_arn)


class PendingAnswer(NamedTuple):
    """A simulated responder's answer to come: one item of ``Engagement.answers``, persisted as a list."""

    due: float
    """When, in epoch seconds: also the time its receipt records."""
    page_arn: str
    accept_type: str
    """DELIVERED or READ, as AcceptPage's AcceptType."""
    note: str | None

    @classmethod
    def from_stored(cls, item: list[Any]) -> PendingAnswer:
        due, page_arn, accept_type, note = item
        return cls(float(due), page_arn, accept_type, note)


def schedule_answers(engagement: Engagement, page_arn: str, rule: Responder, sent: float, minute: float) -> None:
    """After a page is delivered: the rule's receipts, due ``rule.after_seconds`` of plan time later."""
    if rule.after_seconds is None:
        return
    due = sent + rule.after_seconds * minute / 60.0
    for accept_type in rule.receipts:  # DELIVERED before READ: insort keeps the order of equal due times
        bisect.insort(engagement.answers, [due, page_arn, accept_type, rule.note], key=_due)


def _due(item: list[Any]) -> float:
    return float(item[0])


def seconds_per_minute(time_scale: float) -> float:
    """Real seconds per plan minute at this time scale; 0 (time scale 0): no waiting at all."""
    return 60.0 / time_scale if time_scale else 0.0


def plan_sends(
    contact: Contact,
    now: float,
    at: datetime.datetime,
    minute: float,
    contacts: Mapping[str, Contact],
    rotations: Mapping[str, Rotation],
    on_call: OnCall,
) -> list[list[Any]]:
    """Every send engaging ``contact`` at ``now`` makes (``at`` on the rotations' clock), sorted by due time.

    ``minute`` is the real seconds a plan minute lasts. The sort is stable: plan order within a stage.
    """

    def expand(
        contact: Contact, offset: int, seen: frozenset[str], path: list[dict[str, Any]]
    ) -> list[tuple[int, str, str, list[dict[str, Any]], int]]:
        """(minutes from start, contact ARN, channel ARN, resolution path, retry minutes) of each send."""
        out: list[tuple[int, str, str, list[dict[str, Any]], int]] = []
        if contact.type == "ONCALL_SCHEDULE":
            paged: set[str] = set()  # on call in two rotations of one schedule: paged once
            for rotation_arn in contact.plan.get("RotationIds") or []:
                rotation = rotations.get(rotation_arn)
                if rotation is None:
                    continue
                for member_arn in on_call(rotation, at):
                    member = contacts.get(member_arn)
                    if member is None or member.arn in seen or member.arn in paged:
                        continue
                    paged.add(member.arn)
                    hop: dict[str, Any] = {"ContactArn": member.arn, "Type": member.type}
                    out.extend(expand(member, offset, seen | {member.arn}, [*path, hop]))
            return out
        elapsed = offset
        for index, stage in enumerate(contact.plan.get("Stages") or []):
            here = [*path[:-1], {**path[-1], "StageIndex": index}]
            for target in stage.get("Targets") or []:
                if "ChannelTargetInfo" in target:
                    info = target["ChannelTargetInfo"]
                    retry = info.get("RetryIntervalInMinutes") or 0
                    out.append((elapsed, contact.arn, info["ContactChannelId"], here, retry))
                elif "ContactTargetInfo" in target:
                    info = target["ContactTargetInfo"]
                    member = contacts.get(info.get("ContactId", ""))
                    if member is not None and member.arn not in seen:  # a plan that loops pages each once
                        hop = {
                            "ContactArn": member.arn,
                            "Type": member.type,
                            "IsEssential": bool(info["IsEssential"]),
                        }
                        out.extend(expand(member, elapsed, seen | {member.arn}, [*here, hop]))
            elapsed += stage.get("DurationInMinutes") or 0
        return out

    root = [{"ContactArn": contact.arn, "Type": contact.type}]
    return sorted(
        (
            [now + minutes * minute, contact_arn, channel_arn, path, retry, 1, None]
            for minutes, contact_arn, channel_arn, path, retry in expand(contact, 0, frozenset({contact.arn}), root)
        ),
        key=_due,
    )


def retry_later(engagement: Engagement, send: PendingSend, page_arn: str, now: float, minute: float) -> None:
    """After a failed send: send the page again after RetryIntervalInMinutes, while attempts remain."""
    if send.retry_minutes and send.attempt < MAX_SEND_ATTEMPTS:
        due = now + send.retry_minutes * minute
        retry = [due, send.contact_arn, send.channel_arn, send.path, send.retry_minutes, send.attempt + 1, page_arn]
        bisect.insort(engagement.pending, retry, key=_due)


class Scheduler:
    """The thread that sends escalation stages as they fall due (and those a restart left due).

    It shares the backend's lock: ``send_due`` (the backend's, one engagement in one transaction) runs with it
    held, and callers of ``track`` and ``engaged`` hold it. It also runs simulated responders' answers
    (``Engagement.answers``): one thread for every page, not one per page.
    """

    def __init__(
        self,
        lock: threading.RLock,
        engagements: Callable[[], Mapping[str, Engagement]],
        send_due: Callable[[Engagement, float], None],
    ) -> None:
        self._wake = threading.Condition(lock)
        self._engagements = engagements
        self._send_due = send_due
        self._active: set[str] = set()  # engagements with pages still to send
        self._closing = False
        self._thread: threading.Thread | None = None

    def track(self, engagements: Iterable[Engagement]) -> None:
        """Follow exactly these engagements' pending sends and answers (after a load or a reset)."""
        self._active = {e.arn for e in engagements if e.next_due() is not None}

    def engaged(self, engagement: Engagement) -> None:
        """Follow ``engagement`` if it has pages still to send or answers to come, and wake the thread for them."""
        if engagement.next_due() is not None:
            self._active.add(engagement.arn)
            self._wake.notify_all()

    def start(self) -> None:
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="ssm-contacts-stages", daemon=True)
        self._thread.start()

    def close(self) -> None:
        with self._wake:
            self._closing = True
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        with self._wake:
            while not self._closing:
                now = epoch_now()
                due: float | None = None
                for arn in list(self._active):
                    engagement = self._engagements().get(arn)
                    head = None if engagement is None else engagement.next_due()
                    if engagement is None or head is None:
                        self._active.discard(arn)
                        continue
                    if head <= now:
                        try:
                            self._send_due(engagement, now)
                        except Exception:  # a failing store must not kill the scheduler
                            # The store failed, so the backend reloaded its memory from it: this stage's pages
                            # are not sent (nor in the outbox) and stay pending, sent once found due again.
                            logger.exception("could not save the escalation stage of %s", arn)
                    head = engagement.next_due()
                    if head is not None:
                        due = head if due is None else min(due, head)
                self._wake.wait(None if due is None else max(0.0, due - time.time()) + 0.001)
