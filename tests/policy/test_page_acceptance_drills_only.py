"""page-acceptance-drills-only: acknowledging pages from code is for drills."""

from pulumi_incident_manager.policies import ENGAGEMENT_TYPE, PAGE_ACCEPTANCE_DRILLS_ONLY, PAGE_ACCEPTANCE_TYPE
from pulumi_incident_manager.testing import run_policy

ACCEPTANCE = {"page_id": "arn:aws:ssm-contacts:us-east-1:123456789012:page/alice-oncall/1", "accept_code": "123456"}


def check(stack: str, config: dict[str, object] | None = None) -> list[str]:
    return run_policy(
        PAGE_ACCEPTANCE_DRILLS_ONLY,
        ACCEPTANCE,
        resource_type=PAGE_ACCEPTANCE_TYPE,
        name="ack",
        stack=stack,
        config=config,
    )


def test_a_drill_stack_may_acknowledge_pages() -> None:
    assert check("gameday") == []


def test_a_stack_that_is_not_a_drill_may_not() -> None:
    assert check("production") == [
        'PageAcceptance "ack": page_id is acknowledged from code in stack "production", which is not a drill '
        "(drillStacks: ['*drill*', '*gameday*']); outside drills a person acknowledges the page. Fix: remove the "
        "PageAcceptance, run it from a drill stack, or set allowOutsideDrills in the policy config."
    ]


def test_config_can_allow_it_outside_drills() -> None:
    assert check("staging", {"allowOutsideDrills": True}) == []


def test_config_decides_which_stacks_are_drills() -> None:
    assert check("staging", {"drillStacks": ["staging"]}) == []


def test_engagements_are_not_its_business() -> None:
    props = {"contact_id": "arn:aws:ssm-contacts:us-east-1:123456789012:contact/a", "sender": "s"}
    assert run_policy(PAGE_ACCEPTANCE_DRILLS_ONLY, props, resource_type=ENGAGEMENT_TYPE, stack="production") == []
