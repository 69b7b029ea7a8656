"""The README's main command, run as a user runs it (after `make setup`): the whole drill, offline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_cli import REPO_ROOT

pytestmark = pytest.mark.cli


def drill(tmp_path: Path, stack: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "scripts/run_drill.py", "--stack", stack, "--state-dir", str(tmp_path), *args],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )


def test_the_drill_pages_alice_who_answers_in_time_so_it_passes_and_cleans_up(cli_root: Path, tmp_path: Path) -> None:
    result = drill(tmp_path, "gameday-test")

    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "+ 5 created" in out  # stack, provider, token key, engagement, expectation
    assert "alice-oncall   SMS    +15555550101" in out and "alice-oncall   EMAIL  alice@example.com" in out
    assert "bob-oncall" not in out.split("== 4/7")[1].split("== 5/7")[0]  # stopped once decided: stage 2 silent
    verdict = "PASSED: alice-oncall acknowledged (READ) on SMS after 2.0s, within 10s; paged: alice-oncall."
    assert f"   {verdict}" in out and f"  verdict   {verdict}" in out  # the resource's, then the report's: the same
    assert "reached via drill-escalation stage 1 -> alice-oncall" in out
    # The timeline, written where it says, from the same verdict.
    timeline = out.split("== 7/7 The drill's timeline, for the room and the retro\n")[1]
    html, svg = tmp_path / "drill-report.html", tmp_path / "drill-report.svg"
    assert f"   {html}  (open it in a browser)\n   {svg}\n" in timeline
    assert f'<title id="d1-title">{verdict}</title>' in svg.read_text()
    assert '<h2 id="drill-1-verdict">PASSED</h2>' in html.read_text()
    assert "{'delete': 5}: stack destroyed" in out
    assert not (REPO_ROOT / "Pulumi.gameday-test.yaml").exists()


def test_a_silent_stage_one_and_a_late_stage_two_miss_the_drill_saying_why(cli_root: Path, tmp_path: Path) -> None:
    result = drill(tmp_path, "gameday-missed", "--responder", "alice-oncall:never", "--responder", "bob-oncall:SMS:7m")

    out = result.stdout
    assert result.returncode == 1
    assert "bob-oncall     SMS    +15555550102" in out  # escalated to stage 2
    section = out.split("== 5/7 Verdict\n")[1].split("== 6/7")[0]
    [verdict] = [line.strip() for line in section.splitlines() if line.strip()]
    assert verdict.startswith("MISSED: Drill missed: paged alice-oncall, bob-oncall; nobody acknowledged (READ) "
                              "within 10s of the engagement's start")
    assert f"  verdict   {verdict}" in out  # the report says the resource's verdict, in its words
    assert "Traceback" not in result.stderr
    assert not (REPO_ROOT / "Pulumi.gameday-missed.yaml").exists()


def test_make_gameday_runs_the_drill_with_plain_pulumi_commands_and_the_policy_pack(
    cli_root: Path, tmp_path: Path
) -> None:
    stack_config = REPO_ROOT / "examples/gameday/Pulumi.drill.yaml"
    before = stack_config.read_text()

    result = subprocess.run(
        [sys.executable, "scripts/pulumi_cli.py", "examples/gameday", "--stack", "drill", "--offline",
         "--time-scale", "60", "--responder", "alice-oncall:SMS:2m",
         "--policy-pack-config", "examples/gameday/policy-config.json", "--state-dir", str(tmp_path),
         "preview", "up", "destroy"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )

    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "incident-manager@v0.1.0" in out
    assert "$ pulumi preview --stack drill" in out and "$ pulumi up --stack drill" in out
    assert "+ 5 created" in out and "- 5 deleted" in out  # stack, provider, token key, engagement, expectation
    assert "checkout-db-failover: drill-escalation (ESCALATION) would page" in out  # at preview, nobody paged
    assert "alice-oncall acknowledged (READ) on SMS" in out  # the verdict, from a simulated alice
    assert stack_config.read_text() == before
