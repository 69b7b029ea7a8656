"""page-acceptance-drills-only: pages are acknowledged from code only in drills."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from ._shared import PAGE_ACCEPTANCE_TYPE, Reporter, config_schema, drill_settings, resource_policy, setting

SCHEMA = config_schema(
    drill_stacks=True,
    allowOutsideDrills=setting(False, "Allow PageAcceptance resources in stacks that are not drills."),
)


def _validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != PAGE_ACCEPTANCE_TYPE:
        return
    config, stack, drill = drill_settings(args, SCHEMA)
    if not drill and not config["allowOutsideDrills"]:
        Reporter(args, report_violation)(
            "page_id",
            f'is acknowledged from code in stack "{stack}", which is not a drill '
            f"(drillStacks: {list(config['drillStacks'])}); outside drills a person acknowledges the page",
            "remove the PageAcceptance, run it from a drill stack, or set allowOutsideDrills in the policy config",
        )


PAGE_ACCEPTANCE_DRILLS_ONLY = resource_policy(
    "page-acceptance-drills-only",
    _validate,
    Severity.HIGH,
    SCHEMA,
    "PageAcceptance (acknowledging a page from code) is for drills: outside drill stacks a person must acknowledge, "
    "unless the policy config allows it.",
    "Remove the PageAcceptance, deploy it from a drill stack, or set allowOutsideDrills.",
)
