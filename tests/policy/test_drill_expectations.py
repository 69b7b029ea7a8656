"""drill-expectations: with `required`, every Engagement of a drill stack carries an AcknowledgementExpectation."""

from __future__ import annotations

from typing import Any

from pulumi_policy import PolicyResource, PolicyResourceOptions, StackValidationArgs

from pulumi_incident_manager.policies import DRILL_EXPECTATIONS, ENGAGEMENT_TYPE

EXPECTATION_TYPE = "pulumi-python:dynamic/incident-manager:AcknowledgementExpectation"


def resource(kind: str, name: str, stack: str = "gameday", **dependencies: list[PolicyResource]) -> PolicyResource:
    options = PolicyResourceOptions(False, [], True, [], None, [])  # type: ignore[arg-type]
    urn = f"urn:pulumi:{stack}::shop::{kind}::{name}"
    return PolicyResource(kind, {"contact_id": "arn"}, urn, name, options, None, None, [], dict(dependencies))


def violations(config: dict[str, Any], *resources: PolicyResource) -> list[str]:
    found: list[str] = []
    DRILL_EXPECTATIONS.validate(  # type: ignore[misc]
        StackValidationArgs(list(resources), config), lambda message, urn=None: found.append(message)
    )
    return found


def test_off_unless_required() -> None:
    assert violations({}, resource(ENGAGEMENT_TYPE, "page")) == []


def test_a_drill_engagement_without_an_expectation_is_named() -> None:
    covered = resource(ENGAGEMENT_TYPE, "covered")
    bare = resource(ENGAGEMENT_TYPE, "bare")
    expectation = resource(EXPECTATION_TYPE, "in-time", engagement_arn=[covered])

    assert violations({"required": True}, covered, bare, expectation) == [
        'Engagement "bare" of drill stack "gameday" has no AcknowledgementExpectation, so the drill cannot pass or '
        "fail. Fix: add one whose engagement_arn is this engagement's arn, or set required to false for "
        "drill-expectations in the policy config."
    ]


def test_engagements_outside_drill_stacks_need_none() -> None:
    assert violations({"required": True}, resource(ENGAGEMENT_TYPE, "page", stack="production")) == []
