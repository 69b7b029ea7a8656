"""team-conventions: a team's own rules on top of the service's (a sender naming scheme, a shorter SMS)."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from ._shared import ENGAGEMENT_TYPE, Inputs, Reporter, config_schema, resource_policy, setting, settings
from .no_secrets_in_sms import SMS_FIELDS

SCHEMA = config_schema(
    senderPattern=setting("", 'A regular expression sender must fully match (team convention); "" for none.'),
    publicMaxLength=setting(
        0,
        "A tighter limit for public_subject and public_content (SMS text; the service allows far more than one "
        "message). 0 keeps the service's limit.",
        minimum=0,
    ),
)


def _validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != ENGAGEMENT_TYPE:
        return
    config = settings(args, SCHEMA)
    inputs = Inputs.of(args.props)
    say = Reporter(args, report_violation)
    sender = inputs.get("sender")
    sender_pattern = say.regex("senderPattern", config["senderPattern"]) if config["senderPattern"] else None
    if sender_pattern and isinstance(sender, str) and not sender_pattern.fullmatch(sender):
        say(
            "sender",
            f'"{sender}" does not match the team\'s senderPattern "{config["senderPattern"]}"',
            "use a sender name that follows the convention in the policy config",
        )
    limit = config["publicMaxLength"]
    for prop in SMS_FIELDS if limit else ():
        value = inputs.get(prop)
        if isinstance(value, str) and len(value) > limit:
            say(
                prop,
                f"is {len(value)} characters, over the publicMaxLength of {limit}",
                f"shorten {prop} to at most {limit} characters",
            )


TEAM_CONVENTIONS = resource_policy(
    "team-conventions",
    _validate,
    Severity.LOW,
    SCHEMA,
    "Engagements follow the team's conventions from the policy config: a sender naming scheme (senderPattern) and "
    "a shorter SMS text (publicMaxLength). With no settings it checks nothing.",
    "Follow the convention the message names, or change it in the policy config.",
)
