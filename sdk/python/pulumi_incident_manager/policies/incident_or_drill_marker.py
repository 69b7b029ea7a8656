"""incident-or-drill-marker: every engagement names its incident, or says it is a drill."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from ._shared import ENGAGEMENT_TYPE, Inputs, Reporter, config_schema, drill_settings, resource_policy, setting

SCHEMA = config_schema(
    drill_stacks=True,
    drillMarker=setting(
        "[DRILL]",
        "Text that subject and public_subject must contain in drill stacks, so whoever is paged knows it is a "
        'drill. "" turns the check off.',
    ),
    incidentIdPattern=setting(".+", "Regular expression an incident_id must fully match outside drill stacks."),
)


def _validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != ENGAGEMENT_TYPE:
        return
    config, stack, drill = drill_settings(args, SCHEMA)
    inputs = Inputs.of(args.props)
    say = Reporter(args, report_violation)
    if drill:
        marker = config["drillMarker"]
        for prop in ("subject", "public_subject"):
            inputs.need(prop)
            value = inputs.get(prop)
            if marker and isinstance(value, str) and marker not in value:
                say(
                    prop,
                    f'does not contain the drill marker "{marker}" (stack "{stack}" is a drill)',
                    f'start it with "{marker}" so whoever is paged knows this is a drill',
                )
        return
    inputs.need("incident_id")
    incident_id = inputs.get("incident_id")
    if not incident_id:
        say(
            "incident_id",
            f'is missing, and stack "{stack}" is not a drill (drillStacks: {list(config["drillStacks"])})',
            "set incident_id to the incident this engagement is for, or run it from a drill stack",
        )
    elif (pattern := say.regex("incidentIdPattern", config["incidentIdPattern"])) and not pattern.fullmatch(
        incident_id
    ):
        say(
            "incident_id",
            f'"{incident_id}" does not match incidentIdPattern "{config["incidentIdPattern"]}"',
            "use the incident record's identifier in the form the policy config asks for",
        )


INCIDENT_OR_DRILL_MARKER = resource_policy(
    "incident-or-drill-marker",
    _validate,
    Severity.HIGH,
    SCHEMA,
    "Every engagement is marked: outside drill stacks it carries an incident_id; in drill stacks its subject carries "
    "the drill marker.",
    "Set incident_id, or deploy from a drill stack with the drill marker in the subject.",
)
