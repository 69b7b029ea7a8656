"""Running policies as the analyzer runs them: each resource policy over each resource, each stack policy over the
stack, with a policy config checked as the CLI checks it (:mod:`._config`). One runner for the testing kit
(:mod:`pulumi_incident_manager.testing`, over a program's resources) and for plans (:mod:`.plan`, over an OpenTofu
plan's resource changes)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from incident_manager_provider.validation import is_unknown

from . import PACK_POLICIES  # the package is initialized first: it does not import this module
from ._config import check_pack_config
from ._pack import POLICY_PACK_NAME
from ._shared import UNKNOWN, UnknownValueError, analyzed_props


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


class Registered(Protocol):
    """A resource of the stack, as :class:`~.mocks.RecordedResource` records it."""

    @property
    def urn(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def inputs(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class StackResource:
    """One resource of a stack for :func:`policy_violations`: its inputs, and what the engine's property
    dependencies would say: given as ``property_dependencies`` (input -> URNs), or else read from ``outputs`` (an
    input holding another resource's ``arn`` or id depends on it)."""

    urn: str
    type: str
    name: str
    inputs: Mapping[str, Any]
    outputs: Mapping[str, Any] = field(default_factory=dict)
    property_dependencies: Mapping[str, Sequence[str]] | None = None


def policy_violations(
    resources: Iterable[Registered],
    pack_config: Mapping[str, Any] | None = None,
    policies: Iterable[Policy] = PACK_POLICIES,
) -> list[PolicyViolation]:
    """Every violation of the stack made of ``resources``, as ``pulumi preview --policy-pack`` reports it: each
    resource policy over each resource, each stack policy over them all, with ``pack_config`` (the content of a
    ``--policy-pack-config`` file, see :func:`load_policy_config`).

    ``pack_config`` is checked first as the CLI checks it: a wrong type, an unknown policy or setting, a moved
    setting or a bad ``enforcementLevel`` raises :class:`PolicyConfigError`, whose message is the CLI's sentence
    (naming the policy and the setting). Per policy, ``enforcementLevel`` (``"advisory"``, ``"mandatory"``,
    ``"disabled"``), else the key ``"all"``, else the policy's own level applies.
    """
    chosen = list(policies)
    # The config is the pack's: it may configure the pack's policies that were not chosen here.
    names = {policy.name for policy in chosen}
    config = check_pack_config(pack_config or {}, [*chosen, *(p for p in PACK_POLICIES if p.name not in names)])
    stack = list(resources)
    violations: list[PolicyViolation] = []
    for policy in chosen:
        level = config[policy.name].enforcement_level or EnforcementLevel.ADVISORY
        if level is EnforcementLevel.DISABLED:
            continue
        # As in the analyzer: a violation that remediation did not fix is reported as mandatory.
        level = EnforcementLevel.MANDATORY if level is EnforcementLevel.REMEDIATE else level
        settings = config[policy.name].settings
        found = (
            validate_stack(policy, stack, settings)
            if isinstance(policy, StackValidationPolicy)
            else [v for resource in stack for v in validate_resource(policy, resource, settings)]
        )
        for violation in found:
            downgraded = violation.enforcement_level is EnforcementLevel.ADVISORY
            violations.append(
                PolicyViolation(
                    policy.name, EnforcementLevel.ADVISORY if downgraded else level, violation.message, violation.urn
                )
            )
    return violations


def _options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def _analyzed(resource: Registered) -> Mapping[str, Any]:
    """The inputs as the analyzer hands them to a policy: internal keys dropped, values not known yet as
    :data:`UNKNOWN` (reading one raises, as in the analyzer)."""
    visible = {key: _known_or(value) for key, value in resource.inputs.items() if not key.startswith("__")}
    return analyzed_props(visible)


def _known_or(value: Any) -> Any:
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, dict):
        return {key: _known_or(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_known_or(item) for item in value]
    return value


def validate_resource(policy: Policy, resource: Registered, settings: Mapping[str, Any]) -> list[PolicyViolation]:
    """Call a resource policy's ``validate`` with the arguments the analyzer builds."""
    if not isinstance(policy, ResourceValidationPolicy):
        raise TypeError(f"{policy.name} is neither a ResourceValidationPolicy nor a StackValidationPolicy")
    args = _Args(
        resource.type, _analyzed(resource), resource.urn, resource.name, _options(), None, dict(settings)
    )
    return _call(policy, args, resource.urn)


def validate_stack(
    policy: StackValidationPolicy, resources: Sequence[Registered], settings: Mapping[str, Any]
) -> list[PolicyViolation]:
    """Call a stack policy's ``validate`` with the stack's resources as the analyzer builds them: props that raise
    on unknown values, and property dependencies (an input holding another resource's ``arn`` or id)."""
    built = {
        resource.urn: PolicyResource(
            resource.type, _analyzed(resource), resource.urn, resource.name, _options(), None, None, [], {}
        )
        for resource in resources
    }
    for resource in resources:
        for key, urns in _property_dependencies(resource, resources).items():
            sources = [built[urn] for urn in urns if urn in built and urn != resource.urn]
            if sources:
                built[resource.urn].property_dependencies[key] = sources
                built[resource.urn].dependencies.extend(sources)
    return _call(policy, _StackArgs(list(built.values()), dict(settings)), "")


def _property_dependencies(resource: Registered, resources: Sequence[Registered]) -> Mapping[str, Sequence[str]]:
    """Input -> the URNs it came from: the resource's own ``property_dependencies`` where it records them, else the
    resources whose ``arn`` output (or id) the input holds; a value not known yet (a preview) tells nothing."""
    recorded: Mapping[str, Sequence[str]] | None = getattr(resource, "property_dependencies", None)
    if recorded is not None:
        return recorded
    produced: dict[str, str] = {}
    for other in resources:
        outputs = getattr(other, "outputs", None) or {}
        for key in ("arn", "id"):
            if isinstance(outputs.get(key), str):
                produced.setdefault(outputs[key], other.urn)
    return {
        key: [produced[value]]
        for key, value in resource.inputs.items()
        if isinstance(value, str) and value in produced
    }


def _call(policy: Policy, args: Any, urn: str) -> list[PolicyViolation]:
    reported: list[PolicyViolation] = []

    def report_violation(message: str, violation_urn: str | None = None) -> None:
        reported.append(PolicyViolation(policy.name, EnforcementLevel.MANDATORY, message, violation_urn or urn))

    try:
        result = policy.validate(args, report_violation)  # type: ignore[attr-defined]
        if inspect.isawaitable(result):
            asyncio.run(_wait(result))
    except UnknownValueError as error:
        message = f"can't run policy '{policy.name}' from policy pack '{POLICY_PACK_NAME}' during preview: "
        reported.append(PolicyViolation(policy.name, EnforcementLevel.ADVISORY, message + error.message, urn))
    except _NotApplicable:
        pass
    return reported


class _NotApplicable(Exception):
    """``args.not_applicable()``: the policy does not apply, so it reports nothing."""


class _Args(ResourceValidationArgs):
    """The arguments the analyzer builds, with ``not_applicable`` answered here rather than by the analyzer."""

    def not_applicable(self, reason: str | None = None) -> None:
        raise _NotApplicable(reason)


class _StackArgs(StackValidationArgs):
    """A stack policy's arguments, with ``not_applicable`` answered here."""

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
