"""one-engagement-per-token (a stack policy): no two Engagements of a stack would record one engagement."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ReportViolation, StackValidationArgs, StackValidationPolicy

from incident_manager_provider.tokens import IDENTITY_FIELDS, NotCanonical, canonical, canonical_identity

from ._shared import ENGAGEMENT_TYPE, Inputs, as_dynamic


def _validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Engagements of the stack that would share one engagement: the same token, or (for minted tokens) the same
    contact, message and run, in the canonical form tokens are minted from. Compared in memory; the violation names
    the resources, never a value."""
    seen: dict[tuple[str, ...], str] = {}
    for resource in args.resources:
        resource_type, props = as_dynamic(resource.resource_type, resource.props)
        inputs = Inputs.of(props)
        if resource_type != ENGAGEMENT_TYPE or not isinstance(inputs.get("contact_id"), str):
            continue  # not an engagement, one only read with Engagement.get, or one whose contact is not known yet
        explicit = bool(inputs.get("explicit_token"))
        try:
            token = canonical("idempotency_token", inputs.get("idempotency_token"))
            fields = canonical_identity({name: inputs.get(name) for name in IDENTITY_FIELDS})
        except NotCanonical:
            continue  # the provider's check refuses it with its own sentence
        identities: list[tuple[str, ...]] = [("token", token)] if token else []
        identity_known = not any(name in inputs.unknown for name in IDENTITY_FIELDS)  # else compared at update
        if identity_known and not explicit:
            identities.append(("identity", *(f"{name}={value}" for name, value in sorted(fields.items()))))
        for identity in identities:
            other = seen.setdefault(identity, resource.name)
            if other != resource.name:
                report_violation(_sentence(other, resource.name, explicit=explicit), resource.urn)
                break


def _sentence(first: str, second: str, *, explicit: bool) -> str:
    # The fix that works: run is no part of an explicit token.
    if explicit:
        what, fix = "the same idempotency_token", "give one of them a different idempotency_token"
    else:
        what = "the same contact, message and run, so the same minted token"
        fix = "give one of them a different run (or its own idempotency_token)"
    return (
        f'Engagements "{first}" and "{second}" would share one engagement ({what}), so destroying either would '
        f"stop the other's. Fix: {fix}."
    )


ONE_ENGAGEMENT_PER_TOKEN = StackValidationPolicy(
    name="one-engagement-per-token",
    description=(
        "No two Engagements of a stack share an idempotency token (explicit, or minted from the same contact, "
        "message and run): they would record one engagement, and destroying either would stop the other's."
    ),
    validate=_validate,
    enforcement_level=EnforcementLevel.MANDATORY,
)
