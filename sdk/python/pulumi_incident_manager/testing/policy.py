"""The policy runner: the pack's policies (or your own) run against one resource's properties, with a policy config,
as ``pulumi preview --policy-pack`` would run them."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from ..policies import ENGAGEMENT_TYPE, POLICIES, POLICY_PACK_NAME, UnknownValueError, analyzed_props


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
