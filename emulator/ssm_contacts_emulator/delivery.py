"""Delivery: what happens when a send falls due, and the outbox that records what reached people.

A due send (escalation.py plans them) makes or resends a page; it fails on a failing channel (an ERROR receipt and
a retry where the plan asks for one) or is delivered (a SENT receipt, an outbox message, and the answers simulated
responders will give). Due answers are run through AcceptPage's own path, in due order with the sends. The
failing channels and the responders are settings (not persisted); the outbox is persisted with the objects.

The ``Delivery`` belongs to one ``Backend``: it reads and saves the backend's objects under the backend's lock.
"""

from __future__ import annotations

import secrets
import uuid
from typing import TYPE_CHECKING, Any

from .escalation import MAX_SEND_ATTEMPTS, PendingAnswer, PendingSend, retry_later, schedule_answers, seconds_per_minute
from .models import Contact, ContactChannel, Engagement, Page, iso
from .responders import Responder, ResponderRules, coerce, rule_for
from .store import MemoryStore

if TYPE_CHECKING:
    from .backend import Backend


class Delivery:
    """Sends an engagement's due pages and runs its due answers; owns the outbox, failing channels and responders."""

    def __init__(self, backend: Backend, store: MemoryStore) -> None:
        self._backend = backend
        self._store = store
        self.outbox: list[dict[str, Any]] = []
        self.failing_channels: frozenset[str] = frozenset()
        """Channel ARNs or delivery addresses whose sends fail (an ERROR receipt); not persisted."""
        self.responders: tuple[Responder, ...] = ()
        """Simulated people who answer their pages (settings: not persisted; answers already scheduled are)."""
        self.reset()

    def reset(self) -> None:
        """An empty outbox, and the settings back to the config's; the caller holds the lock."""
        config = self._backend.config
        self.outbox = []
        self.failing_channels = frozenset(config.failing_channels)
        self.responders = coerce(config.responders)

    # -- the outbox ---------------------------------------------------------------------------------------

    def post(self, entry: dict[str, Any]) -> None:
        """Record a message that left for a person (a page, an activation code); the caller is in a transaction."""
        self.outbox.append(entry)
        self._store.append_outbox(entry)

    def outbox_entries(self) -> list[dict[str, Any]]:
        with self._backend.lock:
            return [dict(entry) for entry in self.outbox]

    # -- settings -----------------------------------------------------------------------------------------

    def set_failing_channels(self, channels: list[str]) -> None:
        """Sends to these channel ARNs or addresses fail from now on (ERROR receipts, retried where planned)."""
        with self._backend.lock:
            self.failing_channels = frozenset(channels)

    def set_responders(self, rules: ResponderRules) -> tuple[Responder, ...]:
        """Replace the simulated responders (Responder objects, command-line strings or JSON objects; ValueError
        if they are not valid). They decide the answers to pages delivered from now on; answers already
        scheduled stay."""
        checked = coerce(rules)
        with self._backend.lock:
            self.responders = checked
        return checked

    # -- sending pages (at the start, and from the escalation scheduler) ----------------------------------

    def send_stage(self, engagement: Engagement, now: float) -> None:
        """The scheduler's part: send what is due of one engagement, in one transaction."""
        with self._backend.transaction():
            self.send_due(engagement, now)
            self._backend.save("engagement", engagement)

    def send_due(self, engagement: Engagement, now: float) -> None:
        """Send the engagement's pages that are due, and run its simulated answers that are due, in due order
        (a send first at equal times); the caller holds the lock and saves the engagement."""
        backend = self._backend
        while True:
            next_send = engagement.pending[0][0] if engagement.pending else None
            next_answer = engagement.answers[0][0] if engagement.answers else None
            if next_answer is not None and next_answer <= now and (next_send is None or next_answer < next_send):
                self._answer(PendingAnswer.from_stored(engagement.answers.pop(0)))
                continue
            if next_send is None or next_send > now:
                return
            send = PendingSend.from_stored(engagement.pending.pop(0))
            channel = backend.channels.get(send.channel_arn)
            contact = backend.contacts.get(send.contact_arn)
            if channel is None or contact is None or channel.activation_status != "ACTIVATED":
                continue  # Incident Manager cannot engage a channel that is gone or not activated
            page = backend.pages.get(send.page_arn or "")
            if page is None:
                page = self._new_page(engagement, contact, channel, now, send.path)
            else:
                page.attempts = send.attempt
            if channel.arn in self.failing_channels or channel.address in self.failing_channels:
                page.add_receipt(
                    "ERROR", now, f"Delivery failed (attempt {send.attempt} of at most {MAX_SEND_ATTEMPTS})"
                )
                retry_later(engagement, send, page.arn, now, self._minute())
                backend.save("page", page)
                continue
            self._deliver(engagement, contact, channel, page, now)

    def _minute(self) -> float:
        return seconds_per_minute(self._backend.config.time_scale)

    def _new_page(
        self, engagement: Engagement, contact: Contact, channel: ContactChannel, now: float, path: list[dict[str, Any]]
    ) -> Page:
        page = Page(
            arn=self._backend.arn("page", contact.alias, str(uuid.uuid4())),
            engagement_arn=engagement.arn,
            contact_arn=contact.arn,
            channel_arn=channel.arn,
            channel_type=channel.type,
            address=channel.address,
            accept_code=f"{secrets.randbelow(10**6):06d}",
            sent_time=now,
            path=path,
        )
        self._backend.pages[page.arn] = page
        return page

    def _deliver(
        self, engagement: Engagement, contact: Contact, channel: ContactChannel, page: Page, now: float
    ) -> None:
        page.add_receipt("SENT", now)
        self._backend.save("page", page)
        rule = rule_for(self.responders, contact.alias, contact.arn, channel.type)
        if rule is not None:
            schedule_answers(engagement, page.arn, rule, now, self._minute())
        sms = channel.type == "SMS"  # SMS is not secure: it only ever carries the public texts
        self.post(
            {
                "kind": "PAGE",
                "page_arn": page.arn,
                "engagement_arn": engagement.arn,
                "contact_arn": contact.arn,
                "channel_arn": channel.arn,
                "channel_type": channel.type,
                "address": channel.address,
                "sender": engagement.sender,
                "subject": engagement.public_subject if sms else engagement.subject,
                "content": engagement.public_content if sms else engagement.content,
                "accept_code": page.accept_code,
                "sent_at": iso(now),
            }
        )

    def _answer(self, answer: PendingAnswer) -> None:
        """A simulated responder answers, through AcceptPage's own path, at the answer's due time; the caller
        holds the lock. A person answers a page once per receipt type: if it already has one (the program
        acknowledged it itself), nothing is added."""
        page = self._backend.pages.get(answer.page_arn)
        if page is None or any(r["ReceiptType"] == answer.accept_type for r in page.receipts):
            return
        self._backend.accept(page, answer.accept_type, answer.due, answer.note, None)
