"""contact-allowlist: a stack engages only the contacts its policy config names; drills never page production."""

from pulumi_incident_manager.policies import CONTACT_ALLOWLIST, PAGE_ACCEPTANCE_TYPE
from pulumi_incident_manager.testing import UNKNOWN, run_policy

from ..support import engagement

ARN = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/"
CONFIG = {
    "allowedContacts": {"*drill*": ["drill-*"], "payments-*": ["payments-drill"]},
    "deniedContacts": ["prod-*", f"{ARN}payments-primary"],
}




def test_a_drill_stack_may_engage_an_allowed_contact_by_alias_or_arn() -> None:
    assert run_policy(CONTACT_ALLOWLIST, engagement(f"{ARN}drill-escalation"), config=CONFIG, stack="drill") == []
    arn_config = {"allowedContacts": {"drill": [f"{ARN}drill-*"]}}
    assert run_policy(CONTACT_ALLOWLIST, engagement(f"{ARN}drill-escalation"), config=arn_config, stack="drill") == []


def test_a_contact_off_the_stacks_allowlist_is_refused() -> None:
    messages = run_policy(
        CONTACT_ALLOWLIST, engagement(f"{ARN}alice-oncall"), config=CONFIG, name="page-db", stack="gameday-drill"
    )

    assert messages == [
        f'Engagement "page-db": contact_id engages "{ARN}alice-oncall", which is not on the allowlist of stack '
        '"gameday-drill" (allowed: "drill-*"). Fix: engage an allowed contact, or add it to allowedContacts in '
        "the policy config."
    ]


def test_a_stack_matching_several_keys_may_engage_their_union() -> None:
    for contact in ("drill-escalation", "payments-drill"):
        assert run_policy(CONTACT_ALLOWLIST, engagement(ARN + contact), config=CONFIG, stack="payments-drill") == []


def test_a_production_contact_is_refused_in_a_drill_even_when_a_wildcard_allows_it() -> None:
    config = {**CONFIG, "allowedContacts": {"drill": ["*"]}}

    messages = run_policy(CONTACT_ALLOWLIST, engagement(f"{ARN}prod-sre"), config=config, name="page", stack="drill")

    assert messages == [
        f'Engagement "page": contact_id engages "{ARN}prod-sre", a production contact listed in deniedContacts, '
        'from drill stack "drill". Fix: engage a drill contact instead (allowed: "*").'
    ]


def test_a_drill_stack_without_an_allowlist_engages_no_one() -> None:
    messages = run_policy(CONTACT_ALLOWLIST, engagement(f"{ARN}drill-escalation"), name="page", stack="team-drill")

    assert messages == [
        f'Engagement "page": contact_id engages "{ARN}drill-escalation" from drill stack "team-drill", which has '
        'no allowlist. Fix: name the contacts this drill may engage under allowedContacts["team-drill"] in the '
        "policy config."
    ]


def test_a_production_stack_without_an_allowlist_is_not_constrained() -> None:
    assert run_policy(CONTACT_ALLOWLIST, engagement(f"{ARN}prod-sre"), config=CONFIG, stack="production") == []


def test_page_acceptances_are_not_its_business() -> None:
    props = {"page_id": "arn:aws:ssm-contacts:us-east-1:123456789012:page/x/1", "accept_code": "123456"}
    assert run_policy(CONTACT_ALLOWLIST, props, resource_type=PAGE_ACCEPTANCE_TYPE, stack="drill") == []


def test_a_contact_unknown_during_preview_cannot_be_checked_yet() -> None:
    messages = run_policy(CONTACT_ALLOWLIST, engagement(UNKNOWN), config=CONFIG, stack="drill")

    assert messages == [
        "can't run policy 'contact-allowlist' from policy pack 'incident-manager' during preview: "
        "string value at .contact_id can't be known during preview"
    ]
