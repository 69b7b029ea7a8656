"""The pack's policies over an OpenTofu (or Terraform) plan: ``tofu show -json plan.out`` in, the violations
``pulumi preview --policy-pack`` would print out, exit 1 on a mandatory one.

```sh
tofu plan -out plan.out && tofu show -json plan.out > plan.json
incidentmanager-plan-policy plan.json --policy-config policy-config.json
```

(``python -m pulumi_incident_manager.policies.plan`` is the same command.)

The plan becomes a stack for the shared runner (:mod:`._run`, the testing kit's too): each managed resource of ours
that the apply leaves in place is a resource of the stack, under the dynamic provider's type token, with its
planned ``after`` values (inputs only, unset ones left out; values known only after apply as :data:`UNKNOWN`), and
property dependencies from the configuration's ``references`` (an expectation's ``engagement_arn`` referencing
``incidentmanager_engagement.x.arn`` comes from it). Resource policies judge what the apply creates or updates;
unchanged resources are there for the stack policies only, and deletes not at all. The stack's name, which decides
what a drill is, is the OpenTofu workspace's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi_policy import EnforcementLevel

from incident_manager_provider.schema import ENGAGEMENT, EXPECTATION, PAGE_ACCEPTANCE, TOKEN_KEY, dynamic_type
from incident_manager_provider.terraform.schema import SET_IN_HCL, type_name

from ._config import PolicyConfigError
from ._run import PolicyViolation, StackResource, policy_violations, resource_urn
from ._shared import UNKNOWN

RESOURCES = {type_name(resource): resource for resource in (ENGAGEMENT, PAGE_ACCEPTANCE, TOKEN_KEY, EXPECTATION)}
"""OpenTofu resource type -> the resource it declares (the policies know it by its dynamic type token)."""

PROJECT = "opentofu"
"""The project part of the URNs the policies see (they read only the stack part)."""

HIDDEN = "(sensitive value)"
"""What replaces a sensitive value in a message, as `tofu` itself prints one."""

_REFERENCE = re.compile(r"(?P<type>[A-Za-z][\w-]*)\.(?P<name>[A-Za-z_][\w-]*)(?P<index>\[[^\]]*\])?")
_NOT_RESOURCES = frozenset({"var", "local", "data", "module", "each", "count", "path", "terraform", "self"})


class PlanError(Exception):
    """A plan (or a command line) this command cannot judge; the message is one sentence with the fix."""


@dataclass(frozen=True)
class PlanResource(StackResource):
    """A resource of the plan's stack: a :class:`StackResource` with its address and what the plan does to it."""

    address: str = ""
    changing: bool = True
    """Created or updated by the apply (a replacement too); False: unchanged, judged by stack policies only."""


@dataclass(frozen=True)
class PlanViolation:
    """One violation, as this command prints it."""

    policy: str
    level: str
    """``mandatory`` or ``advisory``."""
    address: str
    """The resource's address in the plan (``incidentmanager_engagement.drill``); a stack-wide one: ``-``."""
    message: str


def default_workspace(folder: Path = Path()) -> str:
    """The workspace `tofu` would use in ``folder``: ``TF_WORKSPACE``, else the one ``tofu workspace select``
    recorded in the data directory (``TF_DATA_DIR``, default ``.terraform``), else ``default``."""
    if os.environ.get("TF_WORKSPACE"):
        return os.environ["TF_WORKSPACE"]
    recorded = folder / os.environ.get("TF_DATA_DIR", ".terraform") / "environment"
    try:
        return recorded.read_text().strip() or "default"
    except OSError:
        return "default"


def read_plan(text: str | bytes, source: str = "the plan") -> dict[str, Any]:
    """``tofu show -json plan.out``'s output, or :class:`PlanError` saying what was given instead."""
    raw = text.encode() if isinstance(text, str) else text
    if raw.startswith(b"PK"):
        raise PlanError(f"{source} is a saved plan file, not its JSON. Fix: give the output of "
                        "`tofu show -json plan.out` (for example `tofu show -json plan.out > plan.json`).")
    try:
        plan = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        fix = "give the output of `tofu show -json plan.out`"
        raise PlanError(f"{source} is not JSON ({error}). Fix: {fix}.") from None
    if not isinstance(plan, dict) or ("resource_changes" not in plan and "planned_values" not in plan):
        what = "a state, not a plan" if isinstance(plan, dict) and "values" in plan else "not a plan"
        raise PlanError(f"{source} is {what}: it has no resource_changes. Fix: save a plan with "
                        "`tofu plan -out plan.out`, then give the output of `tofu show -json plan.out`.")
    return plan


def plan_resources(plan: Mapping[str, Any], workspace: str = "default") -> list[PlanResource]:
    """The stack the plan leaves: unchanged resources first, then what the apply creates or updates (so a stack
    policy that names the later of two resources names a changed one)."""
    changes = [rc for rc in plan.get("resource_changes", []) if _kept(rc)]
    configured = dict(_configured(plan.get("configuration", {}).get("root_module", {}), ""))
    instances: dict[str, list[Mapping[str, Any]]] = {}
    for rc in changes:
        instances.setdefault(_base(rc), []).append(rc)
    urns = {rc["address"]: _urn(rc, workspace) for rc in changes}
    built = []
    for rc in changes:
        resource = RESOURCES[rc["type"]]
        change = rc["change"]
        after = _with_unknown(change.get("after") or {}, change.get("after_unknown") or {})
        fields = {field.name for field in resource.inputs} | set(SET_IN_HCL.get(resource, ()))
        inputs = {key: value for key, value in after.items() if key in fields and value is not None}
        expressions = configured.get(_config_address(rc), {}).get("expressions", {})
        if resource is ENGAGEMENT:
            # What the provider's check records: whether the configuration gives a token or one is minted.
            token = expressions.get("idempotency_token")
            inputs["explicit_token"] = token is not None and token != {"constant_value": None}
        dependencies = {}
        for key, expression in expressions.items():
            sources = dict.fromkeys(_targets(_references(expression), rc, instances))
            if found := [urns[address] for address in sources if address in urns]:
                dependencies[key] = found
        changing = bool({"create", "update"} & set(change.get("actions", [])))
        built.append(PlanResource(urns[rc["address"]], dynamic_type(resource), _name(rc), inputs,
                                  property_dependencies=dependencies, address=rc["address"], changing=changing))
    return sorted(built, key=lambda resource: resource.changing)


def plan_violations(
    plan: Mapping[str, Any], pack_config: Mapping[str, Any] | None = None, workspace: str = "default"
) -> list[PlanViolation]:
    """Every violation of the pack over ``plan`` in ``workspace``, sensitive values hidden. A refused
    ``pack_config`` raises :class:`PolicyConfigError` with the CLI's sentences."""
    stack = plan_resources(plan, workspace)
    by_urn = {resource.urn: resource for resource in stack}
    hide = sorted(_sensitive_strings(plan), key=len, reverse=True)
    found: list[PolicyViolation] = policy_violations(stack, pack_config)
    return [
        PlanViolation(v.policy, v.enforcement_level.value, by_urn[v.urn].address if v.urn in by_urn else "-",
                      _hidden(v.message, hide))
        for v in found
        if v.urn not in by_urn or by_urn[v.urn].changing
    ]


def _kept(rc: Mapping[str, Any]) -> bool:
    """A resource of ours that exists after the apply: created, updated, replaced or unchanged (not deleted)."""
    actions = set(rc.get("change", {}).get("actions", []))
    return (rc.get("mode") == "managed" and rc.get("type") in RESOURCES and rc.get("change", {}).get("after")
            is not None and bool(actions & {"create", "update", "no-op"}))


def _name(rc: Mapping[str, Any]) -> str:
    """The name messages use: the address without the type (``drill``, ``drill["a"]``, ``module.m.drill``)."""
    address: str = rc["address"]
    return address.replace(f"{rc['type']}.{rc['name']}", rc["name"], 1)


def _urn(rc: Mapping[str, Any], workspace: str) -> str:
    return resource_urn(workspace, PROJECT, dynamic_type(RESOURCES[rc["type"]]), _name(rc))


def _base(rc: Mapping[str, Any]) -> str:
    """The address of the resource block's instances in its module instance (no index of its own)."""
    module = rc.get("module_address")
    return f"{module}.{rc['type']}.{rc['name']}" if module else f"{rc['type']}.{rc['name']}"


def _config_address(rc: Mapping[str, Any]) -> str:
    """The address of the resource block in the configuration: module instance keys dropped."""
    return re.sub(r"\[[^\]]*\]", "", _base(rc))


def _configured(module: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Config address -> resource block, through module calls."""
    for resource in module.get("resources", []):
        yield prefix + resource["address"], resource
    for name, call in module.get("module_calls", {}).items():
        yield from _configured(call.get("module", {}), f"{prefix}module.{name}.")


def _references(expression: Any) -> Iterator[str]:
    """Every reference of an attribute's expression (nested attributes and blocks included)."""
    if isinstance(expression, Mapping):
        yield from expression.get("references", [])
        for key, value in expression.items():
            if key != "references":
                yield from _references(value)
    elif isinstance(expression, list):
        for item in expression:
            yield from _references(item)


def _targets(
    references: Iterable[str], rc: Mapping[str, Any], instances: Mapping[str, Sequence[Mapping[str, Any]]]
) -> Iterator[str]:
    """The addresses of the instances ``references`` name, in the referring resource's module instance. An
    unindexed reference to a resource with several instances names the one of the same key (``for_each =
    incidentmanager_engagement.x`` with ``each.key``), else all of them."""
    module = rc.get("module_address")
    parsed = []
    for reference in references:
        found = _REFERENCE.match(reference)
        if found is not None and found["type"] not in _NOT_RESOURCES:
            base = f"{module}.{found['type']}.{found['name']}" if module else f"{found['type']}.{found['name']}"
            parsed.append((base, found["index"]))
    indexed = {base for base, index in parsed if index}
    for base, index in parsed:
        if index:
            yield base + index
            continue
        if base in indexed:
            continue  # `x[0].arn` is listed with `x[0]` and `x` too: the index says which
        every = instances.get(base, [])
        same = [other for other in every if "index" in rc and other.get("index") == rc["index"]]
        yield from (other["address"] for other in same or every)


def _with_unknown(after: Any, unknown: Any) -> Any:
    """``after`` with :data:`UNKNOWN` where ``after_unknown`` marks a value known only after apply."""
    if unknown is True:
        return UNKNOWN
    if isinstance(unknown, Mapping) and isinstance(after, Mapping | None):
        merged = dict(after or {})
        for key, marked in unknown.items():
            merged[key] = _with_unknown(merged.get(key), marked)
        return merged
    if isinstance(unknown, list) and isinstance(after, list | None):
        items = list(after or [])
        items += [None] * (len(unknown) - len(items))
        return [_with_unknown(item, marked) for item, marked in zip(items, unknown, strict=False)]
    return after


def _sensitive_strings(plan: Mapping[str, Any]) -> set[str]:
    """The text of every value the plan marks sensitive, but for the declared secret fields, which no policy quotes
    (so a short subject like "drill" does not blank out every "drill" of a message)."""
    found: set[str] = set()
    for rc in plan.get("resource_changes", []):
        resource = RESOURCES.get(rc.get("type", ""))
        change = rc.get("change", {})
        secret = {field.name for field in resource.fields if field.secret} if resource else set()
        for values, marks in ((change.get("after"), change.get("after_sensitive")),
                              (change.get("before"), change.get("before_sensitive"))):
            if isinstance(values, Mapping) and isinstance(marks, Mapping):
                for key, mark in marks.items():
                    if key not in secret:
                        found.update(_strings(values.get(key), mark))
    return {text for text in found if text}


def _strings(value: Any, mark: Any) -> Iterator[str]:
    """The strings of ``value`` under the parts ``mark`` (``after_sensitive``'s shape) marks sensitive."""
    if mark is True:
        if isinstance(value, str):
            yield value
        elif isinstance(value, Mapping):
            for item in value.values():
                yield from _strings(item, True)
        elif isinstance(value, list):
            for item in value:
                yield from _strings(item, True)
    elif isinstance(mark, Mapping) and isinstance(value, Mapping):
        for key, marked in mark.items():
            yield from _strings(value.get(key), marked)
    elif isinstance(mark, list) and isinstance(value, list):
        for item, marked in zip(value, mark, strict=False):
            yield from _strings(item, marked)


def _hidden(message: str, sensitive: Sequence[str]) -> str:
    for text in sensitive:
        message = message.replace(text, HIDDEN)
    return message


def render(violations: Sequence[PlanViolation], workspace: str, changes: int) -> str:
    """The report: each violation as the Pulumi CLI lists one (level, policy, resource, then the message), and a
    verdict line."""
    lines = []
    for violation in violations:
        lines += [f"[{violation.level}]  {violation.policy}  ({violation.address})", f"    {violation.message}"]
    mandatory = sum(violation.level == EnforcementLevel.MANDATORY.value for violation in violations)
    judged = f'{changes} resource change{"" if changes == 1 else "s"} of workspace "{workspace}"'
    if mandatory:
        lines.append(f"{mandatory} mandatory policy violation{'' if mandatory == 1 else 's'} in {judged}: "
                     "do not apply this plan.")
    elif violations:
        lines.append(f"{len(violations)} advisory policy violation{'' if len(violations) == 1 else 's'} in "
                     f"{judged}; none mandatory.")
    else:
        lines.append(f"No policy violations in {judged}.")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="incidentmanager-plan-policy",
        description="Judge an OpenTofu/Terraform plan (the output of `tofu show -json plan.out`) with the "
        "incident-manager policy pack, as `pulumi preview --policy-pack` judges a stack. Exit status: 0 without "
        "mandatory violations, 1 with one, 2 when the plan or the policy config cannot be read.",
    )
    parser.add_argument("plan", nargs="?", default="-", help="the plan's JSON file (default or -: standard input)")
    parser.add_argument("--policy-config", metavar="FILE",
                        help="the policy config, as for `pulumi preview --policy-pack-config` (docs/policy.md)")
    parser.add_argument("--workspace", metavar="NAME",
                        help="the stack name drillStacks patterns match (default: TF_WORKSPACE, else the workspace "
                        "`tofu workspace select` chose in the current directory, else default)")
    parser.add_argument("--json", action="store_true", help="print the violations as a JSON list instead")
    args = parser.parse_args(argv)
    workspace = args.workspace or default_workspace()
    try:
        source = "standard input" if args.plan == "-" else args.plan
        text = sys.stdin.buffer.read() if args.plan == "-" else _read(Path(args.plan), "the plan")
        plan = read_plan(text, source)
        config = _config(Path(args.policy_config)) if args.policy_config else {}
        violations = plan_violations(plan, config, workspace)
    except PolicyConfigError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except PlanError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([vars(violation) for violation in violations], indent=2))
    else:
        print(render(violations, workspace, sum(r.changing for r in plan_resources(plan, workspace))))
    return 1 if any(v.level == EnforcementLevel.MANDATORY.value for v in violations) else 0


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        problem = f"{what} {path} cannot be read ({error.strerror})"
        raise PlanError(f"{problem}. Fix: give the path of an existing file.") from None


def _config(path: Path) -> dict[str, Any]:
    """A policy config file, as ``pulumi preview --policy-pack-config`` reads it (an object at the top)."""
    try:
        config = json.loads(_read(path, "the policy config"))
    except ValueError as error:
        problem = f"the policy config {path} is not JSON ({error})"
        raise PlanError(f"{problem}. Fix: write it as docs/policy.md shows.") from None
    if not isinstance(config, dict):
        raise PlanError(f"the policy config {path} is not a JSON object. Fix: map each policy's name to its level "
                        "or settings, as docs/policy.md shows.")
    return config


if __name__ == "__main__":
    sys.exit(main())
