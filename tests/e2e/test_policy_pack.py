"""`pulumi preview --policy-pack` with the shipped CrossGuard pack, by the real CLI, on the game-day example."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pulumi import automation as auto

from pulumi_cli import Project
from pulumi_incident_manager.policies import policy_pack_path
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import Rotation

pytestmark = pytest.mark.cli

ProjectFactory = Callable[..., Project]


def gameday(project: ProjectFactory, contact_alias: str) -> tuple[auto.Stack, str]:
    proj = project("examples/gameday", stack="drill")
    stack_config = proj.project_dir / "Pulumi.drill.yaml"
    stack_config.write_text(stack_config.read_text().replace("contact/drill-escalation", f"contact/{contact_alias}"))
    return proj.stack(), str(proj.project_dir / "policy-config.json")


def test_a_drill_that_engages_a_production_contact_fails_preview_with_the_policy_message(
    project: ProjectFactory, endpoint: Emulator
) -> None:
    stack, policy_config = gameday(project, "payments-primary")

    with pytest.raises(auto.CommandError) as failure:
        stack.preview(policy_packs=[str(policy_pack_path())], policy_pack_configs=[policy_config])

    message = str(failure.value)
    assert "contact-allowlist" in message
    assert 'Engagement "checkout-db-failover": contact_id' in message
    assert "payments-primary" in message
    assert endpoint.request_counts() == {}


def test_a_compliant_drill_passes_preview_and_up_with_the_pack(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack, policy_config = gameday(project, "drill-escalation")
    packs = {"policy_packs": [str(policy_pack_path())], "policy_pack_configs": [policy_config]}
    before = dict(endpoint.request_counts())

    preview = stack.preview(**packs)  # type: ignore[arg-type]
    assert endpoint.request_counts() == before
    up = stack.up(**packs)  # type: ignore[arg-type]

    assert preview.change_summary[auto.OpType.CREATE] >= 2
    assert up.summary.result == "succeeded"
    assert endpoint.request_counts()["StartEngagement"] == 1
    # Stage 1 pages alice on both channels at once; whether bob's stage 2 (0.5 s later at this time scale) comes
    # before the simulated acknowledgement is a race this test does not judge.
    assert [m["contact_arn"] for m in endpoint.outbox()][:2] == [rotation.alice_arn, rotation.alice_arn]
