"""The policy config, checked once (policies._config) for the pack and the testing kit: each mistake refused by name,
in the CLI's words (tests/e2e/test_policy_parity.py shows the CLI printing the same sentences)."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy

from pulumi_incident_manager.policies import (
    DRILL_EXPECTATIONS,
    ONE_ENGAGEMENT_PER_TOKEN,
    PACK_POLICIES,
    TEAM_CONVENTIONS,
    check_pack_config,
)
from pulumi_incident_manager.testing import (
    UNKNOWN,
    PolicyConfigError,
    StackResource,
    check_resource,
    policy_violations,
    resource_urn,
    run_policy,
)

from ..support import engagement

DRILL = "drill-q4"
SCHEMA_ERROR = "validating policy config: incident-manager 0.1.0  "


def refusal(pack_config: dict[str, Any]) -> list[str]:
    with pytest.raises(PolicyConfigError) as refused:
        check_resource(engagement(), pack_config=pack_config, stack=DRILL)
    return refused.value.problems


@pytest.mark.parametrize(
    ("pack_config", "problem"),
    [
        ({"contact-allowlist": {"allowedContacts": ["drill-*"]}},
         "contact-allowlist: allowedContacts: Invalid type. Expected: object, given: array"),
        ({"team-conventions": {"publicMaxLength": "160"}},
         "team-conventions: publicMaxLength: Invalid type. Expected: integer, given: string"),
        # A string would match any stack name with *: every stack, prod included, would be a drill.
        ({"contact-allowlist": {"drillStacks": "*-drill"}},
         "contact-allowlist: drillStacks: Invalid type. Expected: array, given: string"),
        ({"contact-allowlist": {"allowedContacts": {"drill-*": "drill-*"}}},
         "contact-allowlist: allowedContacts.drill-*: Invalid type. Expected: array, given: string"),
        ({"team-conventions": {"publicMaxLength": -1}},
         "team-conventions: publicMaxLength: Must be greater than or equal to 0"),
        ({"no-secrets-in-sms": {"ignoredPatterns": ["phone"]}},
         'no-secrets-in-sms: ignoredPatterns.0: ignoredPatterns.0 must be one of the following: "aws-access-key-id", '
         '"aws-secret-access-key", "credential", "email-address", "phone-number", "private-key", "token"'),
    ],
    ids=["allowedContacts-list", "publicMaxLength-string", "drillStacks-string", "contacts-string", "negative",
         "pattern-name"],
)
def test_a_wrong_type_is_refused_in_the_engines_words_naming_the_policy_and_setting(
    pack_config: dict[str, Any], problem: str
) -> None:
    assert refusal(pack_config) == [SCHEMA_ERROR + problem]


def test_an_unknown_setting_is_refused_with_the_closest_name() -> None:
    assert refusal({"contact-allowlist": {"allowedContact": {DRILL: ["drill-*"]}}}) == [
        'policy config "contact-allowlist": "allowedContact" is not a setting of this policy, so it would be ignored. '
        'Fix: write "allowedContacts" (the names are allowedContacts, deniedContacts, drillStacks).'
    ]


def test_a_moved_setting_names_its_new_home() -> None:
    assert refusal({"service-field-limits": {"senderPattern": "gameday-bot"}}) == [
        'policy config "service-field-limits": setting "senderPattern" lives in "team-conventions" now, so here it '
        'would be ignored. Fix: move it to the "team-conventions" section of the policy config.'
    ]


@pytest.mark.parametrize("section", [{"allowedContacts": {}}, "advisory", {"enforcementLevel": "disabled"}])
def test_an_unknown_policy_is_refused_by_name(section: Any) -> None:
    [problem] = refusal({"contact-allowlst": section})

    assert problem.startswith(
        'policy config: "contact-allowlst" is not a policy of the pack "incident-manager", so its section would be '
        'ignored. Fix: write "contact-allowlist" (the names are contact-allowlist, drill-expectations, '
    )


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ("advisry", 'parsing enforcement level for "contact-allowlist": "advisry" is not a valid enforcement level'),
        ({"enforcementLevel": "Mandatory"},
         'parsing enforcement level for "contact-allowlist": "Mandatory" is not a valid enforcement level'),
        ({"enforcementLevel": 1},
         'parsing enforcement level for "contact-allowlist": 1 is not a valid enforcement level; must be a string'),
        (True, 'parsing "contact-allowlist": true is not a valid value; must be a string or object'),
    ],
)
def test_an_enforcement_level_typo_names_the_policy(section: Any, problem: str) -> None:
    assert refusal({"contact-allowlist": section}) == [problem]


def test_every_mistake_of_one_kind_is_reported_at_once() -> None:
    problems = refusal({"contact-allowlist": {"allowedContact": {}}, "team-conventions": {"publicMaxLenght": 5}})

    assert [problem.split(":")[0] for problem in problems] == [
        'policy config "contact-allowlist"',
        'policy config "team-conventions"',
    ]


def test_run_policy_checks_its_section_too() -> None:
    with pytest.raises(PolicyConfigError, match='"publicMaxLenght" is not a setting'):
        run_policy(TEAM_CONVENTIONS, engagement(), config={"publicMaxLenght": 5})


def test_a_teams_own_policy_without_a_schema_reads_any_setting() -> None:
    mine = ResourceValidationPolicy("mine", "Mine.", validate=lambda args, report: report(str(args.get_config())))

    assert run_policy(mine, {}, config={"anything": 1}) == ["{'anything': 1}"]


def test_whole_numbers_print_as_written() -> None:
    long = engagement(public_subject="[DRILL] " + "x" * 30)

    [violation] = check_resource(long, pack_config={"team-conventions": {"publicMaxLength": 20.0}}, stack=DRILL,
                                 policies=[TEAM_CONVENTIONS])

    assert violation.message.endswith("over the publicMaxLength of 20. Fix: shorten public_subject to at most 20 "
                                      "characters.")


def test_the_kit_runs_the_stack_policies_as_the_engine_gives_them_the_stack() -> None:
    first, second = engagement(idempotency_token="t-1"), engagement(idempotency_token="t-1", content="other")
    urn = resource_urn(DRILL, "project", "pulumi-python:dynamic/incident-manager:Engagement", "{}")
    stack = [
        StackResource(urn.format("a"), "pulumi-python:dynamic/incident-manager:Engagement", "a",
                      {**first, "explicit_token": True}, {"arn": "arn-a"}),
        StackResource(urn.format("b"), "pulumi-python:dynamic/incident-manager:Engagement", "b",
                      {**second, "explicit_token": True}, {"arn": "arn-b"}),
        StackResource(urn.format("a-expected"), "pulumi-python:dynamic/incident-manager:AcknowledgementExpectation",
                      "a-expected", {"engagement_arn": "arn-a"}),
    ]

    found = policy_violations(stack, {"drill-expectations": {"required": True}},
                              [ONE_ENGAGEMENT_PER_TOKEN, DRILL_EXPECTATIONS])

    assert [(v.policy, v.enforcement_level, v.urn) for v in found] == [
        ("one-engagement-per-token", EnforcementLevel.MANDATORY, urn.format("b")),
        ("drill-expectations", EnforcementLevel.MANDATORY, urn.format("b")),  # a's expectation covers a
    ]


def test_a_stack_policy_passed_by_hand_runs_over_a_stack_of_one() -> None:
    assert run_policy(DRILL_EXPECTATIONS, engagement(), config={"required": True}, stack=DRILL, name="page") == [
        'Engagement "page" of drill stack "drill-q4" has no AcknowledgementExpectation, so the drill cannot pass or '
        "fail. Fix: add one whose engagement_arn is this engagement's arn, or set required to false for "
        "drill-expectations in the policy config."
    ]


def test_check_resource_runs_the_stack_policies_by_default() -> None:
    found = check_resource(engagement(), pack_config={"drill-expectations": {"required": True}}, stack=DRILL)

    assert "drill-expectations" in {v.policy for v in found}


def test_the_reconciled_config_fills_in_defaults_and_all() -> None:
    config = check_pack_config({"all": "advisory", "contact-allowlist": {"enforcementLevel": "mandatory"}},
                               PACK_POLICIES)

    assert config["contact-allowlist"].enforcement_level is EnforcementLevel.MANDATORY
    assert config["team-conventions"].enforcement_level is EnforcementLevel.ADVISORY
    assert config["contact-allowlist"].settings == {
        "drillStacks": ["*drill*", "*gameday*"], "allowedContacts": {}, "deniedContacts": []
    }


def test_recorded_property_dependencies_cover_an_engagement_whose_arn_is_not_known_yet() -> None:
    engagement_type = "pulumi-python:dynamic/incident-manager:Engagement"
    urn = resource_urn(DRILL, "project", engagement_type, "a")
    stack = [
        StackResource(urn, engagement_type, "a", engagement()),
        StackResource(urn + "-expected", "pulumi-python:dynamic/incident-manager:AcknowledgementExpectation",
                      "a-expected", {"engagement_arn": UNKNOWN}, property_dependencies={"engagement_arn": [urn]}),
    ]

    assert policy_violations(stack, {"drill-expectations": {"required": True}}, [DRILL_EXPECTATIONS]) == []
