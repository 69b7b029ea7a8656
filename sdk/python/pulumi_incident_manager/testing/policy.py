"""The policy runner: the pack's policies (or your own) against resources' properties, with a policy config, as
``pulumi preview --policy-pack ... --policy-pack-config ...`` runs them: the config refused where the CLI refuses it,
in the CLI's words (:class:`PolicyConfigError`), resource policies per resource, stack policies over the stack."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pulumi_policy import Policy, StackValidationPolicy

from ..policies import ENGAGEMENT_TYPE, PACK_POLICIES, check_pack_config
from ..policies import PolicyConfigError as PolicyConfigError  # re-exported: what a refused config raises
from ..policies._run import (  # the runner, shared with the plan check (policies.plan); re-exported
    PolicyViolation as PolicyViolation,
)
from ..policies._run import Registered as Registered
from ..policies._run import StackResource as StackResource
from ..policies._run import policy_violations as policy_violations
from ..policies._run import resource_urn as resource_urn
from ..policies._run import validate_resource, validate_stack


def load_policy_config(path: str | Path) -> dict[str, Any]:
    """Read a file for ``pulumi preview --policy-pack-config`` (JSON: policy name -> level or settings)."""
    config: dict[str, Any] = json.loads(Path(path).read_text())
    return config


def run_policy(
    policy: Policy,
    props: Mapping[str, Any],
    *,
    config: Mapping[str, Any] | None = None,
    resource_type: str = ENGAGEMENT_TYPE,
    name: str = "engagement",
    stack: str = "dev",
    project: str = "project",
) -> list[str]:
    """The messages ``policy`` reports for one resource with these input ``props`` (a stack policy: for a stack
    of that one resource).

    ``config`` is the policy's own section of the policy config, checked as the CLI checks it
    (:class:`PolicyConfigError`); its ``enforcementLevel`` is ignored here. Use :data:`UNKNOWN` for a value not
    known during preview: a policy that reads it reports that it cannot run, as the CLI does.
    """
    section = {key: value for key, value in (config or {}).items() if key != "enforcementLevel"}
    settings = check_pack_config({policy.name: section}, [policy])[policy.name].settings
    resource = StackResource(resource_urn(stack, project, resource_type, name), resource_type, name, props)
    found = (
        validate_stack(policy, [resource], settings)
        if isinstance(policy, StackValidationPolicy)
        else validate_resource(policy, resource, settings)
    )
    return [violation.message for violation in found]


def check_resource(
    props: Mapping[str, Any],
    *,
    pack_config: Mapping[str, Any] | None = None,
    resource_type: str = ENGAGEMENT_TYPE,
    name: str = "engagement",
    stack: str = "dev",
    project: str = "project",
    policies: Iterable[Policy] = PACK_POLICIES,
) -> list[PolicyViolation]:
    """Every violation the pack reports for a stack of one resource with these input ``props``, honouring
    ``pack_config`` as the CLI would (see :func:`policy_violations`)."""
    resource = StackResource(resource_urn(stack, project, resource_type, name), resource_type, name, props)
    return policy_violations([resource], pack_config, policies)


