"""The drill report's verdict, the real resolution of each page, and the JUnit file read back with a parser."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from incident_manager_provider.expectation import AcknowledgementExpectationProvider
from incident_manager_provider.schema import ENGAGEMENT, EXPECTATION, dynamic_type, plugin_type
from pulumi_incident_manager.drill import (
    DrillSummary,
    ResolutionStep,
    Terms,
    Verdict,
    main,
    summarize_drill,
    write_junit,
)
from pulumi_incident_manager.drill._state import StackError, drill_terms
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import Rotation, seed_rotation

from ..support import acknowledge, engage


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
    assert verdict.message.startswith("bob-oncall acknowledged (READ) on SMS after ")
    assert f"  verdict   PASSED: {verdict.message}" in summary.to_text().splitlines()
    assert json.loads(summary.to_json())["verdict"] == {
        "passed": True,
        "status": "PASSED",
        "message": verdict.message,
        "acknowledged_by": "bob-oncall",
        "channel": "SMS",
        "time_to_acknowledge_seconds": summary.time_to_acknowledge.total_seconds(),
        "deadline": None,
    }


def test_an_unanswered_drill_is_missed_saying_who_was_paged(ssm_contacts_env: Emulator, rotation: Rotation) -> None:
    arn = engage(ssm_contacts_env.client(), rotation.alice_arn)

    summary = summarize_drill(arn)

    assert summary.verdict == Verdict(
        False, f"Drill missed: paged alice-oncall; nobody acknowledged (READ) by "
               f"{summary.read_at.isoformat(timespec='seconds') if summary.read_at else '-'}, when the engagement "
               f"was read.", paged=("alice-oncall",), pages_sent=2)
    assert summary.verdict.status == "MISSED"


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
    assert err.startswith("MISSED (1 of 2): Drill missed: paged bob-oncall; nobody acknowledged (READ) by ")
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
    assert (failure.get("message") or "").startswith("Drill missed: paged bob-oncall; nobody acknowledged (READ)")
    assert failure.get("type") == "DrillMissed"
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
    assert result.stderr.startswith("MISSED (1 of 1): Drill missed: paged alice-oncall, bob-oncall; ")
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
    assert err.startswith("MISSED (1 of 1): Drill missed: paged bob-oncall; ") and err.count("\n") == 1

    assert main([arn, "--exit-zero"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"Engagement {arn}") and err == ""
    assert "  verdict   MISSED: Drill missed: paged bob-oncall" in out


def test_several_failed_drills_are_still_one_sentence(
    ssm_contacts_env: Emulator, rotation: Rotation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arns = [engage(ssm_contacts_env.client(), rotation.alice_arn), engage(ssm_contacts_env.client(), rotation.bob_arn)]

    assert main([*arns, "--junit", str(tmp_path / "d.xml")]) == 1

    _, err = capsys.readouterr()
    assert err.startswith("MISSED (2 of 2): Drill missed: paged alice-oncall; ")
    assert err.endswith(" (and 1 more: see the report).\n") and err.count("\n") == 1
    assert len(ET.parse(tmp_path / "d.xml").getroot().findall("testsuite/testcase/failure")) == 2


def test_the_terms_given_judge_as_the_expectation_does_in_its_words_whatever_the_timing(
    ssm_contacts_env: Emulator, rotation: Rotation, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = engage(ssm_contacts_env.client(), rotation.alice_arn)
    terms = ["--within", "30m", "--by", "alice-oncall", "--channels", "SMS,VOICE"]

    assert main([arn, *terms]) == 1  # nothing counts yet, and the deadline is ahead
    out, err = capsys.readouterr()
    assert "  verdict   PENDING: Drill undecided: paged alice-oncall; alice-oncall did not acknowledge (READ) on " \
           "SMS/VOICE yet, and may until " in out
    assert err.startswith("PENDING (1 of 1): Drill undecided: ")

    acknowledge(ssm_contacts_env, arn, rotation.alice_arn, "SMS")
    assert main([arn, *terms, "--json"]) == 0
    reported = json.loads(capsys.readouterr().out)["verdict"]
    resource = AcknowledgementExpectationProvider().create(
        {"engagement_arn": arn, "within": "30m", "by": ["alice-oncall"], "channels": ["SMS", "VOICE"]}).outs

    assert (reported["status"], reported["message"]) == ("PASSED", resource["verdict"])
    assert reported["message"].startswith("alice-oncall acknowledged (READ) on SMS after ")
    assert reported["message"].endswith(", within 30m; paged: alice-oncall.")


@pytest.mark.parametrize(
    ("flags", "sentence"),
    [
        (["--within", "soon"], "--within must be a duration such as 90s, 15m or 1h30m"),
        (["--channels", "FAX"], "--channels must be among SMS, VOICE, EMAIL, not 'FAX'"),
        (["--receipt", "SEEN"], "--receipt must be one of READ, DELIVERED, not 'SEEN'"),
        ([], "give one or more engagement ARNs, or --stack NAME to judge every engagement of a stack"),
    ],
)
def test_terms_the_expectation_would_refuse_are_refused_with_its_sentence(
    flags: list[str], sentence: str, capsys: pytest.CaptureFixture[str]
) -> None:
    arns = [ARN] if flags else []

    with pytest.raises(SystemExit) as exited:
        main([*arns, *flags])

    assert exited.value.code == 2
    assert capsys.readouterr().err.endswith(f"error: {sentence}\n")


ARN = "arn:aws:ssm-contacts:us-east-1:123456789012:engagement/alice-oncall/5f8d7c7e-1f6a-4f57-9d4e-2b1c3a4d5e6f"


def test_a_stacks_terms_are_its_expectations_else_its_engagements_stop_when() -> None:
    other = ARN.replace("5f8d", "0000")
    plain = ARN.replace("5f8d", "1111")
    deployment = {"resources": [
        {"type": plugin_type(ENGAGEMENT), "id": ARN, "inputs": {"stopWhen": {"within": "5m"}}},
        {"type": dynamic_type(ENGAGEMENT), "id": other, "inputs": {"stop_when": {"within": "5m"}}},
        {"type": dynamic_type(ENGAGEMENT), "id": plain, "inputs": {}},
        {"type": dynamic_type(EXPECTATION), "urn": "u", "inputs": {"engagement_arn": other, "within": "10m",
                                                                   "by": ["bob-oncall"], "on_miss": "record"}},
    ]}

    assert drill_terms(deployment, "dev") == {ARN: Terms("5m"), other: Terms("10m", ("bob-oncall",)), plain: None}
    twice = {"resources": [*deployment["resources"], {**deployment["resources"][-1], "urn": "v"}]}
    with pytest.raises(StackError, match=f"Stack dev has 2 AcknowledgementExpectations of engagement {other} "):
        drill_terms(twice, "dev")
