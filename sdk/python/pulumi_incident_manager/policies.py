"""CrossGuard policies for engagements and page acceptances.

The policy pack in ``policy_pack/`` only assembles :data:`POLICIES`; keeping the policies here lets tests (and
users' own tests, through :mod:`pulumi_incident_manager.testing`) call each policy's ``validate`` directly.

All dynamic resources of one class share one type token, so every policy matches on the token and then on the
resource's properties (snake_case, as the SDK stores them).

A stack is *marked as a drill* when its name matches one of the shell-style patterns in the policy's
``drillStacks`` setting (default ``["*drill*", "*gameday*"]``). The stack name comes from the resource's URN
(``urn:pulumi:<stack>::<project>::<type>::<name>``), so it is the same under the CLI and in unit tests.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import yaml
from botocore import xform_name
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from incident_manager_provider.tokens import IDENTITY_FIELDS
from incident_manager_provider.validation import model_regex, service_model

__all__ = [
    "CONTACT_ALLOWLIST",
    "DEFAULT_DRILL_STACKS",
    "ENGAGEMENT_TYPE",
    "FIELD_LIMITS",
    "INCIDENT_OR_DRILL_MARKER",
    "NO_SECRETS_IN_SMS",
    "ONE_ENGAGEMENT_PER_TOKEN",
    "PAGE_ACCEPTANCE_DRILLS_ONLY",
    "PAGE_ACCEPTANCE_TYPE",
    "POLICIES",
    "POLICY_PACK_NAME",
    "SENSITIVE_PATTERNS",
    "STACK_POLICIES",
    "is_drill_stack",
    "policy_pack_path",
    "stack_from_urn",
]

ENGAGEMENT_TYPE = "pulumi-python:dynamic/incident-manager:Engagement"
PAGE_ACCEPTANCE_TYPE = "pulumi-python:dynamic/incident-manager:PageAcceptance"
TOKEN_KEY_TYPE = "pulumi-python:dynamic/incident-manager:TokenKey"
POLICY_PACK_NAME = "incident-manager"
DEFAULT_DRILL_STACKS = ("*drill*", "*gameday*")

_DRILL_STACKS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {"type": "string"},
    "default": list(DEFAULT_DRILL_STACKS),
    "description": "Shell-style patterns (fnmatch) of the stack names that are drills.",
}


def policy_pack_path() -> Path:
    """The directory to pass to ``pulumi preview --policy-pack``: this pack, started with this Python environment.

    Pulumi's Python language host starts a pack with the interpreter of the virtualenv its ``PulumiPolicy.yaml``
    names, else with ``python`` on PATH, which need not have this package. So the shipped pack is written, once per
    environment, to a folder in the user's cache whose ``PulumiPolicy.yaml`` names ``sys.prefix``.
    """
    shipped = Path(__file__).resolve().parent / "policy_pack"
    settings = yaml.safe_load((shipped / "PulumiPolicy.yaml").read_text())
    if sys.prefix != sys.base_prefix:  # a virtualenv: the host runs its bin/python
        settings["runtime"] = {"name": "python", "options": {"virtualenv": sys.prefix}}
    identity = hashlib.sha256(f"{sys.prefix}\0{shipped}".encode()).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = cache / "pulumi-incident-manager" / "policy-packs" / identity
    files = {
        "PulumiPolicy.yaml": yaml.safe_dump(settings, sort_keys=False),
        "__main__.py": (shipped / "__main__.py").read_text(),
        "requirements.txt": (shipped / "requirements.txt").read_text(),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = folder / name
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
    return folder


def stack_from_urn(urn: str) -> str:
    """The stack name in a URN of the form ``urn:pulumi:<stack>::<project>::<type>::<name>``."""
    return urn.removeprefix("urn:pulumi:").split("::", 1)[0]


def is_drill_stack(stack: str, drill_stacks: Iterable[str] = DEFAULT_DRILL_STACKS) -> bool:
    """Whether ``stack`` matches one of the ``drill_stacks`` patterns (case-sensitive, like stack names)."""
    return any(fnmatchcase(stack, pattern) for pattern in drill_stacks)


# ---------------------------------------------------------------------------------------------------------
# Shared helpers


def _settings(args: ResourceValidationArgs, schema: PolicyConfigSchema) -> dict[str, Any]:
    """The policy's config with the schema's defaults filled in, so a run without the CLI behaves the same."""
    settings = dict(args.get_config())
    for key, spec in schema.properties.items():
        if key not in settings and "default" in spec:
            settings[key] = copy.deepcopy(spec["default"])
    return settings


def _known(props: Mapping[str, Any], key: str) -> Any:
    """The property's value, or None when it is absent or unknown during preview (checked again at update)."""
    try:
        return props.get(key)
    except UnknownValueError:
        return None


def _kind(resource_type: str) -> str:
    return resource_type.rsplit(":", 1)[-1]


def _report(args: ResourceValidationArgs, report_violation: ReportViolation, prop: str, problem: str, fix: str) -> None:
    report_violation(f'{_kind(args.resource_type)} "{args.name}": {prop} {problem}. Fix: {fix}.', args.urn)


def _drill_context(args: ResourceValidationArgs, settings: Mapping[str, Any]) -> tuple[str, bool]:
    stack = stack_from_urn(args.urn)
    return stack, is_drill_stack(stack, settings["drillStacks"])


def _config_regex(
    args: ResourceValidationArgs, report_violation: ReportViolation, setting: str, pattern: str
) -> re.Pattern[str] | None:
    """A regular expression from the policy config; None, reported as a config error, if it does not compile."""
    try:
        return re.compile(pattern)
    except re.error as error:
        _report(
            args,
            report_violation,
            f"policy config {setting}",
            f"is not a valid regular expression ({error})",
            "correct the pattern in the policy config",
        )
        return None


def _contact_alias(contact_id: str) -> str:
    """``arn:aws:ssm-contacts:<region>:<account>:contact/<alias>`` -> ``<alias>``; anything else as given."""
    _, sep, alias = contact_id.partition(":contact/")
    return alias if sep else contact_id


def _contact_matches(contact_id: str, patterns: Iterable[str]) -> bool:
    # Patterns may name the alias ("drill-*") or the full ARN ("arn:aws:ssm-contacts:*:contact/drill-*").
    names = (contact_id, _contact_alias(contact_id))
    return any(fnmatchcase(name, pattern) for pattern in patterns for name in names)


# ---------------------------------------------------------------------------------------------------------
# contact-allowlist

_ALLOWLIST_SCHEMA = PolicyConfigSchema(
    properties={
        "drillStacks": _DRILL_STACKS_SCHEMA,
        "allowedContacts": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "default": {},
            "description": (
                "Stack-name pattern -> contact patterns (alias or ARN, fnmatch) that stacks matching it may "
                "engage. A stack matching several keys may engage the union."
            ),
        },
        "deniedContacts": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Contact patterns (production rotations) that drill stacks may never engage.",
        },
    }
)


def _validate_contact_allowlist(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != ENGAGEMENT_TYPE:
        return
    settings = _settings(args, _ALLOWLIST_SCHEMA)
    stack, drill = _drill_context(args, settings)
    contact_id = args.props.get("contact_id")
    if not isinstance(contact_id, str):
        return
    allowed = [
        contact
        for stack_pattern, contacts in settings["allowedContacts"].items()
        if fnmatchcase(stack, stack_pattern)
        for contact in contacts
    ]
    if drill and _contact_matches(contact_id, settings["deniedContacts"]):
        _report(
            args,
            report_violation,
            "contact_id",
            f'engages "{contact_id}", a production contact listed in deniedContacts, from drill stack "{stack}"',
            f"engage a drill contact instead ({_listing(allowed)})" if allowed else "engage a drill contact",
        )
    elif allowed and not _contact_matches(contact_id, allowed):
        _report(
            args,
            report_violation,
            "contact_id",
            f'engages "{contact_id}", which is not on the allowlist of stack "{stack}" ({_listing(allowed)})',
            "engage an allowed contact, or add it to allowedContacts in the policy config",
        )
    elif drill and not allowed:
        _report(
            args,
            report_violation,
            "contact_id",
            f'engages "{contact_id}" from drill stack "{stack}", which has no allowlist',
            f'name the contacts this drill may engage under allowedContacts["{stack}"] in the policy config',
        )


def _listing(patterns: Sequence[str]) -> str:
    return "allowed: " + ", ".join(f'"{pattern}"' for pattern in patterns)


CONTACT_ALLOWLIST = ResourceValidationPolicy(
    name="contact-allowlist",
    description=(
        "A stack may engage only the contacts its policy config allows; drill stacks must have an allowlist "
        "and may never engage the production contacts listed in deniedContacts."
    ),
    validate=_validate_contact_allowlist,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=_ALLOWLIST_SCHEMA,
    severity=Severity.CRITICAL,
    remediation_steps="Engage an allowed contact, or change allowedContacts/deniedContacts in the policy config.",
)


# ---------------------------------------------------------------------------------------------------------
# incident-or-drill-marker

_MARKER_SCHEMA = PolicyConfigSchema(
    properties={
        "drillStacks": _DRILL_STACKS_SCHEMA,
        "drillMarker": {
            "type": "string",
            "default": "[DRILL]",
            "description": (
                "Text that subject and public_subject must contain in drill stacks, so whoever is paged knows "
                'it is a drill. "" turns the check off.'
            ),
        },
        "incidentIdPattern": {
            "type": "string",
            "default": ".+",
            "description": "Regular expression an incident_id must fully match outside drill stacks.",
        },
    }
)


def _validate_marker(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != ENGAGEMENT_TYPE:
        return
    settings = _settings(args, _MARKER_SCHEMA)
    stack, drill = _drill_context(args, settings)
    if drill:
        marker = settings["drillMarker"]
        for prop in ("subject", "public_subject"):
            value = args.props.get(prop)
            if marker and isinstance(value, str) and marker not in value:
                _report(
                    args,
                    report_violation,
                    prop,
                    f'does not contain the drill marker "{marker}" (stack "{stack}" is a drill)',
                    f'start it with "{marker}" so whoever is paged knows this is a drill',
                )
        return
    incident_id = args.props.get("incident_id")
    if not incident_id:
        _report(
            args,
            report_violation,
            "incident_id",
            f'is missing, and stack "{stack}" is not a drill (drillStacks: {list(settings["drillStacks"])})',
            "set incident_id to the incident this engagement is for, or run it from a drill stack",
        )
    elif (
        incident_pattern := _config_regex(args, report_violation, "incidentIdPattern", settings["incidentIdPattern"])
    ) and not incident_pattern.fullmatch(incident_id):
        _report(
            args,
            report_violation,
            "incident_id",
            f'"{incident_id}" does not match incidentIdPattern "{settings["incidentIdPattern"]}"',
            "use the incident record's identifier in the form the policy config asks for",
        )


INCIDENT_OR_DRILL_MARKER = ResourceValidationPolicy(
    name="incident-or-drill-marker",
    description=(
        "Every engagement is marked: outside drill stacks it carries an incident_id; in drill stacks its "
        "subject carries the drill marker."
    ),
    validate=_validate_marker,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=_MARKER_SCHEMA,
    severity=Severity.HIGH,
    remediation_steps="Set incident_id, or deploy from a drill stack with the drill marker in the subject.",
)


# ---------------------------------------------------------------------------------------------------------
# no-secrets-in-sms


@dataclass(frozen=True)
class _SensitivePattern:
    description: str
    regex: re.Pattern[str]


SENSITIVE_PATTERNS: Mapping[str, _SensitivePattern] = {
    name: _SensitivePattern(description, re.compile(regex))
    for name, description, regex in (
        # Lookarounds rather than \b, which fails after "_" (key_AKIA...): likewise for credential below.
        (
            "aws-access-key-id",
            "an AWS access key ID",
            r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}(?![A-Za-z0-9])",
        ),
        (
            "aws-secret-access-key",
            "an AWS secret access key",
            # A "=" may come before (AWS_SECRET_ACCESS_KEY=...), not after (base64 padding of something longer).
            r"(?<![A-Za-z0-9/+])(?=[A-Za-z0-9/+]*[0-9])(?=[A-Za-z0-9/+]*[A-Z])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])",
        ),
        ("private-key", "a private key", r"-----BEGIN [A-Z ]*PRIVATE KEY[A-Z ]*-----"),
        (
            "token",
            "an API token",
            r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|xox[abposr]-[A-Za-z0-9-]{10,}"
            r"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
            # AWS STS session tokens: base64 of a serialized token, whose first bytes are fixed.
            r"|(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE|AQoDYXdzE)[A-Za-z0-9/+=]{20,})",
        ),
        (
            "credential",
            "a credential",
            # Not \b: DB_PASSWORD=..., AWS_SESSION_TOKEN=...; quotes allowed around the name ("password": "...").
            r"(?i:(?<![A-Za-z0-9])(?:password|passwd|pwd|secret|token|api[_-]?key)[\"']?\s*[:=]\s*[^\s,;]{6,}"
            r"|\bbearer\s+[A-Za-z0-9._~+/-]{16,})",
        ),
        (
            "email-address",
            "an e-mail address",
            # The lookbehind starts a try only where a local part can start: linear, not quadratic, in the text.
            r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
        ),
        (
            "phone-number",
            "a phone number",
            r"(?<![\w+])\+\d[\d ().-]{6,18}\d(?!\w)"
            r"|(?<!\w)(?:\(\d{3}\) ?|\(?\d{3}\)?[ .-])\d{3}[ .-]\d{4}(?!\w)",
        ),
    )
}
"""Built-in patterns, by the name the policy config uses to turn one off (``ignoredPatterns``)."""

_SMS_FIELDS = ("public_subject", "public_content")

_SECRETS_SCHEMA = PolicyConfigSchema(
    properties={
        "extraPatterns": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "default": {},
            "description": "Name -> regular expression of more text that must not go out by SMS.",
        },
        "ignoredPatterns": {
            "type": "array",
            "items": {"type": "string", "enum": sorted(SENSITIVE_PATTERNS)},
            "default": [],
            "description": "Names of built-in patterns to turn off (for example a bridge line's phone-number).",
        },
    }
)


def _validate_no_secrets_in_sms(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != ENGAGEMENT_TYPE:
        return
    settings = _settings(args, _SECRETS_SCHEMA)
    patterns = {name: p for name, p in SENSITIVE_PATTERNS.items() if name not in settings["ignoredPatterns"]}
    for name, regex in settings["extraPatterns"].items():
        compiled = _config_regex(args, report_violation, f'extraPatterns["{name}"]', regex)
        if compiled is not None:
            patterns[name] = _SensitivePattern(f'text matching extraPatterns["{name}"]', compiled)
    for prop in _SMS_FIELDS:
        value = args.props.get(prop)
        if not isinstance(value, str):
            continue
        for name, pattern in patterns.items():
            found = pattern.regex.search(value)
            if found:
                # Say where, never what: the violation is printed and logged.
                _report(
                    args,
                    report_violation,
                    prop,
                    f"contains what looks like {pattern.description} (pattern {name}, at character "
                    f"{found.start() + 1}); SMS is not a secure channel",
                    f"remove it from {prop}; put what responders need in subject/content, which go only by "
                    "e-mail and voice",
                )


NO_SECRETS_IN_SMS = ResourceValidationPolicy(
    name="no-secrets-in-sms",
    description=(
        "public_subject and public_content go out by SMS, which is not a secure channel: they must not carry "
        "keys, tokens, credentials, e-mail addresses or phone numbers."
    ),
    validate=_validate_no_secrets_in_sms,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=_SECRETS_SCHEMA,
    severity=Severity.HIGH,
    remediation_steps="Move sensitive details to subject/content; keep the SMS text to what anyone may read.",
)


# ---------------------------------------------------------------------------------------------------------
# service-field-limits


@dataclass(frozen=True)
class _FieldRule:
    member: str
    """The AWS member name (``Sender``), for the message."""
    required: bool
    min_length: int | None
    max_length: int | None
    pattern: str | None
    enum: tuple[str, ...]


# botocore's ARN pattern ends in ``([...]+)*``: a value that fails it (an ARN with a trailing space) makes Python's
# re backtrack exponentially and the pack hang. ``(?:[...])*`` accepts exactly the same strings, in linear time.
# A pattern that is one character class repeated (``^[...]*$``): a value breaks it by the characters it uses.
_CHARACTER_CLASS = re.compile(r"\^?\[(?:\\.|[^\]\\])*\]\*\$?")


# Properties the SDK stores as secrets: messages may name them but never quote them.
_SECRET_PROPS = frozenset({"subject", "content", "public_subject", "public_content", "accept_code"})
# Properties the SDK fills in when the program leaves them out.
_SDK_DEFAULTED = frozenset({"accept_type", "accept_code_validation"})


@functools.cache
def _field_rules(resource_type: str) -> Mapping[str, _FieldRule]:
    """Property -> constraints, read from botocore's ssm-contacts model rather than copied by hand."""
    model = service_model()
    sources: dict[str, list[tuple[str, str, str]]] = {
        # (operation, AWS member, property)
        ENGAGEMENT_TYPE: [
            *(
                ("StartEngagement", member, xform_name(member))
                for member in model.operation_model("StartEngagement").input_shape.members
            ),
            ("StopEngagement", "Reason", "stop_reason"),
        ],
        PAGE_ACCEPTANCE_TYPE: [
            ("AcceptPage", member, xform_name(member))
            for member in model.operation_model("AcceptPage").input_shape.members
        ],
    }
    rules: dict[str, _FieldRule] = {}
    for operation, member, prop in sources.get(resource_type, []):
        shape = model.operation_model(operation).input_shape
        member_shape = shape.members[member]
        metadata = member_shape.metadata
        rules[prop] = _FieldRule(
            member=f"{operation}.{member}",
            required=member in shape.required_members and prop not in _SDK_DEFAULTED,
            min_length=metadata.get("min"),
            max_length=metadata.get("max"),
            pattern=metadata.get("pattern"),
            enum=tuple(getattr(member_shape, "enum", None) or ()),
        )
    return rules


_LIMITS_SCHEMA = PolicyConfigSchema(
    properties={
        "senderPattern": {
            "type": "string",
            "default": "",
            "description": 'A regular expression sender must also fully match (team convention); "" for none.',
        },
        "publicMaxLength": {
            "type": "integer",
            "minimum": 0,
            "default": 0,
            "description": (
                "A tighter limit for public_subject and public_content (SMS text; the service allows far more "
                "than one message). 0 keeps the service's limit."
            ),
        },
    }
)


def _validate_field_limits(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    rules = _field_rules(args.resource_type)
    if not rules:
        return
    settings = _settings(args, _LIMITS_SCHEMA)
    for prop, rule in rules.items():
        try:
            value = args.props.get(prop)
        except UnknownValueError:
            continue  # unknown during preview; the engine analyzes the resource again before the update
        if value is None:
            if rule.required:
                _report(args, report_violation, prop, f"is missing ({rule.member} requires it)", f"set {prop}")
            continue
        if not isinstance(value, str):
            _report(args, report_violation, prop, f"is a {type(value).__name__}", f"pass {prop} as a string")
            continue
        _check_field(args, report_violation, prop, value, rule)
    sender = _known(args.props, "sender")
    sender_pattern = (
        _config_regex(args, report_violation, "senderPattern", settings["senderPattern"])
        if settings["senderPattern"]
        else None
    )
    if sender_pattern and isinstance(sender, str) and not sender_pattern.fullmatch(sender):
        _report(
            args,
            report_violation,
            "sender",
            f'"{sender}" does not match the team\'s senderPattern "{settings["senderPattern"]}"',
            "use a sender name that follows the convention in the policy config",
        )
    if settings["publicMaxLength"]:
        for prop in _SMS_FIELDS:
            value = _known(args.props, prop)
            if isinstance(value, str) and len(value) > settings["publicMaxLength"]:
                _report(
                    args,
                    report_violation,
                    prop,
                    f"is {len(value)} characters, over the publicMaxLength of {settings['publicMaxLength']}",
                    f"shorten {prop} to at most {settings['publicMaxLength']} characters",
                )


def _check_field(
    args: ResourceValidationArgs, report_violation: ReportViolation, prop: str, value: str, rule: _FieldRule
) -> None:
    if rule.enum and value not in rule.enum:
        allowed = " or ".join(f'"{choice}"' for choice in rule.enum)
        _report(args, report_violation, prop, f'is "{value}", not one of {allowed}', f"set {prop} to {allowed}")
    elif rule.min_length is not None and len(value) < rule.min_length:
        _report(
            args,
            report_violation,
            prop,
            f"is {len(value)} characters, under the minimum of {rule.min_length} ({rule.member})",
            f"give {prop} at least {rule.min_length} characters, or leave it out if it is optional",
        )
    elif rule.max_length is not None and len(value) > rule.max_length:
        _report(
            args,
            report_violation,
            prop,
            f"is {len(value)} characters, over the maximum of {rule.max_length} ({rule.member})",
            f"shorten {prop} to at most {rule.max_length} characters",
        )
    elif rule.pattern and not (regex := model_regex(rule.pattern)).fullmatch(value):
        # Characters at fault only mean something for a character-class pattern (not for an ARN's shape).
        per_character = _CHARACTER_CLASS.fullmatch(rule.pattern) is not None
        bad = sorted({char for char in value if not regex.fullmatch(char)}) if per_character else []
        shown = bad and prop not in _SECRET_PROPS  # never echo any part of a secret
        detail = f" (not allowed: {' '.join(repr(c) for c in bad)})" if shown else ""
        _report(
            args,
            report_violation,
            prop,
            f"does not match the pattern {rule.pattern} that {rule.member} requires{detail}",
            f"change {prop} so it matches that pattern",
        )


FIELD_LIMITS = ResourceValidationPolicy(
    name="service-field-limits",
    description=(
        "Engagement and PageAcceptance properties meet the ssm-contacts API's lengths, patterns and enums "
        "(from botocore's service model), checked before the engine calls the provider."
    ),
    validate=_validate_field_limits,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=_LIMITS_SCHEMA,
    severity=Severity.MEDIUM,
    remediation_steps="Change the property to meet the limit or pattern the message names.",
)


# ---------------------------------------------------------------------------------------------------------
# page-acceptance-drills-only

_ACCEPTANCE_SCHEMA = PolicyConfigSchema(
    properties={
        "drillStacks": _DRILL_STACKS_SCHEMA,
        "allowOutsideDrills": {
            "type": "boolean",
            "default": False,
            "description": "Allow PageAcceptance resources in stacks that are not drills.",
        },
    }
)


def _validate_page_acceptance(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != PAGE_ACCEPTANCE_TYPE:
        return
    settings = _settings(args, _ACCEPTANCE_SCHEMA)
    stack, drill = _drill_context(args, settings)
    if not drill and not settings["allowOutsideDrills"]:
        _report(
            args,
            report_violation,
            "page_id",
            f'is acknowledged from code in stack "{stack}", which is not a drill '
            f"(drillStacks: {list(settings['drillStacks'])}); outside drills a person acknowledges the page",
            "remove the PageAcceptance, run it from a drill stack, or set allowOutsideDrills in the policy config",
        )


PAGE_ACCEPTANCE_DRILLS_ONLY = ResourceValidationPolicy(
    name="page-acceptance-drills-only",
    description=(
        "PageAcceptance (acknowledging a page from code) is for drills: outside drill stacks a person must "
        "acknowledge, unless the policy config allows it."
    ),
    validate=_validate_page_acceptance,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=_ACCEPTANCE_SCHEMA,
    severity=Severity.HIGH,
    remediation_steps="Remove the PageAcceptance, deploy it from a drill stack, or set allowOutsideDrills.",
)


# ---------------------------------------------------------------------------------------------------------
# one-engagement-per-token (the whole stack)


def _validate_one_engagement_per_token(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Engagements of the stack that would share one engagement: the same token, or (for minted tokens) the same
    contact, message and run. Compared in memory; the violation names the resources, never a value."""
    seen: dict[tuple[str, ...], str] = {}
    for resource in args.resources:
        props = resource.props
        if resource.resource_type != ENGAGEMENT_TYPE or not isinstance(_known(props, "contact_id"), str):
            continue  # not an engagement, one only read with Engagement.get, or one whose contact is not known yet
        identities: list[tuple[str, ...]] = []
        token = _known(props, "idempotency_token")
        if isinstance(token, str) and token:
            identities.append(("token", token))
        try:
            fields = [props.get(name) for name in IDENTITY_FIELDS]
        except UnknownValueError:  # preview: compared again once known, at update
            fields = [object()]
        if not _known(props, "explicit_token") and all(value is None or isinstance(value, str) for value in fields):
            identities.append(("identity", *(value or "" for value in fields)))
        for identity in identities:
            other = seen.setdefault(identity, resource.name)
            if other != resource.name:
                report_violation(
                    f'Engagements "{other}" and "{resource.name}" would share one engagement (the same '
                    f"idempotency_token), so destroying either would stop the other's. Fix: give one of them a "
                    f"different run or idempotency_token.",
                    resource.urn,
                )
                break


ONE_ENGAGEMENT_PER_TOKEN = StackValidationPolicy(
    name="one-engagement-per-token",
    description=(
        "No two Engagements of a stack share an idempotency token (explicit, or minted from the same contact, "
        "message and run): they would record one engagement, and destroying either would stop the other's."
    ),
    validate=_validate_one_engagement_per_token,
    enforcement_level=EnforcementLevel.MANDATORY,
)

STACK_POLICIES: tuple[StackValidationPolicy, ...] = (ONE_ENGAGEMENT_PER_TOKEN,)
"""The pack's policies over the whole stack."""


POLICIES: tuple[ResourceValidationPolicy, ...] = (
    CONTACT_ALLOWLIST,
    INCIDENT_OR_DRILL_MARKER,
    NO_SECRETS_IN_SMS,
    FIELD_LIMITS,
    PAGE_ACCEPTANCE_DRILLS_ONLY,
)
"""Every policy of the pack, in the order the pack reports them."""
