"""contact-allowlist: a stack engages only the contacts its policy config allows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from ._shared import DRILL_STACKS_SCHEMA, ENGAGEMENT_TYPE, Inputs, contact_alias, drill_context, report, settings

SCHEMA = PolicyConfigSchema(
    properties={
        "drillStacks": DRILL_STACKS_SCHEMA,
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


def contact_matches(contact_id: str, patterns: Iterable[str]) -> bool:
    """Whether a contact matches one of ``patterns``, which name the alias (``drill-*``) or the whole ARN."""
    names = (contact_id, contact_alias(contact_id))
    return any(fnmatchcase(name, pattern) for pattern in patterns for name in names)


def _validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != ENGAGEMENT_TYPE:
        return
    config = settings(args, SCHEMA)
    stack, drill = drill_context(args, config)
    inputs = Inputs.of(args.props)
    inputs.need("contact_id")
    contact_id = inputs.get("contact_id")
    if not isinstance(contact_id, str):
        return
    allowed = [
        contact
        for stack_pattern, contacts in config["allowedContacts"].items()
        if fnmatchcase(stack, stack_pattern)
        for contact in contacts
    ]
    if drill and contact_matches(contact_id, config["deniedContacts"]):
        report(
            args,
            report_violation,
            "contact_id",
            f'engages "{contact_id}", a production contact listed in deniedContacts, from drill stack "{stack}"',
            f"engage a drill contact instead ({_listing(allowed)})" if allowed else "engage a drill contact",
        )
    elif allowed and not contact_matches(contact_id, allowed):
        report(
            args,
            report_violation,
            "contact_id",
            f'engages "{contact_id}", which is not on the allowlist of stack "{stack}" ({_listing(allowed)})',
            "engage an allowed contact, or add it to allowedContacts in the policy config",
        )
    elif drill and not allowed:
        report(
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
    validate=_validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.CRITICAL,
    remediation_steps="Engage an allowed contact, or change allowedContacts/deniedContacts in the policy config.",
)
