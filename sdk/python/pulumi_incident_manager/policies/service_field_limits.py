"""service-field-limits: inputs meet the ssm-contacts API's lengths, patterns, enums and ARN shapes.

The rules are the provider's own (:func:`incident_manager_provider.validation.broken_rule`, read from botocore's
service model), so the pack refuses at preview exactly what the provider would refuse at check, in the same words.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from incident_manager_provider.schema import Resource
from incident_manager_provider.validation import broken_rule, input_shape

from ._shared import RESOURCES_BY_TYPE, Inputs, Reporter, config_schema, resource_policy


def operations(resource: Resource) -> list[str]:
    """The operations whose members the resource's fields are sent as (``StartEngagement``, ``StopEngagement``)."""
    found = (field.operation or resource.operation for field in resource.fields if field.member is not None)
    return list(dict.fromkeys(found))


def _validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    resource = RESOURCES_BY_TYPE.get(args.resource_type)
    if resource is None:
        return
    inputs = Inputs.of(args.props)
    say = Reporter(args, report_violation)
    # As the provider's check: an unset input with a default is sent with the default.
    values = resource.with_defaults(inputs.values)
    for operation in operations(resource):
        shape = input_shape(operation)
        for prop, member in resource.members(operation).items():
            if prop in inputs.unknown:
                continue
            # A secret's value is never quoted, not even one offending character of it.
            value = values.get(prop)
            rule = broken_rule(shape, member, value, reveal=prop not in resource.secrets)
            if rule is not None:
                missing = value is None or value == ""
                fix = f"set {prop}" if missing else f"change {prop} so that ssm-contacts accepts it"
                say(prop, f"{rule} ({operation}.{member})", fix)


FIELD_LIMITS = resource_policy(
    "service-field-limits",
    _validate,
    Severity.MEDIUM,
    config_schema(),  # no settings: the pack refuses any, naming where the old ones moved

    "Engagement and PageAcceptance properties meet the ssm-contacts API's lengths, patterns, enums and ARN shapes "
    "(from botocore's service model, as the provider checks them), checked before the engine calls the provider.",
    "Change the property to meet the rule the message names.",
)
