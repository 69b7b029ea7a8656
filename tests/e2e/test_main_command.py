"""The README's main command, run as a user runs it (after `make setup`): the whole drill, offline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_cli import REPO_ROOT

pytestmark = pytest.mark.cli


def test_the_drill_pages_the_rotation_acknowledges_and_cleans_up(cli_root: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        # Stage 2 falls due 15 s in: room for a slow machine to acknowledge first, as the assertion below expects.
        [sys.executable, "scripts/run_drill.py", "--stack", "gameday-test", "--state-dir", str(tmp_path),
         "--time-scale", "20"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )

    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "+ 4 created" in out  # the stack, the package's provider, the stack's token key and the engagement
    assert "alice-oncall   SMS    +15555550101" in out and "alice-oncall   EMAIL  alice@example.com" in out
    assert "stage 2 (bob-oncall) was not paged when it fell due" in out
    assert "pages     2 sent, 1 acknowledged" in out
    assert "first acknowledged by alice-oncall after" in out
    assert "{'delete': 4}: engagement stopped" in out
    assert not (REPO_ROOT / "Pulumi.gameday-test.yaml").exists()


def test_make_gameday_runs_the_drill_with_plain_pulumi_commands_and_the_policy_pack(
    cli_root: Path, tmp_path: Path
) -> None:
    stack_config = REPO_ROOT / "examples/gameday/Pulumi.drill.yaml"
    before = stack_config.read_text()

    result = subprocess.run(
        [sys.executable, "scripts/pulumi_cli.py", "examples/gameday", "--stack", "drill", "--offline",
         "--policy-pack-config", "examples/gameday/policy-config.json", "--state-dir", str(tmp_path),
         "preview", "up", "destroy"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )

    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "incident-manager@v0.1.0" in out
    assert "$ pulumi preview --stack drill" in out and "$ pulumi up --stack drill" in out
    assert "+ 5 created" in out and "- 5 deleted" in out
    assert stack_config.read_text() == before
