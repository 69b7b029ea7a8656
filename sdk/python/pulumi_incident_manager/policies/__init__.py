"""CrossGuard policies for engagements and page acceptances, one module per policy.

The policy pack in ``policy_pack/`` only assembles :data:`POLICIES` and :data:`STACK_POLICIES`; keeping the
policies here lets tests (and users' own tests, through :mod:`pulumi_incident_manager.testing`) call each policy's
``validate`` directly.

- :mod:`._shared`: type tokens, drill stacks, settings with defaults, reading inputs (values not known during
  preview are handled there and only there), the message format.
- :mod:`.contact_allowlist`, :mod:`.incident_or_drill_marker`, :mod:`.no_secrets_in_sms`,
  :mod:`.service_field_limits`, :mod:`.team_conventions`, :mod:`.page_acceptance_drills_only`: one resource
  policy each; :mod:`.one_engagement_per_token`: the stack policy.
- :mod:`._pack`: the pack's name and where it lives on disk.
- :mod:`._config`: the policy config, refused where the CLI refuses it, in the CLI's words, for the pack and the
  testing kit alike.
- :mod:`._run`: the runner (the policies over a stack's resources, as the analyzer calls them) that the testing kit
  and :mod:`.plan` share; not imported here, as it reads :data:`PACK_POLICIES`.
- :mod:`.plan`: the pack over an OpenTofu plan (``incidentmanager-plan-policy``).

All dynamic resources of one class share one type token, so every policy matches on the token and then on the
resource's properties (snake_case, as the SDK stores them). A stack is *marked as a drill* when its name matches
one of the shell-style patterns in the policy's ``drillStacks`` setting (default ``["*drill*", "*gameday*"]``).
The stack name comes from the resource's URN, so it is the same under the CLI and in unit tests.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

from ._config import PolicyConfig, PolicyConfigError, check_pack_config, checked_policy_pack
from ._pack import POLICY_PACK_NAME, policy_pack_path
from ._shared import (
    DEFAULT_DRILL_STACKS,
    ENGAGEMENT_TYPE,
    PAGE_ACCEPTANCE_TYPE,
    PLUGIN_TYPES,
    TOKEN_KEY_TYPE,
    UNKNOWN,
    Inputs,
    UnknownValueError,
    analyzed_props,
    as_dynamic,
    contact_alias,
    is_drill_stack,
    stack_from_urn,
)
from .contact_allowlist import CONTACT_ALLOWLIST, contact_matches
from .drill_expectations import DRILL_EXPECTATIONS
from .incident_or_drill_marker import INCIDENT_OR_DRILL_MARKER
from .no_secrets_in_sms import NO_SECRETS_IN_SMS, SENSITIVE_PATTERNS, SensitivePattern
from .one_engagement_per_token import ONE_ENGAGEMENT_PER_TOKEN
from .page_acceptance_drills_only import PAGE_ACCEPTANCE_DRILLS_ONLY
from .service_field_limits import FIELD_LIMITS
from .team_conventions import TEAM_CONVENTIONS

__all__ = [
    "CONTACT_ALLOWLIST",
    "DEFAULT_DRILL_STACKS",
    "DRILL_EXPECTATIONS",
    "ENGAGEMENT_TYPE",
    "FIELD_LIMITS",
    "INCIDENT_OR_DRILL_MARKER",
    "NO_SECRETS_IN_SMS",
    "ONE_ENGAGEMENT_PER_TOKEN",
    "PACK_POLICIES",
    "PAGE_ACCEPTANCE_DRILLS_ONLY",
    "PAGE_ACCEPTANCE_TYPE",
    "PLUGIN_TYPES",
    "POLICIES",
    "POLICY_PACK_NAME",
    "SENSITIVE_PATTERNS",
    "STACK_POLICIES",
    "TEAM_CONVENTIONS",
    "TOKEN_KEY_TYPE",
    "UNKNOWN",
    "Inputs",
    "PolicyConfig",
    "PolicyConfigError",
    "SensitivePattern",
    "UnknownValueError",
    "analyzed_props",
    "as_dynamic",
    "check_pack_config",
    "checked_policy_pack",
    "contact_alias",
    "contact_matches",
    "is_drill_stack",
    "policy_pack_path",
    "stack_from_urn",
]

POLICIES: tuple[ResourceValidationPolicy, ...] = (
    CONTACT_ALLOWLIST,
    INCIDENT_OR_DRILL_MARKER,
    NO_SECRETS_IN_SMS,
    FIELD_LIMITS,
    TEAM_CONVENTIONS,
    PAGE_ACCEPTANCE_DRILLS_ONLY,
)
"""Every resource policy of the pack, in the order the pack reports them."""

STACK_POLICIES: tuple[StackValidationPolicy, ...] = (ONE_ENGAGEMENT_PER_TOKEN, DRILL_EXPECTATIONS)
"""The pack's policies over the whole stack."""

PACK_POLICIES: tuple[ResourceValidationPolicy | StackValidationPolicy, ...] = (*POLICIES, *STACK_POLICIES)
"""Every policy of the pack, as the pack offers them."""
