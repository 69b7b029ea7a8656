"""An in-memory ssm-contacts: the client the testing kit injects in place of AWS, as httpx's ``MockTransport`` is
injected in place of the network.

It answers every call the providers and the package's functions make (StartEngagement, DescribeEngagement,
StopEngagement, ListEngagements, ListPagesByEngagement, ListPageReceipts, ListPageResolutions, AcceptPage,
GetContactChannel, and the reads of ``who_would_be_paged``: GetContact, ListContactChannels, GetRotation,
ListRotationShifts) in AWS's shapes, so the real providers and the AWS layer's parsers run on its answers. Contacts,
escalation plans, on-call schedules and rotations come from the fixture a test declares
(:attr:`IncidentManagerMocks.contacts`: :class:`Contact`, :class:`EscalationPlan`, :class:`OnCallSchedule`,
:class:`Rotation`); one not declared is not found, as on AWS. What it cannot know it keeps simple: an engagement
pages at once everyone its contact's plan reaches (every stage, whoever is on call now), or the contacts of
:attr:`IncidentManagerMocks.paged`, or else the contact alone, one page each; a page takes any accept code, and a
person of :attr:`IncidentManagerMocks.answers` reads their page that long after it was sent. Any other operation
fails as AWS would refuse it.
"""

from __future__ import annotations

import functools
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import botocore.exceptions
from botocore import xform_name

from incident_manager_provider.api import contact_alias
from incident_manager_provider.validation import service_model
from incident_manager_provider.verdict import parse_duration

if TYPE_CHECKING:
    from .._functions import PagingPlan
    from .mocks import IncidentManagerMocks

@dataclass(frozen=True)
class Contact:
    """A person of the fixture: a PERSONAL contact whose plan pages ``channels`` (SMS, VOICE, EMAIL) at once."""

    alias: str
    channels: Sequence[str] = ("SMS",)
    display_name: str | None = None
    activated: bool = True
    """False: its channels are not activated (AWS would skip them)."""


@dataclass(frozen=True)
class Stage:
    """One stage of an :class:`EscalationPlan`: the contacts (aliases of people, plans or schedules) it engages;
    the next stage starts ``minutes`` later."""

    contacts: Sequence[str]
    minutes: int = 0
    essential: bool = True


@dataclass(frozen=True)
class EscalationPlan:
    """An ESCALATION contact of the fixture."""

    alias: str
    stages: Sequence[Stage]
    display_name: str | None = None


@dataclass(frozen=True)
class Rotation:
    """A rotation: ``contacts`` take turns, one per ``shift``, from ``start`` (nobody is on call before it)."""

    name: str
    contacts: Sequence[str]
    start: datetime
    shift: timedelta = timedelta(weeks=1)


@dataclass(frozen=True)
class OnCallSchedule:
    """An ONCALL_SCHEDULE contact of the fixture: whoever is on call in any of its ``rotations``."""

    alias: str
    rotations: Sequence[Rotation]
    display_name: str | None = None


Declared = Contact | EscalationPlan | OnCallSchedule
"""A contact of the fixture (:attr:`IncidentManagerMocks.contacts`)."""


REAL_SECONDS_PER_WAITED_SECOND = 1 / 600
"""How long a provider's wait really takes, per second it waits in the kit's time (10 minutes: 1 s): long enough for
an acknowledgement the program makes meanwhile (a PageAcceptance) to arrive, as it would during the real wait."""


@dataclass
class Account:
    """What the in-memory ssm-contacts holds: one per :class:`IncidentManagerMocks`, shared by its clients."""

    engagements: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Engagement ARN -> DescribeEngagement's answer (snake_case, as everything here)."""
    tokens: dict[str, str] = field(default_factory=dict)
    """Idempotency token -> the engagement it started."""
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Page ARN -> its item in ListPagesByEngagement's answer."""
    receipts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Page ARN -> its receipts, in ListPageReceipts' shape."""
    waited: timedelta = timedelta(0)
    """How long the providers' waits have lasted: the kit's time is ``clock()`` plus this."""
    changed: threading.Condition = field(default_factory=threading.Condition)
    """Notified at each AcceptPage, so that a wait sees it at once; also the lock of everything above."""
    ended: bool = False
    """The program failed: waits still running on the engine's threads end at once (nothing awaits them)."""


class MockClient:
    """A stand-in for the boto3 ssm-contacts client, answering from the mocks' in-memory account.

    :func:`~pulumi_incident_manager.testing.run_program` installs it with
    :func:`incident_manager_provider.aws.client_override`, so the providers (check, then create, as the engine
    calls them) and the package's functions (``list_pages``, ``get_engagement``, their ``_output`` forms) run their
    real code, parsers included, and no request leaves the process. Every client of one mocks shares its account.
    """

    def __init__(self, mocks: IncidentManagerMocks) -> None:
        self.mocks = mocks
        self.account: Account = mocks.account

    # -- engagements ------------------------------------------------------------------------------------------

    def start_engagement(self, **params: Any) -> dict[str, Any]:
        asked = _snake(params)
        token, contact = asked.pop("idempotency_token", None), contact_alias(asked.pop("contact_id"))
        asked["contact_arn"] = self._contact_arn(contact)
        with self.account.changed:
            earlier = self.account.engagements.get(self.account.tokens.get(token or "", ""))
            if earlier is not None:
                if any(earlier.get(name) != value for name, value in asked.items()):
                    raise _error("ValidationException", "StartEngagement", f"The idempotency token was already used "
                                 f"for engagement {earlier['engagement_arn']} with different parameters")
                return _answer("StartEngagement", {"engagement_arn": earlier["engagement_arn"]})
            # One token names one engagement: its ARN follows from the token, as a retry finds the same one.
            name = uuid.uuid5(uuid.NAMESPACE_URL, token) if token else uuid.uuid4()
            arn = f"{self._prefix}:engagement/{contact}/{name}"
            self._engage(arn, asked)
            if token:
                self.account.tokens[token] = arn
        return _answer("StartEngagement", {"engagement_arn": arn})

    def adopt(self, arn: str) -> None:
        """An engagement started elsewhere (``Engagement.get``): its ARN's contact, started now, no message known."""
        with self.account.changed:
            if arn not in self.account.engagements:
                prefix, _, rest = arn.partition(":engagement/")
                self._engage(arn, {"contact_arn": f"{prefix}:contact/{rest.split('/')[0]}"})

    def describe_engagement(self, **params: Any) -> dict[str, Any]:
        with self.account.changed:
            return _answer("DescribeEngagement", self._engagement("DescribeEngagement", _snake(params)))

    def stop_engagement(self, **params: Any) -> dict[str, Any]:
        asked = _snake(params)
        with self.account.changed:
            engagement = self._engagement("StopEngagement", asked)
            if engagement.get("stop_time") is None:
                engagement["stop_time"] = now = self.mocks.now()
                for page in self._pages_of(engagement["engagement_arn"]):
                    self.account.receipts[page["page_arn"]].append(_receipt("STOP", now, None, asked.get("reason")))
        return {}

    def list_engagements(self, **_: Any) -> dict[str, Any]:
        with self.account.changed:
            listed = [_answer("ListEngagements", e, "Engagements") for e in self.account.engagements.values()]
        return {"Engagements": listed}

    # -- pages --------------------------------------------------------------------------------------------------

    def list_pages_by_engagement(self, **params: Any) -> dict[str, Any]:
        with self.account.changed:
            engagement, now = self._engagement("ListPagesByEngagement", _snake(params)), self.mocks.now()
            pages = [_answer("ListPagesByEngagement", {**page, "read_time": next(
                (r["receipt_time"] for r in self.account.receipts[page["page_arn"]]
                 if r["receipt_type"] == "READ" and r["receipt_time"] <= now), None)}, "Pages")
                for page in self._pages_of(engagement["engagement_arn"])]
        return {"Pages": pages}

    def list_page_receipts(self, **params: Any) -> dict[str, Any]:
        """The receipts made by now in the kit's time (a responder's read comes when its delay has passed)."""
        with self.account.changed:
            now = self.mocks.now()
            made = [_answer("ListPageReceipts", r, "Receipts")
                    for r in self._receipts("ListPageReceipts", _snake(params)) if r["receipt_time"] <= now]
        return {"Receipts": made}

    def accept_page(self, **params: Any) -> dict[str, Any]:
        asked = _snake(params)
        with self.account.changed:
            receipts = self._receipts("AcceptPage", asked)
            channel = asked.get("contact_channel_id") or self._channel_arn(contact_alias(asked["page_id"]))
            receipts.append(_receipt(asked["accept_type"], self.mocks.now(), channel, asked.get("note")))
            self.account.changed.notify_all()
        return {}

    def get_contact_channel(self, **params: Any) -> dict[str, Any]:
        arn = _snake(params)["contact_channel_id"]
        alias = arn.split(":contact-channel/")[-1].split("/")[0]
        found = next((c for c in self._channels(alias) if c["contact_channel_arn"] == arn), None)
        return _answer("GetContactChannel", found or {
            "contact_channel_arn": arn, "contact_arn": self._contact_arn(alias), "name": f"{alias}-sms", "type": "SMS",
            "activation_status": "ACTIVATED"})

    def list_page_resolutions(self, **params: Any) -> dict[str, Any]:
        """How a page reached its person: the engaged contact, then the person (the plan's stage that reached them
        when the fixture declares it)."""
        with self.account.changed:
            page = self._page("ListPageResolutions", _snake(params))
            engaged = self.account.engagements[page["engagement_arn"]]["contact_arn"]
        person = page["contact_arn"]
        declared = self._declared(contact_alias(engaged))
        # Undeclared, the engaged contact is a plan when it paged someone else (IncidentManagerMocks.paged).
        kind = {EscalationPlan: "ESCALATION", OnCallSchedule: "ONCALL_SCHEDULE", Contact: "PERSONAL"}.get(
            type(declared), "PERSONAL" if person == engaged else "ESCALATION")
        stage = next((stage.stage_index for stage in self._plan(engaged).stages
                      if person in {c.contact_arn for c in stage.contacts}), None) if declared else None
        hops = [{"contact_arn": engaged, "type": kind, "stage_index": stage}]
        if person != engaged:
            hops.append({"contact_arn": person, "type": "PERSONAL", "stage_index": None})
        return {"PageResolutions": [_answer("ListPageResolutions", hop, "PageResolutions") for hop in hops]}

    # -- contacts, plans and rotations: the fixture ---------------------------------------------------------------

    def get_contact(self, **params: Any) -> dict[str, Any]:
        arn = _snake(params)["contact_id"]
        declared = self._declared(contact_alias(arn))
        if declared is None:
            raise _error("ResourceNotFoundException", "GetContact", f"no contact {arn} in these mocks")
        plan: dict[str, Any]
        if isinstance(declared, Contact):
            kind = "PERSONAL"
            targets = [{"ChannelTargetInfo": {"ContactChannelId": c["contact_channel_arn"]}}
                       for c in self._channels(declared.alias)]
            plan = {"Stages": [{"DurationInMinutes": 0, "Targets": targets}]}
        elif isinstance(declared, EscalationPlan):
            kind = "ESCALATION"
            plan = {"Stages": [{"DurationInMinutes": stage.minutes, "Targets": [
                {"ContactTargetInfo": _shaped("ContactTargetInfo", contact_id=self._contact_arn(alias),
                                              is_essential=stage.essential)}
                for alias in stage.contacts]} for stage in declared.stages]}
        else:
            kind = "ONCALL_SCHEDULE"
            plan = {"Stages": [], "RotationIds": [self._rotation_arn(r.name) for r in declared.rotations]}
        return _answer("GetContact", {"contact_arn": self._contact_arn(declared.alias), "alias": declared.alias,
                                      "display_name": declared.display_name, "type": kind, "plan": plan})

    def list_contact_channels(self, **params: Any) -> dict[str, Any]:
        arn = _snake(params)["contact_id"]
        if not isinstance(self._declared(contact_alias(arn)), Contact):
            raise _error("ResourceNotFoundException", "ListContactChannels", f"no contact {arn} in these mocks")
        listed = [_answer("ListContactChannels", c, "ContactChannels") for c in self._channels(contact_alias(arn))]
        return {"ContactChannels": listed}

    def get_rotation(self, **params: Any) -> dict[str, Any]:
        arn = _snake(params)["rotation_id"]
        rotation = self._rotation("GetRotation", arn)
        return _answer("GetRotation", {
            "rotation_arn": arn, "name": rotation.name, "start_time": rotation.start, "time_zone_id": "UTC",
            "contact_ids": [self._contact_arn(alias) for alias in rotation.contacts],
            "recurrence": {"NumberOfOnCalls": 1, "RecurrenceMultiplier": 1}})

    def list_rotation_shifts(self, **params: Any) -> dict[str, Any]:
        """The shifts overlapping [start_time, end_time): the rotation's contacts in turn, one per shift."""
        asked = _snake(params)
        rotation = self._rotation("ListRotationShifts", asked["rotation_id"])
        start, end = (_time(asked["start_time"]), _time(asked["end_time"]))
        shifts, index = [], max(0, (start - rotation.start) // rotation.shift)
        while rotation.contacts and rotation.start + index * rotation.shift < end:
            begins = rotation.start + index * rotation.shift
            shifts.append(_answer("ListRotationShifts", {
                "contact_ids": [self._contact_arn(rotation.contacts[index % len(rotation.contacts)])],
                "start_time": begins, "end_time": begins + rotation.shift, "type": "REGULAR"}, "RotationShifts"))
            index += 1
        return {"RotationShifts": shifts}

    # -- the machinery ------------------------------------------------------------------------------------------

    def get_paginator(self, operation: str) -> _Paginator:
        return _Paginator(getattr(self, operation))

    def __getattr__(self, operation: str) -> Any:
        def refuse(**_: Any) -> Any:
            raise _error("UnsupportedOperation", operation, f"the testing kit does not answer {operation}")

        return refuse

    def wait(self, seconds: float) -> None:
        """A provider's ``sleep``: the kit's time moves on by ``seconds`` at once, after a short real wait that an
        AcceptPage ends early (see :data:`REAL_SECONDS_PER_WAITED_SECOND`)."""
        with self.account.changed:
            if not self.account.ended:
                self.account.changed.wait(seconds * REAL_SECONDS_PER_WAITED_SECOND)
            self.account.waited += timedelta(seconds=seconds)

    @property
    def _prefix(self) -> str:
        return f"arn:aws:ssm-contacts:{self.mocks.region}:{self.mocks.account_id}"

    def _contact_arn(self, alias: str) -> str:
        return f"{self._prefix}:contact/{alias}"

    def _channel_arn(self, alias: str, kind: str | None = None) -> str:
        """A person's channel of type ``kind``; without one, the channel their pages go to."""
        kind = kind or next(iter(c["type"] for c in self._channels(alias)), "SMS")
        name = alias if kind == "SMS" else f"{alias}/{kind}"  # SMS keeps the ARN of kits without a fixture
        return f"{self._prefix}:contact-channel/{alias}/{uuid.uuid5(uuid.NAMESPACE_URL, name)}"

    def _rotation_arn(self, name: str) -> str:
        return f"{self._prefix}:rotation/{name}"

    def _declared(self, alias: str) -> Declared | None:
        return next((declared for declared in self.mocks.contacts if declared.alias == alias), None)

    def _channels(self, alias: str) -> list[dict[str, Any]]:
        """A declared person's channels, as ListContactChannels lists them (the first is the one pages go to)."""
        declared = self._declared(alias)
        if not isinstance(declared, Contact):
            return []
        status = "ACTIVATED" if declared.activated else "NOT_ACTIVATED"
        return [{"contact_channel_arn": self._channel_arn(alias, kind), "contact_arn": self._contact_arn(alias),
                 "name": f"{alias}-{kind.lower()}", "type": kind, "activation_status": status}
                for kind in declared.channels]

    def _rotation(self, operation: str, arn: str) -> Rotation:
        rotations = [r for d in self.mocks.contacts if isinstance(d, OnCallSchedule) for r in d.rotations]
        found = next((r for r in rotations if self._rotation_arn(r.name) == arn), None)
        if found is None:
            raise _error("ResourceNotFoundException", operation, f"no rotation {arn} in these mocks")
        return found

    def _plan(self, contact_arn: str) -> PagingPlan:
        """Who an engagement of ``contact_arn`` pages, now, by the package's own resolver on this client."""
        from .._functions import _PagingResolver  # the resolver who_would_be_paged runs, on the fixture

        return _PagingResolver(self, self.mocks.now()).plan(contact_arn)

    def _paged(self, contact_arn: str) -> list[str]:
        """The aliases an engagement of ``contact_arn`` pages (see the module's docstring)."""
        alias = contact_alias(contact_arn)
        if alias in self.mocks.paged:
            return list(self.mocks.paged[alias])
        if self._declared(alias) is not None:
            return self._plan(contact_arn).people
        return [alias]

    def _engage(self, arn: str, asked: dict[str, Any]) -> None:
        """Record the engagement and its pages: one per paged contact, sent and delivered at once."""
        started = self.mocks.now()
        self.account.engagements[arn] = {**asked, "engagement_arn": arn, "start_time": started}
        for person in self._paged(asked["contact_arn"]):
            page_arn = f"{self._prefix}:page/{person}/{uuid.uuid5(uuid.NAMESPACE_URL, arn + person)}"
            self.account.pages[page_arn] = {
                "page_arn": page_arn, "engagement_arn": arn, "contact_arn": self._contact_arn(person),
                "sender": asked.get("sender"), "incident_id": asked.get("incident_id"), "sent_time": started,
                "delivery_time": started,
            }
            channel = self._channel_arn(person)
            receipts = [_receipt("SENT", started, channel), _receipt("DELIVERED", started, channel)]
            answer = self.mocks.answers.get(person)
            if answer is not None:
                after = parse_duration(answer)
                if after is None:
                    raise ValueError(f"IncidentManagerMocks.answers[{person!r}] must be a duration such as 90s or "
                                     f"2m, not {answer!r}")
                receipts.append(_receipt("READ", started + after, channel))
            self.account.receipts[page_arn] = receipts

    def _engagement(self, operation: str, asked: dict[str, Any]) -> dict[str, Any]:
        found = self.account.engagements.get(asked["engagement_id"])
        if found is None:
            raise _error("ResourceNotFoundException", operation, f"no engagement {asked['engagement_id']} in these "
                         f"mocks")
        return found

    def _pages_of(self, engagement_arn: str) -> list[dict[str, Any]]:
        return [page for page in self.account.pages.values() if page["engagement_arn"] == engagement_arn]

    def _page(self, operation: str, asked: dict[str, Any]) -> dict[str, Any]:
        found = self.account.pages.get(asked["page_id"])
        if found is None:
            raise _error("ResourceNotFoundException", operation, f"no page {asked['page_id']} in these mocks")
        return found

    def _receipts(self, operation: str, asked: dict[str, Any]) -> list[dict[str, Any]]:
        found = self.account.receipts.get(asked["page_id"])
        if found is None:
            raise _error("ResourceNotFoundException", operation, f"no page {asked['page_id']} in these mocks")
        return found


@dataclass(frozen=True)
class _Paginator:
    operation: Callable[..., dict[str, Any]]

    def paginate(self, **params: Any) -> list[dict[str, Any]]:
        return [self.operation(**params)]  # one page of answers: the mocks hold few


def _receipt(kind: str, moment: datetime, channel: str | None, info: str | None = None) -> dict[str, Any]:
    return {"receipt_type": kind, "receipt_time": moment, "contact_channel_arn": channel, "receipt_info": info}


def _time(value: str | datetime) -> datetime:
    """A time parameter as boto3 takes it (ISO 8601 text or a datetime), in UTC."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _snake(params: Mapping[str, Any]) -> dict[str, Any]:
    """A call's parameters by their snake_case names, as boto3 and the AWS layer name them."""
    return {xform_name(member): value for member, value in params.items()}


@functools.cache
def _spelled(operation: str, listed: str | None) -> dict[str, str]:
    shape = service_model().operation_model(operation).output_shape
    shape = shape.members[listed].member if listed else shape
    return {xform_name(member): member for member in shape.members}


def _answer(operation: str, values: Mapping[str, Any], listed: str | None = None) -> dict[str, Any]:
    """``values`` (snake_case) as ``operation`` answers them, or as an item of its ``listed`` member, spelled as the
    service model spells them: the mirror of the AWS layer's parsers. Unset members are left out, as AWS does."""
    spelled = _spelled(operation, listed)
    return {spelled[name]: value for name, value in values.items() if name in spelled and value is not None}


def _shaped(shape: str, **values: Any) -> dict[str, Any]:
    """``values`` (snake_case) as a member of the service model's ``shape``, spelled as the model spells them."""
    spelled = {xform_name(member): member for member in service_model().shape_for(shape).members}
    return {spelled[name]: value for name, value in values.items() if value is not None}


def _error(code: str, operation: str, message: str) -> botocore.exceptions.ClientError:
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": message}}, operation)
