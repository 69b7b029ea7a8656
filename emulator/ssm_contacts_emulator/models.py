"""The emulated Incident Manager: contacts, channels, engagements, pages, and the backend that owns them.

Model classes are plain data with ``to_dict``/``from_dict`` (their persisted form, snake_case) and methods that
build AWS shapes (PascalCase). The backend holds one lock around every operation, persists through its store
before returning, and runs escalation stages from a scheduler thread.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import json
import logging
import secrets
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .config import EmulatorConfig
from .exceptions import ConflictException, ResourceNotFoundException, ValidationException
from .store import MemoryStore
from .validation import parse_timestamp

T = TypeVar("T")

logger = logging.getLogger("ssm_contacts_emulator")

# What StartEngagement compares to tell a retry (same token, same request) from a misuse of the token.
ENGAGEMENT_PARAMETERS = (
    "ContactId",
    "Sender",
    "Subject",
    "Content",
    "PublicSubject",
    "PublicContent",
    "IncidentId",
)

_ADDRESS_RULES: dict[str, tuple[Callable[[str], bool], str]] = {
    "EMAIL": (lambda a: "@" in a.strip("@"), "an email address such as oncall@example.com"),
    "SMS": (lambda a: a.startswith("+") and a[1:].isdigit() and 2 <= len(a) - 1 <= 15, "an E.164 number"),
    "VOICE": (lambda a: a.startswith("+") and a[1:].isdigit() and 2 <= len(a) - 1 <= 15, "an E.164 number"),
}


def iso(epoch: float) -> str:
    """ISO 8601 in UTC with a Z, as the outbox and request log show times."""
    moment = datetime.datetime.fromtimestamp(epoch, datetime.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _fields(cls: type[T], data: dict[str, Any]) -> T:
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})


def _drop_none(shape: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in shape.items() if v is not None}


@dataclass
class Contact:
    arn: str
    alias: str
    type: str
    plan: dict[str, Any]
    display_name: str | None = None
    tags: list[dict[str, str]] = field(default_factory=list)
    idempotency_token: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def summary(self) -> dict[str, Any]:
        return _drop_none(
            {"ContactArn": self.arn, "Alias": self.alias, "DisplayName": self.display_name, "Type": self.type}
        )

    def describe(self) -> dict[str, Any]:
        return {**self.summary(), "Plan": self.plan}


@dataclass
class ContactChannel:
    arn: str
    contact_arn: str
    name: str
    type: str
    address: str
    activation_status: str = "NOT_ACTIVATED"
    idempotency_token: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def describe(self) -> dict[str, Any]:
        return {
            "ContactArn": self.contact_arn,
            "ContactChannelArn": self.arn,
            "Name": self.name,
            "Type": self.type,
            "DeliveryAddress": {"SimpleAddress": self.address},
            "ActivationStatus": self.activation_status,
        }


@dataclass
class Engagement:
    arn: str
    contact_arn: str
    sender: str
    subject: str
    content: str
    start_time: float
    public_subject: str | None = None
    public_content: str | None = None
    incident_id: str | None = None
    idempotency_token: str | None = None
    stop_time: float | None = None
    stop_reason: str | None = None
    acknowledged: bool = False
    # Pages not yet sent: [due (epoch seconds), contact ARN, channel ARN], sorted by due.
    pending: list[list[Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def parameters(self) -> dict[str, Any]:
        return {
            "ContactId": self.contact_arn,
            "Sender": self.sender,
            "Subject": self.subject,
            "Content": self.content,
            "PublicSubject": self.public_subject,
            "PublicContent": self.public_content,
            "IncidentId": self.incident_id,
        }

    def summary(self) -> dict[str, Any]:
        return _drop_none(
            {
                "EngagementArn": self.arn,
                "ContactArn": self.contact_arn,
                "Sender": self.sender,
                "IncidentId": self.incident_id,
                "StartTime": self.start_time,
                "StopTime": self.stop_time,
            }
        )

    def describe(self) -> dict[str, Any]:
        """DescribeEngagement: the summary ListEngagements gives, and the message."""
        message = {
            "Subject": self.subject,
            "Content": self.content,
            "PublicSubject": self.public_subject,
            "PublicContent": self.public_content,
        }
        return {**self.summary(), **_drop_none(message)}


@dataclass
class Page:
    arn: str
    engagement_arn: str
    contact_arn: str
    channel_arn: str
    channel_type: str
    address: str
    accept_code: str
    sent_time: float
    delivery_time: float | None = None
    read_time: float | None = None
    receipts: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def summary(self, engagement: Engagement) -> dict[str, Any]:
        return _drop_none(
            {
                "PageArn": self.arn,
                "EngagementArn": self.engagement_arn,
                "ContactArn": self.contact_arn,
                "Sender": engagement.sender,
                "IncidentId": engagement.incident_id,
                "SentTime": self.sent_time,
                "DeliveryTime": self.delivery_time,
                "ReadTime": self.read_time,
            }
        )

    def describe(self, engagement: Engagement) -> dict[str, Any]:
        return _drop_none(
            {
                **self.summary(engagement),
                "Subject": engagement.subject,
                "Content": engagement.content,
                "PublicSubject": engagement.public_subject,
                "PublicContent": engagement.public_content,
            }
        )

    def add_receipt(self, receipt_type: str, at: float, info: str | None = None, channel: str | None = None) -> None:
        self.receipts.append(
            _drop_none(
                {
                    "ContactChannelArn": channel or self.channel_arn,
                    "ReceiptType": receipt_type,
                    "ReceiptInfo": info,
                    "ReceiptTime": at,
                }
            )
        )


def paginate(
    items: list[T], params: dict[str, Any], key: Callable[[T], str] | None = None, default_size: int = 100
) -> tuple[list[T], str | None]:
    """One page of ``items`` after NextToken, at most MaxResults long, and the token of the next page.

    With ``key`` (unique per item, never changing, and the order of ``items``), the token names the last item
    returned, so items deleted or added between two calls neither make a page skip nor repeat one. Without it,
    the token is a position: for lists that only grow (engagements, pages, receipts).
    """
    token = params.get("NextToken")
    start = 0
    if token:
        try:
            mark = json.loads(base64.b64decode(token, validate=True))
            if key is not None and isinstance(mark, dict) and isinstance(mark.get("after"), str):
                start = next((i for i, item in enumerate(items) if key(item) > mark["after"]), len(items))
            elif key is None and isinstance(mark, dict) and isinstance(mark.get("at"), int) and mark["at"] >= 0:
                start = mark["at"]
            else:
                raise ValueError(token)
        except ValueError:
            raise ValidationException(
                "NextToken is not a token this endpoint issued: pass the NextToken of the previous response.",
                "FIELD_VALIDATION_FAILED",
                [{"Name": "NextToken", "Message": "Member must be a NextToken from a previous response"}],
            ) from None
    size = params.get("MaxResults") or default_size
    chunk = items[start : start + size]
    end = start + len(chunk)
    if end >= len(items):
        return chunk, None
    mark = {"after": key(chunk[-1])} if key is not None and chunk else {"at": end}
    return chunk, base64.b64encode(json.dumps(mark).encode()).decode()


def _by_alias(contact: Contact) -> str:
    return contact.alias


def _by_name(channel: ContactChannel) -> str:
    return f"{channel.name}\n{channel.arn}"  # names may repeat; the ARN settles the order


class Backend:
    """Owns every object of one emulated account and region; thread-safe."""

    def __init__(self, config: EmulatorConfig, store: MemoryStore | None = None) -> None:
        self.config = config
        self._store = store or MemoryStore()
        self.lock = threading.RLock()
        """Held around every operation; hold it to read several objects consistently."""
        self._wake = threading.Condition(self.lock)
        self._closing = False
        self._scheduler: threading.Thread | None = None
        self.contacts: dict[str, Contact] = {}
        self.channels: dict[str, ContactChannel] = {}
        self.engagements: dict[str, Engagement] = {}
        self.pages: dict[str, Page] = {}
        self.outbox: list[dict[str, Any]] = []
        self._active: set[str] = set()  # engagements with pages still to send
        self._tokens: dict[str, str] = {}  # IdempotencyToken -> the latest engagement started with it
        self._load()

    # -- lifecycle ----------------------------------------------------------------------------------------

    def _load(self) -> None:
        objects, outbox = self._store.load()
        self.contacts = {c["arn"]: _fields(Contact, c) for c in objects.get("contact", [])}
        self.channels = {c["arn"]: _fields(ContactChannel, c) for c in objects.get("channel", [])}
        self.engagements = {e["arn"]: _fields(Engagement, e) for e in objects.get("engagement", [])}
        self.pages = {p["arn"]: _fields(Page, p) for p in objects.get("page", [])}
        self.outbox = outbox
        self._active = {arn for arn, e in self.engagements.items() if e.pending}
        self._tokens = {e.idempotency_token: arn for arn, e in self.engagements.items() if e.idempotency_token}

    def start(self) -> None:
        """Start the scheduler that sends later escalation stages (and any left due by a restart)."""
        self._closing = False
        self._scheduler = threading.Thread(target=self._run_scheduler, name="ssm-contacts-stages", daemon=True)
        self._scheduler.start()

    def close(self) -> None:
        with self._wake:
            self._closing = True
            self._wake.notify_all()
        if self._scheduler is not None:
            self._scheduler.join()
        with self.lock:  # not under a request that is still finishing
            self._store.close()

    def reset(self) -> None:
        with self._transaction():
            self.contacts.clear()
            self.channels.clear()
            self.engagements.clear()
            self.pages.clear()
            self.outbox.clear()
            self._active.clear()
            self._tokens.clear()
            self._store.clear()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """Hold the lock; commit the store before the caller answers (write-through), roll back on error.

        If the store itself fails (a full disk), memory is reloaded from it: what the client is told failed
        did not happen, now or after a restart.
        """
        with self.lock:
            try:
                yield
                self._store.commit()
            except sqlite3.Error:
                self._store.rollback()
                self._load()
                raise
            except BaseException:
                self._store.rollback()
                raise

    def _save(self, kind: str, obj: Contact | ContactChannel | Engagement | Page) -> None:
        self._store.put(kind, obj.arn, obj.to_dict())

    def _arn(self, resource: str, *parts: str) -> str:
        return f"arn:aws:ssm-contacts:{self.config.region}:{self.config.account_id}:{resource}/{'/'.join(parts)}"

    # -- finders: NotFound is one consistent answer -----------------------------------------------------

    def find_contact(self, arn: str) -> Contact:
        contact = self.contacts.get(arn)
        if contact is None:
            raise ResourceNotFoundException("CONTACT", arn)
        return contact

    def find_channel(self, arn: str) -> ContactChannel:
        channel = self.channels.get(arn)
        if channel is None:
            raise ResourceNotFoundException("CONTACT_CHANNEL", arn)
        return channel

    def find_engagement(self, arn: str) -> Engagement:
        engagement = self.engagements.get(arn)
        if engagement is None:
            raise ResourceNotFoundException("ENGAGEMENT", arn)
        return engagement

    def find_page(self, arn: str) -> Page:
        page = self.pages.get(arn)
        if page is None:
            raise ResourceNotFoundException("PAGE", arn)
        return page

    # -- contacts -----------------------------------------------------------------------------------------

    def create_contact(self, params: dict[str, Any]) -> Contact:
        with self._transaction():
            alias = params["Alias"]
            arn = self._arn("contact", alias)
            token = params.get("IdempotencyToken")
            existing = self.contacts.get(arn)
            if existing is not None:
                if token and existing.idempotency_token == token:
                    return existing  # a retry of the call that created it
                raise ConflictException(f"A contact with alias '{alias}' already exists.", arn, "CONTACT")
            plan = self._checked_plan(params["Type"], arn, params["Plan"])
            contact = Contact(
                arn=arn,
                alias=alias,
                type=params["Type"],
                plan=plan,
                display_name=params.get("DisplayName"),
                tags=list(params.get("Tags") or []),
                idempotency_token=token,
            )
            self.contacts[arn] = contact
            self._save("contact", contact)
            return contact

    def update_contact(self, params: dict[str, Any]) -> None:
        with self._transaction():
            contact = self.find_contact(params["ContactId"])
            plan = params.get("Plan")
            if plan is not None:
                contact.plan = self._checked_plan(contact.type, contact.arn, plan)
            if "DisplayName" in params:
                contact.display_name = params["DisplayName"]
            self._save("contact", contact)

    def delete_contact(self, arn: str) -> None:
        with self._transaction():
            contact = self.find_contact(arn)
            referrers = [c.arn for c in self.contacts.values() if c.arn != arn and arn in _plan_contacts(c.plan)]
            if referrers:
                raise ConflictException(
                    f"Contact {arn} is a target in the plan of {', '.join(referrers)}: "
                    "remove it from those plans first.",
                    arn,
                    "CONTACT",
                )
            for channel in [ch for ch in self.channels.values() if ch.contact_arn == contact.arn]:
                del self.channels[channel.arn]
                self._store.delete("channel", channel.arn)
            del self.contacts[arn]
            self._store.delete("contact", arn)

    def list_contacts(self, params: dict[str, Any]) -> tuple[list[Contact], str | None]:
        with self.lock:
            prefix = params.get("AliasPrefix") or ""
            kind = params.get("Type")
            found = sorted(
                (c for c in self.contacts.values() if c.alias.startswith(prefix) and (kind is None or c.type == kind)),
                key=_by_alias,
            )
            return paginate(found, params, key=_by_alias)

    def _checked_plan(self, contact_type: str, contact_arn: str, plan: dict[str, Any]) -> dict[str, Any]:
        """The plan as stored, after the checks the model cannot express (target kinds, references)."""
        problems: list[dict[str, str]] = []
        stages = plan.get("Stages") or []
        for s, stage in enumerate(stages):
            targets = stage.get("Targets") or []
            if stage.get("DurationInMinutes") == 0 and not targets and len(stages) > 1:
                problems.append(
                    {
                        "Name": f"Plan.Stages[{s}].DurationInMinutes",
                        "Message": "DurationInMinutes can only be 0 if the stage has a target",
                    }
                )
            for t, target in enumerate(targets):
                path = f"Plan.Stages[{s}].Targets[{t}]"
                channel_target = target.get("ChannelTargetInfo")
                contact_target = target.get("ContactTargetInfo")
                if (channel_target is None) == (contact_target is None):
                    problems.append(
                        {"Name": path, "Message": "A target needs exactly one of ChannelTargetInfo, ContactTargetInfo"}
                    )
                elif contact_type == "PERSONAL" and channel_target is None:
                    problems.append(
                        {
                            "Name": path,
                            "Message": "A PERSONAL plan targets the contact's channels (ChannelTargetInfo)",
                        }
                    )
                elif contact_type != "PERSONAL" and contact_target is None:
                    problems.append(
                        {"Name": path, "Message": f"An {contact_type} plan targets contacts (ContactTargetInfo)"}
                    )
                elif channel_target is not None:
                    channel = self.channels.get(channel_target["ContactChannelId"])
                    if channel is None or channel.contact_arn != contact_arn:
                        problems.append(
                            {
                                "Name": f"{path}.ChannelTargetInfo.ContactChannelId",
                                "Message": "Member must be a channel of this contact",
                            }
                        )
                elif contact_target is not None and contact_target.get("ContactId") not in self.contacts:
                    problems.append(
                        {"Name": f"{path}.ContactTargetInfo.ContactId", "Message": "Member must be an existing contact"}
                    )
        if problems:
            detail = "; ".join(f"{p['Name']}: {p['Message']}" for p in problems)
            raise ValidationException(f"The plan is not valid: {detail}", "FIELD_VALIDATION_FAILED", problems)
        return {**plan, "Stages": stages}

    # -- channels -----------------------------------------------------------------------------------------

    def create_contact_channel(self, params: dict[str, Any]) -> ContactChannel:
        with self._transaction():
            contact = self.find_contact(params["ContactId"])
            kind = params["Type"]
            address = params["DeliveryAddress"].get("SimpleAddress")
            rule, wanted = _ADDRESS_RULES[kind]
            if address is None or not rule(address):
                raise ValidationException(
                    f"DeliveryAddress.SimpleAddress must be {wanted} for a {kind} channel.",
                    "FIELD_VALIDATION_FAILED",
                    [{"Name": "DeliveryAddress.SimpleAddress", "Message": f"Member must be {wanted}"}],
                )
            token = params.get("IdempotencyToken")
            for channel in self.channels.values():
                if channel.contact_arn == contact.arn and channel.type == kind and channel.address == address:
                    if token and channel.idempotency_token == token:
                        return channel  # a retry of the call that created it
                    raise ConflictException(
                        f"Contact {contact.arn} already has a {kind} channel to that address: {channel.arn}.",
                        channel.arn,
                        "CONTACT_CHANNEL",
                    )
            channel = ContactChannel(
                arn=self._arn("contact-channel", contact.alias, str(uuid.uuid4())),
                contact_arn=contact.arn,
                name=params["Name"],
                type=kind,
                address=address,
                idempotency_token=token,
            )
            self.channels[channel.arn] = channel
            self._save("channel", channel)
            return channel

    def activate_contact_channel(self, arn: str, code: str) -> None:
        with self._transaction():
            channel = self.find_channel(arn)
            expected = self.config.activation_code
            if expected is not None and code != expected:
                raise ValidationException(
                    f"ActivationCode does not match the code sent to contact channel {arn}.",
                    "FIELD_VALIDATION_FAILED",
                    [{"Name": "ActivationCode", "Message": "Member must be the code sent to the channel"}],
                )
            channel.activation_status = "ACTIVATED"
            self._save("channel", channel)

    def deactivate_contact_channel(self, arn: str) -> None:
        with self._transaction():
            channel = self.find_channel(arn)
            channel.activation_status = "NOT_ACTIVATED"
            self._save("channel", channel)

    def delete_contact_channel(self, arn: str) -> None:
        with self._transaction():
            self.find_channel(arn)
            del self.channels[arn]
            self._store.delete("channel", arn)

    def list_contact_channels(self, params: dict[str, Any]) -> tuple[list[ContactChannel], str | None]:
        with self.lock:
            contact = self.find_contact(params["ContactId"])
            found = sorted((c for c in self.channels.values() if c.contact_arn == contact.arn), key=_by_name)
            return paginate(found, params, key=_by_name)

    # -- tags ---------------------------------------------------------------------------------------------

    def tag_resource(self, arn: str, tags: list[dict[str, str]]) -> None:
        with self._transaction():
            contact = self.find_contact(arn)
            keep = {t["Key"]: t for t in contact.tags}
            keep.update({t["Key"]: t for t in tags})
            contact.tags = list(keep.values())
            self._save("contact", contact)

    def untag_resource(self, arn: str, keys: list[str]) -> None:
        with self._transaction():
            contact = self.find_contact(arn)
            contact.tags = [t for t in contact.tags if t["Key"] not in keys]
            self._save("contact", contact)

    # -- engagements --------------------------------------------------------------------------------------

    def start_engagement(self, params: dict[str, Any]) -> Engagement:
        with self._transaction():
            now = time.time()
            token = params.get("IdempotencyToken")
            if token:
                earlier = self._engagement_for_token(token, now)
                if earlier is not None:
                    asked = {k: params.get(k) for k in ENGAGEMENT_PARAMETERS}
                    differing = [k for k, v in earlier.parameters().items() if asked[k] != v]
                    if not differing:
                        return earlier  # a retry: same engagement, nobody paged again
                    raise ValidationException(
                        f"IdempotencyToken was already used for engagement {earlier.arn} with different "
                        f"parameters ({', '.join(differing)} differ): use a new token to start a new engagement.",
                        "OTHER",
                    )
            # After the token: a retry answers with its engagement even if the contact is gone since.
            contact = self.find_contact(params["ContactId"])
            engagement = Engagement(
                arn=self._arn("engagement", contact.alias, str(uuid.uuid4())),
                contact_arn=contact.arn,
                sender=params["Sender"],
                subject=params["Subject"],
                content=params["Content"],
                public_subject=params.get("PublicSubject"),
                public_content=params.get("PublicContent"),
                incident_id=params.get("IncidentId"),
                idempotency_token=token,
                start_time=now,
            )
            speed = self.config.time_scale
            scale = 60.0 / speed if speed else 0.0  # real seconds per plan minute; 0: no waiting at all
            engagement.pending = sorted(
                (
                    [now + minutes * scale, contact_arn, channel_arn]
                    for minutes, contact_arn, channel_arn in self._expand(contact, 0, frozenset({contact.arn}))
                ),
                key=lambda item: float(item[0]),  # stable: plan order within a stage
            )
            self.engagements[engagement.arn] = engagement
            if token:
                self._tokens[token] = engagement.arn
            self._send_due(engagement, now)
            self._save("engagement", engagement)
            if engagement.pending:
                self._active.add(engagement.arn)
                self._wake.notify_all()
            return engagement

    def _engagement_for_token(self, token: str, now: float) -> Engagement | None:
        engagement = self.engagements.get(self._tokens.get(token, ""))
        if engagement is None or engagement.start_time < now - self.config.idempotency_window_seconds:
            return None
        return engagement

    def _expand(self, contact: Contact, offset: int, seen: frozenset[str]) -> list[tuple[int, str, str]]:
        """Every (minutes from start, contact ARN, channel ARN) a plan pages, escalation stages included."""
        out: list[tuple[int, str, str]] = []
        elapsed = offset
        for stage in contact.plan.get("Stages") or []:
            for target in stage.get("Targets") or []:
                if "ChannelTargetInfo" in target:
                    out.append((elapsed, contact.arn, target["ChannelTargetInfo"]["ContactChannelId"]))
                elif "ContactTargetInfo" in target:
                    member = self.contacts.get(target["ContactTargetInfo"].get("ContactId", ""))
                    if member is not None and member.arn not in seen:  # a plan that loops pages each once
                        out.extend(self._expand(member, elapsed, seen | {member.arn}))
            elapsed += stage.get("DurationInMinutes") or 0
        return out

    def _send_due(self, engagement: Engagement, now: float) -> None:
        """Send the engagement's pages that are due; the caller holds the lock and saves the engagement."""
        while engagement.pending and engagement.pending[0][0] <= now:
            _, contact_arn, channel_arn = engagement.pending.pop(0)
            channel = self.channels.get(channel_arn)
            contact = self.contacts.get(contact_arn)
            if channel is None or contact is None or channel.activation_status != "ACTIVATED":
                continue  # Incident Manager cannot engage a channel that is gone or not activated
            self._send_page(engagement, contact, channel, now)

    def _send_page(self, engagement: Engagement, contact: Contact, channel: ContactChannel, now: float) -> None:
        page = Page(
            arn=self._arn("page", contact.alias, str(uuid.uuid4())),
            engagement_arn=engagement.arn,
            contact_arn=contact.arn,
            channel_arn=channel.arn,
            channel_type=channel.type,
            address=channel.address,
            accept_code=f"{secrets.randbelow(10**6):06d}",
            sent_time=now,
        )
        page.add_receipt("SENT", now)
        self.pages[page.arn] = page
        self._save("page", page)
        sms = channel.type == "SMS"  # SMS is not secure: it only ever carries the public texts
        entry = {
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
        self.outbox.append(entry)
        self._store.append_outbox(entry)

    def stop_engagement(self, arn: str, reason: str | None) -> None:
        with self._transaction():
            engagement = self.find_engagement(arn)
            if engagement.stop_time is not None:
                return  # already stopped: harmless, the first stop time and reason stay
            now = time.time()
            engagement.stop_time = now
            engagement.stop_reason = reason
            engagement.pending.clear()
            for page in self.pages.values():
                if page.engagement_arn == arn:
                    page.add_receipt("STOP", now, reason)
                    self._save("page", page)
            self._save("engagement", engagement)

    def list_engagements(self, params: dict[str, Any]) -> tuple[list[Engagement], str | None]:
        with self.lock:
            incident = params.get("IncidentId")
            window = params.get("TimeRangeValue") or {}
            low = parse_timestamp(window["StartTime"]) if window.get("StartTime") is not None else None
            high = parse_timestamp(window["EndTime"]) if window.get("EndTime") is not None else None
            found = [
                e
                for e in self.engagements.values()
                if (incident is None or e.incident_id == incident)
                and (low is None or e.start_time >= low.timestamp())
                and (high is None or e.start_time <= high.timestamp())
            ]
            return paginate(found, params)

    # -- pages --------------------------------------------------------------------------------------------

    def list_pages_by_engagement(self, params: dict[str, Any]) -> tuple[list[tuple[Page, Engagement]], str | None]:
        with self.lock:
            engagement = self.find_engagement(params["EngagementId"])
            found = [(p, engagement) for p in self.pages.values() if p.engagement_arn == engagement.arn]
            return paginate(found, params)

    def list_pages_by_contact(self, params: dict[str, Any]) -> tuple[list[tuple[Page, Engagement]], str | None]:
        with self.lock:
            contact = self.find_contact(params["ContactId"])
            found = [
                (p, self.engagements[p.engagement_arn])
                for p in self.pages.values()
                if p.contact_arn == contact.arn or self.engagements[p.engagement_arn].contact_arn == contact.arn
            ]
            return paginate(found, params)

    def describe_page(self, arn: str) -> tuple[Page, Engagement]:
        with self.lock:
            page = self.find_page(arn)
            return page, self.engagements[page.engagement_arn]

    def accept_page(self, params: dict[str, Any]) -> None:
        with self._transaction():
            page = self.find_page(params["PageId"])
            channel_arn = params.get("ContactChannelId")
            if channel_arn is not None:
                self.find_channel(channel_arn)
            if params.get("AcceptCodeValidation") == "ENFORCE" and params["AcceptCode"] != page.accept_code:
                raise ValidationException(
                    f"AcceptCode does not match the code sent with page {page.arn}.",
                    "FIELD_VALIDATION_FAILED",
                    [{"Name": "AcceptCode", "Message": "Member must be the accept code sent with the page"}],
                )
            now = time.time()
            if params["AcceptType"] == "DELIVERED":
                page.delivery_time = page.delivery_time or now
                page.add_receipt("DELIVERED", now, params.get("Note"), channel_arn)
            else:
                page.read_time = page.read_time or now
                page.add_receipt("READ", now, params.get("Note"), channel_arn)
                engagement = self.engagements[page.engagement_arn]
                if engagement.pending or not engagement.acknowledged:
                    engagement.acknowledged = True  # acknowledged: later stages are not paged
                    engagement.pending.clear()
                    self._save("engagement", engagement)
            self._save("page", page)

    def list_page_receipts(self, params: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
        with self.lock:
            page = self.find_page(params["PageId"])
            return paginate(list(page.receipts), params)

    # -- outbox and scheduler -----------------------------------------------------------------------------

    def outbox_entries(self) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(entry) for entry in self.outbox]

    def _run_scheduler(self) -> None:
        with self._wake:
            while not self._closing:
                now = time.time()
                due: float | None = None
                for arn in list(self._active):
                    engagement = self.engagements.get(arn)
                    if engagement is None or not engagement.pending:
                        self._active.discard(arn)
                        continue
                    if engagement.pending[0][0] <= now:
                        try:
                            with self._transaction():
                                self._send_due(engagement, now)
                                self._save("engagement", engagement)
                        except Exception:  # a failing store must not kill the scheduler
                            # The pages stay sent in memory (and in the outbox); the store rolled them back.
                            logger.exception("could not save the escalation stage of %s", arn)
                    if engagement.pending:
                        head = engagement.pending[0][0]
                        due = head if due is None else min(due, head)
                self._wake.wait(None if due is None else max(0.0, due - time.time()) + 0.001)


def _plan_contacts(plan: dict[str, Any]) -> set[str]:
    return {
        target["ContactTargetInfo"].get("ContactId", "")
        for stage in plan.get("Stages") or []
        for target in stage.get("Targets") or []
        if "ContactTargetInfo" in target
    }
