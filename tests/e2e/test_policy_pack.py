"""`pulumi preview --policy-pack` with the shipped CrossGuard pack, by the plain CLI, on the game-day example."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pulumi_cli import Project
from pulumi_incident_manager.policies import policy_pack_path
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import Rotation

pytestmark = pytest.mark.cli

ProjectFactory = Callable[..., Project]


def gameday(project: ProjectFactory, contact_alias: str) -> tuple[Project, list[str]]:
    """The game-day example engaging `contact_alias`, and the flags that run the pack with its config."""
    proj = project("examples/gameday", stack="drill")
    stack_config = proj.project_dir / "Pulumi.drill.yaml"
    stack_config.write_text(stack_config.read_text().replace("contact/drill-escalation", f"contact/{contact_alias}"))
    proj.init()
    config = proj.project_dir / "policy-config.json"
    pack = ["--policy-pack", str(policy_pack_path()), "--policy-pack-config", str(config)]
    return proj, pack


def test_a_drill_that_engages_a_production_contact_fails_preview_with_the_policy_message(
    project: ProjectFactory, endpoint: Emulator
) -> None:
    stack, pack = gameday(project, "payments-primary")

    # `pulumi preview --json` leaves policy violations out: read what a user reads.
    result = stack.cli("preview", *pack, check=False)

    assert result.returncode != 0
    assert "[mandatory] [severity: critical]  contact-allowlist" in result.stdout
    assert 'Engagement "checkout-db-failover": contact_id engages' in result.stdout
    assert "payments-primary" in result.stdout
    assert set(endpoint.request_counts()) <= {"GetContact"}  # the preview's who-would-be-paged read; no page


def test_a_compliant_drill_passes_preview_and_up_with_the_pack(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack, pack = gameday(project, "drill-escalation")
    endpoint.set_responders(["alice-oncall:SMS:1m"])  # a simulated alice reads her SMS a (scaled) minute later

    preview = stack.preview(*pack)
    assert "StartEngagement" not in endpoint.request_counts()  # who would be paged is read; nobody is paged
    up = stack.up(*pack)

    assert preview.changes["create"] >= 4
    assert "incident-manager@v0.1.0" in up.stdout
    assert endpoint.request_counts()["StartEngagement"] == 1
    verdict = stack.outputs()["verdicts"]["checkout-db-failover"]
    assert verdict.startswith("alice-oncall acknowledged (READ) on SMS after ")
    # Stage 1 pages alice on both channels at once.
    assert [m["contact_arn"] for m in endpoint.outbox()][:2] == [rotation.alice_arn, rotation.alice_arn]


def test_the_pack_starts_from_a_shell_whose_python_lacks_the_package(
    project: ProjectFactory, endpoint: Emulator, cli_root: Path
) -> None:
    stack, _ = gameday(project, "payments-primary")
    # What a user types, in a shell where `python` on PATH is not the virtualenv (no package, no pulumi).
    bare_path = os.pathsep.join([str(cli_root / "bin"), "/usr/bin", "/bin"])
    printed = subprocess.run(
        [sys.executable, "-m", "pulumi_incident_manager.policy_pack", "--path"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    stack.env["PATH"] = bare_path

    result = stack.cli("preview", "--policy-pack", printed, "--policy-pack-config",
                       str(stack.project_dir / "policy-config.json"), check=False)

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "No module named" not in output
    assert "contact-allowlist" in output and "payments-primary" in output


def test_a_whole_number_in_the_policy_config_is_printed_as_written(project: ProjectFactory, endpoint: Emulator) -> None:
    stack, pack = gameday(project, "drill-escalation")
    config = stack.project_dir / "policy-config.json"
    config.write_text(config.read_text().replace('"publicMaxLength": 160', '"publicMaxLength": 5'))

    result = stack.cli("preview", *pack, check=False)

    assert result.returncode != 0
    assert "over the publicMaxLength of 5. Fix: shorten public_subject to at most 5 characters." in result.stdout
    assert "5.0" not in result.stdout
