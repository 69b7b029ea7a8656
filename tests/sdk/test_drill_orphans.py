"""`drill orphans` alone, over real boto3 to the offline endpoint, reading a state export as `pulumi stack export
--show-secrets` writes it (tests/e2e/test_engine.py runs it after a real crash, with the real CLI)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from incident_manager_provider.schema import ENGAGEMENT, dynamic_type, plugin_type
from pulumi_incident_manager.drill import find_orphans
from pulumi_incident_manager.drill._orphans import says
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import Rotation

from ..support import DRILL
from ..support import engage as start

SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
MESSAGE = {"Subject": "ORPHAN-SECRET-SUBJECT", "Content": "ORPHAN-SECRET-CONTENT", "IncidentId": "gameday-2026-12"}


def shown(value: str) -> dict[str, str]:
    """A secret as `pulumi stack export --show-secrets` writes it."""
    return {**SECRET_SIG, "plaintext": json.dumps(value)}


def pending_create(name: str, inputs: dict[str, Any], type_: str = dynamic_type(ENGAGEMENT)) -> dict[str, Any]:
    return {"type": "creating", "resource": {"urn": f"urn:pulumi:dev::drills::{type_}::{name}", "custom": True,
                                             "type": type_, "inputs": inputs}}


def python_inputs(contact_arn: str) -> dict[str, Any]:
    return {"contact_id": contact_arn, "sender": DRILL["Sender"], "subject": shown(MESSAGE["Subject"]),
            "content": shown(MESSAGE["Content"]), "public_subject": shown(DRILL["PublicSubject"]),
            "public_content": shown(DRILL["PublicContent"]), "incident_id": MESSAGE["IncidentId"],
            "idempotency_token": "pulumi-im-0123", "run": "2"}


def engage(emulator: Emulator, contact_arn: str, **changes: str) -> str:
    """The shared ``engage``, saying the secret message above."""
    return start(emulator.client(), contact_arn, **{**MESSAGE, **changes})


def test_an_unset_and_an_empty_member_say_the_same() -> None:
    assert says({"public_subject": "", "public_content": None}) == says({})


def test_a_live_engagement_saying_what_a_pending_create_tried_is_found_and_others_are_not(
    ssm_contacts_env: Emulator, rotation: Rotation
) -> None:
    orphan = engage(ssm_contacts_env, rotation.alice_arn)
    stopped = engage(ssm_contacts_env, rotation.alice_arn)
    ssm_contacts_env.client().stop_engagement(EngagementId=stopped)
    other_content = engage(ssm_contacts_env, rotation.alice_arn, Content="ORPHAN-SECRET-OTHER")
    other_contact = engage(ssm_contacts_env, rotation.bob_arn)
    deployment = {"resources": [], "pending_operations": [pending_create("page-db", python_inputs(rotation.alice_arn))]}

    [found] = find_orphans(deployment)

    assert (found.arn, found.contact_arn, found.urn, found.operation) == (
        orphan, rotation.alice_arn, f"urn:pulumi:dev::drills::{dynamic_type(ENGAGEMENT)}::page-db", "creating")
    assert {stopped, other_content, other_contact}.isdisjoint({found.arn})


def test_an_engagement_a_resource_holds_is_not_an_orphan(ssm_contacts_env: Emulator, rotation: Rotation) -> None:
    tracked = engage(ssm_contacts_env, rotation.alice_arn)
    resource = {"urn": "urn:pulumi:dev::drills::x::page-db", "type": dynamic_type(ENGAGEMENT), "id": tracked}
    deployment = {"resources": [resource],
                  "pending_operations": [pending_create("page-db", python_inputs(rotation.alice_arn))]}

    assert find_orphans(deployment) == []


def test_a_yaml_or_typescript_programs_pending_create_is_read_in_its_camel_case(
    ssm_contacts_env: Emulator, rotation: Rotation
) -> None:
    orphan = engage(ssm_contacts_env, rotation.alice_arn)
    inputs = ENGAGEMENT.in_camel_case(python_inputs(rotation.alice_arn))
    deployment = {"pending_operations": [pending_create("page-db", inputs, plugin_type(ENGAGEMENT))]}

    assert [found.arn for found in find_orphans(deployment)] == [orphan]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pulumi_incident_manager.drill", "orphans", *args],
                          capture_output=True, text=True, timeout=60, check=False, cwd=cwd)


def test_the_command_lists_then_stops_and_never_prints_the_message(
    ssm_contacts_env: Emulator, rotation: Rotation, tmp_path: Path
) -> None:
    orphan = engage(ssm_contacts_env, rotation.alice_arn)
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"version": 3, "deployment": {
        "pending_operations": [pending_create("page-db", python_inputs(rotation.alice_arn))]}}))

    listed = run("--export", str(export), "--json")
    stopped = run("--export", str(export), "--stop")
    again = run("--export", str(export))

    assert listed.returncode == 1
    assert [entry["arn"] for entry in json.loads(listed.stdout)] == [orphan]
    assert stopped.returncode == 0 and f"stopped {orphan}" in stopped.stdout
    assert "StopTime" in ssm_contacts_env.client().describe_engagement(EngagementId=orphan)
    assert again.returncode == 0
    assert again.stdout == f"No live engagement of the stack exported in {export} is missing from its state.\n"
    assert "ORPHAN-SECRET" not in "".join(r.stdout + r.stderr for r in (listed, stopped, again))


def test_a_state_it_cannot_read_exits_2_with_one_sentence(tmp_path: Path) -> None:
    not_json = tmp_path / "export.json"
    not_json.write_text("Enter your passphrase")
    no_cli = subprocess.run(
        [sys.executable, "-m", "pulumi_incident_manager.drill", "orphans", "--stack", "dev"],
        capture_output=True, text=True, timeout=60, check=False, env={"PATH": str(tmp_path)},
    )

    unreadable = run("--export", str(not_json))

    assert (unreadable.returncode, unreadable.stderr) == (2, (
        f"error: --export {not_json} is not JSON: write it with `pulumi stack export --show-secrets --file "
        f"{not_json}`.\n"))
    assert (no_cli.returncode, no_cli.stderr) == (2, (
        "error: The pulumi CLI is not on PATH, and reading the stack's state takes it: put it on PATH, or export "
        "the state yourself and pass the file with --export.\n"))
