"""Issue 22's acceptance: on one program and a policy config, the testing kit's verdict equals the CLI's.

The verdict is pass/fail and the set of (policy, enforcement level, resource, message) violations, or the config's
refusal; compared literally. Each CLI preview costs seconds, so one program holds one violation of each policy.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from pulumi_cli import Project
from pulumi_incident_manager._shared import shared_engagement_sentence
from pulumi_incident_manager.policies import policy_pack_path
from pulumi_incident_manager.testing import (
    IncidentManagerMocks,
    PolicyConfigError,
    policy_violations,
    run_program,
)
from ssm_contacts_emulator import Emulator

pytestmark = pytest.mark.cli

ProjectFactory = Callable[..., Project]
CONTACT = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/"
VALID = {
    "contact-allowlist": {"allowedContacts": {"drill": ["drill-*"]}, "deniedContacts": ["prod-*"]},
    "drill-expectations": {"required": True},
    "team-conventions": {"publicMaxLength": 20},
}
Verdict = tuple[bool, set[tuple[str, str, str, str]]]
"""Passed, and the violations: (policy, level, resource name, message)."""


def engagement(name: str, **fields: Any) -> dict[str, Any]:
    """An engagement every policy lets through in stack "drill" under VALID, but for ``fields``."""
    return {"name": name, "contact_id": CONTACT + "drill-escalation", "sender": "gameday-bot",
            "subject": f"[DRILL] {name}", "content": f"{name} runbook", "incident_id": "INC-1", "expect": True,
            **fields}


@dataclasses.dataclass
class Both:
    """One program run both ways: the CLI's preview with the pack, and the kit (run_program, policy_violations)."""

    project: Project

    def cli(self, stack: str, engagements: list[dict[str, Any]], pack_config: Any) -> tuple[int, str]:
        proj = dataclasses.replace(self.project, stack_name=stack)
        proj.init({"policy-parity:engagements": json.dumps(engagements)})
        config = proj.project_dir / "policy-config.json"
        config.write_text(json.dumps(pack_config))
        # `pulumi preview --json` leaves policy violations out: read what a user reads.
        result = proj.cli("preview", "--policy-pack", str(policy_pack_path()), "--policy-pack-config", str(config),
                          check=False)
        output = result.stdout + result.stderr
        # A policy failure shows the violations, not the program's interruption (issue 22, item 5).
        assert "Traceback" not in output and "KeyboardInterrupt" not in output
        return result.returncode, output

    def kit(self, stack: str, engagements: list[dict[str, Any]], pack_config: Any, *, preview: bool = False) -> Verdict:
        """The kit's verdict, from an `up` or (``preview=True``) a preview, where no ARN is known and only the
        recorded property dependencies tell drill-expectations which engagement an expectation covers."""
        mocks = IncidentManagerMocks(project="policy-parity", stack=stack)
        run_program(self.project.project_dir / "__main__.py", mocks,
                    config={"policy-parity:engagements": json.dumps(engagements)}, preview=preview)
        found = policy_violations(mocks.resources, pack_config)
        violations = {(v.policy, v.enforcement_level.value, v.urn.rsplit("::", 1)[-1], v.message) for v in found}
        return all(v.enforcement_level.value != "mandatory" for v in found), violations


def cli_verdict(returncode: int, output: str) -> Verdict:
    """The violations under `Policies:` in the CLI's output: a header line, the policy's description, the message."""
    lines = output.splitlines()
    header = re.compile(r"^\s+- \[(\w+)\](?: \[severity: \w+\])?  (\S+)  \(\S+: (\S+)\)$")
    violations = set()
    for index, line in enumerate(lines):
        if found := header.match(line):
            level, policy, name = found.groups()
            violations.add((policy, level, name, lines[index + 2].strip()))
    return returncode == 0, violations


@pytest.fixture
def both(project: ProjectFactory, endpoint: Emulator) -> Both:
    return Both(project("policy-parity"))


def test_a_valid_program_and_config_pass_in_both(both: Both) -> None:
    engagements = [engagement("first"), engagement("second", accept=True)]

    kit = both.kit("drill", engagements, VALID)

    assert kit == (True, set())
    assert both.kit("drill", engagements, VALID, preview=True) == kit
    assert cli_verdict(*both.cli("drill", engagements, VALID)) == kit


def test_each_policy_violated_once_gives_one_verdict_in_both(both: Both) -> None:
    drill = [
        engagement("denied", contact_id=CONTACT + "prod-sre"),
        engagement("unmarked", subject="checkout failover"),
        engagement("leaky", public_content="mail ops@example.com"),
        engagement("long", public_subject="[DRILL] " + "x" * 20),
        engagement("uncovered", expect=False),
    ]
    prod = [engagement("acknowledged", accept=True)]
    config = {**VALID, "no-secrets-in-sms": "advisory"}

    kit_drill, kit_prod = both.kit("drill", drill, config), both.kit("prod", prod, config)

    assert {(policy, level, name) for policy, level, name, _ in kit_drill[1] | kit_prod[1]} == {
        ("contact-allowlist", "mandatory", "denied"),
        ("incident-or-drill-marker", "mandatory", "unmarked"),
        ("no-secrets-in-sms", "advisory", "leaky"),
        ("team-conventions", "mandatory", "long"),
        ("drill-expectations", "mandatory", "uncovered"),
        ("page-acceptance-drills-only", "mandatory", "acknowledged-accepted"),
    }
    # Numbers from the config print as written: 20, not 20.0 (issue 22, item 6).
    assert any("over the publicMaxLength of 20. Fix: shorten public_subject to at most 20 characters." in message
               for *_, message in kit_drill[1])
    assert cli_verdict(*both.cli("drill", drill, config)) == kit_drill
    assert cli_verdict(*both.cli("prod", prod, config)) == kit_prod
    # The CLI's verdict is a preview's: the kit's preview agrees, drill-expectations included.
    assert both.kit("drill", drill, config, preview=True) == kit_drill
    assert both.kit("prod", prod, config, preview=True) == kit_prod


def kit_refusal(both: Both, pack_config: Any) -> list[str]:
    with pytest.raises(PolicyConfigError) as refused:
        both.kit("drill", [engagement("first")], pack_config)
    return refused.value.problems


@pytest.mark.parametrize(
    ("pack_config", "refused"),
    [
        # Wrong types: the engine refuses them against the pack's schema, every one at once.
        ({"contact-allowlist": {"allowedContacts": ["drill-*"], "drillStacks": "*-drill"},
          "team-conventions": {"publicMaxLength": "160"}},
         ["contact-allowlist: allowedContacts: Invalid type. Expected: object, given: array",
          "contact-allowlist: drillStacks: Invalid type. Expected: array, given: string",
          "team-conventions: publicMaxLength: Invalid type. Expected: integer, given: string"]),
        # Typos the engine lets through, refused by name by the pack, every one at once.
        ({"contact-allowlist": {"allowedContact": {"drill": ["drill-*"]}},
          "service-field-limits": {"senderPattern": "gameday-bot"}, "contact-allowlst": "advisory"},
         ['"allowedContact" is not a setting', '"contact-allowlst" is not a policy',
          'setting "senderPattern" lives in "team-conventions" now']),
        ({"contact-allowlist": "advisry"}, ['"contact-allowlist": "advisry" is not a valid enforcement level']),
    ],
    ids=["wrong-types", "unknown-and-moved-names", "enforcement-level-typo"],
)
def test_a_config_mistake_is_refused_with_the_same_sentences_in_both(
    both: Both, pack_config: Any, refused: list[str]
) -> None:
    problems = kit_refusal(both, pack_config)

    returncode, output = both.cli("drill", [engagement("first")], pack_config)

    assert [any(part in problem for problem in problems) for part in refused] == [True] * len(refused)
    assert len(problems) == len(refused)
    assert returncode != 0
    assert [problem for problem in problems if problem not in output] == []


def test_an_unknown_policy_without_a_level_is_named_by_the_kit_where_the_engine_cannot(both: Both) -> None:
    pack_config = {"contact-allowlst": {"allowedContacts": {"drill": ["drill-*"]}}}

    [problem] = kit_refusal(both, pack_config)
    returncode, output = both.cli("drill", [engagement("first")], pack_config)

    assert problem.startswith('policy config: "contact-allowlst" is not a policy of the pack "incident-manager"')
    # The engine refuses such a section before the pack sees it, without naming it (docs/policy.md says so).
    assert returncode != 0
    assert 'invalid enforcement level ""' in output


def test_two_engagements_with_one_token_fail_in_both_with_one_sentence(both: Both) -> None:
    twins = [engagement("first", idempotency_token="t-1"), engagement("second", idempotency_token="t-1")]
    sentence = shared_engagement_sentence("first", "second", explicit=True)

    # The SDK refuses the pair inside the program, before the pack (one-engagement-per-token) would see it; the
    # policy reports pairs spread over programs with the same sentence (tests/policy/test_one_engagement_per_token).
    with pytest.raises(Exception, match=re.escape(sentence)):
        both.kit("drill", twins, VALID, preview=True)
    returncode, output = both.cli("drill", twins, VALID)

    assert returncode != 0
    assert sentence in output
