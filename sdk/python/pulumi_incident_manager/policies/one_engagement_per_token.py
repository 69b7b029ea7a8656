"""one-engagement-per-token (a stack policy): no two Engagements of a stack would record one engagement."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ReportViolation, StackValidationArgs, StackValidationPolicy

from incident_manager_provider.tokens import IDENTITY_FIELDS, NotCanonical, canonical, canonical_identity

from .._shared import shared_engagement_sentence
from ._shared import ENGAGEMENT_TYPE, Inputs, as_dynamic, config_schema


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
                # The SDK's own sentence: a program refuses the same pair with it before the pack sees them.
                report_violation(shared_engagement_sentence(other, resource.name, explicit=explicit), resource.urn)
                break


ONE_ENGAGEMENT_PER_TOKEN = StackValidationPolicy(
    name="one-engagement-per-token",
    description=(
        "No two Engagements of a stack share an idempotency token (explicit, or minted from the same contact, "
        "message and run): they would record one engagement, and destroying either would stop the other's."
    ),
    validate=_validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=config_schema(),  # no settings: the pack refuses any
)
