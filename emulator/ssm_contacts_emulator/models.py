"""The emulated Incident Manager: contacts, channels, engagements, pages, and the backend that owns them.

Model classes are plain data with ``to_dict``/``from_dict`` (their persisted form, snake_case) and methods that
build AWS shapes (PascalCase). The backend holds one lock around every operation, persists through its store
before returning, and runs escalation stages from a scheduler thread.
"""

from __future__ import annotations

import base64
import bisect
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
from .rotations import Override, Shift, check_recurrence, compute_shifts, on_call, time_zone
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

MAX_SEND_ATTEMPTS = 3
"""A send that fails is retried after the target's RetryIntervalInMinutes, at most this many attempts in all."""

MAX_SCHEDULE_ROTATIONS = 8
"""Rotations one on-call schedule may hold (AWS's documented limit; the model allows 25)."""


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
    policy: str | None = None
    """The resource policy PutContactPolicy stored (JSON text), if any."""

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
    sent_activation_code: str | None = None
    """The code SendActivationCode last sent to the address (forgotten once used or the address changes)."""

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
    path: list[dict[str, Any]] = field(default_factory=list)
    """How the engaged contact led to this page: ResolutionContact shapes (plus IsEssential of escalation targets)."""
    attempts: int = 1
    """Sends tried so far (more than one after a failed delivery was retried)."""

    def resolutions(self) -> list[dict[str, Any]]:
        """ListPageResolutions' items: the path without the emulator's own notes."""
        return [{k: v for k, v in hop.items() if k in ("ContactArn", "Type", "StageIndex")} for hop in self.path]

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


@dataclass
class Rotation:
    arn: str
    name: str
    contact_ids: list[str]
    start_time: float
    time_zone_id: str
    recurrence: dict[str, Any]
    tags: list[dict[str, str]] = field(default_factory=list)
    idempotency_token: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def describe(self) -> dict[str, Any]:
        return {
            "RotationArn": self.arn,
            "Name": self.name,
            "ContactIds": list(self.contact_ids),
            "StartTime": self.start_time,
            "TimeZoneId": self.time_zone_id,
            "Recurrence": self.recurrence,
        }

    def start(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.start_time, datetime.UTC)


@dataclass
class RotationOverride:
    id: str
    rotation_arn: str
    new_contact_ids: list[str]
    start_time: float
    end_time: float
    create_time: float
    idempotency_token: str | None = None

    @property
    def arn(self) -> str:
        """The store's key (overrides have an id, not an ARN)."""
        return self.id

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def summary(self) -> dict[str, Any]:
        return {
            "RotationOverrideId": self.id,
            "NewContactIds": list(self.new_contact_ids),
            "StartTime": self.start_time,
            "EndTime": self.end_time,
            "CreateTime": self.create_time,
        }

    def describe(self) -> dict[str, Any]:
        return {**self.summary(), "RotationArn": self.rotation_arn}

    def as_override(self, order: int) -> Override:
        return Override(_utc(self.start_time), _utc(self.end_time), tuple(self.new_contact_ids), order)


def _utc(epoch: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(epoch, datetime.UTC)


def _pending(item: list[Any]) -> tuple[float, str, str, list[dict[str, Any]], int, int, str | None]:
    """A pending send: due, contact, channel, resolution path, retry interval (minutes), attempt, page to retry.

    State files written before paths and retries existed hold only the first three.
    """
    padded = [*item, *[[], 0, 1, None][len(item) - 3 :]] if len(item) < 7 else item
    due, contact_arn, channel_arn, path, retry, attempt, page_arn = padded
    return float(due), contact_arn, channel_arn, path, int(retry), int(attempt), page_arn


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
        self.rotations: dict[str, Rotation] = {}
        self.overrides: dict[str, RotationOverride] = {}
        self.outbox: list[dict[str, Any]] = []
        self.failing_channels: frozenset[str] = frozenset()
        """Channel ARNs or delivery addresses whose sends fail (an ERROR receipt); not persisted."""
        self._active: set[str] = set()  # engagements with pages still to send
        self._tokens: dict[str, str] = {}  # IdempotencyToken -> the latest engagement started with it
        self._clock_origin = time.time()
        self._load()

    # -- lifecycle ----------------------------------------------------------------------------------------

    def _load(self) -> None:
        objects, outbox = self._store.load()
        self.contacts = {c["arn"]: _fields(Contact, c) for c in objects.get("contact", [])}
        self.channels = {c["arn"]: _fields(ContactChannel, c) for c in objects.get("channel", [])}
        self.engagements = {e["arn"]: _fields(Engagement, e) for e in objects.get("engagement", [])}
        self.pages = {p["arn"]: _fields(Page, p) for p in objects.get("page", [])}
        self.rotations = {r["arn"]: _fields(Rotation, r) for r in objects.get("rotation", [])}
        self.overrides = {o["id"]: _fields(RotationOverride, o) for o in objects.get("override", [])}
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
            self.rotations.clear()
            self.overrides.clear()
            self.failing_channels = frozenset()
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

    def _save(self, kind: str, obj: Contact | ContactChannel | Engagement | Page | Rotation | RotationOverride) -> None:
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

    def find_rotation(self, arn: str) -> Rotation:
        rotation = self.rotations.get(arn)
        if rotation is None:
            raise ResourceNotFoundException("ROTATION", arn)
        return rotation

    def find_override(self, rotation_arn: str, override_id: str) -> RotationOverride:
        override = self.overrides.get(override_id)
        if override is None or override.rotation_arn != rotation_arn:
            raise ResourceNotFoundException("ROTATION_OVERRIDE", override_id)
        return override

    def _find_taggable(self, arn: str) -> Contact | Rotation:
        if arn in self.rotations:
            return self.rotations[arn]
        return self.find_contact(arn)

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
            rotations = [r.arn for r in self.rotations.values() if arn in r.contact_ids]
            if rotations:
                raise ConflictException(
                    f"Contact {arn} is a member of rotation {', '.join(rotations)}: "
                    "remove it from those rotations first.",
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
        rotation_ids = plan.get("RotationIds") or []
        if contact_type == "ONCALL_SCHEDULE":
            if stages:
                problems.append(
                    {"Name": "Plan.Stages", "Message": "An ONCALL_SCHEDULE plan has RotationIds, not Stages"}
                )
            if not 1 <= len(rotation_ids) <= MAX_SCHEDULE_ROTATIONS:
                problems.append(
                    {
                        "Name": "Plan.RotationIds",
                        "Message": f"An ONCALL_SCHEDULE plan needs 1 to {MAX_SCHEDULE_ROTATIONS} rotations",
                    }
                )
            for r, rotation_id in enumerate(rotation_ids):
                if rotation_id not in self.rotations:
                    problems.append(
                        {"Name": f"Plan.RotationIds[{r}]", "Message": "Member must be an existing rotation"}
                    )
            if len(set(rotation_ids)) != len(rotation_ids):
                problems.append({"Name": "Plan.RotationIds", "Message": "Member must not name a rotation twice"})
        elif rotation_ids:
            problems.append(
                {
                    "Name": "Plan.RotationIds",
                    "Message": f"Only an ONCALL_SCHEDULE plan has RotationIds, not {contact_type}",
                }
            )
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
        if contact_type == "ONCALL_SCHEDULE":
            return {"Stages": [], "RotationIds": list(rotation_ids)}
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
            sent = channel.sent_activation_code
            if self.config.strict_activation:  # the sent code, or the configured one (what the seed uses)
                accepted = code in (sent, expected)
            else:
                accepted = expected is None or code in (expected, sent)
            if not accepted:
                strict_unsent = self.config.strict_activation and sent is None
                hint = " (no code was sent: call SendActivationCode first)" if strict_unsent else ""
                raise ValidationException(
                    f"ActivationCode does not match the code sent to contact channel {arn}{hint}.",
                    "FIELD_VALIDATION_FAILED",
                    [{"Name": "ActivationCode", "Message": "Member must be the code sent to the channel"}],
                )
            channel.activation_status = "ACTIVATED"
            channel.sent_activation_code = None
            self._save("channel", channel)

    def send_activation_code(self, arn: str) -> dict[str, Any]:
        """Put a fresh 6-digit code in the outbox, addressed to the channel; ActivateContactChannel accepts it."""
        with self._transaction():
            channel = self.find_channel(arn)
            code = f"{secrets.randbelow(10**6):06d}"
            channel.sent_activation_code = code
            self._save("channel", channel)
            entry = {
                "kind": "ACTIVATION_CODE",
                "contact_arn": channel.contact_arn,
                "channel_arn": channel.arn,
                "channel_type": channel.type,
                "address": channel.address,
                "content": f"Your AWS Incident Manager activation code is {code}",
                "activation_code": code,
                "sent_at": iso(time.time()),
            }
            self.outbox.append(entry)
            self._store.append_outbox(entry)
            return entry

    def update_contact_channel(self, params: dict[str, Any]) -> None:
        with self._transaction():
            channel = self.find_channel(params["ContactChannelId"])
            address = (params.get("DeliveryAddress") or {}).get("SimpleAddress")
            if address is not None and address != channel.address:
                rule, wanted = _ADDRESS_RULES[channel.type]
                if not rule(address):
                    raise ValidationException(
                        f"DeliveryAddress.SimpleAddress must be {wanted} for a {channel.type} channel.",
                        "FIELD_VALIDATION_FAILED",
                        [{"Name": "DeliveryAddress.SimpleAddress", "Message": f"Member must be {wanted}"}],
                    )
                for other in self.channels.values():
                    if (other.contact_arn, other.type, other.address) == (channel.contact_arn, channel.type, address):
                        raise ConflictException(
                            f"Contact {channel.contact_arn} already has a {channel.type} channel to that address: "
                            f"{other.arn}.",
                            other.arn,
                            "CONTACT_CHANNEL",
                        )
                channel.address = address
                # A new address has not proved it reaches the person: activate it again.
                channel.activation_status = "NOT_ACTIVATED"
                channel.sent_activation_code = None
            if params.get("Name") is not None:
                channel.name = params["Name"]
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

    def tags_of(self, arn: str) -> list[dict[str, str]]:
        with self.lock:
            return list(self._find_taggable(arn).tags)

    def tag_resource(self, arn: str, tags: list[dict[str, str]]) -> None:
        with self._transaction():
            resource = self._find_taggable(arn)
            keep = {t["Key"]: t for t in resource.tags}
            keep.update({t["Key"]: t for t in tags})
            resource.tags = list(keep.values())
            self._save("rotation" if isinstance(resource, Rotation) else "contact", resource)

    def untag_resource(self, arn: str, keys: list[str]) -> None:
        with self._transaction():
            resource = self._find_taggable(arn)
            resource.tags = [t for t in resource.tags if t["Key"] not in keys]
            self._save("rotation" if isinstance(resource, Rotation) else "contact", resource)

    # -- contact policies ---------------------------------------------------------------------------------

    def put_contact_policy(self, arn: str, policy: str) -> None:
        with self._transaction():
            contact = self.find_contact(arn)
            _check_policy(policy)
            contact.policy = policy
            self._save("contact", contact)

    def get_contact_policy(self, arn: str) -> dict[str, Any]:
        with self.lock:
            contact = self.find_contact(arn)
            return _drop_none({"ContactArn": contact.arn, "Policy": contact.policy})

    # -- rotations ----------------------------------------------------------------------------------------

    def _checked_members(self, contact_ids: list[str], field_name: str) -> list[str]:
        """Rotation members: existing PERSONAL contacts, each once, in shift order."""
        for i, arn in enumerate(contact_ids):
            contact = self.contacts.get(arn)
            if contact is None:
                raise ResourceNotFoundException("CONTACT", arn)
            if contact.type != "PERSONAL":
                raise ValidationException(
                    f"{field_name}[{i}]: only PERSONAL contacts can be rotation members, not {contact.type} {arn}.",
                    "FIELD_VALIDATION_FAILED",
                    [{"Name": f"{field_name}[{i}]", "Message": "Member must be a PERSONAL contact"}],
                )
        if len(set(contact_ids)) != len(contact_ids):
            raise ValidationException(
                f"{field_name} names a contact more than once.",
                "FIELD_VALIDATION_FAILED",
                [{"Name": field_name, "Message": "Member must not name a contact twice"}],
            )
        return list(contact_ids)

    def create_rotation(self, params: dict[str, Any]) -> Rotation:
        with self._transaction():
            token = params.get("IdempotencyToken")
            if token:
                for existing in self.rotations.values():
                    if existing.idempotency_token == token:
                        return existing  # a retry of the call that created it
            members = self._checked_members(params["ContactIds"], "ContactIds")
            time_zone(params["TimeZoneId"])
            check_recurrence(params["Recurrence"], len(members))
            start = parse_timestamp(params["StartTime"]) if params.get("StartTime") is not None else None
            rotation = Rotation(
                arn=self._arn("rotation", str(uuid.uuid4())),
                name=params["Name"],
                contact_ids=members,
                start_time=start.timestamp() if start is not None else float(int(time.time())),
                time_zone_id=params["TimeZoneId"],
                recurrence=params["Recurrence"],
                tags=list(params.get("Tags") or []),
                idempotency_token=token,
            )
            self.rotations[rotation.arn] = rotation
            self._save("rotation", rotation)
            return rotation

    def update_rotation(self, params: dict[str, Any]) -> None:
        with self._transaction():
            rotation = self.find_rotation(params["RotationId"])
            members = rotation.contact_ids
            if params.get("ContactIds") is not None:
                members = self._checked_members(params["ContactIds"], "ContactIds")
            if params.get("TimeZoneId") is not None:
                time_zone(params["TimeZoneId"])
                rotation.time_zone_id = params["TimeZoneId"]
            check_recurrence(params["Recurrence"], len(members))
            rotation.contact_ids = members
            rotation.recurrence = params["Recurrence"]
            start = parse_timestamp(params["StartTime"]) if params.get("StartTime") is not None else None
            if start is not None:
                rotation.start_time = start.timestamp()
            self._save("rotation", rotation)

    def delete_rotation(self, arn: str) -> None:
        with self._transaction():
            rotation = self.find_rotation(arn)
            schedules = [c.arn for c in self.contacts.values() if arn in (c.plan.get("RotationIds") or [])]
            if schedules:
                raise ConflictException(
                    f"Rotation {arn} is used by on-call schedule {', '.join(schedules)}: "
                    "remove it from those plans first.",
                    arn,
                    "ROTATION",
                )
            for override in [o for o in self.overrides.values() if o.rotation_arn == rotation.arn]:
                del self.overrides[override.id]
                self._store.delete("override", override.id)
            del self.rotations[arn]
            self._store.delete("rotation", arn)

    def list_rotations(self, params: dict[str, Any]) -> tuple[list[Rotation], str | None]:
        with self.lock:
            prefix = params.get("RotationNamePrefix") or ""
            found = sorted((r for r in self.rotations.values() if r.name.startswith(prefix)), key=_rotation_order)
            return paginate(found, params, key=_rotation_order)

    def create_rotation_override(self, params: dict[str, Any]) -> RotationOverride:
        with self._transaction():
            rotation = self.find_rotation(params["RotationId"])
            token = params.get("IdempotencyToken")
            if token:
                for existing in self.overrides.values():
                    if existing.rotation_arn == rotation.arn and existing.idempotency_token == token:
                        return existing
            for arn in params["NewContactIds"]:
                self.find_contact(arn)
            start, end = _time_range(params, "StartTime", "EndTime")
            override = RotationOverride(
                id=str(uuid.uuid4()),
                rotation_arn=rotation.arn,
                new_contact_ids=list(params["NewContactIds"]),
                start_time=start.timestamp(),
                end_time=end.timestamp(),
                create_time=time.time(),
                idempotency_token=token,
            )
            self.overrides[override.id] = override
            self._save("override", override)
            return override

    def delete_rotation_override(self, rotation_arn: str, override_id: str) -> None:
        with self._transaction():
            self.find_rotation(rotation_arn)
            self.find_override(rotation_arn, override_id)
            del self.overrides[override_id]
            self._store.delete("override", override_id)

    def list_rotation_overrides(self, params: dict[str, Any]) -> tuple[list[RotationOverride], str | None]:
        with self.lock:
            rotation = self.find_rotation(params["RotationId"])
            start, end = _time_range(params, "StartTime", "EndTime")
            found = sorted(
                (
                    o
                    for o in self.overrides.values()
                    if o.rotation_arn == rotation.arn
                    and o.start_time < end.timestamp()
                    and o.end_time > start.timestamp()
                ),
                key=lambda o: (o.start_time, o.create_time),
            )
            return paginate(found, params)

    def list_rotation_shifts(self, params: dict[str, Any]) -> tuple[list[Shift], str | None]:
        with self.lock:
            rotation = self.find_rotation(params["RotationId"])
            start, end = _time_range(params, "StartTime", "EndTime", default_start=self.rotation_now())
            shifts = compute_shifts(
                rotation.contact_ids,
                rotation.recurrence,
                rotation.time_zone_id,
                rotation.start(),
                start,
                end,
                self._overrides_of(rotation.arn),
            )
            return paginate(shifts, params)

    def on_call_report(self) -> list[dict[str, Any]]:
        """Admin view: every rotation, its overrides and who is on call now."""
        with self.lock:
            now = self.rotation_now()
            return [
                {
                    **rotation.describe(),
                    "Tags": list(rotation.tags),
                    "Overrides": [o.summary() for o in self.overrides.values() if o.rotation_arn == rotation.arn],
                    "OnCallNow": list(self.on_call_now(rotation, now)),
                }
                for rotation in sorted(self.rotations.values(), key=_rotation_order)
            ]

    def set_failing_channels(self, channels: list[str]) -> None:
        """Sends to these channel ARNs or addresses fail from now on (ERROR receipts, retried where planned)."""
        with self.lock:
            self.failing_channels = frozenset(channels)

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
            root = [{"ContactArn": contact.arn, "Type": contact.type}]
            engagement.pending = sorted(
                (
                    [now + minutes * scale, contact_arn, channel_arn, path, retry, 1, None]
                    for minutes, contact_arn, channel_arn, path, retry in self._expand(
                        contact, 0, frozenset({contact.arn}), root, self.rotation_now(now)
                    )
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

    def rotation_now(self, real: float | None = None) -> datetime.datetime:
        """The rotations' clock: real time sped up by ``time_scale`` from the moment the emulator started.

        At time scale 60, a hand-off due in an hour happens a minute after start, as escalation stages do.
        At 1 (the default) and 0 (no waiting for stages) it is real time.
        """
        real = time.time() if real is None else real
        scale = self.config.time_scale
        if scale in (0, 1):
            return _utc(real)
        return _utc(self._clock_origin + (real - self._clock_origin) * scale)

    def on_call_now(self, rotation: Rotation, at: datetime.datetime) -> tuple[str, ...]:
        """Who is on call in ``rotation`` at ``at``, overrides included; the caller holds the lock."""
        return on_call(
            rotation.contact_ids,
            rotation.recurrence,
            rotation.time_zone_id,
            rotation.start(),
            at,
            self._overrides_of(rotation.arn),
        )

    def _overrides_of(self, rotation_arn: str) -> list[Override]:
        # The dict keeps creation order (and so does the store's rowid): a later override wins an overlap.
        return [o.as_override(i) for i, o in enumerate(self.overrides.values()) if o.rotation_arn == rotation_arn]

    def _expand(
        self, contact: Contact, offset: int, seen: frozenset[str], path: list[dict[str, Any]], at: datetime.datetime
    ) -> list[tuple[int, str, str, list[dict[str, Any]], int]]:
        """Every (minutes from start, contact ARN, channel ARN, resolution path, retry minutes) a plan pages.

        Escalation stages and on-call schedules are followed; who is on call is decided at ``at`` (the start).
        """
        out: list[tuple[int, str, str, list[dict[str, Any]], int]] = []
        if contact.type == "ONCALL_SCHEDULE":
            paged: set[str] = set()  # on call in two rotations of one schedule: paged once
            for rotation_arn in contact.plan.get("RotationIds") or []:
                rotation = self.rotations.get(rotation_arn)
                if rotation is None:
                    continue
                for member_arn in self.on_call_now(rotation, at):
                    member = self.contacts.get(member_arn)
                    if member is None or member.arn in seen or member.arn in paged:
                        continue
                    paged.add(member.arn)
                    hop: dict[str, Any] = {"ContactArn": member.arn, "Type": member.type}
                    out.extend(self._expand(member, offset, seen | {member.arn}, [*path, hop], at))
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
                    member = self.contacts.get(info.get("ContactId", ""))
                    if member is not None and member.arn not in seen:  # a plan that loops pages each once
                        hop = {
                            "ContactArn": member.arn,
                            "Type": member.type,
                            "IsEssential": bool(info["IsEssential"]),
                        }
                        out.extend(self._expand(member, elapsed, seen | {member.arn}, [*here, hop], at))
            elapsed += stage.get("DurationInMinutes") or 0
        return out

    def _send_due(self, engagement: Engagement, now: float) -> None:
        """Send the engagement's pages that are due; the caller holds the lock and saves the engagement."""
        while engagement.pending and engagement.pending[0][0] <= now:
            _, contact_arn, channel_arn, path, retry, attempt, page_arn = _pending(engagement.pending.pop(0))
            channel = self.channels.get(channel_arn)
            contact = self.contacts.get(contact_arn)
            if channel is None or contact is None or channel.activation_status != "ACTIVATED":
                continue  # Incident Manager cannot engage a channel that is gone or not activated
            page = self.pages.get(page_arn or "")
            if page is None:
                page = self._new_page(engagement, contact, channel, now, path)
            else:
                page.attempts = attempt
            if channel.arn in self.failing_channels or channel.address in self.failing_channels:
                page.add_receipt("ERROR", now, f"Delivery failed (attempt {attempt} of at most {MAX_SEND_ATTEMPTS})")
                if retry and attempt < MAX_SEND_ATTEMPTS:
                    # RetryIntervalInMinutes: the wait before sending a failed page again.
                    due = now + retry * self._seconds_per_minute()
                    bisect.insort(
                        engagement.pending,
                        [due, contact.arn, channel.arn, path, retry, attempt + 1, page.arn],
                        key=lambda item: float(item[0]),
                    )
                self._save("page", page)
                continue
            self._deliver(engagement, contact, channel, page, now)

    def _seconds_per_minute(self) -> float:
        speed = self.config.time_scale
        return 60.0 / speed if speed else 0.0

    def _new_page(
        self, engagement: Engagement, contact: Contact, channel: ContactChannel, now: float, path: list[dict[str, Any]]
    ) -> Page:
        page = Page(
            arn=self._arn("page", contact.alias, str(uuid.uuid4())),
            engagement_arn=engagement.arn,
            contact_arn=contact.arn,
            channel_arn=channel.arn,
            channel_type=channel.type,
            address=channel.address,
            accept_code=f"{secrets.randbelow(10**6):06d}",
            sent_time=now,
            path=path,
        )
        self.pages[page.arn] = page
        return page

    def _deliver(
        self, engagement: Engagement, contact: Contact, channel: ContactChannel, page: Page, now: float
    ) -> None:
        page.add_receipt("SENT", now)
        self._save("page", page)
        sms = channel.type == "SMS"  # SMS is not secure: it only ever carries the public texts
        entry = {
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
                # IsEssential: only an essential contact's acknowledgement stops the plan.
                essential = all(hop.get("IsEssential", True) for hop in page.path)
                if essential and (engagement.pending or not engagement.acknowledged):
                    engagement.acknowledged = True  # acknowledged: later stages are not paged
                    engagement.pending.clear()
                    self._save("engagement", engagement)
            self._save("page", page)

    def list_page_resolutions(self, params: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
        with self.lock:
            page = self.find_page(params["PageId"])
            return paginate(page.resolutions(), params)

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


def _rotation_order(rotation: Rotation) -> str:
    return f"{rotation.name}\n{rotation.arn}"  # names may repeat; the ARN settles the order


def _time_range(
    params: dict[str, Any], low: str, high: str, default_start: datetime.datetime | None = None
) -> tuple[datetime.datetime, datetime.datetime]:
    """Two timestamps of a request, the second after the first."""
    start = parse_timestamp(params[low]) if params.get(low) is not None else default_start
    end = parse_timestamp(params[high])
    assert start is not None and end is not None  # required, or defaulted, and well-formed (validated)
    if end <= start:
        raise ValidationException(
            f"{high} must be after {low}.",
            "FIELD_VALIDATION_FAILED",
            [{"Name": high, "Message": f"Member must be after {low}"}],
        )
    return start, end


def preview_shifts(params: dict[str, Any], now: datetime.datetime) -> list[Shift]:
    """ListPreviewRotationShifts: the same computation as ListRotationShifts, from settings instead of a rotation.

    ``now`` (the rotations' clock) is where the range starts when the request gives no StartTime.
    """
    members = list(params["Members"])
    time_zone(params["TimeZoneId"])
    check_recurrence(params["Recurrence"], len(members))
    start = parse_timestamp(params["StartTime"]) if params.get("StartTime") is not None else now
    rotation_start = (
        parse_timestamp(params["RotationStartTime"]) if params.get("RotationStartTime") is not None else start
    )
    assert start is not None and rotation_start is not None
    start, end = _time_range({"StartTime": start.timestamp(), "EndTime": params["EndTime"]}, "StartTime", "EndTime")
    overrides: list[Override] = []
    for i, item in enumerate(params.get("Overrides") or []):
        name = f"Overrides[{i}]"
        if item.get("StartTime") is None or item.get("EndTime") is None:
            raise ValidationException(
                f"{name} needs StartTime and EndTime.",
                "FIELD_VALIDATION_FAILED",
                [{"Name": name, "Message": "Member must have StartTime and EndTime"}],
            )
        o_start, o_end = _time_range(item, "StartTime", "EndTime")
        overrides.append(Override(o_start, o_end, tuple(item.get("NewMembers") or []), i))
    return compute_shifts(members, params["Recurrence"], params["TimeZoneId"], rotation_start, start, end, overrides)


def _check_policy(policy: str) -> None:
    """A resource policy: a JSON object with a Statement (one or a list), each with Effect Allow or Deny."""
    problem = None
    try:
        document = json.loads(policy)
    except ValueError as error:
        problem = f"Policy is not JSON: {error}"
    else:
        statements = document.get("Statement") if isinstance(document, dict) else None
        if isinstance(statements, dict):
            statements = [statements]
        if not isinstance(document, dict):
            problem = "Policy must be a JSON object"
        elif not isinstance(statements, list) or not statements:
            problem = "Policy must have a Statement (an object or a non-empty list)"
        elif not all(isinstance(s, dict) and s.get("Effect") in ("Allow", "Deny") for s in statements):
            problem = "Each Statement must be an object whose Effect is Allow or Deny"
    if problem is not None:
        raise ValidationException(
            f"{problem}.", "FIELD_VALIDATION_FAILED", [{"Name": "Policy", "Message": f"Member is not valid: {problem}"}]
        )
