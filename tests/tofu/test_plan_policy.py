"""The policy pack over real OpenTofu plans: `tofu plan -out`, `tofu show -json`, then incidentmanager-plan-policy
(policies.plan), as docs/policy.md#opentofu-plans tells a user to run them; the verdict is the testing kit's for the
same engagements, and no sensitive value is printed by either program."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from pulumi_incident_manager.policies import ENGAGEMENT_TYPE, PAGE_ACCEPTANCE_TYPE, UNKNOWN
from pulumi_incident_manager.policies.drill_expectations import EXPECTATION_TYPE
from pulumi_incident_manager.policies.plan import HIDDEN
from pulumi_incident_manager.testing import StackResource, load_policy_config, policy_violations, resource_urn
from tofu_cli import Run, Workspace

from .conftest import CONFIGS, CONTENT, SUBJECT, WorkspaceFactory, secrets_printed

pytestmark = pytest.mark.tofu

COMMAND = [str(Path(sys.executable).parent / "incidentmanager-plan-policy")]
CONFIG = CONFIGS / "policy" / "policy-config.json"
SMS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_CONTACT = "arn:aws:ssm-contacts:us-east-1:111122223333:contact/sre-secret-5d1e"
DRILL_CONTACT = "arn:aws:ssm-contacts:us-east-1:111122223333:contact/drill-escalation"
PAGE = "arn:aws:ssm-contacts:us-east-1:111122223333:page/drill-escalation/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


def judged(made: Workspace, *args: str, stdin: str | None = None) -> Run:
    """The command run in the configuration's folder (where `tofu workspace` recorded the workspace)."""
    done = subprocess.run([*COMMAND, *args], cwd=made.folder, env=made.environment(), input=stdin,
                          capture_output=True, text=True, timeout=120, check=False)
    made.transcript += [done.stdout, done.stderr]
    return Run([COMMAND[0], *args], done.returncode, done.stdout, done.stderr)


def planned(made: Workspace, *args: str) -> str:
    """`tofu plan -out plan.out`, then the plan's JSON (`tofu show -json plan.out`, secrets in clear: unrecorded)."""
    made.plan("-out", "plan.out", *args)
    return made.run("show", "-json", "-no-color", "plan.out", record=False).stdout


def listed(run: Run) -> list[tuple[str, str, str, str]]:
    """(level, policy, address, message) of each violation printed."""
    lines = run.stdout.splitlines()
    found = []
    for line, message in pairwise(lines):
        if line.startswith("["):
            level, policy, address = line.split("  ")
            found.append((level.strip("[]"), policy, address.strip("()"), message.strip()))
    return found


@pytest.fixture
def game_day(workspace: WorkspaceFactory) -> Workspace:
    made = workspace("policy", sms_key=SMS_KEY, secret_contact=SECRET_CONTACT)
    made.run("workspace", "new", "-no-color", "gameday-q4")
    return made


def test_a_plan_that_keeps_every_policy_passes_from_standard_input(game_day: Workspace) -> None:
    shown = planned(game_day)

    passed = judged(game_day, "--policy-config", str(CONFIG), stdin=shown)

    assert passed.returncode == 0, passed.output
    assert passed.stdout == 'No policy violations in 3 resource changes of workspace "gameday-q4".\n'


def test_each_policy_broken_in_a_plan_is_reported_as_the_kit_reports_it_and_nothing_sensitive_is_printed(
    game_day: Workspace,
) -> None:
    (game_day.folder / "plan.json").write_text(planned(game_day, "-var", "broken=true"))

    in_drill = judged(game_day, "plan.json", "--policy-config", str(CONFIG))
    outside = judged(game_day, "plan.json", "--policy-config", str(CONFIG), "--workspace", "prod-east")

    assert in_drill.returncode == outside.returncode == 1
    assert sorted(address_and_policy(in_drill)) == [
        ("incidentmanager_engagement.leaky[0]", "no-secrets-in-sms"),
        ("incidentmanager_engagement.outside[0]", "contact-allowlist"),
        ("incidentmanager_engagement.twin[1]", "one-engagement-per-token"),
        ("incidentmanager_engagement.unmarked[0]", "drill-expectations"),
        ("incidentmanager_engagement.unmarked[0]", "incident-or-drill-marker"),
        ("incidentmanager_engagement.unmarked[0]", "team-conventions"),
    ]
    assert ("incidentmanager_page_acceptance.ack[0]", "page-acceptance-drills-only") in address_and_policy(outside)
    for run, stack in ((in_drill, "gameday-q4"), (outside, "prod-east")):
        expected = [(level, policy, message.replace(SECRET_CONTACT, HIDDEN))
                    for policy, level, message in kit_verdict(stack)]
        assert sorted((level, policy, message) for level, policy, _, message in listed(run)) == sorted(expected)
    assert f'engages "{HIDDEN}"' in in_drill.stdout
    assert secrets_printed(game_day, SMS_KEY, SECRET_CONTACT) == []


def test_a_bad_policy_config_is_refused_before_judging(game_day: Workspace) -> None:
    (game_day.folder / "bad.json").write_text(json.dumps({"contact-allowlist": {"allowedContact": {}}}))

    refused = judged(game_day, "--policy-config", "bad.json", stdin=planned(game_day))

    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr == (
        'error: policy config "contact-allowlist": "allowedContact" is not a setting of this policy, so it would be '
        'ignored. Fix: write "allowedContacts" (the names are allowedContacts, deniedContacts, drillStacks).\n'
    )


def address_and_policy(run: Run) -> list[tuple[str, str]]:
    return [(address, policy) for _, policy, address, _ in listed(run)]


def kit_verdict(stack: str) -> list[tuple[str, str, str]]:
    """The testing kit's verdict on the broken game day of configs/policy/main.tf, written as Python values: what
    is known only after apply (tokens minted from the new key, arns) is UNKNOWN, as during `pulumi preview`."""
    def engagement(contact: str, subject: str, sender: str = "gameday-bot", **more: Any) -> dict[str, Any]:
        return {"contact_id": contact, "sender": sender, "subject": subject, "content": CONTENT, **more}

    minted = {"token_key": UNKNOWN, "idempotency_token": UNKNOWN, "explicit_token": False}
    twin = {"idempotency_token": "gameday-twin-token", "explicit_token": True}
    engagements: Mapping[str, dict[str, Any]] = {
        "drill": engagement(DRILL_CONTACT, f"[DRILL] {SUBJECT}", **minted),
        "outside[0]": engagement(SECRET_CONTACT, "[DRILL] outside", run="outside", **minted),
        "unmarked[0]": engagement(DRILL_CONTACT, SUBJECT, sender="someone", **minted),
        "leaky[0]": engagement(DRILL_CONTACT, "[DRILL] leaky", public_subject=f"[DRILL] key {SMS_KEY}", **minted),
        "twin[0]": engagement(DRILL_CONTACT, "[DRILL] twin 0", **twin),
        "twin[1]": engagement(DRILL_CONTACT, "[DRILL] twin 1", **twin),
    }

    def urn(kind: str, name: str) -> str:
        return resource_urn(stack, "opentofu", kind, name)

    expectation = {"within": "5m", "on_miss": "record", "receipt": "READ", "engagement_arn": UNKNOWN}
    stack_resources = [
        *(StackResource(urn(ENGAGEMENT_TYPE, name), ENGAGEMENT_TYPE, name, inputs, property_dependencies={})
          for name, inputs in engagements.items()),
        *(StackResource(urn(EXPECTATION_TYPE, name), EXPECTATION_TYPE, name, expectation,
                        property_dependencies={"engagement_arn": [urn(ENGAGEMENT_TYPE, name)]})
          for name in ("drill", "outside[0]", "leaky[0]", "twin[0]", "twin[1]")),
        StackResource(urn(PAGE_ACCEPTANCE_TYPE, "ack[0]"), PAGE_ACCEPTANCE_TYPE, "ack[0]",
                      {"page_id": PAGE, "accept_code": "123456", "accept_type": "READ"}, property_dependencies={}),
    ]
    found = policy_violations(stack_resources, load_policy_config(CONFIG))
    return [(v.policy, v.enforcement_level.value, v.message) for v in found]
