"""team-conventions: a team's own rules on top of the service's (a sender naming scheme, a shorter SMS)."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from ._shared import ENGAGEMENT_TYPE, Inputs, config_regex, report, settings
from .no_secrets_in_sms import SMS_FIELDS

SCHEMA = PolicyConfigSchema(
    properties={
        "senderPattern": {
            "type": "string",
            "default": "",
            "description": 'A regular expression sender must fully match (team convention); "" for none.',
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


def _validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != ENGAGEMENT_TYPE:
        return
    config = settings(args, SCHEMA)
    inputs = Inputs.of(args.props)
    sender = inputs.get("sender")
    sender_pattern = (
        config_regex(args, report_violation, "senderPattern", config["senderPattern"])
        if config["senderPattern"]
        else None
    )
    if sender_pattern and isinstance(sender, str) and not sender_pattern.fullmatch(sender):
        report(
            args,
            report_violation,
            "sender",
            f'"{sender}" does not match the team\'s senderPattern "{config["senderPattern"]}"',
            "use a sender name that follows the convention in the policy config",
        )
    limit = config["publicMaxLength"]
    for prop in SMS_FIELDS if limit else ():
        value = inputs.get(prop)
        if isinstance(value, str) and len(value) > limit:
            report(
                args,
                report_violation,
                prop,
                f"is {len(value)} characters, over the publicMaxLength of {limit}",
                f"shorten {prop} to at most {limit} characters",
            )


TEAM_CONVENTIONS = ResourceValidationPolicy(
    name="team-conventions",
    description=(
        "Engagements follow the team's conventions from the policy config: a sender naming scheme "
        "(senderPattern) and a shorter SMS text (publicMaxLength). With no settings it checks nothing."
    ),
    validate=_validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.LOW,
    remediation_steps="Follow the convention the message names, or change it in the policy config.",
)
