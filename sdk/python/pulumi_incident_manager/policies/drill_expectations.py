"""drill-expectations (a stack policy, off unless ``required``): every engagement of a drill stack has a verdict.

An engagement counts as covered when an AcknowledgementExpectation's ``engagement_arn`` comes from it (the engine's
property dependencies say so, during preview too).
"""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ReportViolation, StackValidationArgs, StackValidationPolicy

from incident_manager_provider.schema import EXPECTATION, dynamic_type

from ._shared import ENGAGEMENT_TYPE, as_dynamic, config_schema, is_drill_stack, setting, settings, stack_from_urn

EXPECTATION_TYPE = dynamic_type(EXPECTATION)
SCHEMA = config_schema(
    drill_stacks=True,
    required=setting(False, "Require an AcknowledgementExpectation for every Engagement of a drill stack."),
)


def _validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    config = settings(args, SCHEMA)  # type: ignore[arg-type]  # the same get_config() as resource policies
    if not config["required"]:
        return
    covered: set[str] = set()
    for resource in args.resources:
        if as_dynamic(resource.resource_type, {})[0] == EXPECTATION_TYPE:
            for name in ("engagement_arn", "engagementArn"):
                covered.update(dependency.urn for dependency in resource.property_dependencies.get(name, []))
    for resource in args.resources:
        stack = stack_from_urn(resource.urn)
        if as_dynamic(resource.resource_type, {})[0] != ENGAGEMENT_TYPE or resource.urn in covered:
            continue
        if is_drill_stack(stack, config["drillStacks"]):
            report_violation(
                f'Engagement "{resource.name}" of drill stack "{stack}" has no AcknowledgementExpectation, so the '
                f"drill cannot pass or fail. Fix: add one whose engagement_arn is this engagement's arn, or set "
                f"required to false for drill-expectations in the policy config.",
                resource.urn,
            )


DRILL_EXPECTATIONS = StackValidationPolicy(
    name="drill-expectations",
    description=(
        "With required set, every Engagement of a drill stack carries an AcknowledgementExpectation, so every "
        "drill ends with a verdict."
    ),
    validate=_validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
)
