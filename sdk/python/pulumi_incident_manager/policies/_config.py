"""The policy config (a ``--policy-pack-config`` file), read once for the CLI's pack and the testing kit.

Two readers refuse a config, in this order, and the kit replays both so that it refuses what the CLI refuses:

1. The engine (``pkg/resource/analyzer/config.go`` of the Pulumi CLI) parses the file, fills in the schema's
   defaults and validates each policy's settings against its ``config_schema`` (gojsonschema). It reads only the
   schema's ``properties`` and ``required``, so it lets unknown settings and unknown policy names through.
   :func:`reconcile` does the same with jsonschema and words each refusal as the engine does.
2. The pack (its analyzer's ``Configure``, see :func:`checked_policy_pack`) then refuses by name what the engine let
   through: an unknown policy, an unknown setting, a setting that moved to another policy (:func:`pack_refusals`).

One exception, the engine's: a section for an unknown policy without an ``enforcementLevel`` never reaches the
pack; the engine stops with ``invalid enforcement level ""``. The kit names the policy instead.
"""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import grpc
import jsonschema
from google.protobuf import json_format
from pulumi_policy import EnforcementLevel, Policy, PolicyPack
from pulumi_policy import policy as policy_module

from ._pack import POLICY_PACK_NAME, POLICY_PACK_VERSION

MOVED_SETTINGS = {
    ("service-field-limits", "senderPattern"): "team-conventions",
    ("service-field-limits", "publicMaxLength"): "team-conventions",
}
"""(policy, setting) -> the policy the setting lives in now."""

ALL = "all"
"""The config key whose enforcementLevel applies to every policy."""


class PolicyConfigError(ValueError):
    """A policy config the CLI refuses. :attr:`problems` are the sentences the CLI prints after ``error:``, one
    per problem, each naming the policy and the setting; the message is all of them, a line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PolicyConfig:
    """One policy's section as the pack receives it: its enforcement level and its settings, defaults filled in."""

    enforcement_level: EnforcementLevel | None
    """None when nothing sets it (the engine then refuses the section: only an unknown policy can be so)."""
    settings: Mapping[str, Any]


def reconcile(config: Mapping[str, Any], policies: Iterable[Policy]) -> dict[str, PolicyConfig]:
    """``config`` (a ``--policy-pack-config`` file's content) as the engine hands it to the pack: every policy of
    ``policies`` with its level and settings (defaults filled in), plus the sections naming no policy.

    Raises :class:`PolicyConfigError` with the engine's own sentence where the engine refuses the file.
    """
    known = {policy.name: policy for policy in policies}
    given = _parse(config)
    result = {
        name: PolicyConfig(policy.enforcement_level, _defaults(policy)) for name, policy in known.items()
    }
    everything = given.get(ALL)
    if everything is not None and everything.enforcement_level is not None:
        result = {name: PolicyConfig(everything.enforcement_level, c.settings) for name, c in result.items()}
    for name, section in given.items():
        current = result.get(name, PolicyConfig(None, {}))
        result[name] = PolicyConfig(
            section.enforcement_level or current.enforcement_level, {**current.settings, **section.settings}
        )
    problems = sorted(
        f"{name}: {problem}"
        for name, policy in known.items()
        if policy.config_schema is not None
        for problem in _schema_problems(policy, result[name].settings)
    )
    if problems:
        prefix = f"validating policy config: {POLICY_PACK_NAME} {POLICY_PACK_VERSION}  "
        raise PolicyConfigError([prefix + problem for problem in problems])
    return result


def pack_refusals(config: Mapping[str, PolicyConfig], policies: Iterable[Policy]) -> list[str]:
    """What the pack refuses in a reconciled config: each unknown policy, unknown setting or moved setting, by name,
    one sentence each. The engine let them through, and ignoring them would quietly switch a rule off."""
    known = {policy.name: policy for policy in policies}
    refusals = []
    for name, section in sorted(config.items()):
        if name == ALL:
            for setting in sorted(section.settings):
                refusals.append(
                    f'policy config "all": "{setting}" is not a setting of every policy ("all" takes only '
                    f"enforcementLevel). Fix: move it to the section of the policy it belongs to."
                )
        elif name not in known:
            refusals.append(
                f'policy config: "{name}" is not a policy of the pack "{POLICY_PACK_NAME}", so its section would be '
                f"ignored. Fix: {_closest(name, known)}."
            )
        elif (schema := known[name].config_schema) is not None:  # without a schema, a policy reads any setting
            allowed = set(schema.properties)
            for setting in sorted(set(section.settings) - allowed):
                home = MOVED_SETTINGS.get((name, setting))
                if home:
                    refusals.append(
                        f'policy config "{name}": setting "{setting}" lives in "{home}" now, so here it would be '
                        f'ignored. Fix: move it to the "{home}" section of the policy config.'
                    )
                else:
                    fix = _closest(setting, allowed) if allowed else f'remove it: "{name}" has no settings'
                    refusals.append(
                        f'policy config "{name}": "{setting}" is not a setting of this policy, so it would be '
                        f"ignored. Fix: {fix}."
                    )
    return refusals


def check_pack_config(config: Mapping[str, Any], policies: Iterable[Policy]) -> dict[str, PolicyConfig]:
    """:func:`reconcile`, then :func:`pack_refusals`: the config as the pack runs it, or :class:`PolicyConfigError`
    with the sentence the CLI prints. An unknown policy without a level is refused by name here (the engine, which
    refuses it first, cannot say which)."""
    chosen = list(policies)
    reconciled = reconcile(config, chosen)
    refusals = pack_refusals(reconciled, chosen)
    if refusals:
        raise PolicyConfigError(refusals)
    return reconciled


def checked_policy_pack(name: str, policies: list[Policy], enforcement_level: EnforcementLevel) -> None:
    """Serve ``policies`` as pulumi-policy's ``PolicyPack`` does, with a ``Configure`` that refuses, in
    :func:`pack_refusals`'s words, what the engine let through: the CLI prints the refusal and stops before any
    resource is analyzed."""

    class Servicer(policy_module._PolicyAnalyzerServicer):
        def Configure(self, request: Any, context: grpc.ServicerContext) -> Any:
            received = {
                key: PolicyConfig(None, json_format.MessageToDict(section.properties))
                for key, section in request.policyConfig.items()
            }
            refusals = pack_refusals(received, policies)
            if refusals:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, " ".join(refusals))
            return super().Configure(request, context)  # type: ignore[no-untyped-call]

    # PolicyPack builds its servicer from this module attribute; pulumi-policy offers no other way in.
    policy_module._PolicyAnalyzerServicer = Servicer  # type: ignore[misc]
    PolicyPack(name=name, policies=policies, enforcement_level=enforcement_level)


def _parse(config: Mapping[str, Any]) -> dict[str, PolicyConfig]:
    """Each section's level and settings, as the engine parses the file (its words where it refuses)."""
    parsed = {}
    for name, value in config.items():
        if name == "environments":
            continue  # the engine reads ESC environments from this key; the kit has none to open
        if isinstance(value, str):
            parsed[name] = PolicyConfig(_level(name, value), {})
        elif isinstance(value, dict):
            settings = dict(value)
            level = settings.pop("enforcementLevel", None)
            if level is not None and not isinstance(level, str):
                raise PolicyConfigError([
                    f'parsing enforcement level for "{name}": {_go(level)} is not a valid enforcement level; '
                    "must be a string"
                ])
            parsed[name] = PolicyConfig(None if level is None else _level(name, level), settings)
        else:
            problem = f'parsing "{name}": {_go(value)} is not a valid value; must be a string or object'
            raise PolicyConfigError([problem])
    return parsed


def _level(name: str, value: str) -> EnforcementLevel:
    try:
        return EnforcementLevel(value)
    except ValueError:
        problem = f'parsing enforcement level for "{name}": "{value}" is not a valid enforcement level'
        raise PolicyConfigError([problem]) from None


def _defaults(policy: Policy) -> dict[str, Any]:
    schema = policy.config_schema
    properties = schema.properties if schema is not None else {}
    return {key: copy.deepcopy(spec["default"]) for key, spec in properties.items() if "default" in spec}


def _schema_problems(policy: Policy, settings: Mapping[str, Any]) -> list[str]:
    """The settings' departures from the policy's schema, worded as the engine's gojsonschema words them."""
    assert policy.config_schema is not None
    # Only what the engine reads of the schema: properties and required.
    schema: dict[str, Any] = {"type": "object", "properties": policy.config_schema.properties}
    if policy.config_schema.required:
        schema["required"] = policy.config_schema.required
    validator = jsonschema.Draft7Validator(schema)
    return [_engine_words(error) for error in validator.iter_errors(dict(settings))]


_JSON_TYPES = ((bool, "boolean"), (str, "string"), (list, "array"), (dict, "object"), (type(None), "null"))


def _json_type(value: Any) -> str:
    for python, name in _JSON_TYPES:
        if isinstance(value, python):
            return name
    return "integer" if float(value).is_integer() else "number"


def _engine_words(error: jsonschema.ValidationError) -> str:
    field = ".".join(str(part) for part in error.absolute_path) or "(root)"
    value, rule = error.instance, error.validator_value
    if error.validator == "type":
        description = f"Invalid type. Expected: {rule}, given: {_json_type(value)}"
    elif error.validator == "enum":
        description = f"{field} must be one of the following: {', '.join(json.dumps(item) for item in rule)}"
    elif error.validator == "minimum":
        description = f"Must be greater than or equal to {_go(rule)}"
    elif error.validator == "maximum":
        description = f"Must be less than or equal to {_go(rule)}"
    elif error.validator == "required":
        description = f"{error.message.split(' ', 1)[0].strip(chr(39))} is required"
    else:
        description = error.message
    return description if field == "(root)" else f"{field}: {description}"


def _go(value: Any) -> str:
    """A JSON value as Go's ``%v`` prints it (the engine's sentences quote values so)."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, list):
        return "[" + " ".join(_go(item) for item in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{key}:{_go(item)}" for key, item in sorted(value.items())) + "]"
    return str(value)


def _closest(name: str, choices: Iterable[str]) -> str:
    """The fix for a misspelled name: the closest of ``choices``, else all of them."""
    ordered = sorted(choices)
    close = difflib.get_close_matches(name, ordered, n=1)
    if close:
        return f'write "{close[0]}" (the names are {", ".join(ordered)})'
    return f"use one of {', '.join(ordered)}, or remove it"
