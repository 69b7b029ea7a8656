"""How a team tests its policy config: the rules it means, each as a resource that must pass or fail.

Run with `pytest examples/policy-tests`; the same file is given to the CLI with
`pulumi preview --policy-pack "$(python -m pulumi_incident_manager.policy_pack --path)"
--policy-pack-config policy-config.json`.
"""

from pathlib import Path

import pytest
from pulumi_policy import EnforcementLevel

from pulumi_incident_manager.policies import PAGE_ACCEPTANCE_TYPE
from pulumi_incident_manager.testing import check_resource, load_policy_config

CONFIG = load_policy_config(Path(__file__).with_name("policy-config.json"))
CONTACTS = "arn:aws:ssm-contacts:us-east-1:111122223333:contact/"


def engagement(contact: str, **fields: str) -> dict[str, str]:
    return {
        "contact_id": CONTACTS + contact,
        "sender": "oncall-bot",
        "subject": "Checkout errors above 5%",
        "content": "Follow the runbook checkout-errors.",
        "public_subject": "Checkout errors",
        **fields,
    }


def failures(props: dict[str, str], stack: str, resource_type: str | None = None) -> list[str]:
    """The policies that block ``pulumi up`` of this resource in ``stack``."""
    kwargs = {"resource_type": resource_type} if resource_type else {}
    violations = check_resource(props, pack_config=CONFIG, stack=stack, name="page", **kwargs)
    return [v.policy for v in violations if v.enforcement_level is EnforcementLevel.MANDATORY]


def test_production_pages_the_sre_rotation_for_a_recorded_incident() -> None:
    assert failures(engagement("sre-primary", incident_id="INC-4711"), stack="prod-us") == []


def test_production_pages_name_an_incident_record() -> None:
    assert failures(engagement("sre-primary"), stack="prod-us") == ["incident-or-drill-marker"]
    assert failures(engagement("sre-primary", incident_id="outage"), stack="prod-us") == ["incident-or-drill-marker"]


def test_production_pages_only_the_rotations_it_owns() -> None:
    assert failures(engagement("marketing-lead", incident_id="INC-1"), stack="prod-us") == ["contact-allowlist"]


@pytest.mark.parametrize("contact", ["sre-primary", "payments-secondary"])
def test_drills_never_page_a_production_rotation(contact: str) -> None:
    props = engagement(contact, subject="[DRILL] db", public_subject="[DRILL] db")
    assert failures(props, stack="drill-q4") == ["contact-allowlist"]


def test_drills_page_drill_contacts_and_say_so() -> None:
    # Both subject and public_subject lack the marker: one violation each.
    assert failures(engagement("drill-escalation"), stack="drill-q4") == ["incident-or-drill-marker"] * 2
    marked = engagement("drill-escalation", subject="[DRILL] db", public_subject="[DRILL] db")
    assert failures(marked, stack="drill-q4") == []


def test_customer_ids_stay_out_of_sms_but_the_bridge_line_may_go_in() -> None:
    leaked = engagement("sre-primary", incident_id="INC-1", public_content="CUST-123456 cannot pay")
    assert failures(leaked, stack="prod-us") == ["no-secrets-in-sms"]
    bridge = engagement("sre-primary", incident_id="INC-1", public_content="Bridge: +1 206 555 0100")
    assert failures(bridge, stack="prod-us") == []


def test_only_the_teams_bots_page_and_sms_fits_one_message() -> None:
    assert failures(engagement("sre-a", incident_id="INC-1", sender="alice"), stack="prod-us") == [
        "team-conventions"
    ]
    long_sms = engagement("sre-a", incident_id="INC-1", public_content="x" * 161)
    assert failures(long_sms, stack="prod-us") == ["team-conventions"]


def test_pages_are_acknowledged_from_code_only_in_drills() -> None:
    acceptance = {"page_id": "arn:aws:ssm-contacts:us-east-1:111122223333:page/sre-a/1", "accept_code": "123456"}
    assert failures(acceptance, stack="drill-q4", resource_type=PAGE_ACCEPTANCE_TYPE) == []
    assert failures(acceptance, stack="prod-us", resource_type=PAGE_ACCEPTANCE_TYPE) == ["page-acceptance-drills-only"]
