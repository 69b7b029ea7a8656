"""incident-or-drill-marker: every engagement names its incident, or says it is a drill."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from ._shared import DRILL_STACKS_SCHEMA, ENGAGEMENT_TYPE, Inputs, config_regex, drill_context, report, settings

SCHEMA = PolicyConfigSchema(
    properties={
        "drillStacks": DRILL_STACKS_SCHEMA,
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


def _validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != ENGAGEMENT_TYPE:
        return
    config = settings(args, SCHEMA)
    stack, drill = drill_context(args, config)
    inputs = Inputs.of(args.props)
    if drill:
        marker = config["drillMarker"]
        for prop in ("subject", "public_subject"):
            inputs.need(prop)
            value = inputs.get(prop)
            if marker and isinstance(value, str) and marker not in value:
                report(
                    args,
                    report_violation,
                    prop,
                    f'does not contain the drill marker "{marker}" (stack "{stack}" is a drill)',
                    f'start it with "{marker}" so whoever is paged knows this is a drill',
                )
        return
    inputs.need("incident_id")
    incident_id = inputs.get("incident_id")
    if not incident_id:
        report(
            args,
            report_violation,
            "incident_id",
            f'is missing, and stack "{stack}" is not a drill (drillStacks: {list(config["drillStacks"])})',
            "set incident_id to the incident this engagement is for, or run it from a drill stack",
        )
    elif (
        incident_pattern := config_regex(args, report_violation, "incidentIdPattern", config["incidentIdPattern"])
    ) and not incident_pattern.fullmatch(incident_id):
        report(
            args,
            report_violation,
            "incident_id",
            f'"{incident_id}" does not match incidentIdPattern "{config["incidentIdPattern"]}"',
            "use the incident record's identifier in the form the policy config asks for",
        )


INCIDENT_OR_DRILL_MARKER = ResourceValidationPolicy(
    name="incident-or-drill-marker",
    description=(
        "Every engagement is marked: outside drill stacks it carries an incident_id; in drill stacks its "
        "subject carries the drill marker."
    ),
    validate=_validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.HIGH,
    remediation_steps="Set incident_id, or deploy from a drill stack with the drill marker in the subject.",
)
