"""contact-allowlist: a stack engages only the contacts its policy config allows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from ._shared import (
    ENGAGEMENT_TYPE,
    Inputs,
    Reporter,
    config_schema,
    contact_alias,
    drill_settings,
    resource_policy,
    setting,
)

SCHEMA = config_schema(
    drill_stacks=True,
    allowedContacts=setting(
        {},
        "Stack-name pattern -> contact patterns (alias or ARN, fnmatch) that stacks matching it may engage. A stack "
        "matching several keys may engage the union.",
        additionalProperties={"type": "array", "items": {"type": "string"}},
    ),
    deniedContacts=setting([], "Contact patterns (production rotations) that drill stacks may never engage."),
)


def contact_matches(contact_id: str, patterns: Iterable[str]) -> bool:
    """Whether a contact matches one of ``patterns``, which name the alias (``drill-*``) or the whole ARN."""
    names = (contact_id, contact_alias(contact_id))
    return any(fnmatchcase(name, pattern) for pattern in patterns for name in names)


def _validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != ENGAGEMENT_TYPE:
        return
    config, stack, drill = drill_settings(args, SCHEMA)
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
    say = Reporter(args, report_violation)
    if drill and contact_matches(contact_id, config["deniedContacts"]):
        say(
            "contact_id",
            f'engages "{contact_id}", a production contact listed in deniedContacts, from drill stack "{stack}"',
            f"engage a drill contact instead ({_listing(allowed)})" if allowed else "engage a drill contact",
        )
    elif allowed and not contact_matches(contact_id, allowed):
        say(
            "contact_id",
            f'engages "{contact_id}", which is not on the allowlist of stack "{stack}" ({_listing(allowed)})',
            "engage an allowed contact, or add it to allowedContacts in the policy config",
        )
    elif drill and not allowed:
        say(
            "contact_id",
            f'engages "{contact_id}" from drill stack "{stack}", which has no allowlist',
            f'name the contacts this drill may engage under allowedContacts["{stack}"] in the policy config',
        )


def _listing(patterns: Sequence[str]) -> str:
    return "allowed: " + ", ".join(f'"{pattern}"' for pattern in patterns)


CONTACT_ALLOWLIST = resource_policy(
    "contact-allowlist",
    _validate,
    Severity.CRITICAL,
    SCHEMA,
    "A stack may engage only the contacts its policy config allows; drill stacks must have an allowlist and may "
    "never engage the production contacts listed in deniedContacts.",
    "Engage an allowed contact, or change allowedContacts/deniedContacts in the policy config.",
)
