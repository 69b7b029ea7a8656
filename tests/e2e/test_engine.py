"""Plain `pulumi preview/up/refresh/destroy` of engagements in a project folder, against the offline endpoint.

Every stack holds the stack resource, the package's `incident-manager` provider, the stack's token key and the
engagements.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from pulumi_cli import Project, PulumiFailed
from ssm_contacts_emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, Emulator, FaultConfig
from ssm_contacts_emulator.seed import Rotation

pytestmark = pytest.mark.cli

ProjectFactory = Callable[..., Project]


def started_engagements(endpoint: Emulator) -> list[dict[str, Any]]:
    client = endpoint.client()
    arns = [e["EngagementArn"] for e in client.list_engagements(MaxResults=100)["Engagements"]]
    return [client.describe_engagement(EngagementId=arn) for arn in arns]


def engagement_records(stack: Project) -> list[dict[str, Any]]:
    """The Engagement resources in the stack's state (`pulumi stack export`)."""
    return stack.resources(":Engagement")


def up_outputs(stack: Project) -> dict[str, Any]:
    """`pulumi up`, then the stack's outputs."""
    stack.up()
    return stack.outputs()


def pages_by_engagement(endpoint: Emulator) -> dict[str, int]:
    counts: dict[str, int] = {}
    for message in endpoint.outbox():
        counts[message["engagement_arn"]] = counts.get(message["engagement_arn"], 0) + 1
    return counts


def test_preview_makes_no_call_to_the_endpoint(project: ProjectFactory, rotation: Rotation, endpoint: Emulator) -> None:
    stack = project("engagements").init({"contactId": rotation.alice_arn, "count": "3"})
    before = dict(endpoint.request_counts())

    preview = stack.preview()

    assert preview.changes == {"create": 6}  # the stack, provider, token key and three engagements
    assert endpoint.request_counts() == before
    assert endpoint.outbox() == []


def test_preview_rejects_bad_input_naming_the_property_and_the_rule_before_anything_pages(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("engagements").init({"contactId": rotation.alice_arn, "count": "1", "sender": "<ops>"})
    before = dict(endpoint.request_counts())

    with pytest.raises(PulumiFailed) as failure:
        stack.preview()

    assert "sender" in str(failure.value) and "must match the pattern" in str(failure.value)
    assert endpoint.request_counts() == before


def test_up_starts_one_engagement_per_resource_and_exports_their_arns(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    proj = project("engagements")
    stack = proj.init({"contactId": rotation.alice_arn, "count": "3"})

    result = stack.up()

    assert result.changes == {"create": 6}
    assert endpoint.request_counts()["StartEngagement"] == 3
    live = started_engagements(endpoint)
    assert len(live) == 3 and all("StopTime" not in e for e in live)
    # Alice's plan engages her SMS and e-mail channels: two pages per engagement.
    assert sorted(pages_by_engagement(endpoint).values()) == [2, 2, 2]
    outputs = json.loads(proj.cli("stack", "output", "--json").stdout)
    assert sorted(outputs["arns"]) == sorted(e["EngagementArn"] for e in live)
    prefix = "arn:aws:ssm-contacts:us-east-1:123456789012:engagement/alice-oncall/"
    assert all(arn.startswith(prefix) for arn in outputs["arns"])


def test_second_up_with_nothing_changed_pages_nobody(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("engagements").init({"contactId": rotation.alice_arn, "count": "3"})
    stack.up()
    pages = len(endpoint.outbox())

    again = stack.up()

    assert again.changes == {"same": 6}
    assert endpoint.request_counts()["StartEngagement"] == 3
    assert len(endpoint.outbox()) == pages


def test_changing_one_content_replaces_exactly_that_engagement(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("engagements").init({"contactId": rotation.alice_arn, "count": "3"})
    before = up_outputs(stack)["arns"]

    stack.set_config("content1", "E2E-SECRET-CONTENT-1, now with the runbook link")
    result = stack.up()

    after = stack.outputs()["arns"]
    assert result.changes == {"replace": 1, "same": 5}
    assert after[0] == before[0] and after[2] == before[2] and after[1] != before[1]
    client = endpoint.client()
    assert "StopTime" in client.describe_engagement(EngagementId=before[1])
    assert "StopTime" not in client.describe_engagement(EngagementId=after[1])
    assert pages_by_engagement(endpoint)[after[1]] == 2
    assert endpoint.request_counts()["StartEngagement"] == 4


def test_refresh_after_a_stop_behind_pulumis_back_records_the_stop(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    proj = project("engagements")
    stack = proj.init({"contactId": rotation.alice_arn, "count": "1"})
    arn = up_outputs(stack)["arns"][0]
    endpoint.client().stop_engagement(EngagementId=arn, Reason="stopped from the console")

    refresh = stack.refresh()
    [engagement] = engagement_records(stack)
    after_refresh = stack.up()

    # The engine counts a refreshed resource as updated only when Diff finds a change, and the token (the
    # engagement's identity) is unchanged: refresh reports `same`, and the state now records the stop.
    assert refresh.changes == {"same": 4}
    assert engagement["outputs"]["stop_time"]
    assert engagement["outputs"]["arn"] == arn
    # The up that follows changes nothing and pages nobody: paging again takes a new `run`.
    assert after_refresh.changes == {"same": 4}
    assert endpoint.request_counts()["StartEngagement"] == 1
    assert len(endpoint.outbox()) == 2


def _kill_cli_when(condition: Any, timeout: float = 60.0) -> None:
    """Kills this process's `pulumi` CLI child (SIGKILL, as a crash would) once `condition()` holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            out = subprocess.run(["pgrep", "-P", str(os.getpid()), "-x", "pulumi"], capture_output=True, text=True)
            for pid in out.stdout.split():
                os.kill(int(pid), signal.SIGKILL)
            return
        time.sleep(0.05)
    raise AssertionError("the condition to kill the CLI never held")


def test_a_crash_after_start_engagement_never_pages_twice(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    proj = project("engagements")
    stack = proj.init({"contactId": rotation.alice_arn, "count": "1"})
    # The endpoint starts the engagement, then holds its answer while the CLI is killed: the response is lost.
    endpoint.set_faults(FaultConfig(hold_start_engagement_seconds=30.0))
    killer = threading.Thread(target=_kill_cli_when, args=(lambda: len(endpoint.outbox()) == 2,))
    killer.start()
    with pytest.raises(PulumiFailed):
        stack.up()
    killer.join()
    endpoint.set_faults(FaultConfig())
    assert len(started_engagements(endpoint)) == 1
    # The engine died mid-create: the state holds the create as pending, with no engagement recorded.
    deployment = json.loads(proj.cli("stack", "export").stdout)["deployment"]
    [pending] = deployment["pending_operations"]
    assert pending["type"] == "creating" and pending["resource"]["urn"].endswith("::page-0")
    assert not [r for r in deployment.get("resources") or [] if r["type"].endswith(":Engagement")]

    # What a user does next: release the lock of the killed update, clear its pending create, run up again.
    proj.cli("cancel", "--yes")
    stack.refresh("--clear-pending-creates")
    stack.up()

    live = started_engagements(endpoint)
    assert len(live) == 1
    assert stack.outputs()["arns"] == [live[0]["EngagementArn"]]
    assert len(endpoint.outbox()) == 2  # the two pages of the first attempt, none sent again


def crash_mid_start(stack: Project, endpoint: Emulator, pages_before_kill: int) -> None:
    """`pulumi up`, killed once StartEngagement has started an engagement (and the endpoint has sent
    `pages_before_kill` pages in all) but before its answer reaches the engine; then `pulumi cancel`, as a user
    releases the killed update's lock."""
    endpoint.set_faults(FaultConfig(hold_start_engagement_seconds=30.0))
    killer = threading.Thread(target=_kill_cli_when, args=(lambda: len(endpoint.outbox()) == pages_before_kill,))
    killer.start()
    with pytest.raises(PulumiFailed):
        stack.up()
    killer.join()
    endpoint.set_faults(FaultConfig())
    stack.cli("cancel", "--yes")


def orphans(stack: Project, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m pulumi_incident_manager.drill orphans --stack <s> --cwd <project>`, in the CLI's environment."""
    command = [sys.executable, "-m", "pulumi_incident_manager.drill", "orphans", "--stack", stack.stack_name,
               "--cwd", str(stack.project_dir), *args]
    return subprocess.run(command, env=stack.environment(), capture_output=True, text=True, timeout=120, check=False)


def test_drill_orphans_finds_and_stops_the_engagement_a_crash_mid_replace_left_live_after_destroy(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    proj = project("engagements")
    stack = proj.init({"contactId": rotation.alice_arn, "count": "1"})
    old_arn = up_outputs(stack)["arns"][0]
    proj.set_config("content0", "E2E-SECRET-CONTENT-CHANGED")
    crash_mid_start(stack, endpoint, pages_before_kill=4)  # the old engagement stopped, the new one started
    stack.destroy()
    client = endpoint.client()
    # Same contact, sender and incident, another message: not the stack's.
    decoy = client.start_engagement(ContactId=rotation.alice_arn, Sender="e2e-tests", Subject="E2E-SECRET-SUBJECT-0",
                                    Content="E2E-SECRET-CONTENT-OTHER", IncidentId="e2e-drill")["EngagementArn"]
    deployment = json.loads(proj.cli("stack", "export").stdout)["deployment"]
    assert not deployment.get("resources") and len(deployment["pending_operations"]) == 1
    [new_arn] = [e["EngagementArn"] for e in started_engagements(endpoint)
                 if "StopTime" not in e and e["EngagementArn"] != decoy]

    found = orphans(stack)
    stopped = orphans(stack, "--stop")
    after = orphans(stack)

    assert found.returncode == 1, found.stderr
    lines = found.stdout.splitlines()
    assert lines[0] == "1 live engagement started by stack e2e is not in its state:"
    assert lines[2:4] == [new_arn, f"  contact   alice-oncall ({rotation.alice_arn})"]
    [pending] = deployment["pending_operations"]
    assert lines[5] == f"  resource  {pending['resource']['urn']} (interrupted while creating)"
    assert lines[-1] == "To stop it: python -m pulumi_incident_manager.drill orphans --stack e2e --stop"
    assert old_arn not in found.stdout and decoy not in found.stdout
    assert stopped.returncode == 0, stopped.stderr
    assert f"stopped {new_arn}" in stopped.stdout
    assert "StopTime" in client.describe_engagement(EngagementId=new_arn)
    assert "StopTime" not in client.describe_engagement(EngagementId=decoy)
    [page, *_] = client.list_pages_by_engagement(EngagementId=new_arn)["Pages"]
    [stop] = [r for r in client.list_page_receipts(PageId=page["PageArn"])["Receipts"] if r["ReceiptType"] == "STOP"]
    assert "drill orphans --stop" in stop["ReceiptInfo"] and "stack e2e" in stop["ReceiptInfo"]
    assert after.returncode == 0 and "No live engagement of stack e2e is missing from its state." in after.stdout
    printed = "".join(run.stdout + run.stderr for run in (found, stopped, after))
    assert "E2E-SECRET" not in printed and "Traceback" not in printed
    # The docs' last step: clear the pending create.
    stack.refresh("--clear-pending-creates")
    assert not json.loads(proj.cli("stack", "export").stdout)["deployment"].get("pending_operations")


def test_drill_orphans_leaves_the_engagement_state_holds_though_a_pending_create_says_the_same(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator, tmp_path: Any
) -> None:
    proj = project("engagements")
    stack = proj.init({"contactId": rotation.alice_arn, "count": "1"})
    crash_mid_start(stack, endpoint, pages_before_kill=2)
    stack.up()  # the same token: the engagement already started is recorded, and the pending create stays
    deployment = json.loads(proj.cli("stack", "export").stdout)["deployment"]
    assert len(deployment["pending_operations"]) == 1
    encrypted = tmp_path / "export.json"
    proj.cli("stack", "export", "--file", str(encrypted))

    found = orphans(stack)
    unreadable = subprocess.run(
        [sys.executable, "-m", "pulumi_incident_manager.drill", "orphans", "--export", str(encrypted)],
        env=stack.environment(), capture_output=True, text=True, timeout=60, check=False,
    )

    assert found.returncode == 0, found.stdout + found.stderr
    assert "No live engagement of stack e2e is missing from its state." in found.stdout
    assert unreadable.returncode == 2
    assert unreadable.stderr == (
        "error: The stack export holds the message encrypted, and the message is what identifies an engagement: "
        "export it with `pulumi stack export --show-secrets`.\n"
    )
    assert "StopTime" not in started_engagements(endpoint)[0]


def test_up_of_twenty_engagements_rides_out_throttling_and_server_errors(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("engagements").init({"contactId": rotation.alice_arn, "count": "20"})
    # Seeded: the first request past the throttle fails with a 500 on every run, so the faults surely fire.
    endpoint.set_faults(FaultConfig(throttle_rate=10.0, throttle_burst=4, error_rate=0.2, seed=1))

    result = stack.up()
    endpoint.set_faults(FaultConfig())

    assert result.changes == {"create": 23}
    live = started_engagements(endpoint)
    assert len(live) == 20
    assert sorted(pages_by_engagement(endpoint).values()) == [2] * 20
    errors = {r["error"] for r in endpoint.requests() if r["operation"] in ("StartEngagement", "DescribeEngagement")}
    assert {"ThrottlingException", "InternalServerException"} <= errors


def test_replace_of_an_unchanged_engagement_stops_it_and_starts_the_next_run_once(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("engagements").init({"contactId": rotation.alice_arn, "count": "1"})
    arn = up_outputs(stack)["arns"][0]
    [record] = engagement_records(stack)

    result = stack.up("--replace", record["urn"])

    [record] = engagement_records(stack)
    new_arn = stack.outputs()["arns"][0]
    assert result.changes == {"replace": 1, "same": 3}
    assert "StopTime" in endpoint.client().describe_engagement(EngagementId=arn)
    # State holds the new, live engagement: never the stopped one, never a record pending replacement.
    assert new_arn != arn and record["id"] == new_arn and not record.get("pendingReplacement")
    assert record["outputs"].get("stop_time") is None
    assert pages_by_engagement(endpoint)[new_arn] == 2
    assert stack.up().changes == {"same": 4}  # and it stays that way


def test_destroy_then_up_of_the_same_program_starts_a_new_drill_once(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("engagements").init({"contactId": rotation.alice_arn, "count": "1"})
    first = up_outputs(stack)["arns"][0]
    stack.destroy()

    second = up_outputs(stack)["arns"][0]
    stack.up()

    # destroy forgot the stack's token key, so the next up is a new drill with new tokens: one new engagement.
    assert second != first
    assert "StopTime" in endpoint.client().describe_engagement(EngagementId=first)
    assert endpoint.request_counts()["StartEngagement"] == 2
    assert pages_by_engagement(endpoint) == {first: 2, second: 2}


def test_stack_export_holds_no_plaintext_message_or_credential(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    proj = project("engagements")
    stack = proj.init({"contactId": rotation.alice_arn, "count": "2"})
    stack.up()

    exported = proj.cli("stack", "export").stdout

    assert "E2E-SECRET" not in exported
    assert DEFAULT_ACCESS_KEY_ID not in exported and DEFAULT_SECRET_ACCESS_KEY not in exported
    resources = json.loads(exported)["deployment"]["resources"]
    engagement = next(r for r in resources if r["type"].endswith(":Engagement"))
    for name in ("subject", "content", "public_subject", "public_content"):
        assert "ciphertext" in engagement["outputs"][name], name


def test_destroy_stops_every_engagement_and_empties_the_stack(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("engagements").init({"contactId": rotation.alice_arn, "count": "3"})
    stack.up()

    result = stack.destroy()

    assert result.changes == {"delete": 6}
    assert all("StopTime" in e for e in started_engagements(endpoint))
    assert stack.resources() == []


def test_page_acceptance_acknowledges_a_page_with_the_code_it_was_sent(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    proj = project("acceptance")
    stack = proj.init({"contactId": rotation.alice_arn})
    stack.up()
    sms = next(m for m in endpoint.outbox() if m["channel_type"] == "SMS")

    stack.set_config("pageId", sms["page_arn"])
    stack.set_config("acceptCode", sms["accept_code"], secret=True)
    result = stack.up()

    assert result.changes == {"create": 1, "same": 4}
    receipts = endpoint.client().list_page_receipts(PageId=sms["page_arn"])["Receipts"]
    assert "READ" in [r["ReceiptType"] for r in receipts]
    assert sms["accept_code"] not in proj.cli("stack", "export").stdout


def test_engagement_get_reads_an_engagement_started_elsewhere_and_never_stops_it(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    arn = endpoint.client().start_engagement(
        ContactId=rotation.bob_arn, Sender="console", Subject="E2E-SECRET-SUBJECT-console", Content="paged by hand"
    )["EngagementArn"]
    proj = project("lookup")
    stack = proj.init({"engagementArn": arn})

    up = stack.up()
    exported = proj.cli("stack", "export").stdout
    outputs, secret_outputs = stack.outputs(), stack.secret_outputs()
    destroy = stack.destroy()

    assert up.changes == {"create": 2}  # the stack and the provider; the engagement is only read
    assert "read pulumi-python:dynamic/incident-manager:Engagement existing" in up.stdout
    assert outputs["contact_arn"] == rotation.bob_arn
    assert outputs["sender"] == "console"
    assert outputs["subject"] == "E2E-SECRET-SUBJECT-console" and "subject" in secret_outputs
    assert "E2E-SECRET" not in exported
    assert destroy.changes == {"delete": 2, "discard": 1}  # forgotten, not stopped
    assert "StopTime" not in endpoint.client().describe_engagement(EngagementId=arn)
    assert endpoint.request_counts()["StartEngagement"] == 1  # the one this test made
    assert "StopEngagement" not in endpoint.request_counts()
