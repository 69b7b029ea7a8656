"""A drill that passes or fails: `pulumi up` waits for the acknowledgement an AcknowledgementExpectation names."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from pulumi_cli import Project
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import Rotation

from .test_engine import _kill_cli_when

pytestmark = pytest.mark.cli

ProjectFactory = Callable[..., Project]


def test_preview_makes_no_call_and_plans_the_wait(project: ProjectFactory, rotation: Rotation,
                                                  endpoint: Emulator) -> None:
    stack = project("expectation").init({"contactId": rotation.alice_arn})

    preview = stack.preview()
    said = stack.cli("preview").stdout

    assert preview.changes == {"create": 5}  # stack, provider, token key, engagement, expectation
    assert "up will wait up to 6s after the engagement starts for anyone paged to acknowledge (READ)" in said
    assert endpoint.request_counts().get("StartEngagement") is None


def test_an_acknowledgement_in_time_passes_and_the_verdict_is_a_stack_output(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("expectation").init({"contactId": rotation.alice_arn})
    endpoint.set_responders(["alice-oncall:SMS:10m"])  # a simulated alice; at 600x, about a second later

    stack.up()
    refreshed = stack.refresh()

    outputs = stack.outputs()
    assert outputs["passed"] is True and outputs["acknowledged_by"] == "alice-oncall"
    assert outputs["verdict"].startswith("alice-oncall acknowledged (READ) on SMS after ")
    assert refreshed.changes == {"same": 5} and stack.outputs()["verdict"] == outputs["verdict"]
    assert endpoint.request_counts()["StartEngagement"] == 1


def test_a_miss_fails_the_update_with_who_was_paged_and_how_long_it_waited(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("expectation").init({"contactId": rotation.alice_arn, "within": "2s"})

    result = stack.up(check=False)

    output = result.stdout + result.stderr
    assert "Drill missed: paged alice-oncall; nobody acknowledged (READ) within 2s of the engagement's start" in output
    assert stack.resources(":AcknowledgementExpectation") == []  # no verdict recorded as if it had passed


def test_the_wrong_person_answering_is_a_miss_that_can_be_recorded(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("expectation").init({"contactId": rotation.alice_arn, "within": "3s", "onMiss": "record"})
    stack.set_config("by", '["bob-oncall"]')
    endpoint.set_responders(["alice-oncall:SMS:2m"])

    stack.up()

    outputs = stack.outputs()
    assert outputs["passed"] is False
    assert outputs["verdict"].startswith("Drill missed: paged alice-oncall; bob-oncall did not acknowledge")


def test_a_crash_mid_wait_neither_pages_again_nor_moves_the_deadline(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("expectation").init({"contactId": rotation.alice_arn, "within": "8s", "onMiss": "record"})
    # Killed while the expectation polls: not while the engine writes its checkpoint (the file backend's write is not
    # atomic, and a kill in the middle of it leaves an empty checkpoint that `pulumi stack export` cannot read).
    polling = lambda: endpoint.request_counts().get("ListPagesByEngagement", 0) >= 2  # noqa: E731
    killer = threading.Thread(target=_kill_cli_when, args=(polling,))
    killer.start()
    crashed = stack.up(check=False)
    killer.join()
    assert crashed.stdout and stack.resources(":AcknowledgementExpectation") == []

    stack.cli("cancel", "--yes")
    stack.refresh("--clear-pending-creates")
    stack.up()

    [engagement] = endpoint.client().list_engagements()["Engagements"]
    assert len(endpoint.outbox()) == 2  # paged once: a repeated StartEngagement adopted the same engagement
    # The engagement's start plus 8s, not the re-run's start.
    assert stack.outputs()["deadline"] == (engagement["StartTime"] + timedelta(seconds=8)).isoformat()


def test_destroy_after_an_interrupted_wait_stops_the_engagement_and_leaves_nothing(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("expectation").init({"contactId": rotation.alice_arn, "within": "60s"})
    # Killed once the expectation polls, so the engagement's create is already saved: a wait, not a pending create.
    polling = lambda: endpoint.request_counts().get("ListPagesByEngagement", 0) >= 2  # noqa: E731
    killer = threading.Thread(target=_kill_cli_when, args=(polling,))
    killer.start()
    stack.up(check=False)  # killed while waiting for an acknowledgement nobody sends
    killer.join()

    stack.cli("cancel", "--yes")
    stack.refresh("--clear-pending-creates")
    destroyed = stack.destroy()

    [engagement] = endpoint.client().list_engagements()["Engagements"]
    assert "StopTime" in endpoint.client().describe_engagement(EngagementId=engagement["EngagementArn"])
    assert destroyed.changes.get("delete", 0) >= 1 and stack.resources() == []


def test_an_engagement_with_stop_when_is_recorded_stopped_by_the_up_that_decided_the_drill(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("expectation").init({"contactId": rotation.alice_arn, "stopWhen": "true"})
    endpoint.set_responders(["alice-oncall:SMS:10m"])  # a simulated alice; at 600x, about a second later

    said = stack.cli("preview").stdout
    assert "up will wait up to 6s after the engagement starts for anyone paged to acknowledge (READ), then stop " \
           "the engagement" in said
    assert endpoint.request_counts().get("StartEngagement") is None
    stack.up()

    # No refresh: the state the up wrote already says the engagement is stopped, and when.
    [engagement] = stack.resources(":Engagement")
    arn = engagement["id"]
    stopped = endpoint.client().describe_engagement(EngagementId=arn)["StopTime"]
    assert engagement["outputs"]["stop_time"] == stopped.isoformat()
    assert stack.outputs()["stop_time"] == stopped.isoformat()
    assert stack.outputs()["passed"] is True and stack.outputs()["acknowledged_by"] == "alice-oncall"
    assert endpoint.request_counts()["StopEngagement"] == 1
    assert stack.refresh().changes == {"same": 5}
    assert stack.up().changes == {"same": 5} and endpoint.request_counts()["StartEngagement"] == 1

    # `up --replace`: the old engagement's stop is the replacement's, so the next run pages, is decided and stopped.
    stack.up("--replace", engagement["urn"])
    [replaced] = stack.resources(":Engagement")
    assert replaced["id"] != arn and len([m for m in endpoint.outbox() if m["engagement_arn"] == replaced["id"]]) == 2
    stopped = endpoint.client().describe_engagement(EngagementId=replaced["id"])["StopTime"]
    assert replaced["outputs"]["stop_time"] == stopped.isoformat()


def test_an_expectation_asked_to_stop_the_engagement_is_refused_at_preview_naming_stop_when(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("expectation").init({"contactId": rotation.alice_arn, "stopEngagement": "true"})

    result = stack.cli("preview", check=False)

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "stop_engagement would stop the engagement while its Engagement's state still records it as live: " \
           "remove stop_engagement and give the Engagement stop_when" in output
    assert endpoint.request_counts().get("StartEngagement") is None  # (the host's KeyboardInterrupt: docs/engine.md)


def test_the_drill_report_of_the_stack_reads_its_terms_and_says_the_resources_verdict_of_a_late_acknowledgement(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("expectation").init({"contactId": rotation.alice_arn, "within": "1s", "onMiss": "record"})
    endpoint.set_responders(["alice-oncall:SMS:20m"])  # at 600x, two seconds after the page: after the deadline
    stack.up()
    recorded = stack.outputs()
    [engagement] = stack.resources(":Engagement")

    def read() -> list[dict[str, Any]]:
        client = endpoint.client()
        return [receipt for page in client.list_pages_by_engagement(EngagementId=engagement["id"])["Pages"]
                for receipt in client.list_page_receipts(PageId=page["PageArn"])["Receipts"]
                if receipt["ReceiptType"] == "READ"]

    deadline = time.monotonic() + 30
    while not read() and time.monotonic() < deadline:
        time.sleep(0.2)

    def report(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pulumi_incident_manager.drill", *args], env=stack.environment(),
                              capture_output=True, text=True, timeout=120, check=False)

    by_stack = report("--stack", stack.stack_name, "--cwd", str(stack.project_dir))
    any_time = report(engagement["id"])

    assert recorded["passed"] is False and read()  # alice answered, too late
    assert by_stack.returncode == 1, by_stack.stderr
    assert f"  verdict   MISSED: {recorded['verdict']}" in by_stack.stdout.splitlines()
    assert by_stack.stderr == f"MISSED (1 of 1): {recorded['verdict'].removesuffix('.')}.\n"
    # Without the stack's terms, the report's default counts any READ receipt, at any time.
    assert any_time.returncode == 0 and "  verdict   PASSED: alice-oncall acknowledged (READ) on SMS after " in \
        any_time.stdout
