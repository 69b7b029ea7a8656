"""The emulated Incident Manager's objects: contacts, channels, engagements, pages, rotations and overrides.

Plain data: ``to_dict`` gives the persisted form (snake_case) and ``from_dict`` reads it back; ``summary`` and
``describe`` build the AWS shapes (PascalCase) the responses return. The ``Backend`` (backend.py) owns them.
"""

from __future__ import annotations

import dataclasses
import datetime
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from .rotations import Override


def epoch_now() -> float:
    """The current time as the service records it: epoch seconds to the millisecond, the precision its answers
    carry, so that a time a client read back and sends again (a ``TimeRangeValue``) means the same instant."""
    return round(time.time(), 3)


def iso(epoch: float) -> str:
    """ISO 8601 in UTC with a Z, as the outbox and request log show times."""
    moment = datetime.datetime.fromtimestamp(epoch, datetime.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def utc(epoch: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(epoch, datetime.UTC)


def _drop_none(shape: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in shape.items() if v is not None}


class _Model:
    """What every model shares: its persisted form and back."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = dataclasses.asdict(self)  # type: ignore[call-overload]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """The object a state file holds (fields it does not know, from another version, are ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Contact(_Model):
    arn: str
    alias: str
    type: str
    plan: dict[str, Any]
    display_name: str | None = None
    tags: list[dict[str, str]] = field(default_factory=list)
    idempotency_token: str | None = None
    policy: str | None = None
    """The resource policy PutContactPolicy stored (JSON text), if any."""

    def summary(self) -> dict[str, Any]:
        return _drop_none(
            {"ContactArn": self.arn, "Alias": self.alias, "DisplayName": self.display_name, "Type": self.type}
        )

    def describe(self) -> dict[str, Any]:
        return {**self.summary(), "Plan": self.plan}

    def describe_policy(self) -> dict[str, Any]:
        """GetContactPolicy's answer."""
        return _drop_none({"ContactArn": self.arn, "Policy": self.policy})


@dataclass
class ContactChannel(_Model):
    arn: str
    contact_arn: str
    name: str
    type: str
    address: str
    activation_status: str = "NOT_ACTIVATED"
    idempotency_token: str | None = None
    sent_activation_code: str | None = None
    """The code SendActivationCode last sent to the address (forgotten once used or the address changes)."""

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
class Engagement(_Model):
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
    # Pages not yet sent: [due (epoch seconds), contact ARN, channel ARN, ...] (escalation.PendingSend), by due.
    pending: list[list[Any]] = field(default_factory=list)
    answers: list[list[Any]] = field(default_factory=list)
    """Simulated responders' answers still to come: [due (epoch seconds), page ARN, DELIVERED or READ, note],
    sorted by due (escalation.PendingAnswer). Not cleared by an acknowledgement (people already paged still
    answer), cleared by StopEngagement."""

    REQUEST_MEMBERS: ClassVar[dict[str, str]] = {
        "contact_arn": "ContactId",
        "sender": "Sender",
        "subject": "Subject",
        "content": "Content",
        "public_subject": "PublicSubject",
        "public_content": "PublicContent",
        "incident_id": "IncidentId",
    }
    """The StartEngagement members an engagement keeps (by attribute): a retry with its token repeats them all."""

    def next_due(self) -> float | None:
        """When the next pending send or answer falls due (epoch seconds); None: nothing is left to do."""
        heads = [float(items[0][0]) for items in (self.pending, self.answers) if items]
        return min(heads) if heads else None

    def differing(self, request: dict[str, Any]) -> list[str]:
        """The StartEngagement members whose values in ``request`` (keyed by attribute) differ from this one's."""
        return [member for name, member in self.REQUEST_MEMBERS.items() if request.get(name) != getattr(self, name)]

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

    def message(self) -> dict[str, Any]:
        """What the pages say (DescribeEngagement and DescribePage show it)."""
        return _drop_none(
            {
                "Subject": self.subject,
                "Content": self.content,
                "PublicSubject": self.public_subject,
                "PublicContent": self.public_content,
            }
        )

    def describe(self) -> dict[str, Any]:
        """DescribeEngagement: the summary ListEngagements gives, and the message."""
        return {**self.summary(), **self.message()}


@dataclass
class Page(_Model):
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
        return {**self.summary(engagement), **engagement.message()}

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
class Rotation(_Model):
    arn: str
    name: str
    contact_ids: list[str]
    start_time: float
    time_zone_id: str
    recurrence: dict[str, Any]
    tags: list[dict[str, str]] = field(default_factory=list)
    idempotency_token: str | None = None

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
class RotationOverride(_Model):
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
        return Override(utc(self.start_time), utc(self.end_time), tuple(self.new_contact_ids), order)


def by_alias(contact: Contact) -> str:
    """ListContacts' order (and its page tokens' key)."""
    return contact.alias


def by_name(channel: ContactChannel) -> str:
    """ListContactChannels' order (and its page tokens' key)."""
    return f"{channel.name}\n{channel.arn}"  # names may repeat; the ARN settles the order


def by_rotation_name(rotation: Rotation) -> str:
    """ListRotations' order (and its page tokens' key)."""
    return f"{rotation.name}\n{rotation.arn}"  # names may repeat; the ARN settles the order
