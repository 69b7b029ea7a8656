"""one-engagement-per-token (a stack policy): no two Engagements of a stack would record one engagement."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ReportViolation, StackValidationArgs, StackValidationPolicy

from incident_manager_provider.schema import ENGAGEMENT

from ._shared import ENGAGEMENT_TYPE, Inputs, as_dynamic


def _validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Engagements of the stack that would share one engagement: the same token, or (for minted tokens) the same
    contact, message and run. Compared in memory; the violation names the resources, never a value."""
    seen: dict[tuple[str, ...], str] = {}
    for resource in args.resources:
        resource_type, props = as_dynamic(resource.resource_type, resource.props)
        inputs = Inputs.of(props)
        if resource_type != ENGAGEMENT_TYPE or not isinstance(inputs.get("contact_id"), str):
            continue  # not an engagement, one only read with Engagement.get, or one whose contact is not known yet
        identities: list[tuple[str, ...]] = []
        token = inputs.get("idempotency_token")
        if isinstance(token, str) and token:
            identities.append(("token", token))
        fields = [inputs.get(name) for name in ENGAGEMENT.identity]
        identity_known = not any(name in inputs.unknown for name in ENGAGEMENT.identity)  # else compared at update
        if (
            identity_known
            and not inputs.get("explicit_token")
            and all(value is None or isinstance(value, str) for value in fields)
        ):
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
    validate=_validate,
    enforcement_level=EnforcementLevel.MANDATORY,
)
