"""The mocks: ``pulumi.runtime.set_mocks`` answered by the package's real providers, run against the in-memory
ssm-contacts of :mod:`.client`, and every registered resource recorded."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pulumi
import pulumi.runtime
from pulumi.dynamic import ResourceProvider
from pulumi.output import UNKNOWN
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret, wrap_rpc_secret
from pulumi_policy import Policy

import incident_manager_provider
from incident_manager_provider import aws
from incident_manager_provider.errors import InvalidInputError
from incident_manager_provider.schema import TOKEN_KEY, Resource, dynamic_type
from incident_manager_provider.validation import is_unknown

from .. import _functions
from .._generated import Page
from ..policies import ENGAGEMENT_TYPE, PACK_POLICIES, PAGE_ACCEPTANCE_TYPE, PLUGIN_TYPES
from .client import Account, Declared, MockClient
from .policy import PolicyViolation, policy_violations, resource_urn

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "123456789012"

PROVIDERS: dict[str, tuple[Resource, Callable[[], ResourceProvider]]] = {
    dynamic_type(resource): (resource, factory) for resource, factory in incident_manager_provider.PROVIDERS
}
"""The dynamic type token of each resource -> its declaration and the provider the engine would run."""


@dataclass(frozen=True)
class RecordedResource:
    """A resource the program registered, with what the mocks answered."""

    urn: str
    type: str
    name: str
    inputs: Mapping[str, Any]
    """The inputs, secrets unwrapped, without the serialized ``__provider``."""
    outputs: Mapping[str, Any]
    """What the provider answered, secrets unwrapped (the program sees the secret ones marked secret)."""
    id: str
    secrets: frozenset[str] = frozenset()
    """The outputs the program sees marked secret (``Output.is_secret()``), as the engine encrypts them in state:
    the schema's secret fields and every input given as a secret."""
    property_dependencies: Mapping[str, tuple[str, ...]] | None = None
    """Input -> the URNs of the resources its value came from, as the engine hands them to stack policies (recorded
    when the program runs through :func:`~.program.run_program`, which installs :class:`RecordingMonitor`)."""


@dataclass
class IncidentManagerMocks(pulumi.runtime.Mocks):
    """Mocks for ``pulumi.runtime.set_mocks`` that run the package's providers, as the engine would, against an
    in-memory ssm-contacts (:class:`MockClient`), and record.

    Each resource of the package is checked, then created (during a preview, only checked), by its real provider:
    an engagement gets the ARN ``arn:aws:ssm-contacts:<region>:<account>:engagement/<alias>/<uuid>`` (the uuid
    follows from the idempotency token, as one token names one engagement), the token the provider mints, its
    ``contact_arn`` and a ``start_time`` from ``clock``; a ``stop_when`` engagement waits for its verdict and stops;
    a page acceptance acknowledges a page the engagement sent; an expectation waits for its verdict. Waits run in
    the kit's time (``clock`` plus what the waits lasted), a few milliseconds of real time each. The secret fields
    (message text, accept codes, keys) and any input given as a secret come back marked secret. Other resources get
    ``<name>-id`` and their inputs.
    """

    project: str = "project"
    """The project given to ``set_mocks``: resource handlers run on threads that cannot see it."""
    stack: str = "stack"
    """The stack given to ``set_mocks``; it is what the policies check drills against."""
    region: str = DEFAULT_REGION
    account_id: str = DEFAULT_ACCOUNT_ID
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    """Where the kit's time starts (``start_time``, ``accepted_at``...); pass a fixed time for outputs that never
    change."""
    preview: bool = False
    """The ``preview`` given to ``set_mocks`` (:func:`run_program` sets it): during a preview the providers only
    check, as the engine's do, and outputs they would compute stay unknown."""
    token_key: str = "0" * 64
    """The stack's token key the mocks answer for the ``TokenKey`` resource; tokens are minted with it."""
    contacts: Sequence[Declared] = ()
    r"""The account's contacts, escalation plans and on-call schedules (:class:`Contact`, :class:`EscalationPlan`,
    :class:`OnCallSchedule` with its :class:`Rotation`\ s): what ``who_would_be_paged`` reads, and who an engagement
    of one pages (everyone its plan reaches, at once). A contact not declared is not found, as on AWS, though it can
    still be engaged (it pages itself)."""
    paged: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Contact alias -> aliases its engagement pages, in place of what :attr:`contacts` says; a contact in neither
    pages itself.

    ``list_pages``/``list_pages_output`` answer from it: one page per paged contact."""
    answers: Mapping[str, str] = field(default_factory=dict)
    """Contact alias -> how long after their page they read it (``"2m"``), as the emulator's simulated responders
    do: what a drill's expectation (or an Engagement's ``stop_when``) sees. Nobody else acknowledges, unless the
    program does (a PageAcceptance)."""
    resources: list[RecordedResource] = field(default_factory=list)
    """Every resource registered, in order."""
    account: Account = field(default_factory=Account, repr=False, compare=False)
    """What the in-memory ssm-contacts holds (engagements, pages, receipts)."""

    @property
    def engagements(self) -> list[RecordedResource]:
        return [resource for resource in self.resources if resource.type == ENGAGEMENT_TYPE]

    @property
    def page_acceptances(self) -> list[RecordedResource]:
        return [resource for resource in self.resources if resource.type == PAGE_ACCEPTANCE_TYPE]

    def now(self) -> datetime:
        """The kit's time: ``clock()`` moved on by the providers' waits."""
        return self.clock() + self.account.waited

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        inputs = {key: _plain(value) for key, value in args.inputs.items() if key != "__provider"}
        given_secret = {key for key, value in args.inputs.items() if is_rpc_secret(value)}
        resource = PLUGIN_TYPES.get(args.typ)
        if resource is not None:
            # A resource of the provider plugin (its generated SDKs): answered as the dynamic one, in camelCase.
            dynamic = pulumi.runtime.MockResourceArgs(
                dynamic_type(resource), args.name, resource.in_snake_case(args.inputs), args.provider,
                args.resource_id, args.custom,
            )
            id_, outputs = self.new_resource(dynamic)
            self.resources[-1] = dataclasses.replace(self.resources[-1], type=args.typ)
            return id_, resource.in_camel_case(outputs)
        declared, secrets = None, given_secret
        if args.typ in PROVIDERS:
            declared, factory = PROVIDERS[args.typ]
            id_, outputs = self._provide(factory(), declared, inputs, args.resource_id)
            secrets = given_secret | set(declared.secrets)
        else:
            id_, outputs = f"{args.name}-id", dict(inputs)
        urn = resource_urn(self.stack, self.project, args.typ, args.name)
        marked = {key: wrap_rpc_secret(value) if key in secrets else value for key, value in outputs.items()}
        shown = frozenset(key for key in outputs if key in secrets)
        self.resources.append(RecordedResource(urn, args.typ, args.name, inputs, outputs, id_ or "", shown))
        return id_, marked

    def _provide(
        self, provider: ResourceProvider, declared: Resource, inputs: dict[str, Any], resource_id: str | None
    ) -> tuple[str | None, dict[str, Any]]:
        """What the engine would do with ``provider``: read an engagement given by id, else check, then create
        (only check during a preview, whose outputs stay unknown)."""
        try:
            return self._engine_steps(provider, declared, inputs, resource_id)
        except Exception:
            if self.account.ended:
                return None, {}  # a wait that outlived a failed program: nothing awaits it, and it must not log
            raise

    def _engine_steps(
        self, provider: ResourceProvider, declared: Resource, inputs: dict[str, Any], resource_id: str | None
    ) -> tuple[str | None, dict[str, Any]]:
        client = self.client()
        for hook, value in (("clock", self.now), ("sleep", client.wait)):
            if hasattr(provider, hook):
                setattr(provider, hook, value)  # the waits run in the kit's time
        with aws.client_override(client):
            if resource_id:
                client.adopt(resource_id)
                read = provider.read(resource_id, inputs)
                return read.id, dict(read.outs or {})
            if self.preview:
                # Mocks cannot tell an unknown input (an engagement's arn) from one not given: during a preview, a
                # required input not given is taken as not known yet, as the engine's check would see it.
                unset = {f.name: UNKNOWN for f in declared.inputs if f.required and inputs.get(f.name) is None}
                inputs = {**inputs, **unset}
            checked = provider.check({}, inputs)
            if checked.failures:
                reasons = "; ".join(failure.reason for failure in checked.failures)
                raise InvalidInputError(f"{declared.name} inputs are not valid: {reasons}")
            if self.preview and declared is not TOKEN_KEY:  # the stack's key is known: tokens are minted with it
                return None, {key: value for key, value in (checked.inputs or {}).items() if not is_unknown(value)}
            created = provider.create(checked.inputs or {})
        outputs = dict(created.outs or {})
        if declared is TOKEN_KEY:
            outputs["key"] = self.token_key  # the stack's key, so that tests know what tokens are minted with
        return created.id, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, None

    def policy_violations(
        self, pack_config: Mapping[str, Any] | None = None, policies: Iterable[Policy] = PACK_POLICIES
    ) -> list[PolicyViolation]:
        """Run the policies over the stack the program registered, the stack policies included, as
        :func:`~.policy.policy_violations` does (``pack_config`` is checked as the CLI checks it)."""
        return policy_violations(self.resources, pack_config, policies)

    def list_pages(self, engagement_id: str) -> list[Page]:
        """The pages a recorded engagement sent, as ``pulumi_incident_manager.list_pages`` returns them."""
        with self.in_place_of_aws():
            return _functions.list_pages(engagement_id)

    def client(self) -> MockClient:
        """An ssm-contacts client that answers from these mocks' in-memory account (see :class:`MockClient`)."""
        return MockClient(self)

    def in_place_of_aws(self) -> AbstractContextManager[None]:
        """Within the block, every ssm-contacts client the package asks for is :meth:`client`: the package's
        functions answer from these mocks and make no AWS call (:func:`run_program` runs programs in it)."""
        return aws.client_override(self.client())


def _plain(value: Any) -> Any:
    """The value with Pulumi's secret wrappers removed, at any depth."""
    value = unwrap_rpc_secret(value) if is_rpc_secret(value) else value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


class RecordingMonitor(pulumi.runtime.mocks.MockMonitor):
    """The mocks' resource monitor, which also records each registration's property dependencies: a preview knows
    no ARN, so only these tell a stack policy (``drill-expectations``) which engagement an expectation covers."""

    def __init__(self, mocks: IncidentManagerMocks, preview: bool) -> None:
        super().__init__(mocks)
        self.recorder, self.preview = mocks, preview

    def RegisterResource(self, request: Any) -> Any:
        # The runtime calls the monitor from its thread pool, whose threads keep the settings of the run that made
        # them (a context variable each): an earlier run's `preview=False` would drop this run's unknown inputs.
        pulumi.runtime.settings.SETTINGS.dry_run = self.preview
        answer = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        # The mock monitor's URNs carry the parent's type and its own stack name: match records by type and name.
        recorded = {_type_and_name(resource.urn): index for index, resource in enumerate(self.recorder.resources)}
        resources = self.recorder.resources
        if (index := recorded.get(_type_and_name(answer.urn))) is not None:
            dependencies = {
                key: tuple(resources[recorded[source]].urn for source in map(_type_and_name, deps.urns)
                           if source in recorded)
                for key, deps in request.propertyDependencies.items()
            }
            resources[index] = dataclasses.replace(resources[index], property_dependencies=dependencies)
        return answer


def _type_and_name(urn: str) -> tuple[str, str]:
    """``urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>`` -> (type, name)."""
    qualified_type, name = urn.split("::", 2)[2].split("::", 1)
    return qualified_type.split("$")[-1], name
