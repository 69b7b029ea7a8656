"""A testing kit for programs that page people: run them, and the policies that guard them, with no AWS and no CLI.

- :class:`IncidentManagerMocks` answers ``Engagement`` and ``PageAcceptance`` for ``pulumi.runtime.set_mocks``
  the way the provider would (ARNs with region and account, the derived idempotency token, a start time) and
  records what the program asked for; its :class:`MockClient`, put in place of AWS with
  ``incident_manager_provider.aws.client_override``, answers the package's functions (``list_pages``, ...).
- :func:`run_program` runs a Pulumi program file under those mocks with a stack's config.
- :func:`run_policy` and :func:`check_resource` run the pack's policies (or your own) against a resource's
  properties, with your policy config, as ``pulumi preview --policy-pack`` would.

For integration tests against the offline ssm-contacts endpoint, use the ``ssm_contacts_emulator`` pytest fixture.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import inspect
import json
import runpy
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import botocore.exceptions
import pulumi
import pulumi.runtime
import yaml
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from incident_manager_provider import aws
from incident_manager_provider.api import EngagementRecord, PageRecord
from incident_manager_provider.schema import ENGAGEMENT, PAGE_ACCEPTANCE, dynamic_type
from incident_manager_provider.tokens import mint_idempotency_token

from . import _functions
from ._functions import Page
from .policies import (
    ENGAGEMENT_TYPE,
    PAGE_ACCEPTANCE_TYPE,
    PLUGIN_TYPES,
    POLICIES,
    POLICY_PACK_NAME,
    TOKEN_KEY_TYPE,
    UNKNOWN,
    UnknownValueError,
    analyzed_props,
    contact_alias,
)

__all__ = [
    "UNKNOWN",
    "IncidentManagerMocks",
    "MockClient",
    "PolicyViolation",
    "RecordedResource",
    "check_resource",
    "load_policy_config",
    "load_stack_config",
    "resource_urn",
    "run_policy",
    "run_program",
]

# UNKNOWN (re-exported from policies): a property value that is not known yet, as policies see a computed input
# during ``pulumi preview``.

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "123456789012"


# ---------------------------------------------------------------------------------------------------------
# Policies


@dataclass(frozen=True)
class PolicyViolation:
    """One violation, as the CLI would print it under the resource."""

    policy: str
    """The policy's name (the key of its section in the policy config)."""
    enforcement_level: EnforcementLevel
    """MANDATORY fails ``pulumi preview``/``up``; ADVISORY only warns."""
    message: str
    """The policy's own message (the CLI prints the policy's description above it)."""
    urn: str
    """The resource the violation is about."""


def resource_urn(stack: str, project: str, resource_type: str, name: str) -> str:
    """The URN the engine gives a top-level resource; policies read the stack name from it."""
    return f"urn:pulumi:{stack}::{project}::{resource_type}::{name}"


def load_policy_config(path: str | Path) -> dict[str, Any]:
    """Read a file for ``pulumi preview --policy-pack-config`` (JSON: policy name -> level or settings)."""
    config: dict[str, Any] = json.loads(Path(path).read_text())
    return config


def run_policy(
    policy: ResourceValidationPolicy,
    props: Mapping[str, Any],
    *,
    config: Mapping[str, Any] | None = None,
    resource_type: str = ENGAGEMENT_TYPE,
    name: str = "engagement",
    stack: str = "dev",
    project: str = "project",
) -> list[str]:
    """The messages ``policy`` reports for one resource with these input ``props``.

    ``config`` is the policy's own section of the policy config (``enforcementLevel`` is ignored here).
    Use :data:`UNKNOWN` for a value not known during preview: a policy that reads it reports that it cannot
    run, as the CLI does.
    """
    urn = resource_urn(stack, project, resource_type, name)
    return [violation.message for violation in _validate(policy, props, config or {}, resource_type, name, urn)]


def check_resource(
    props: Mapping[str, Any],
    *,
    pack_config: Mapping[str, Any] | None = None,
    resource_type: str = ENGAGEMENT_TYPE,
    name: str = "engagement",
    stack: str = "dev",
    project: str = "project",
    policies: Iterable[ResourceValidationPolicy] = POLICIES,
) -> list[PolicyViolation]:
    """Every violation the pack reports for one resource, honouring ``pack_config`` as the CLI would.

    ``pack_config`` has the shape of a ``--policy-pack-config`` file (see :func:`load_policy_config`): per
    policy an enforcement level (``"advisory"``, ``"mandatory"``, ``"disabled"``) or an object of settings
    with an optional ``enforcementLevel``; the key ``"all"`` sets the level of every policy.
    """
    pack_config = pack_config or {}
    urn = resource_urn(stack, project, resource_type, name)
    violations: list[PolicyViolation] = []
    for policy in policies:
        level, settings = _policy_config(policy, pack_config)
        if level is EnforcementLevel.DISABLED:
            continue
        for violation in _validate(policy, props, settings, resource_type, name, urn):
            downgraded = violation.enforcement_level is EnforcementLevel.ADVISORY
            violations.append(
                PolicyViolation(policy.name, EnforcementLevel.ADVISORY if downgraded else level, violation.message, urn)
            )
    return violations


def _policy_config(
    policy: ResourceValidationPolicy, pack_config: Mapping[str, Any]
) -> tuple[EnforcementLevel, Mapping[str, Any]]:
    section = pack_config.get(policy.name, {})
    if isinstance(section, str):
        section = {"enforcementLevel": section}
    everything = pack_config.get("all", {})
    if isinstance(everything, str):
        everything = {"enforcementLevel": everything}
    settings = {key: value for key, value in section.items() if key != "enforcementLevel"}
    level_name = section.get("enforcementLevel", everything.get("enforcementLevel"))
    level = EnforcementLevel(level_name) if level_name else policy.enforcement_level or EnforcementLevel.ADVISORY
    # As in the analyzer: a violation that remediation did not fix is reported as mandatory.
    return (EnforcementLevel.MANDATORY if level is EnforcementLevel.REMEDIATE else level), settings


def _validate(
    policy: ResourceValidationPolicy,
    props: Mapping[str, Any],
    settings: Mapping[str, Any],
    resource_type: str,
    name: str,
    urn: str,
) -> list[PolicyViolation]:
    """Call ``policy.validate`` with the arguments the analyzer builds (unknown-checking props, no internals)."""
    reported: list[PolicyViolation] = []

    def report_violation(message: str, violation_urn: str | None = None) -> None:
        reported.append(PolicyViolation(policy.name, EnforcementLevel.MANDATORY, message, violation_urn or urn))

    visible = {key: value for key, value in props.items() if not key.startswith("__")}  # the engine drops these
    args = _Args(
        resource_type,
        analyzed_props(visible),
        urn,
        name,
        PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None),
        None,
        dict(settings),
    )
    try:
        result = policy.validate(args, report_violation)
        if inspect.isawaitable(result):
            asyncio.run(_wait(result))
    except UnknownValueError as error:
        message = f"can't run policy '{policy.name}' from policy pack '{POLICY_PACK_NAME}' during preview: "
        reported.append(PolicyViolation(policy.name, EnforcementLevel.ADVISORY, message + error.message, urn))
    except _NotApplicable:
        pass
    return reported


class _NotApplicable(Exception):
    """``args.not_applicable()``: the policy does not apply to this resource, so it reports nothing."""


class _Args(ResourceValidationArgs):
    """The arguments the analyzer builds, with ``not_applicable`` answered here rather than by the analyzer."""

    def not_applicable(self, reason: str | None = None) -> None:
        raise _NotApplicable(reason)


async def _wait(result: Any) -> None:
    try:
        await result
    except RuntimeError as error:
        # pulumi_policy wraps what an async validate raises ("Validation failed: ..."), but for its own signals.
        if isinstance(error.__cause__, _NotApplicable):
            raise error.__cause__ from None
        raise


# ---------------------------------------------------------------------------------------------------------
# Mocks


@dataclass(frozen=True)
class RecordedResource:
    """A resource the program registered, with what the mocks answered."""

    urn: str
    type: str
    name: str
    inputs: Mapping[str, Any]
    """The inputs, secrets unwrapped, without the serialized ``__provider``."""
    outputs: Mapping[str, Any]
    id: str


@dataclass
class IncidentManagerMocks(pulumi.runtime.Mocks):
    """Mocks for ``pulumi.runtime.set_mocks`` that answer like the provider against AWS, and record.

    An engagement gets ``arn`` (also its id) ``arn:aws:ssm-contacts:<region>:<account>:engagement/<alias>/<uuid>``
    (the uuid follows from the idempotency token, as one token names one engagement), ``idempotency_token``
    derived exactly as the provider derives it, ``contact_arn``, ``start_time`` from ``clock`` and no
    ``stop_time`` (with ``stop_when``, ``stop_time`` is ``start_time``: the drill decided at once). A page
    acceptance gets the id ``<page_id>#<accept_type>``, its inputs with the provider's
    defaults, and ``accepted_at`` from ``clock``. Other resources get ``<name>-id`` and their inputs.
    """

    project: str = "project"
    """The project given to ``set_mocks``: resource handlers run on threads that cannot see it."""
    stack: str = "stack"
    """The stack given to ``set_mocks``; it is what the policies check drills against."""
    region: str = DEFAULT_REGION
    account_id: str = DEFAULT_ACCOUNT_ID
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    """Where ``start_time`` comes from; pass a fixed time for outputs that never change."""
    token_key: str = "0" * 64
    """The stack's token key the mocks answer for the ``TokenKey`` resource; tokens are minted with it."""
    paged: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Contact alias -> aliases its engagement pages (an escalation plan); unlisted contacts page themselves.

    :func:`run_program` answers ``list_pages``/``list_pages_output`` from it: one page per paged contact."""
    resources: list[RecordedResource] = field(default_factory=list)
    """Every resource registered, in order."""

    @property
    def engagements(self) -> list[RecordedResource]:
        return [resource for resource in self.resources if resource.type == ENGAGEMENT_TYPE]

    @property
    def page_acceptances(self) -> list[RecordedResource]:
        return [resource for resource in self.resources if resource.type == PAGE_ACCEPTANCE_TYPE]

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        inputs = {key: _plain(value) for key, value in args.inputs.items() if key != "__provider"}
        resource = PLUGIN_TYPES.get(args.typ)
        if resource is not None:
            # A resource of the provider plugin (its generated SDKs): answered as the dynamic one, in camelCase.
            dynamic = pulumi.runtime.MockResourceArgs(
                dynamic_type(resource), args.name, resource.in_snake_case(inputs), args.provider, args.resource_id,
                args.custom,
            )
            id_, outputs = self.new_resource(dynamic)
            self.resources[-1] = dataclasses.replace(self.resources[-1], type=args.typ)
            return id_, resource.in_camel_case(outputs)
        if args.typ == ENGAGEMENT_TYPE and args.resource_id:
            id_, outputs = self._existing_engagement(args.resource_id, inputs)
        elif args.typ == ENGAGEMENT_TYPE:
            id_, outputs = self._engagement(args.name, inputs)
        elif args.typ == PAGE_ACCEPTANCE_TYPE:
            id_, outputs = self._page_acceptance(inputs)
        elif args.typ == TOKEN_KEY_TYPE:
            id_, outputs = f"{args.name}-id", {"key": self.token_key}
        else:
            id_, outputs = f"{args.name}-id", dict(inputs)
        urn = resource_urn(self.stack, self.project, args.typ, args.name)
        self.resources.append(RecordedResource(urn, args.typ, args.name, inputs, outputs, id_))
        return id_, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, None

    def policy_violations(
        self, pack_config: Mapping[str, Any] | None = None, policies: Iterable[ResourceValidationPolicy] = POLICIES
    ) -> list[PolicyViolation]:
        """Run the policies over every engagement and page acceptance the program registered."""
        chosen = list(policies)
        violations: list[PolicyViolation] = []
        for resource in self.engagements + self.page_acceptances:
            stack, project = resource.urn.removeprefix("urn:pulumi:").split("::")[:2]
            violations += check_resource(
                resource.inputs,
                pack_config=pack_config,
                resource_type=resource.type,
                name=resource.name,
                stack=stack,
                project=project,
                policies=chosen,
            )
        return violations

    def list_pages(self, engagement_id: str) -> list[Page]:
        """The pages a recorded engagement sent, as ``pulumi_incident_manager.list_pages`` returns them."""
        with self.in_place_of_aws():
            return _functions.list_pages(engagement_id)

    def client(self) -> MockClient:
        """An ssm-contacts client that answers from what these mocks recorded (see :class:`MockClient`)."""
        return MockClient(self)

    def in_place_of_aws(self) -> AbstractContextManager[None]:
        """Within the block, every ssm-contacts client the package asks for is :meth:`client`: the package's
        functions answer from these mocks and make no AWS call (:func:`run_program` runs programs in it)."""
        return aws.client_override(self.client())

    def pages(self, engagement_id: str) -> list[PageRecord]:
        """The pages of a recorded engagement: one per contact in ``paged[<its contact's alias>]``."""
        engagement = next((e for e in self.engagements if e.id == engagement_id), None)
        if engagement is None:
            raise _not_found("ListPagesByEngagement", f"no engagement {engagement_id} in these mocks")
        alias = contact_alias(engagement.outputs["contact_arn"])
        prefix = f"arn:aws:ssm-contacts:{self.region}:{self.account_id}"
        return [
            PageRecord(
                page_arn=f"{prefix}:page/{person}/{uuid.uuid5(uuid.NAMESPACE_URL, engagement_id + person)}",
                engagement_arn=engagement_id,
                contact_arn=f"{prefix}:contact/{person}",
                sender=engagement.inputs.get("sender", ""),
                incident_id=engagement.inputs.get("incident_id"),
                sent_time=datetime.fromisoformat(engagement.outputs["start_time"]),
                delivery_time=None,
                read_time=None,
            )
            for person in self.paged.get(alias, [alias])
        ]

    def _engagement(self, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        token = inputs.get("idempotency_token") or mint_idempotency_token(
            str(inputs.get("token_key") or self.token_key), inputs
        )
        contact_id = str(inputs.get("contact_id", ""))
        alias = contact_alias(contact_id)
        arn_prefix = f"arn:aws:ssm-contacts:{self.region}:{self.account_id}"
        arn = f"{arn_prefix}:engagement/{alias}/{uuid.uuid5(uuid.NAMESPACE_URL, token)}"
        started = self.clock().isoformat()
        outputs = {
            **inputs,
            "arn": arn,
            "idempotency_token": token,
            "contact_arn": contact_id if contact_id.startswith("arn:") else f"{arn_prefix}:contact/{alias}",
            "start_time": started,
            "stop_time": started if inputs.get("stop_when") else None,  # the drill decided at once, then stopped
        }
        return arn, outputs

    def _existing_engagement(self, arn: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """``Engagement.get``: the engagement the ARN names, read as it was started elsewhere."""
        prefix, _, rest = arn.partition(":engagement/")
        outputs = {
            **inputs,
            "arn": arn,
            "contact_arn": f"{prefix}:contact/{rest.split('/')[0]}",
            "start_time": self.clock().isoformat(),
            "stop_time": None,
        }
        return arn, outputs

    def _page_acceptance(self, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        outputs = {**inputs, **{key: value for key, value in PAGE_ACCEPTANCE.defaults.items() if not inputs.get(key)}}
        outputs["accepted_at"] = self.clock().isoformat()
        return f"{outputs['page_id']}#{outputs['accept_type']}", outputs


class MockClient:
    """A stand-in for the boto3 ssm-contacts client that answers reads from :class:`IncidentManagerMocks`.

    :func:`run_program` installs it with :func:`incident_manager_provider.aws.client_override`, so the package's
    functions (``list_pages``, ``get_engagement`` and their ``_output`` forms) run their real code, parsers included,
    and no request leaves the process. An operation it does not answer fails as AWS would refuse it.
    """

    def __init__(self, mocks: IncidentManagerMocks) -> None:
        self.mocks = mocks

    def list_pages_by_engagement(self, EngagementId: str, **_: Any) -> dict[str, Any]:
        return {"Pages": [_answer(page) for page in self.mocks.pages(EngagementId)]}

    def describe_engagement(self, EngagementId: str) -> dict[str, Any]:
        found = next((e for e in self.mocks.engagements if e.id == EngagementId), None)
        if found is None:
            raise _not_found("DescribeEngagement", f"no engagement {EngagementId} in these mocks")
        outputs = found.outputs
        record = EngagementRecord(
            engagement_arn=found.id,
            **{name: outputs.get(name) for name in ENGAGEMENT.described().values()},  # type: ignore[arg-type]
            start_time=datetime.fromisoformat(outputs["start_time"]),
            stop_time=None,
        )
        return _answer(record)

    def get_paginator(self, operation: str) -> _Paginator:
        return _Paginator(getattr(self, operation))

    def __getattr__(self, operation: str) -> Any:
        def refuse(**_: Any) -> Any:
            raise botocore.exceptions.ClientError(
                {"Error": {"Code": "UnsupportedOperation", "Message": f"the testing kit does not answer {operation}"}},
                operation,
            )

        return refuse


@dataclass(frozen=True)
class _Paginator:
    operation: Callable[..., dict[str, Any]]

    def paginate(self, **params: Any) -> list[dict[str, Any]]:
        return [self.operation(**params)]  # one page of answers: the mocks hold few


def _answer(record: Any) -> dict[str, Any]:
    """A record of :mod:`incident_manager_provider.api` as AWS answers it (``page_arn`` -> ``PageArn``), so that
    the api's own parsers read it back."""
    return {
        "".join(part.title() for part in item.name.split("_")): getattr(record, item.name)
        for item in fields(record)
        if getattr(record, item.name) is not None
    }


def _not_found(operation: str, message: str) -> botocore.exceptions.ClientError:
    return botocore.exceptions.ClientError(
        {"Error": {"Code": "ResourceNotFoundException", "Message": message}}, operation
    )


def _plain(value: Any) -> Any:
    """The value with Pulumi's secret wrappers removed, at any depth."""
    value = unwrap_rpc_secret(value) if is_rpc_secret(value) else value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


# ---------------------------------------------------------------------------------------------------------
# Programs


def load_stack_config(path: str | Path) -> dict[str, str]:
    """A ``Pulumi.<stack>.yaml`` file's config as the runtime holds it (structured values as JSON).

    Values set with ``--secret`` are encrypted in the file and cannot be read here: give them in ``config``
    to :func:`run_program` instead.
    """
    document = yaml.safe_load(Path(path).read_text()) or {}
    config: dict[str, str] = {}
    for key, value in (document.get("config") or {}).items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            continue
        config[key] = value if isinstance(value, str) else json.dumps(value)
    return config


def run_program(
    program: str | Path,
    mocks: IncidentManagerMocks,
    *,
    config: Mapping[str, str] | None = None,
    preview: bool = False,
) -> None:
    """Run a Pulumi program file (``__main__.py``) as ``mocks.project``/``mocks.stack`` with ``config``.

    ``list_pages``/``list_pages_output`` and ``get_engagement``/``get_engagement_output`` answer from ``mocks``
    (see :attr:`IncidentManagerMocks.paged`) through the package's own code, with no AWS call.

    Returns once every output has resolved; ``mocks.resources`` then holds what the program registered.
    ``config`` keys are namespaced as in stack config (``"gameday:drill"``); see :func:`load_stack_config`.
    """
    pulumi.runtime.set_all_config(dict(config or {}))
    pulumi.runtime.set_mocks(mocks, project=mocks.project, stack=mocks.stack, preview=preview)

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def run() -> None:
        runpy.run_path(str(program), run_name="__main__")

    # The package's functions call AWS from the program (dynamic providers have no invokes to mock): every client
    # they ask for is the mocks' own.
    with mocks.in_place_of_aws():
        try:
            run()
        except Exception as error:
            _retrieve(error)
            raise


def _retrieve(error: BaseException) -> None:
    """Mark ``error`` retrieved on every future holding it. An apply that raises sets the error on each future of
    its output (value, known, secret, resources) and Pulumi awaits one; asyncio would log each of the others as
    "Future exception was never retrieved", with a traceback, whenever it is collected, in whatever test runs then.
    """
    for candidate in gc.get_objects():
        # Reading `_exception` leaves other errors alone: calling exception() is what marks a future retrieved.
        if isinstance(candidate, asyncio.Future) and getattr(candidate, "_exception", None) is error:
            candidate.exception()
