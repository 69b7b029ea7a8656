"""page-acceptance-drills-only: pages are acknowledged from code only in drills."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from ._shared import DRILL_STACKS_SCHEMA, PAGE_ACCEPTANCE_TYPE, drill_context, report, settings

SCHEMA = PolicyConfigSchema(
    properties={
        "drillStacks": DRILL_STACKS_SCHEMA,
        "allowOutsideDrills": {
            "type": "boolean",
            "default": False,
            "description": "Allow PageAcceptance resources in stacks that are not drills.",
        },
    }
)


def _validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != PAGE_ACCEPTANCE_TYPE:
        return
    config = settings(args, SCHEMA)
    stack, drill = drill_context(args, config)
    if not drill and not config["allowOutsideDrills"]:
        report(
            args,
            report_violation,
            "page_id",
            f'is acknowledged from code in stack "{stack}", which is not a drill '
            f"(drillStacks: {list(config['drillStacks'])}); outside drills a person acknowledges the page",
            "remove the PageAcceptance, run it from a drill stack, or set allowOutsideDrills in the policy config",
        )


PAGE_ACCEPTANCE_DRILLS_ONLY = ResourceValidationPolicy(
    name="page-acceptance-drills-only",
    description=(
        "PageAcceptance (acknowledging a page from code) is for drills: outside drill stacks a person must "
        "acknowledge, unless the policy config allows it."
    ),
    validate=_validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.HIGH,
    remediation_steps="Remove the PageAcceptance, deploy it from a drill stack, or set allowOutsideDrills.",
)
