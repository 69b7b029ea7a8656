"""The drill report's verdict, the real resolution of each page, and the JUnit file read back with a parser."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pulumi_incident_manager.drill import (
    DrillSummary,
    ResolutionStep,
    Verdict,
    main,
    summarize_drill,
    write_junit,
)
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import Rotation, seed_rotation

from ..support import engage


def acknowledge(emulator: Emulator, engagement_arn: str, contact_arn: str, channel_type: str) -> None:
    [message] = [
        m for m in emulator.outbox()
        if (m["engagement_arn"], m["contact_arn"], m["channel_type"]) == (engagement_arn, contact_arn, channel_type)
    ]
    emulator.client().accept_page(PageId=message["page_arn"], AcceptType="READ", AcceptCode=message["accept_code"],
                                  ContactChannelId=message["channel_arn"])


def test_each_page_shows_how_it_reached_its_person(ssm_contacts_env: Emulator, rotation: Rotation) -> None:
    arn = engage(ssm_contacts_env.client(), rotation.escalation_arn)

    summary = summarize_drill(arn)

    paths = {(page.contact, page.resolution) for page in summary.pages}
    assert paths == {
        ("alice-oncall", (ResolutionStep(rotation.escalation_arn, "ESCALATION", 0),
                          ResolutionStep(rotation.alice_arn, "PERSONAL", 0))),
        ("bob-oncall", (ResolutionStep(rotation.escalation_arn, "ESCALATION", 1),
                        ResolutionStep(rotation.bob_arn, "PERSONAL", 0))),
    }
    assert "    reached via drill-escalation stage 2 -> bob-oncall" in summary.to_text().splitlines()
    [bob_page, *_] = [page for page in json.loads(summary.to_json())["pages"] if page["contact"] == "bob-oncall"]
    assert [(step["contact"], step["type"], step["stage_index"]) for step in bob_page["resolution"]] == [
        ("drill-escalation", "ESCALATION", 1),
        ("bob-oncall", "PERSONAL", 0),
    ]


def test_a_page_through_an_on_call_schedule_names_the_schedule(
    ssm_contacts_env: Emulator, rotation: Rotation
) -> None:
    arn = engage(ssm_contacts_env.client(), rotation.oncall_schedule_arn)

    summary = summarize_drill(arn)

    assert {page.resolution[0] for page in summary.pages} == {
        ResolutionStep(rotation.oncall_schedule_arn, "ONCALL_SCHEDULE", None)
    }
    assert {page.resolution[-1].type for page in summary.pages} == {"PERSONAL"}


def test_an_acknowledged_drill_passes_naming_who_over_what_and_how_fast(
    ssm_contacts_env: Emulator, rotation: Rotation
) -> None:
    arn = engage(ssm_contacts_env.client(), rotation.escalation_arn)
    acknowledge(ssm_contacts_env, arn, rotation.bob_arn, "SMS")

    summary = summarize_drill(arn)

    verdict = summary.verdict
    assert verdict is not None and summary.time_to_acknowledge is not None
    assert (verdict.passed, verdict.acknowledged_by, verdict.channel) == (True, "bob-oncall", "SMS")
    assert verdict.time_to_acknowledge == summary.time_to_acknowledge
    assert verdict.message.startswith("bob-oncall acknowledged over SMS after ")
    assert f"  verdict   PASSED: {verdict.message}" in summary.to_text().splitlines()
    assert json.loads(summary.to_json())["verdict"] == {
        "passed": True,
        "message": verdict.message,
        "acknowledged_by": "bob-oncall",
        "channel": "SMS",
        "time_to_acknowledge_seconds": summary.time_to_acknowledge.total_seconds(),
    }


def test_an_unanswered_drill_fails_saying_who_was_paged(ssm_contacts_env: Emulator, rotation: Rotation) -> None:
    arn = engage(ssm_contacts_env.client(), rotation.alice_arn)

    verdict = summarize_drill(arn).verdict

    assert verdict == Verdict(
        False, "Nobody acknowledged: alice-oncall paged alice-oncall (EMAIL, SMS), and no page has a READ receipt."
    )


def test_an_expectation_object_decides_the_verdict_the_reports_show(
    ssm_contacts_env: Emulator, rotation: Rotation, tmp_path: Path
) -> None:
    class OnlyBob:
        def verdict(self, summary: DrillSummary) -> Verdict:
            first = summary.first_acknowledged
            by = first.contact if first else None
            return Verdict(by == "bob-oncall", f"{by or 'nobody'} acknowledged, bob-oncall was expected.", by)

    arn = engage(ssm_contacts_env.client(), rotation.escalation_arn)
    acknowledge(ssm_contacts_env, arn, rotation.alice_arn, "EMAIL")

    summary = summarize_drill(arn, expectation=OnlyBob())
    write_junit(tmp_path / "drill.xml", [summary])

    assert summary.verdict == Verdict(False, "alice-oncall acknowledged, bob-oncall was expected.", "alice-oncall")
    [failure] = ET.parse(tmp_path / "drill.xml").getroot().iter("failure")
    assert failure.get("message") == "alice-oncall acknowledged, bob-oncall was expected."


def test_junit_has_one_testcase_per_engagement_and_fails_the_unanswered_one(
    ssm_contacts_env: Emulator, rotation: Rotation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answered = engage(ssm_contacts_env.client(), rotation.escalation_arn)
    acknowledge(ssm_contacts_env, answered, rotation.alice_arn, "SMS")
    unanswered = engage(ssm_contacts_env.client(), rotation.bob_arn)
    report = tmp_path / "reports" / "drill.xml"
    report.parent.mkdir()

    code = main([answered, unanswered, "--junit", str(report)])

    out, err = capsys.readouterr()
    assert code == 1
    assert err == ("drill failed (1 of 2): Nobody acknowledged: bob-oncall paged bob-oncall (EMAIL, SMS), and no "
                   "page has a READ receipt.\n")
    assert out.count("Engagement arn:") == 2
    root = ET.parse(report).getroot()
    [suite] = root.findall("testsuite")
    assert (suite.get("name"), suite.get("tests"), suite.get("failures"), suite.get("errors")) == (
        "incident-manager drills", "2", "1", "0"
    )
    passed, failed = suite.findall("testcase")
    assert (passed.get("classname"), passed.get("name")) == ("gameday-2026-11", answered)
    assert passed.find("failure") is None
    properties = {p.get("name"): p.get("value") for p in passed.iter("property")}
    assert (properties["passed"], properties["acknowledged_by"], properties["channel"]) == (
        "true", "alice-oncall", "SMS"
    )
    acknowledged_after = float(properties["time_to_acknowledge_seconds"] or "nan")
    assert float(passed.get("time") or "nan") == pytest.approx(acknowledged_after, abs=0.001)
    failure = failed.find("failure")
    assert failed.get("name") == unanswered and failure is not None
    assert failure.get("message") == "Nobody acknowledged: bob-oncall paged bob-oncall (EMAIL, SMS), and no page " \
                                     "has a READ receipt."
    assert (failed.findtext("system-out") or "").startswith(f"Engagement {unanswered}")


def test_a_passing_drill_exits_0_and_an_unreadable_engagement_is_an_error_testcase(
    ssm_contacts_env: Emulator, rotation: Rotation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answered = engage(ssm_contacts_env.client(), rotation.alice_arn)
    acknowledge(ssm_contacts_env, answered, rotation.alice_arn, "SMS")
    missing = answered.rsplit("/", 1)[0] + "/00000000-0000-4000-8000-000000000000"

    assert main([answered, "--junit", str(tmp_path / "pass.xml")]) == 0
    assert main([answered, missing, "--junit", str(tmp_path / "error.xml")]) == 1

    assert ET.parse(tmp_path / "pass.xml").getroot().find("testsuite/testcase/failure") is None
    _, err = capsys.readouterr()
    assert err.startswith("error: ssm-contacts:DescribeEngagement failed because engagement") and err.count("\n") == 1
    [error] = ET.parse(tmp_path / "error.xml").getroot().iter("error")
    assert error.get("type") == "IncidentManagerError" and missing in (error.get("message") or "")


def test_the_module_writes_junit_and_fails_a_missed_drill_without_a_traceback(
    ssm_contacts_emulator: Emulator, tmp_path: Path
) -> None:
    rotation = seed_rotation(ssm_contacts_emulator.client())
    arn = engage(ssm_contacts_emulator.client(), rotation.escalation_arn)

    result = subprocess.run(
        [sys.executable, "-m", "pulumi_incident_manager.drill", arn, "--json", "--junit", str(tmp_path / "d.xml")],
        env={"PATH": "/usr/bin:/bin", **ssm_contacts_emulator.env()}, capture_output=True, text=True,
    )

    assert result.returncode == 1
    assert result.stderr.startswith("drill failed (1 of 1): Nobody acknowledged: drill-escalation paged ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert json.loads(result.stdout)["verdict"]["passed"] is False
    assert ET.parse(tmp_path / "d.xml").getroot().find("testsuite/testcase/failure") is not None


def test_a_failed_drill_exits_1_without_junit_too_and_exit_zero_only_reports(
    ssm_contacts_env: Emulator, rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = engage(ssm_contacts_env.client(), rotation.bob_arn)

    assert main([arn]) == 1
    out, err = capsys.readouterr()
    assert out.startswith(f"Engagement {arn}")
    assert err.startswith("drill failed (1 of 1): Nobody acknowledged: bob-oncall paged ") and err.count("\n") == 1

    assert main([arn, "--exit-zero"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"Engagement {arn}") and "Nobody acknowledged" in out and err == ""


def test_several_failed_drills_are_still_one_sentence(
    ssm_contacts_env: Emulator, rotation: Rotation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arns = [engage(ssm_contacts_env.client(), rotation.alice_arn), engage(ssm_contacts_env.client(), rotation.bob_arn)]

    assert main([*arns, "--junit", str(tmp_path / "d.xml")]) == 1

    _, err = capsys.readouterr()
    assert err.startswith("drill failed (2 of 2): Nobody acknowledged: alice-oncall paged alice-oncall ")
    assert err.endswith(" (and 1 more: see the report).\n") and err.count("\n") == 1
    assert len(ET.parse(tmp_path / "d.xml").getroot().findall("testsuite/testcase/failure")) == 2
