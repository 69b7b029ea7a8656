"""Functions that call ssm-contacts from the program itself: ``accept_page``, ``get_engagement``, ``list_pages``,
``who_would_be_paged``.

Dynamic providers cannot serve functions (no Invoke), so these run in the program's process, with the same
settings the provider reads: ``aws:region``, ``aws:profile``, ``incident-manager:endpoint`` or the AWS environment.
Each has an ``_output`` form that takes Inputs and returns an Output.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pulumi
import pulumi.runtime

from incident_manager_provider import api, aws
from incident_manager_provider.errors import IncidentManagerError, InvalidInputError, NotFoundError
from incident_manager_provider.page_acceptance import ACCEPT_PAGE_MEMBERS, SECRET_PROPERTIES, accept_page_params
from incident_manager_provider.records import engagement_outputs, page_outputs
from incident_manager_provider.schema import ENGAGEMENT
from incident_manager_provider.validation import excerpt, validate

from ._generated import GetEngagementResult as GetEngagementResult  # the results, generated from the records
from ._generated import Page as Page


@dataclass(frozen=True)
class AcceptPageResult:
    """What :func:`accept_page` did."""

    page_id: str
    """The page."""
    accept_type: str
    """``READ`` or ``DELIVERED``."""
    acknowledged: bool
    """False during a preview, which acknowledges nothing."""
    already: bool = False
    """True when the page already had a receipt of this type, so nothing was sent (``pulumi up`` run again)."""


def stack_settings() -> aws.AwsSettings:
    """The AWS settings from the running stack's config (all unset outside a Pulumi program)."""

    def get(key: str) -> str | None:
        namespace, name = key.split(":", 1)
        return pulumi.Config(namespace).get(name)

    return aws.AwsSettings.from_config(get)


def program_client(function: str, arn: str, operation: str, settings: aws.AwsSettings | None = None) -> Any:
    """The ssm-contacts client for ``function``'s first call (``operation``). Under ``pulumi.runtime.set_mocks`` a
    test never reaches AWS, whatever credentials the environment holds: an :class:`IncidentManagerMocks` answers
    from its in-memory account, and other mocks stop the test with a sentence saying how to give the function its
    answers."""
    mocks = _program_mocks()
    if mocks is None or aws.overridden() is not None:
        return aws.client(settings or stack_settings(), arn=arn, operation=operation)
    from .testing import IncidentManagerMocks  # the kit (and pulumi_policy) only for tests under mocks

    if isinstance(mocks, IncidentManagerMocks):
        return mocks.client()
    raise IncidentManagerError(
        f"{function} was called under pulumi.runtime.set_mocks with mocks that cannot answer it, and a test must not "
        f"call AWS; pass an IncidentManagerMocks (pulumi_incident_manager.testing) to set_mocks, or run the test "
        f"inside `with IncidentManagerMocks().in_place_of_aws():`.",
        operation=operation,
    )


def _program_mocks() -> Any | None:
    """The mocks of ``pulumi.runtime.set_mocks`` when a program runs under them, else None. The runtime keeps its
    mocks after a test, so a plain call (no event loop running: not in a program) is not under them."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return None
    return getattr(pulumi.runtime.settings.get_monitor(), "mocks", None)


def accept_page(
    page_id: str,
    accept_code: str,
    accept_type: str = "READ",
    contact_channel_id: str | None = None,
    note: str | None = None,
    accept_code_validation: str = "ENFORCE",
) -> AcceptPageResult:
    """Acknowledge a page with AcceptPage, once: a page that already has a receipt of ``accept_type`` is left as
    it is (so a program calling this on every ``pulumi up`` acknowledges once). During a preview, acknowledge
    nothing."""
    props = {
        "page_id": page_id,
        "accept_code": accept_code,
        "accept_type": accept_type,
        "contact_channel_id": contact_channel_id,
        "note": note,
        "accept_code_validation": accept_code_validation,
    }
    failures = validate("AcceptPage", props, ACCEPT_PAGE_MEMBERS, secret=SECRET_PROPERTIES)
    if failures:
        raise InvalidInputError("; ".join(failure.reason for failure in failures), operation="AcceptPage")
    if pulumi.runtime.is_dry_run():
        return AcceptPageResult(page_id, accept_type, acknowledged=False)
    client = program_client("accept_page", page_id, "AcceptPage")
    if accept_type in {receipt.type for receipt in api.list_receipts(client, page_id)}:
        return AcceptPageResult(page_id, accept_type, acknowledged=True, already=True)
    api.accept_page(client, accept_page_params(props), [accept_code])
    return AcceptPageResult(page_id, accept_type, acknowledged=True)


def accept_page_output(
    page_id: pulumi.Input[str],
    accept_code: pulumi.Input[str],
    accept_type: pulumi.Input[str] = "READ",
    contact_channel_id: pulumi.Input[str | None] = None,
    note: pulumi.Input[str | None] = None,
    accept_code_validation: pulumi.Input[str] = "ENFORCE",
) -> pulumi.Output[AcceptPageResult]:
    """:func:`accept_page` once its inputs are known; nothing is acknowledged during a preview."""
    values = pulumi.Output.all(
        page_id, accept_code, accept_type, contact_channel_id, note, accept_code_validation
    )
    return values.apply(lambda args: accept_page(*args))


def get_engagement(arn: str) -> GetEngagementResult:
    """DescribeEngagement; :class:`NotFoundError` (one sentence) if there is no such engagement."""
    live = api.get_engagement(program_client("get_engagement", arn, "DescribeEngagement"), arn)
    return GetEngagementResult(**engagement_outputs(live))


def get_engagement_output(arn: pulumi.Input[str]) -> pulumi.Output[GetEngagementResult]:
    """:func:`get_engagement` as an Output, secret because it carries the message."""
    return pulumi.Output.secret(pulumi.Output.from_input(arn).apply(get_engagement))


def list_pages(engagement_id: str) -> list[Page]:
    """Every page of an engagement, oldest first as AWS lists them, following NextToken."""
    client = program_client("list_pages", engagement_id, "ListPagesByEngagement")
    return [Page(**page_outputs(page)) for page in api.list_pages(client, engagement_id)]


def list_pages_output(engagement_id: pulumi.Input[str]) -> pulumi.Output[list[Page]]:
    """:func:`list_pages` as an Output."""
    return pulumi.Output.from_input(engagement_id).apply(list_pages)


@dataclass(frozen=True)
class PagedChannel:
    """A contact channel that a person's own engagement plan pages."""

    channel_arn: str
    name: str
    """e.g. ``alice-oncall-sms``."""
    type: str | None
    """``SMS``, ``VOICE`` or ``EMAIL``."""
    activated: bool
    """AWS pages only ACTIVATED channels: False means this one would be skipped."""
    after_minutes: int
    """Minutes after the engagement starts that this channel is paged (escalation and personal stages added up)."""
    retry_interval_in_minutes: int | None
    """Wait before a failed send is retried, if the plan sets one."""


@dataclass(frozen=True)
class PagedContact:
    """A person who would be paged, and on which channels."""

    contact_arn: str
    alias: str
    display_name: str | None
    essential: bool | None
    """IsEssential of the escalation target that reaches them (their acknowledgement stops the plan); None when no
    escalation plan leads to them."""
    via: list[str]
    """Aliases of the plans and on-call schedules between the engaged contact and this person, outermost first."""
    rotation: str | None
    """The rotation that has them on call at :attr:`PagingPlan.at`, when an on-call schedule leads to them."""
    channels: list[PagedChannel]
    """In the order their plan pages them."""


@dataclass(frozen=True)
class PagingStage:
    """One stage of an escalation plan (a contact or on-call schedule has just one)."""

    stage_index: int
    """0 for the first, as ListPageResolutions' StageIndex counts."""
    starts_after_minutes: int
    """Minutes from the engagement's start to this stage."""
    duration_in_minutes: int
    """DurationInMinutes: how long this stage waits for an acknowledgement before the next one pages."""
    contacts: list[PagedContact]
    """Empty when nobody is on call, or the stage targets nobody who can be paged."""
    unreachable: list[str] = field(default_factory=list)
    """ARNs of deleted contacts this stage (or a plan it reaches) still names: AWS keeps them in escalation plans
    but they are no longer reachable, so nobody is paged through them."""


@dataclass(frozen=True)
class PagingPlan:
    """Who an engagement of a contact, escalation plan or on-call schedule would page, stage by stage."""

    contact_arn: str
    alias: str
    type: str
    """``PERSONAL``, ``ESCALATION`` or ``ONCALL_SCHEDULE``."""
    at: str
    """The moment on-call schedules were resolved for (ISO 8601, UTC)."""
    stages: list[PagingStage]

    @property
    def people(self) -> list[str]:
        """The aliases of everyone who would be paged, in stage order, each once."""
        return list(dict.fromkeys(contact.alias for stage in self.stages for contact in stage.contacts))

    def to_text(self) -> str:
        """One line for the contact and one per stage, e.g. for ``pulumi.log.info``."""
        lines = [f"{self.alias} ({self.type}) would page, at {self.at}:"]
        for stage in self.stages:
            lasts = f", waits {stage.duration_in_minutes} min" if stage.duration_in_minutes else ""
            people = "; ".join(_paged_text(contact, stage.starts_after_minutes) for contact in stage.contacts)
            gone = [arn.rsplit("/", 1)[-1] for arn in stage.unreachable]
            deleted = f" ({', '.join(gone)} {'was' if len(gone) == 1 else 'were'} deleted: not reachable)" \
                if gone else ""
            lines.append(f"  stage {stage.stage_index + 1} (+{stage.starts_after_minutes} min{lasts}): "
                         f"{people or 'nobody'}{deleted}")
        return "\n".join(lines)


def _paged_text(contact: PagedContact, stage_start: int) -> str:
    def channel(paged: PagedChannel) -> str:
        later = f" +{paged.after_minutes} min" if paged.after_minutes != stage_start else ""
        return f"{paged.type or paged.name}{later}{'' if paged.activated else ' [not activated]'}"

    path = "/".join([*contact.via, *([contact.rotation] if contact.rotation else [])])
    through = f" via {path}" if path else ""
    return f"{contact.alias}{through} ({', '.join(map(channel, contact.channels)) or 'no channel'})"


def who_would_be_paged(contact_id: str, at: str | datetime | None = None) -> PagingPlan:
    """Who engaging ``contact_id`` (a contact, escalation plan or on-call schedule ARN) would page: stages ->
    contacts -> channels, with on-call schedules resolved to whoever is on call at ``at`` (ISO 8601 or a
    datetime; without a time zone, UTC; default now).

    Only reads (GetContact, ListContactChannels, GetRotation, ListRotationShifts), so it runs during a preview
    too. Plans are followed the way Incident Manager pages: an escalation stage's contacts are paged through their
    own plans, an on-call schedule pages everyone on call in any of its rotations once, and a contact reached twice
    by a looping plan is paged once. A deleted contact that a plan still names (AWS keeps it there) is not
    reachable: nobody is paged through it, and its stage lists it in ``unreachable``. Failures raise
    :class:`IncidentManagerError` with one sentence (:class:`NotFoundError` when ``contact_id`` itself is gone).
    """
    return paging_plan(stack_settings(), contact_id, at)


def paging_plan(settings: aws.AwsSettings, contact_id: str, at: str | datetime | None = None) -> PagingPlan:
    """:func:`who_would_be_paged` with the settings given: what every front (the OpenTofu provider's
    ``incidentmanager_who_would_be_paged`` too) reads a paging plan through."""
    failures = validate("GetContact", {"contact_id": contact_id}, {"contact_id": ENGAGEMENT.members()["contact_id"]})
    if failures:
        raise InvalidInputError(failures[0].reason, operation="GetContact")
    moment = _moment(at)
    client = program_client("who_would_be_paged", contact_id, "GetContact", settings)
    return _PagingResolver(client, moment).plan(contact_id)


def who_would_be_paged_output(
    contact_id: pulumi.Input[str], at: pulumi.Input[str | None] = None
) -> pulumi.Output[PagingPlan]:
    """:func:`who_would_be_paged` once its inputs are known (a preview included: it only reads)."""
    return pulumi.Output.all(contact_id, at).apply(lambda args: who_would_be_paged(*args))


def _moment(at: str | datetime | None) -> datetime:
    if at is None:
        return datetime.now(UTC).replace(microsecond=0)
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at)
        except ValueError:
            raise InvalidInputError(
                f"at must be an ISO 8601 time such as 2026-11-23T09:00:00Z, not {excerpt(str(at))}",
                operation="ListRotationShifts",
            ) from None
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)


class _PagingResolver:
    """Follows one contact's plan through escalation stages and on-call schedules, each contact read once."""

    def __init__(self, client: Any, at: datetime) -> None:
        self.client = client
        self.at = at
        self.contacts: dict[str, api.ContactRecord] = {}
        self.channels: dict[str, dict[str, api.ContactChannelRecord]] = {}
        self.unreachable: list[str] = []
        """Deleted contacts met while resolving the current stage (plans keep naming a deleted contact)."""

    def contact(self, arn: str) -> api.ContactRecord:
        if arn not in self.contacts:
            self.contacts[arn] = api.get_contact(self.client, arn)
        return self.contacts[arn]

    def reachable(self, arn: str) -> api.ContactRecord | None:
        """A contact a plan or a rotation names; None, noted as unreachable, if it was deleted since."""
        try:
            return self.contact(arn)
        except NotFoundError:
            if arn not in self.unreachable:
                self.unreachable.append(arn)
            return None

    def plan(self, arn: str) -> PagingPlan:
        root = self.contact(arn)
        seen = frozenset({root.contact_arn})
        if root.type != "ESCALATION":
            people = self.people(root, 0, None, [], seen)
            stages = [PagingStage(0, 0, 0, people, self.taken_unreachable())]
        else:
            stages, elapsed = [], 0
            for index, stage in enumerate(root.stages):
                duration = stage.duration_in_minutes or 0
                people = self.stage(root, stage, elapsed, [], seen)
                stages.append(PagingStage(index, elapsed, duration, people, self.taken_unreachable()))
                elapsed += duration
        return PagingPlan(root.contact_arn, root.alias, root.type, self.at.isoformat(), stages)

    def taken_unreachable(self) -> list[str]:
        taken, self.unreachable = self.unreachable, []
        return taken

    def stage(
        self, owner: api.ContactRecord, stage: api.StageRecord, elapsed: int, via: list[str], seen: frozenset[str]
    ) -> list[PagedContact]:
        """The people one stage of ``owner``'s plan pages, ``elapsed`` minutes into the engagement: ``owner`` on the
        channels it targets, then everyone reached through the contacts it targets (a contact already on this path
        is not paged again: a looping plan pages each once)."""
        channels = self.channel_targets(owner, stage, elapsed)
        out = [PagedContact(owner.contact_arn, owner.alias, owner.display_name, None, via, None, channels)] \
            if channels else []
        for target in stage.target_records:
            if target.contact_id and target.contact_id not in seen:
                member = self.reachable(target.contact_id)
                if member is not None:
                    out += self.people(member, elapsed, bool(target.is_essential), via, seen | {member.contact_arn})
        return out

    def people(
        self, contact: api.ContactRecord, offset: int, essential: bool | None, via: list[str], seen: frozenset[str],
        rotation: str | None = None,
    ) -> list[PagedContact]:
        """Everyone engaging ``contact`` pages, its plan starting ``offset`` minutes into the engagement."""
        if contact.type == "ONCALL_SCHEDULE":
            found: dict[str, PagedContact] = {}  # on call in two rotations of one schedule: paged once
            for rotation_arn in contact.rotation_ids:
                name = api.get_rotation(self.client, rotation_arn).name
                for member_arn in self.on_call(rotation_arn):
                    if member_arn in seen or member_arn in found:
                        continue
                    member = self.reachable(member_arn)  # an override may name a contact deleted since
                    if member is None:
                        continue
                    for person in self.people(member, offset, essential, [*via, contact.alias],
                                              seen | {member_arn}, name):
                        found.setdefault(person.contact_arn, person)
            return list(found.values())
        own: list[PagedChannel] = []
        reached: list[PagedContact] = []
        inner = via if contact.type == "PERSONAL" else [*via, contact.alias]
        elapsed = offset
        for stage in contact.stages:
            for person in self.stage(contact, stage, elapsed, inner, seen):
                if person.contact_arn == contact.contact_arn:
                    own += person.channels
                else:
                    reached.append(person)
            elapsed += stage.duration_in_minutes or 0
        if contact.type == "PERSONAL" or own:
            return [PagedContact(contact.contact_arn, contact.alias, contact.display_name, essential, via, rotation,
                                 own), *reached]
        return reached

    def channel_targets(self, owner: api.ContactRecord, stage: api.StageRecord, elapsed: int) -> list[PagedChannel]:
        """The channels of ``owner`` that one stage of its plan targets (their names and types from
        ListContactChannels, read once per contact and only if a plan targets its channels)."""
        targets = [target for target in stage.target_records if target.contact_channel_id]
        if targets and owner.contact_arn not in self.channels:
            listed = api.list_contact_channels(self.client, owner.contact_arn)
            self.channels[owner.contact_arn] = {channel.contact_channel_arn: channel for channel in listed}
        out = []
        for target in targets:
            arn = target.contact_channel_id or ""
            channel = self.channels[owner.contact_arn].get(arn)
            out.append(PagedChannel(
                arn,
                channel.name if channel else arn.rsplit("/", 1)[-1],
                channel.type if channel else None,
                channel is not None and channel.activated,
                elapsed,
                target.retry_interval_in_minutes,
            ))
        return out

    def on_call(self, rotation_arn: str) -> list[str]:
        """Who is on call in the rotation at ``at``: the shift that covers that moment (overrides included)."""
        shifts = api.list_rotation_shifts(self.client, rotation_arn, self.at, self.at + timedelta(minutes=1))
        return next((list(shift.contact_ids or []) for shift in shifts if shift.covers(self.at)), [])
