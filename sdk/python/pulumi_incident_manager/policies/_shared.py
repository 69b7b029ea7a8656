"""What every policy of the pack shares: type tokens, drill stacks, settings, reading inputs, reporting.

Unknown values are handled here and only here (:class:`Inputs`): during ``pulumi preview`` a property computed
from another resource is not known yet, and the analyzer's props raise on reading it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

# The analyzer's contract for values not known yet (a sentinel, and props that raise on it) lives in
# pulumi_policy.proxy, which pulumi_policy does not re-export: this is the one module of the package that uses it.
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy
from pulumi_policy.proxy import UnknownValueError as UnknownValueError  # re-exported: what analyzed props raise

from incident_manager_provider.api import contact_alias as contact_alias  # re-exported
from incident_manager_provider.schema import (
    ENGAGEMENT,
    EXPECTATION,
    PAGE_ACCEPTANCE,
    TOKEN_KEY,
    Resource,
    dynamic_type,
    plugin_type,
)

ENGAGEMENT_TYPE = dynamic_type(ENGAGEMENT)
PAGE_ACCEPTANCE_TYPE = dynamic_type(PAGE_ACCEPTANCE)
TOKEN_KEY_TYPE = dynamic_type(TOKEN_KEY)
RESOURCES_BY_TYPE = {ENGAGEMENT_TYPE: ENGAGEMENT, PAGE_ACCEPTANCE_TYPE: PAGE_ACCEPTANCE}
PLUGIN_TYPES: dict[str, Resource] = {plugin_type(r): r for r in (ENGAGEMENT, PAGE_ACCEPTANCE, TOKEN_KEY, EXPECTATION)}
"""The provider plugin's type tokens (YAML, TypeScript programs): the policies read them as the dynamic ones."""


class _SnakeCaseProps(Mapping[str, Any]):
    """A plugin resource's camelCase properties under the snake_case names the policies use; reading a value is
    deferred to the analyzer's own mapping, so a value not known yet still raises as it would there."""

    def __init__(self, props: Mapping[str, Any], resource: Resource) -> None:
        self._props = props
        self._resource = resource

    def __getitem__(self, name: str) -> Any:
        return self._props[self._resource.camel_names.get(name, name)]

    def __iter__(self) -> Iterator[str]:
        snake = self._resource.snake_names
        return (snake.get(key, key) for key in self._props)

    def __len__(self) -> int:
        return len(self._props)


def as_dynamic(resource_type: str, props: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    """A plugin resource's type and properties as the dynamic provider's (others unchanged)."""
    resource = PLUGIN_TYPES.get(resource_type)
    if resource is None:
        return resource_type, props
    return dynamic_type(resource), _SnakeCaseProps(props, resource)


def _for_both_providers(validate: ResourceValidation) -> ResourceValidation:
    def validate_either(args: ResourceValidationArgs, report_violation: ReportViolation) -> Any:
        if args.resource_type in PLUGIN_TYPES:
            resource_type, props = as_dynamic(args.resource_type, args.props)
            args = ResourceValidationArgs(
                resource_type, props, args.urn, args.name, args.opts, args.provider, args.get_config()
            )
        return validate(args, report_violation)

    return validate_either
"""The resources the policies check, by the type token the engine records for them."""

DEFAULT_DRILL_STACKS = ("*drill*", "*gameday*")

_TYPES = {str: "string", bool: "boolean", int: "integer", list: "array", dict: "object"}


def setting(default: Any, description: str, **schema: Any) -> dict[str, Any]:
    """One setting of a policy's config: its JSON schema, typed after ``default`` (lists hold strings)."""
    items = {"items": {"type": "string"}} if isinstance(default, list) else {}
    return {"type": _TYPES[type(default)], **items, **schema, "default": default, "description": description}


def config_schema(*, drill_stacks: bool = False, **properties: dict[str, Any]) -> PolicyConfigSchema:
    """A policy's settings, the shared ``drillStacks`` first when the policy tells drills apart."""
    drills = {"drillStacks": DRILL_STACKS_SCHEMA} if drill_stacks else {}
    return PolicyConfigSchema(properties={**drills, **properties})


def resource_policy(
    name: str,
    validate: ResourceValidation,
    severity: Severity,
    schema: PolicyConfigSchema | None,
    description: str,
    remediation: str,
) -> ResourceValidationPolicy:
    """A policy of the pack: mandatory unless the policy config says otherwise."""
    return ResourceValidationPolicy(
        name=name,
        description=description,
        validate=_for_both_providers(validate),
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=schema,
        severity=severity,
        remediation_steps=remediation,
    )


DRILL_STACKS_SCHEMA = setting(
    list(DEFAULT_DRILL_STACKS), "Shell-style patterns (fnmatch) of the stack names that are drills."
)

UNKNOWN = UNKNOWN_STRING_VALUE
"""A string value not known yet, as the analyzer hands it to a policy during ``pulumi preview``."""


def analyzed_props(props: Mapping[str, Any]) -> Mapping[str, Any]:
    """``props`` as the analyzer hands them to a policy: reading an :data:`UNKNOWN` value raises
    :class:`UnknownValueError`, which the analyzer reports as an advisory "can't run policy ... during preview"."""
    return unknown_checking_proxy(dict(props))


def stack_from_urn(urn: str) -> str:
    """The stack name in a URN of the form ``urn:pulumi:<stack>::<project>::<type>::<name>``."""
    return urn.removeprefix("urn:pulumi:").split("::", 1)[0]


def is_drill_stack(stack: str, drill_stacks: Iterable[str] = DEFAULT_DRILL_STACKS) -> bool:
    """Whether ``stack`` matches one of the ``drill_stacks`` patterns (case-sensitive, like stack names)."""
    return any(fnmatchcase(stack, pattern) for pattern in drill_stacks)


def settings(args: ResourceValidationArgs, schema: PolicyConfigSchema) -> dict[str, Any]:
    """The policy's config with the schema's defaults filled in, so a run without the CLI behaves the same."""
    found = dict(args.get_config())
    for key, spec in schema.properties.items():
        if key not in found and "default" in spec:
            found[key] = copy.deepcopy(spec["default"])
        elif spec.get("type") == "integer" and isinstance(found.get(key), float) and found[key].is_integer():
            # The engine hands the pack its config as protobuf numbers, which are floats: 20, not 20.0, in messages.
            found[key] = int(found[key])
    return found


def drill_settings(args: ResourceValidationArgs, schema: PolicyConfigSchema) -> tuple[dict[str, Any], str, bool]:
    """The policy's :func:`settings`, the resource's stack, and whether the policy's ``drillStacks`` mark it as a
    drill."""
    config = settings(args, schema)
    stack = stack_from_urn(args.urn)
    return config, stack, is_drill_stack(stack, config["drillStacks"])


@dataclass(frozen=True)
class Inputs:
    """A resource's properties as the policies read them: the known values, and the ones not known yet.

    A check on a value that is not known yet is skipped (:meth:`get` answers None), unless the policy cannot
    decide anything without it: then :meth:`need` stops the policy with the analyzer's own error, which the CLI
    shows as an advisory "can't run policy ... during preview". Either way the engine analyzes the resource again,
    with every value known, before the provider is called.
    """

    values: Mapping[str, Any]
    """Property -> value, for the properties that are known."""
    unknown: Mapping[str, UnknownValueError]
    """Property -> the analyzer's error for it, for the properties not known yet."""

    @classmethod
    def of(cls, props: Mapping[str, Any]) -> Inputs:
        values: dict[str, Any] = {}
        unknown: dict[str, UnknownValueError] = {}
        for key in props:
            try:
                values[key] = props[key]
            except UnknownValueError as error:
                unknown[key] = error
        return cls(values, unknown)

    def get(self, name: str) -> Any:
        """The value, or None when it is absent or not known yet."""
        return self.values.get(name)

    def need(self, *names: str) -> None:
        """Stop the policy (as the analyzer does) if one of ``names`` is not known yet."""
        for name in names:
            if name in self.unknown:
                raise self.unknown[name]


@dataclass(frozen=True)
class Reporter:
    """Reports violations about one resource, each as ``<Kind> "<name>": <prop> <problem>. Fix: <fix>.``"""

    args: ResourceValidationArgs
    report_violation: ReportViolation

    def __call__(self, prop: str, problem: str, fix: str) -> None:
        """Report one violation. Never pass a secret's value in ``problem``."""
        kind = self.args.resource_type.rsplit(":", 1)[-1]
        self.report_violation(f'{kind} "{self.args.name}": {prop} {problem}. Fix: {fix}.', self.args.urn)

    def regex(self, name: str, pattern: str) -> re.Pattern[str] | None:
        """A regular expression from the policy config (setting ``name``); None, reported as a config error, if it
        does not compile."""
        try:
            return re.compile(pattern)
        except re.error as error:
            problem = f"is not a valid regular expression ({error})"
            self(f"policy config {name}", problem, "correct the pattern in the policy config")
            return None
