"""A testing kit for programs that page people: run them, and the policies that guard them, with no AWS and no CLI.

- :class:`IncidentManagerMocks` (:mod:`.mocks`) answers the package's resources for ``pulumi.runtime.set_mocks``
  by running the real providers (check, then create, as the engine would) against :class:`MockClient`
  (:mod:`.client`), an in-memory ssm-contacts put in place of AWS with
  ``incident_manager_provider.aws.client_override``; it records what the program asked for. The package's functions
  (``list_pages``, ``get_engagement``, ``who_would_be_paged``...) answer from the same client, its contacts, plans
  and rotations from the fixture the test declares (:class:`Contact`, :class:`EscalationPlan`,
  :class:`OnCallSchedule`, :class:`Rotation`, :class:`Stage`). Under ``pulumi.runtime.set_mocks`` with these mocks
  the functions answer from them even outside :meth:`IncidentManagerMocks.in_place_of_aws`; with other mocks they
  refuse to call AWS.
- :func:`run_program` (:mod:`.program`) runs a Pulumi program file under those mocks with a stack's config (secret
  config included).
- :func:`policy_violations`, :func:`check_resource` and :func:`run_policy` (:mod:`.policy`) run the pack's policies
  (or your own), stack policies included, over a stack's resources (``mocks.resources``) or one resource's
  properties, with your policy config checked as the CLI checks it, as ``pulumi preview --policy-pack`` would.

For integration tests against the offline ssm-contacts endpoint, use the ``ssm_contacts_emulator`` pytest fixture.
"""

from __future__ import annotations

from ..policies import UNKNOWN
from .client import Contact, EscalationPlan, MockClient, OnCallSchedule, Rotation, Stage
from .mocks import IncidentManagerMocks, RecordedResource
from .policy import (
    PolicyConfigError,
    PolicyViolation,
    StackResource,
    check_resource,
    load_policy_config,
    policy_violations,
    resource_urn,
    run_policy,
)
from .program import load_stack_config, run_program

__all__ = [
    "UNKNOWN",
    "Contact",
    "EscalationPlan",
    "IncidentManagerMocks",
    "MockClient",
    "OnCallSchedule",
    "PolicyConfigError",
    "PolicyViolation",
    "RecordedResource",
    "Rotation",
    "StackResource",
    "Stage",
    "check_resource",
    "load_policy_config",
    "load_stack_config",
    "policy_violations",
    "resource_urn",
    "run_policy",
    "run_program",
]

# UNKNOWN (re-exported from policies): a property value that is not known yet, as policies see a computed input
# during ``pulumi preview``.
