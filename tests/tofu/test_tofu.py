"""The promises of the Pulumi fronts, kept from `tofu`: each step through the real binary, against the offline
endpoint, with the provider installed from its local mirror as a user installs it (docs/opentofu.md)."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import pytest

from ssm_contacts_emulator import Emulator, FaultConfig
from ssm_contacts_emulator.seed import Rotation
from tofu_cli import TofuFailed, Workspace

from .conftest import CONTENT, SUBJECT, WorkspaceFactory, secrets_printed

pytestmark = pytest.mark.tofu

ENGAGEMENT = "incidentmanager_engagement.drill"
PROVIDER_KEY = "5eed" * 16

AWS_CALLS = ("StartEngagement", "StopEngagement", "DescribeEngagement", "ListPagesByEngagement", "AcceptPage")


def calls(endpoint: Emulator) -> dict[str, int]:
    """How often each engagement operation was called (the seeding's contact calls left out)."""
    return {name: count for name, count in endpoint.request_counts().items() if name in AWS_CALLS}


def engagements(endpoint: Emulator) -> list[dict[str, Any]]:
    """Every engagement the endpoint holds, described."""
    client = endpoint.client()
    arns = [e["EngagementArn"] for e in client.list_engagements(MaxResults=100)["Engagements"]]
    return [client.describe_engagement(EngagementId=arn) for arn in arns]


def token_key(state: dict[str, dict[str, Any]]) -> str:
    key: str = state["incidentmanager_token_key.this"]["key"]
    return key


def test_plan_calls_nothing_apply_pages_once_then_no_changes_and_destroy_stops(
    workspace: WorkspaceFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    drill = workspace("engagement", contact_id=rotation.alice_arn)

    plan = drill.plan()
    assert "2 to add" in plan.stdout and "(sensitive value)" in plan.stdout
    assert calls(endpoint) == {} and endpoint.outbox() == []

    drill.apply()
    [started] = engagements(endpoint)
    pages = len(endpoint.outbox())
    assert calls(endpoint)["StartEngagement"] == 1 and pages > 0
    state = drill.resources()
    assert state[ENGAGEMENT]["arn"] == started["EngagementArn"] == drill.outputs()["arn"]
    assert state[ENGAGEMENT]["idempotency_token"].startswith("pulumi-im-")

    assert "No changes." in drill.plan().stdout
    assert calls(endpoint)["StartEngagement"] == 1 and len(endpoint.outbox()) == pages

    drill.destroy()
    [stopped] = engagements(endpoint)
    assert stopped["StopTime"] and calls(endpoint)["StopEngagement"] == 1
    assert secrets_printed(drill, token_key(state)) == []


def test_every_bad_attribute_is_a_diagnostic_naming_it_and_its_rule_and_no_secret(
    workspace: WorkspaceFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    bad = workspace("invalid", content=CONTENT)
    written = sorted([
        "contact_id must be an ssm-contacts ARN shaped like arn:aws:ssm-contacts:<region>:<account>:contact/..., "
        "not 'alice oncall' (ssm-contacts StartEngagement ContactId)",
        "stop_when.within must be a duration such as 90s, 15m or 1h30m",
        "engagement_arn must be an engagement ARN (an Engagement's arn output)",
        "on_miss must be one of fail, record, not 'shrug'",
    ])

    # `tofu validate` (which knows no variable) and `tofu plan` name every bad attribute the configuration writes,
    # each pointing at its line.
    for run in (bad.run("validate", "-no-color", check=False), bad.plan(check=False)):
        assert run.returncode == 1
        assert sorted(line.removeprefix("Error: ") for line in run.stderr.splitlines()
                      if line.startswith("Error: ")) == written
        assert 'contact_id = "alice oncall"' in run.stderr and 'on_miss        = "shrug"' in run.stderr
        assert "Traceback" not in run.output

    # A secret that breaks a rule is named, never quoted.
    too_long = CONTENT * 400  # beyond StartEngagement's 8192 characters
    long = workspace("engagement", contact_id=rotation.alice_arn, content=too_long)
    plan = long.plan(check=False)
    assert plan.returncode == 1
    assert [line for line in plan.stderr.splitlines() if line.startswith("Error: ")] == [
        "Error: content must be at most 8192 characters long (ssm-contacts StartEngagement Content)"]
    assert calls(endpoint) == {}


def test_a_change_to_what_it_says_or_to_whom_replaces_it_old_stopped_first_paging_once(
    workspace: WorkspaceFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    drill = workspace("engagement", contact_id=rotation.alice_arn)
    drill.apply()
    first = drill.outputs()["arn"]

    drill.env = {**drill.env, "TF_VAR_content": CONTENT + "-CHANGED"}
    plan = drill.plan()
    assert "must be replaced" in plan.stdout and "# forces replacement" in plan.stdout
    assert "1 to add, 0 to change, 1 to destroy" in plan.stdout
    drill.apply()
    second = drill.outputs()["arn"]

    drill.env = {**drill.env, "TF_VAR_contact_id": rotation.bob_arn}
    drill.apply()
    third = drill.outputs()["arn"]

    assert len({first, second, third}) == 3
    assert calls(endpoint)["StartEngagement"] == 3
    # Each replacement stopped the old engagement before it started the new one.
    order = [r["operation"] for r in endpoint.requests() if r["operation"] in ("StartEngagement", "StopEngagement")]
    assert order == ["StartEngagement", "StopEngagement", "StartEngagement",
                                                     "StopEngagement", "StartEngagement"]
    live = {e["EngagementArn"]: e for e in engagements(endpoint)}
    assert live[first].get("StopTime") and live[second].get("StopTime") and not live[third].get("StopTime")
    assert live[third]["ContactArn"] == rotation.bob_arn

    # Nothing changed, and a replacement asked for: the next run's token, as `pulumi up --replace` does.
    drill.apply(f"-replace={ENGAGEMENT}")
    fourth = drill.outputs()["arn"]
    assert fourth not in (first, second, third) and calls(endpoint)["StartEngagement"] == 5  # one answered stopped
    live = {e["EngagementArn"]: e for e in engagements(endpoint)}
    assert live[third].get("StopTime") and not live[fourth].get("StopTime") and len(live) == 4
    assert "No changes." in drill.plan().stdout
    assert secrets_printed(drill, CONTENT + "-CHANGED", token_key(drill.resources())) == []


def killed_right_after_start_engagement(
    drill: Workspace, endpoint: Emulator, engagements_then: int, interrupt: bool = False
) -> None:
    """`tofu apply`, killed (with its providers, SIGKILL, as a crash would; or only interrupted, SIGINT to tofu, as
    a CI cancel does) once the endpoint holds ``engagements_then`` engagements; the endpoint holds StartEngagement's
    answer meanwhile, so it is lost."""
    endpoint.set_faults(FaultConfig(hold_start_engagement_seconds=30.0))
    apply = drill.popen("apply", "-no-color", "-auto-approve")
    deadline = time.monotonic() + 60
    while len(engagements(endpoint)) < engagements_then and time.monotonic() < deadline:
        time.sleep(0.05)
    if interrupt:
        os.kill(apply.pid, signal.SIGINT)
    else:
        os.killpg(apply.pid, signal.SIGKILL)
    drill.transcript += apply.communicate()  # what it printed before it died counts too
    endpoint.set_faults(FaultConfig())


def test_tofu_killed_right_after_start_engagement_then_apply_again_adopts_instead_of_paging_twice(
    workspace: WorkspaceFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    drill = workspace("engagement", contact_id=rotation.alice_arn)
    drill.apply()
    first = drill.outputs()["arn"]
    drill.env = {**drill.env, "TF_VAR_content": CONTENT + "-CHANGED"}
    # The replacement stops the first engagement and starts the second, whose answer is lost with tofu.
    killed_right_after_start_engagement(drill, endpoint, engagements_then=2)
    started = [e["EngagementArn"] for e in engagements(endpoint)]
    [second] = [arn for arn in started if arn != first]
    pages = len(endpoint.outbox())

    drill.apply()

    assert [e["EngagementArn"] for e in engagements(endpoint)] == started  # the same token: the same engagement
    assert drill.outputs()["arn"] == second
    assert len(endpoint.outbox()) == pages  # nobody paged twice
    assert "No changes." in drill.plan().stdout


def test_a_first_apply_interrupted_right_after_start_engagement_adopts_as_tofu_saves_the_key_first(
    workspace: WorkspaceFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    drill = workspace("engagement", contact_id=rotation.alice_arn)
    killed_right_after_start_engagement(drill, endpoint, engagements_then=1, interrupt=True)
    [started] = engagements(endpoint)
    pages = len(endpoint.outbox())
    assert list(drill.resources()) == ["incidentmanager_token_key.this"]  # written when tofu was interrupted

    drill.apply()

    assert [e["EngagementArn"] for e in engagements(endpoint)] == [started["EngagementArn"]]
    assert len(endpoint.outbox()) == pages


def test_a_first_apply_killed_right_after_start_engagement_adopts_with_the_providers_key(
    workspace: WorkspaceFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    drill = workspace("provider-key", contact_id=rotation.alice_arn, token_key=PROVIDER_KEY)
    killed_right_after_start_engagement(drill, endpoint, engagements_then=1)
    [started] = engagements(endpoint)
    pages = len(endpoint.outbox())
    assert drill.resources() == {}  # nothing recorded: the key is the provider's, known before the apply

    drill.apply()

    assert [e["EngagementArn"] for e in engagements(endpoint)] == [started["EngagementArn"]]
    assert drill.outputs()["arn"] == started["EngagementArn"]
    assert len(endpoint.outbox()) == pages
    assert "No changes." in drill.plan().stdout
    assert PROVIDER_KEY not in (drill.folder / "terraform.tfstate").read_text()
    assert secrets_printed(drill, PROVIDER_KEY) == []


def test_refresh_records_an_out_of_band_stop(
    workspace: WorkspaceFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    drill = workspace("engagement", contact_id=rotation.alice_arn)
    drill.apply()
    arn = drill.outputs()["arn"]
    endpoint.client().stop_engagement(EngagementId=arn, Reason="stopped by hand")

    refresh_plan = drill.plan("-refresh-only")
    assert "stop_time" in refresh_plan.stdout and "changed outside of OpenTofu" in refresh_plan.stdout
    drill.apply("-refresh-only")

    assert drill.resources()[ENGAGEMENT]["stop_time"]
    assert "No changes." in drill.plan().stdout  # a stopped engagement is recorded, not started again
    assert calls(endpoint)["StartEngagement"] == 1


@pytest.mark.parametrize("how", ["block", "command"])
def test_import_adopts_an_engagement_without_replacing_it(
    how: str, workspace: WorkspaceFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    arn = endpoint.client().start_engagement(ContactId=rotation.alice_arn, Sender="elsewhere",
                                             Subject="started elsewhere", Content=CONTENT,
                                             IncidentId="tofu-import")["EngagementArn"]
    pages = len(endpoint.outbox())
    adopted = workspace("imported", contact_id=rotation.alice_arn)
    address = "incidentmanager_engagement.adopted"
    if how == "block":
        (adopted.folder / "import.tf").write_text(f'import {{\n  to = {address}\n  id = "{arn}"\n}}\n')
        plan = adopted.plan()
        assert "1 to import, 0 to add, 0 to change, 0 to destroy" in plan.stdout
        adopted.apply()
    else:
        adopted.run("import", "-no-color", address, arn)

    assert "No changes." in adopted.plan().stdout
    assert adopted.resources()[address]["arn"] == arn
    assert calls(endpoint)["StartEngagement"] == 1 and len(endpoint.outbox()) == pages

    # What it says changed: a new engagement, which needs a key to mint its token; the sentence says so.
    adopted.env = {**adopted.env, "TF_VAR_content": CONTENT + "-CHANGED"}
    refused = adopted.plan(check=False)
    assert refused.returncode == 1
    assert "Error: token_key is required to mint idempotency_token" in refused.stderr
    assert secrets_printed(adopted, CONTENT + "-CHANGED") == []


def test_an_expectation_missed_fails_the_apply_with_one_sentence_or_is_recorded(
    workspace: WorkspaceFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    failing = workspace("expectation", contact_id=rotation.alice_arn, expected="bob-oncall", on_miss="fail")
    with pytest.raises(TofuFailed) as failed:
        failing.apply()
    [error] = [line for line in failed.value.run.stderr.splitlines() if line.startswith("Error: ")]
    assert "bob-oncall" in error and "Traceback" not in failed.value.run.output
    assert "incidentmanager_acknowledgement_expectation.answered" not in failing.resources()

    recording = workspace("expectation", contact_id=rotation.bob_arn, expected="alice-oncall", on_miss="record")
    recording.apply()
    outputs = recording.outputs()
    assert outputs["passed"] is False and "alice-oncall" in outputs["verdict"]
    assert secrets_printed(failing) == secrets_printed(recording) == []


def test_an_engagement_with_stop_when_is_recorded_stopped_by_the_apply_that_decided_the_drill(
    workspace: WorkspaceFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    drill = workspace("stop-when", contact_id=rotation.alice_arn)

    drill.apply()

    [stopped] = engagements(endpoint)
    assert stopped.get("StopTime") and drill.outputs()["stop_time"]
    assert calls(endpoint)["StartEngagement"] == 1 and calls(endpoint)["StopEngagement"] == 1
    assert "No changes." in drill.plan().stdout  # recorded stopped: nothing to start again


def test_data_sources_read_the_plan_the_engagement_and_its_pages(
    workspace: WorkspaceFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    arn = endpoint.client().start_engagement(ContactId=rotation.alice_arn, Sender="data-e2e", Subject=SUBJECT,
                                             Content=CONTENT)["EngagementArn"]
    reads = workspace("data", contact_id=rotation.escalation_arn, engagement_arn=arn)

    reads.apply()

    outputs = reads.outputs()
    assert outputs["people"] == ["alice-oncall", "bob-oncall"]
    assert outputs["sender"] == "data-e2e"
    assert set(outputs["page_contacts"]) == {rotation.alice_arn}
    assert calls(endpoint)["StartEngagement"] == 1  # the one started here: reading pages nobody
    assert secrets_printed(reads) == []


def test_state_encryption_keeps_message_and_token_key_out_of_the_state_file(
    workspace: WorkspaceFactory, rotation: Rotation
) -> None:
    plain = workspace("engagement", contact_id=rotation.alice_arn)
    plain.apply()
    encrypted = workspace("encrypted", contact_id=rotation.bob_arn, state_passphrase="correct horse battery staple")
    encrypted.apply()

    # Without encryption, the state file holds the message and the key in clear: `sensitive` hides them from
    # output only (docs/opentofu.md says so). With it, neither is readable from the file.
    clear = (plain.folder / "terraform.tfstate").read_text()
    assert SUBJECT in clear and CONTENT in clear and token_key(plain.resources()) in clear
    sealed = (encrypted.folder / "terraform.tfstate").read_text()
    key = token_key(encrypted.resources())  # read back through tofu, which decrypts it
    assert '"encrypted_data"' in sealed
    assert SUBJECT not in sealed and CONTENT not in sealed and key not in sealed
    assert "No changes." in encrypted.plan().stdout
    assert secrets_printed(encrypted, key) == []
