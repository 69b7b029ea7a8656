"""The backend of one emulated account and region: it owns every object and runs every operation.

One method per ssm-contacts operation, named after it, taking the request's top-level members as snake_case
keyword arguments (nested structures keep their AWS shape). Each method takes the lock itself: writes run in a
transaction (``transaction``: commit to the store before answering, roll back on error), reads hand back copies
taken under the lock, which the responses turn into AWS shapes. Delivery (delivery.py) sends the pages due and keeps
the outbox; escalation (escalation.py) plans the sends and sends later stages from its own thread, under the same
lock.
"""

from __future__ import annotations

import copy
import datetime
import enum
import secrets
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from .checks import check_address, check_members, check_plan, check_policy, time_range
from .config import EmulatorConfig
from .delivery import Delivery
from .escalation import Scheduler, plan_sends, seconds_per_minute
from .exceptions import ConflictException, ResourceNotFoundException, ValidationException
from .models import (
    Contact,
    ContactChannel,
    Engagement,
    Page,
    Rotation,
    RotationOverride,
    by_alias,
    by_name,
    by_rotation_name,
    epoch_now,
    iso,
    utc,
)
from .pagination import paginate
from .rotations import Override, Shift, check_recurrence, compute_shifts, on_call, time_zone
from .store import MemoryStore
from .validation import parse_timestamp

T = TypeVar("T")

Listing = tuple[list[T], str | None]
"""One page of a list operation's items, and the NextToken of the next page (None on the last)."""


class Absent(enum.Enum):
    """A member the request left out, where that differs from a null (UpdateContact's DisplayName)."""

    ABSENT = enum.auto()


ABSENT = Absent.ABSENT


def _find(objects: dict[str, T], arn: str, resource_type: str) -> T:
    found = objects.get(arn)
    if found is None:
        raise ResourceNotFoundException(resource_type, arn)
    return found


def _copy(obj: T) -> T:
    """A snapshot taken under the lock: the responses read it once the lock is released."""
    return copy.copy(obj)




class Backend:
    """Owns every object of one emulated account and region; thread-safe."""

    def __init__(self, config: EmulatorConfig, store: MemoryStore | None = None) -> None:
        self.config = config
        self._store = store or MemoryStore()
        self.lock = threading.RLock()
        """Held around every operation (and by the escalation scheduler while it sends)."""
        self.delivery = Delivery(self, self._store)
        """Sends due pages and runs simulated answers; holds the outbox, failing channels and responders."""
        self._scheduler = Scheduler(self.lock, lambda: self.engagements, self.delivery.send_stage)
        self.contacts: dict[str, Contact] = {}
        self.channels: dict[str, ContactChannel] = {}
        self.engagements: dict[str, Engagement] = {}
        self.pages: dict[str, Page] = {}
        self.rotations: dict[str, Rotation] = {}
        self.overrides: dict[str, RotationOverride] = {}
        self._tokens: dict[str, str] = {}  # IdempotencyToken -> the latest engagement started with it
        self._clock_origin = time.time()
        self._load()

    # -- lifecycle ----------------------------------------------------------------------------------------

    def _load(self) -> None:
        objects, outbox = self._store.load()
        self.contacts = {c["arn"]: Contact.from_dict(c) for c in objects.get("contact", [])}
        self.channels = {c["arn"]: ContactChannel.from_dict(c) for c in objects.get("channel", [])}
        self.engagements = {e["arn"]: Engagement.from_dict(e) for e in objects.get("engagement", [])}
        self.pages = {p["arn"]: Page.from_dict(p) for p in objects.get("page", [])}
        self.rotations = {r["arn"]: Rotation.from_dict(r) for r in objects.get("rotation", [])}
        self.overrides = {o["id"]: RotationOverride.from_dict(o) for o in objects.get("override", [])}
        self.delivery.outbox = outbox
        self._scheduler.track(self.engagements.values())
        self._tokens = {e.idempotency_token: arn for arn, e in self.engagements.items() if e.idempotency_token}

    def start(self) -> None:
        """Start the scheduler that sends later escalation stages (and any left due by a restart)."""
        self._scheduler.start()

    def close(self) -> None:
        self._scheduler.close()
        with self.lock:  # not under a request that is still finishing
            self._store.close()

    def reset(self) -> None:
        with self.transaction():
            self.contacts.clear()
            self.channels.clear()
            self.engagements.clear()
            self.pages.clear()
            self.rotations.clear()
            self.overrides.clear()
            self.delivery.reset()  # settings go back to the config's
            self._scheduler.track(())
            self._tokens.clear()
            self._store.clear()

    @contextmanager
    def transaction(self) -> Iterator[None]:
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

    def save(self, kind: str, obj: Contact | ContactChannel | Engagement | Page | Rotation | RotationOverride) -> None:
        self._store.put(kind, obj.arn, obj.to_dict())

    def _delete(self, kind: str, objects: dict[str, Any], keys: list[str]) -> None:
        for key in keys:
            del objects[key]
            self._store.delete(kind, key)

    def arn(self, resource: str, *parts: str) -> str:
        return f"arn:aws:ssm-contacts:{self.config.region}:{self.config.account_id}:{resource}/{'/'.join(parts)}"

    # -- finders: NotFound is one consistent answer; the caller holds the lock ----------------------------

    def find_contact(self, arn: str) -> Contact:
        return _find(self.contacts, arn, "CONTACT")

    def find_channel(self, arn: str) -> ContactChannel:
        return _find(self.channels, arn, "CONTACT_CHANNEL")

    def find_engagement(self, arn: str) -> Engagement:
        return _find(self.engagements, arn, "ENGAGEMENT")

    def find_rotation(self, arn: str) -> Rotation:
        return _find(self.rotations, arn, "ROTATION")

    def find_override(self, rotation_arn: str, override_id: str) -> RotationOverride:
        override = self.overrides.get(override_id)
        if override is None or override.rotation_arn != rotation_arn:
            raise ResourceNotFoundException("ROTATION_OVERRIDE", override_id)
        return override

    def find_page(self, arn: str) -> Page:
        return _find(self.pages, arn, "PAGE")

    def _find_taggable(self, arn: str) -> Contact | Rotation:
        if arn in self.rotations:
            return self.rotations[arn]
        return self.find_contact(arn)

    # -- contacts -----------------------------------------------------------------------------------------

    def create_contact(
        self,
        *,
        alias: str,
        type: str,
        plan: dict[str, Any],
        display_name: str | None = None,
        tags: list[dict[str, str]] | None = None,
        idempotency_token: str | None = None,
    ) -> Contact:
        with self.transaction():
            arn = self.arn("contact", alias)
            existing = self.contacts.get(arn)
            if existing is not None:
                if idempotency_token and existing.idempotency_token == idempotency_token:
                    return existing  # a retry of the call that created it
                raise ConflictException(f"A contact with alias '{alias}' already exists.", arn, "CONTACT")
            contact = Contact(
                arn=arn,
                alias=alias,
                type=type,
                plan=self._checked_plan(type, arn, plan),
                display_name=display_name,
                tags=list(tags or []),
                idempotency_token=idempotency_token,
            )
            self.contacts[arn] = contact
            self.save("contact", contact)
            return contact

    def get_contact(self, *, contact_id: str) -> Contact:
        with self.lock:
            return _copy(self.find_contact(contact_id))

    def update_contact(
        self, *, contact_id: str, display_name: str | Absent | None = ABSENT, plan: dict[str, Any] | None = None
    ) -> None:
        with self.transaction():
            contact = self.find_contact(contact_id)
            if plan is not None:
                contact.plan = self._checked_plan(contact.type, contact.arn, plan)
            if display_name is not ABSENT:
                contact.display_name = display_name
            self.save("contact", contact)

    def delete_contact(self, *, contact_id: str) -> None:
        with self.transaction():
            arn = contact_id
            contact = self.find_contact(arn)
            # Escalation plans that name it keep naming it, as AWS documents ("deleting a contact does not remove it
            # from escalation plans"): it is no longer reachable from them, and engaging them pages nobody there.
            # Rotation members are another matter, on which AWS says nothing: a rotation must not lose a member.
            rotations = [r.arn for r in self.rotations.values() if arn in r.contact_ids]
            if rotations:
                raise ConflictException(
                    f"Contact {arn} is a member of rotation {', '.join(rotations)}: remove it from those rotations "
                    "first.",
                    arn,
                    "CONTACT",
                )
            self._delete("channel", self.channels, [ch.arn for ch in self.channels.values() if ch.contact_arn == arn])
            self._delete("contact", self.contacts, [contact.arn])

    def list_contacts(
        self,
        *,
        alias_prefix: str | None = None,
        type: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> Listing[Contact]:
        with self.lock:
            prefix = alias_prefix or ""
            found = sorted(
                (c for c in self.contacts.values() if c.alias.startswith(prefix) and (type is None or c.type == type)),
                key=by_alias,
            )
            contacts, token = paginate(found, next_token, max_results, key=by_alias)
            return [_copy(c) for c in contacts], token

    def _checked_plan(self, contact_type: str, contact_arn: str, plan: dict[str, Any]) -> dict[str, Any]:
        return check_plan(contact_type, contact_arn, plan, self.contacts, self.channels, self.rotations)

    # -- contact channels ---------------------------------------------------------------------------------

    def create_contact_channel(
        self,
        *,
        contact_id: str,
        name: str,
        type: str,
        delivery_address: dict[str, Any],
        defer_activation: bool | None = None,
        idempotency_token: str | None = None,
    ) -> ContactChannel:
        with self.transaction():
            contact = self.find_contact(contact_id)
            address = check_address(type, delivery_address.get("SimpleAddress"))
            for channel in self.channels.values():
                if channel.contact_arn == contact.arn and channel.type == type and channel.address == address:
                    if idempotency_token and channel.idempotency_token == idempotency_token:
                        return channel  # a retry of the call that created it
                    raise ConflictException(
                        f"Contact {contact.arn} already has a {type} channel to that address: {channel.arn}.",
                        channel.arn,
                        "CONTACT_CHANNEL",
                    )
            channel = ContactChannel(
                arn=self.arn("contact-channel", contact.alias, str(uuid.uuid4())),
                contact_arn=contact.arn,
                name=name,
                type=type,
                address=address,
                idempotency_token=idempotency_token,
            )
            self.channels[channel.arn] = channel
            self.save("channel", channel)
            return channel

    def get_contact_channel(self, *, contact_channel_id: str) -> ContactChannel:
        with self.lock:
            return _copy(self.find_channel(contact_channel_id))

    def activate_contact_channel(self, *, contact_channel_id: str, activation_code: str) -> None:
        with self.transaction():
            channel = self.find_channel(contact_channel_id)
            expected = self.config.activation_code
            sent = channel.sent_activation_code
            if self.config.strict_activation:  # the sent code, or the configured one (what the seed uses)
                accepted = activation_code in (sent, expected)
            else:
                accepted = expected is None or activation_code in (expected, sent)
            if not accepted:
                strict_unsent = self.config.strict_activation and sent is None
                hint = " (no code was sent: call SendActivationCode first)" if strict_unsent else ""
                raise ValidationException(
                    f"ActivationCode does not match the code sent to contact channel {contact_channel_id}{hint}.",
                    "FIELD_VALIDATION_FAILED",
                    [{"Name": "ActivationCode", "Message": "Member must be the code sent to the channel"}],
                )
            channel.activation_status = "ACTIVATED"
            channel.sent_activation_code = None
            self.save("channel", channel)

    def send_activation_code(self, *, contact_channel_id: str) -> dict[str, Any]:
        """Put a fresh 6-digit code in the outbox, addressed to the channel; ActivateContactChannel accepts it."""
        with self.transaction():
            channel = self.find_channel(contact_channel_id)
            code = f"{secrets.randbelow(10**6):06d}"
            channel.sent_activation_code = code
            self.save("channel", channel)
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
            self.delivery.post(entry)
            return entry

    def update_contact_channel(
        self, *, contact_channel_id: str, name: str | None = None, delivery_address: dict[str, Any] | None = None
    ) -> None:
        with self.transaction():
            channel = self.find_channel(contact_channel_id)
            address = (delivery_address or {}).get("SimpleAddress")
            if address is not None and address != channel.address:
                check_address(channel.type, address)
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
            if name is not None:
                channel.name = name
            self.save("channel", channel)

    def deactivate_contact_channel(self, *, contact_channel_id: str) -> None:
        with self.transaction():
            channel = self.find_channel(contact_channel_id)
            channel.activation_status = "NOT_ACTIVATED"
            self.save("channel", channel)

    def delete_contact_channel(self, *, contact_channel_id: str) -> None:
        with self.transaction():
            self._delete("channel", self.channels, [self.find_channel(contact_channel_id).arn])

    def list_contact_channels(
        self, *, contact_id: str, next_token: str | None = None, max_results: int | None = None
    ) -> Listing[ContactChannel]:
        with self.lock:
            contact = self.find_contact(contact_id)
            found = sorted((c for c in self.channels.values() if c.contact_arn == contact.arn), key=by_name)
            channels, token = paginate(found, next_token, max_results, key=by_name)
            return [_copy(c) for c in channels], token

    # -- tags ---------------------------------------------------------------------------------------------

    def list_tags_for_resource(self, *, resource_arn: str) -> list[dict[str, str]]:
        with self.lock:
            return list(self._find_taggable(resource_arn).tags)

    def tag_resource(self, *, resource_arn: str, tags: list[dict[str, str]]) -> None:
        with self.transaction():
            resource = self._find_taggable(resource_arn)
            keep = {t["Key"]: t for t in resource.tags}
            keep.update({t["Key"]: t for t in tags})
            resource.tags = list(keep.values())
            self.save("rotation" if isinstance(resource, Rotation) else "contact", resource)

    def untag_resource(self, *, resource_arn: str, tag_keys: list[str]) -> None:
        with self.transaction():
            resource = self._find_taggable(resource_arn)
            resource.tags = [t for t in resource.tags if t["Key"] not in tag_keys]
            self.save("rotation" if isinstance(resource, Rotation) else "contact", resource)

    # -- contact policies ---------------------------------------------------------------------------------

    def put_contact_policy(self, *, contact_arn: str, policy: str) -> None:
        with self.transaction():
            contact = self.find_contact(contact_arn)
            check_policy(policy)
            contact.policy = policy
            self.save("contact", contact)

    def get_contact_policy(self, *, contact_arn: str) -> Contact:
        with self.lock:
            return _copy(self.find_contact(contact_arn))

    # -- rotations ----------------------------------------------------------------------------------------

    def create_rotation(
        self,
        *,
        name: str,
        contact_ids: list[str],
        time_zone_id: str,
        recurrence: dict[str, Any],
        start_time: Any = None,
        tags: list[dict[str, str]] | None = None,
        idempotency_token: str | None = None,
    ) -> Rotation:
        with self.transaction():
            if idempotency_token:
                for existing in self.rotations.values():
                    if existing.idempotency_token == idempotency_token:
                        return existing  # a retry of the call that created it
            members = check_members(contact_ids, "ContactIds", self.contacts)
            time_zone(time_zone_id)
            check_recurrence(recurrence, len(members))
            start = parse_timestamp(start_time) if start_time is not None else None
            rotation = Rotation(
                arn=self.arn("rotation", str(uuid.uuid4())),
                name=name,
                contact_ids=members,
                start_time=start.timestamp() if start is not None else float(int(time.time())),
                time_zone_id=time_zone_id,
                recurrence=recurrence,
                tags=list(tags or []),
                idempotency_token=idempotency_token,
            )
            self.rotations[rotation.arn] = rotation
            self.save("rotation", rotation)
            return rotation

    def get_rotation(self, *, rotation_id: str) -> Rotation:
        with self.lock:
            return _copy(self.find_rotation(rotation_id))

    def update_rotation(
        self,
        *,
        rotation_id: str,
        recurrence: dict[str, Any],
        contact_ids: list[str] | None = None,
        start_time: Any = None,
        time_zone_id: str | None = None,
    ) -> None:
        with self.transaction():
            rotation = self.find_rotation(rotation_id)
            members = rotation.contact_ids
            if contact_ids is not None:
                members = check_members(contact_ids, "ContactIds", self.contacts)
            if time_zone_id is not None:
                time_zone(time_zone_id)
                rotation.time_zone_id = time_zone_id
            check_recurrence(recurrence, len(members))
            rotation.contact_ids = members
            rotation.recurrence = recurrence
            start = parse_timestamp(start_time) if start_time is not None else None
            if start is not None:
                rotation.start_time = start.timestamp()
            self.save("rotation", rotation)

    def delete_rotation(self, *, rotation_id: str) -> None:
        with self.transaction():
            arn = rotation_id
            rotation = self.find_rotation(arn)
            # "If a rotation belongs to more than one on-call schedule, this operation deletes it from all of them."
            for schedule in self.contacts.values():
                rotation_ids = schedule.plan.get("RotationIds") or []
                if arn in rotation_ids:
                    schedule.plan = {**schedule.plan, "RotationIds": [r for r in rotation_ids if r != arn]}
                    self.save("contact", schedule)
            self._delete("override", self.overrides, [o.id for o in self.overrides.values() if o.rotation_arn == arn])
            self._delete("rotation", self.rotations, [rotation.arn])

    def list_rotations(
        self, *, rotation_name_prefix: str | None = None, next_token: str | None = None, max_results: int | None = None
    ) -> Listing[Rotation]:
        with self.lock:
            prefix = rotation_name_prefix or ""
            found = sorted((r for r in self.rotations.values() if r.name.startswith(prefix)), key=by_rotation_name)
            rotations, token = paginate(found, next_token, max_results, key=by_rotation_name)
            return [_copy(r) for r in rotations], token

    def create_rotation_override(
        self,
        *,
        rotation_id: str,
        new_contact_ids: list[str],
        start_time: Any,
        end_time: Any,
        idempotency_token: str | None = None,
    ) -> RotationOverride:
        with self.transaction():
            rotation = self.find_rotation(rotation_id)
            if idempotency_token:
                for existing in self.overrides.values():
                    if existing.rotation_arn == rotation.arn and existing.idempotency_token == idempotency_token:
                        return existing
            for arn in new_contact_ids:
                self.find_contact(arn)
            start, end = time_range(start_time, end_time)
            override = RotationOverride(
                id=str(uuid.uuid4()),
                rotation_arn=rotation.arn,
                new_contact_ids=list(new_contact_ids),
                start_time=start.timestamp(),
                end_time=end.timestamp(),
                create_time=epoch_now(),
                idempotency_token=idempotency_token,
            )
            self.overrides[override.id] = override
            self.save("override", override)
            return override

    def get_rotation_override(self, *, rotation_id: str, rotation_override_id: str) -> RotationOverride:
        with self.lock:
            self.find_rotation(rotation_id)
            return _copy(self.find_override(rotation_id, rotation_override_id))

    def delete_rotation_override(self, *, rotation_id: str, rotation_override_id: str) -> None:
        with self.transaction():
            self.find_rotation(rotation_id)
            self._delete("override", self.overrides, [self.find_override(rotation_id, rotation_override_id).id])

    def list_rotation_overrides(
        self,
        *,
        rotation_id: str,
        start_time: Any,
        end_time: Any,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> Listing[RotationOverride]:
        with self.lock:
            rotation = self.find_rotation(rotation_id)
            start, end = time_range(start_time, end_time)
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
            overrides, token = paginate(found, next_token, max_results)
            return [_copy(o) for o in overrides], token

    def list_rotation_shifts(
        self,
        *,
        rotation_id: str,
        end_time: Any,
        start_time: Any = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> Listing[Shift]:
        with self.lock:
            rotation = self.find_rotation(rotation_id)
            start, end = time_range(start_time, end_time, default_start=self.rotation_now())
            shifts = compute_shifts(
                rotation.contact_ids,
                rotation.recurrence,
                rotation.time_zone_id,
                rotation.start(),
                start,
                end,
                self._overrides_of(rotation.arn),
            )
            return paginate(shifts, next_token, max_results)

    def list_preview_rotation_shifts(
        self,
        *,
        members: list[str],
        time_zone_id: str,
        recurrence: dict[str, Any],
        end_time: Any,
        rotation_start_time: Any = None,
        start_time: Any = None,
        overrides: list[dict[str, Any]] | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> Listing[Shift]:
        """The same computation as ListRotationShifts, from settings instead of a rotation; no state is read.

        The range starts at the rotations' clock's now when the request gives no StartTime.
        """
        members = list(members)
        time_zone(time_zone_id)
        check_recurrence(recurrence, len(members))
        start = parse_timestamp(start_time) if start_time is not None else self.rotation_now()
        rotation_start = parse_timestamp(rotation_start_time) if rotation_start_time is not None else start
        assert start is not None and rotation_start is not None
        start, end = time_range(start.timestamp(), end_time)
        replaced: list[Override] = []
        for i, item in enumerate(overrides or []):
            name = f"Overrides[{i}]"
            if item.get("StartTime") is None or item.get("EndTime") is None:
                raise ValidationException(
                    f"{name} needs StartTime and EndTime.",
                    "FIELD_VALIDATION_FAILED",
                    [{"Name": name, "Message": "Member must have StartTime and EndTime"}],
                )
            o_start, o_end = time_range(item["StartTime"], item["EndTime"])
            replaced.append(Override(o_start, o_end, tuple(item.get("NewMembers") or []), i))
        shifts = compute_shifts(members, recurrence, time_zone_id, rotation_start, start, end, replaced)
        return paginate(shifts, next_token, max_results)

    # -- who is on call -----------------------------------------------------------------------------------

    def rotation_now(self, real: float | None = None) -> datetime.datetime:
        """The rotations' clock: real time sped up by ``time_scale`` from the moment the emulator started.

        At time scale 60, a hand-off due in an hour happens a minute after start, as escalation stages do.
        At 1 (the default) and 0 (no waiting for stages) it is real time.
        """
        real = time.time() if real is None else real
        scale = self.config.time_scale
        if scale in (0, 1):
            return utc(real)
        return utc(self._clock_origin + (real - self._clock_origin) * scale)

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
                for rotation in sorted(self.rotations.values(), key=by_rotation_name)
            ]

    # -- engagements --------------------------------------------------------------------------------------

    def start_engagement(
        self,
        *,
        contact_id: str,
        sender: str,
        subject: str,
        content: str,
        public_subject: str | None = None,
        public_content: str | None = None,
        incident_id: str | None = None,
        idempotency_token: str | None = None,
    ) -> Engagement:
        with self.transaction():
            now = epoch_now()
            request: dict[str, Any] = {
                "contact_arn": contact_id,
                "sender": sender,
                "subject": subject,
                "content": content,
                "public_subject": public_subject,
                "public_content": public_content,
                "incident_id": incident_id,
            }
            if idempotency_token:
                earlier = self._engagement_for_token(idempotency_token, now)
                if earlier is not None:
                    differing = earlier.differing(request)
                    if not differing:
                        return earlier  # a retry: same engagement, nobody paged again
                    raise ValidationException(
                        f"IdempotencyToken was already used for engagement {earlier.arn} with different "
                        f"parameters ({', '.join(differing)} differ): use a new token to start a new engagement.",
                        "OTHER",
                    )
            # After the token: a retry answers with its engagement even if the contact is gone since.
            contact = self.find_contact(contact_id)
            engagement = Engagement(
                **{**request, "contact_arn": contact.arn},
                arn=self.arn("engagement", contact.alias, str(uuid.uuid4())),
                idempotency_token=idempotency_token,
                start_time=now,
            )
            engagement.pending = plan_sends(
                contact,
                now,
                self.rotation_now(now),
                seconds_per_minute(self.config.time_scale),
                self.contacts,
                self.rotations,
                self.on_call_now,
            )
            self.engagements[engagement.arn] = engagement
            if idempotency_token:
                self._tokens[idempotency_token] = engagement.arn
            self.delivery.send_due(engagement, now)
            self.save("engagement", engagement)
            self._scheduler.engaged(engagement)
            return engagement

    def _engagement_for_token(self, token: str, now: float) -> Engagement | None:
        engagement = self.engagements.get(self._tokens.get(token, ""))
        if engagement is None or engagement.start_time < now - self.config.idempotency_window_seconds:
            return None
        return engagement

    def describe_engagement(self, *, engagement_id: str) -> Engagement:
        with self.lock:
            return _copy(self.find_engagement(engagement_id))

    def stop_engagement(self, *, engagement_id: str, reason: str | None = None) -> None:
        with self.transaction():
            engagement = self.find_engagement(engagement_id)
            if engagement.stop_time is not None:
                return  # already stopped: harmless, the first stop time and reason stay
            now = epoch_now()
            engagement.stop_time = now
            engagement.stop_reason = reason
            engagement.pending.clear()
            engagement.answers.clear()  # simulated people do not answer a page that says the engagement stopped
            for page in self.pages.values():
                if page.engagement_arn == engagement_id:
                    page.add_receipt("STOP", now, reason)
                    self.save("page", page)
            self.save("engagement", engagement)

    def list_engagements(
        self,
        *,
        incident_id: str | None = None,
        time_range_value: dict[str, Any] | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> Listing[Engagement]:
        with self.lock:
            window = time_range_value or {}
            low = parse_timestamp(window["StartTime"]) if window.get("StartTime") is not None else None
            high = parse_timestamp(window["EndTime"]) if window.get("EndTime") is not None else None
            found = [
                e
                for e in self.engagements.values()
                if (incident_id is None or e.incident_id == incident_id)
                and (low is None or e.start_time >= low.timestamp())
                and (high is None or e.start_time <= high.timestamp())
            ]
            engagements, token = paginate(found, next_token, max_results)
            return [_copy(e) for e in engagements], token

    # -- pages --------------------------------------------------------------------------------------------

    def list_pages_by_engagement(
        self, *, engagement_id: str, next_token: str | None = None, max_results: int | None = None
    ) -> Listing[tuple[Page, Engagement]]:
        with self.lock:
            engagement = self.find_engagement(engagement_id)
            found = [p for p in self.pages.values() if p.engagement_arn == engagement.arn]
            pages, token = paginate(found, next_token, max_results)
            return [(_copy(p), _copy(engagement)) for p in pages], token

    def list_pages_by_contact(
        self, *, contact_id: str, next_token: str | None = None, max_results: int | None = None
    ) -> Listing[tuple[Page, Engagement]]:
        with self.lock:
            contact = self.find_contact(contact_id)
            found = [
                p
                for p in self.pages.values()
                if p.contact_arn == contact.arn or self.engagements[p.engagement_arn].contact_arn == contact.arn
            ]
            pages, token = paginate(found, next_token, max_results)
            return [(_copy(p), _copy(self.engagements[p.engagement_arn])) for p in pages], token

    def describe_page(self, *, page_id: str) -> tuple[Page, Engagement]:
        with self.lock:
            page = self.find_page(page_id)
            return _copy(page), _copy(self.engagements[page.engagement_arn])

    def accept_page(
        self,
        *,
        page_id: str,
        accept_type: str,
        accept_code: str,
        contact_channel_id: str | None = None,
        note: str | None = None,
        accept_code_validation: str | None = None,
    ) -> None:
        with self.transaction():
            page = self.find_page(page_id)
            if contact_channel_id is not None:
                self.find_channel(contact_channel_id)
            if accept_code_validation == "ENFORCE" and accept_code != page.accept_code:
                raise ValidationException(
                    f"AcceptCode does not match the code sent with page {page.arn}.",
                    "FIELD_VALIDATION_FAILED",
                    [{"Name": "AcceptCode", "Message": "Member must be the accept code sent with the page"}],
                )
            self.accept(page, accept_type, epoch_now(), note, contact_channel_id)

    def accept(
        self, page: Page, accept_type: str, now: float, note: str | None, contact_channel_id: str | None
    ) -> None:
        """What AcceptPage does once the request is checked (simulated responders come here too); the caller
        holds the lock in a transaction."""
        if accept_type == "DELIVERED":
            page.delivery_time = page.delivery_time or now
            page.add_receipt("DELIVERED", now, note, contact_channel_id)
        else:
            page.read_time = page.read_time or now
            page.add_receipt("READ", now, note, contact_channel_id)
            engagement = self.engagements[page.engagement_arn]
            # IsEssential: only an essential contact's acknowledgement stops the plan.
            essential = all(hop.get("IsEssential", True) for hop in page.path)
            if essential and (engagement.pending or not engagement.acknowledged):
                engagement.acknowledged = True  # acknowledged: later stages are not paged
                engagement.pending.clear()
                self.save("engagement", engagement)
        self.save("page", page)

    def list_page_resolutions(self, *, page_id: str, next_token: str | None = None) -> Listing[dict[str, Any]]:
        """The model has no MaxResults here: pages of the default size."""
        with self.lock:
            page = self.find_page(page_id)
            return paginate(page.resolutions(), next_token)

    def list_page_receipts(
        self, *, page_id: str, next_token: str | None = None, max_results: int | None = None
    ) -> Listing[dict[str, Any]]:
        with self.lock:
            page = self.find_page(page_id)
            return paginate(list(page.receipts), next_token, max_results)
