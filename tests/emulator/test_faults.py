"""Fault injection (throttling, 500s, dropped connections, latency, a held StartEngagement) and the admin endpoints."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from typing import Any

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from ssm_contacts_emulator import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_SECRET_ACCESS_KEY,
    Emulator,
    EmulatorConfig,
    EmulatorProcess,
    FaultConfig,
    Rotation,
    seed_rotation,
)
from ssm_contacts_emulator.emulator import READY_LINE, command_line

from .support import DRILL


def admin(emu: Emulator | EmulatorProcess, method: str, name: str, body: Any = None) -> tuple[int, Any]:
    return admin_at(emu.endpoint_url, method, name, body)


def admin_at(endpoint_url: str, method: str, name: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
    request = urllib.request.Request(f"{endpoint_url}/_emulator/{name}", data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_token_bucket_throttles_beyond_its_burst(client: Any, emu: Emulator) -> None:
    emu.set_faults(FaultConfig(throttle_rate=0.01, throttle_burst=2))
    client.list_contacts()
    client.list_contacts()
    with pytest.raises(client.exceptions.ThrottlingException) as info:
        client.list_contacts()
    assert info.value.response["Error"] == {"Code": "ThrottlingException", "Message": "Rate exceeded"}
    assert info.value.response["QuotaCode"] == "RequestRate"
    assert info.value.response["ServiceCode"] == "ssm-contacts"
    assert info.value.response["RetryAfterSeconds"] == 1
    assert info.value.response["ResponseMetadata"]["HTTPHeaders"]["retry-after"] == "1"
    assert [(r["status"], r["error"]) for r in emu.requests()] == [
        (200, None),
        (200, None),
        (400, "ThrottlingException"),
    ]


def test_botocore_retries_throttling_and_the_log_counts_every_attempt(emu: Emulator) -> None:
    emu.set_faults(FaultConfig(throttle_rate=0.01, throttle_burst=1))
    client = emu.client(config=Config(retries={"total_max_attempts": 3, "mode": "standard"}))
    client.list_contacts()
    with pytest.raises(client.exceptions.ThrottlingException):
        client.list_contacts()
    assert emu.request_counts() == {"ListContacts": 4}


def test_error_rate_one_answers_internal_server_exception(client: Any, emu: Emulator) -> None:
    emu.set_faults(FaultConfig(error_rate=1.0))
    with pytest.raises(client.exceptions.InternalServerException) as info:
        client.list_contacts()
    assert info.value.response["Error"] == {
        "Code": "InternalServerException",
        "Message": "Injected fault: internal error (error_rate=1.0).",
    }
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_a_fault_seed_gives_the_same_sequence_of_faults_on_every_run(client: Any, emu: Emulator) -> None:
    def outcomes() -> list[int]:
        emu.set_faults(FaultConfig(error_rate=0.5, seed=7))
        statuses = []
        for _ in range(12):
            try:
                statuses.append(client.list_contacts()["ResponseMetadata"]["HTTPStatusCode"])
            except client.exceptions.InternalServerException as error:
                statuses.append(error.response["ResponseMetadata"]["HTTPStatusCode"])
        return statuses

    first, second = outcomes(), outcomes()

    assert first == second
    assert set(first) == {200, 500}


def test_drop_rate_one_closes_the_connection_without_an_answer(client: Any, emu: Emulator) -> None:
    emu.set_faults(FaultConfig(drop_rate=1.0))
    with pytest.raises(botocore.exceptions.ConnectionClosedError) as info:
        client.list_contacts()
    assert "Connection was closed before we received a valid response" in str(info.value)
    dropped = emu.requests()[-1]
    assert dropped | {"time": None, "user_agent": None} == {
        "operation": "ListContacts",
        "status": 0,
        "error": "ConnectionDropped",
        "time": None,
        "user_agent": None,
    }
    assert dropped["user_agent"].startswith("Boto3/")  # the log says who called
    emu.set_faults(FaultConfig())
    assert client.list_contacts()["Contacts"] == []


def test_latency_still_answers(client: Any, emu: Emulator) -> None:
    emu.set_faults(FaultConfig(latency_ms=20))
    assert client.list_contacts()["Contacts"] == []
    assert admin(emu, "GET", "faults")[1]["latency_ms"] == 20


def test_a_held_start_engagement_is_a_lost_response_that_a_retry_with_the_token_recovers(
    emu: Emulator, rotation: Rotation
) -> None:
    emu.set_faults(FaultConfig(hold_start_engagement_seconds=1.0))
    impatient = emu.client(config=Config(read_timeout=0.2, retries={"total_max_attempts": 1}))
    with pytest.raises(botocore.exceptions.ReadTimeoutError):
        impatient.start_engagement(ContactId=rotation.alice_arn, IdempotencyToken="drill-7", **DRILL)
    # The engagement was started and people were paged, though the caller never heard back.
    started = emu.client().list_engagements()["Engagements"]
    assert len(started) == 1
    assert len(emu.outbox()) == 2
    emu.set_faults(FaultConfig())
    again = emu.client().start_engagement(ContactId=rotation.alice_arn, IdempotencyToken="drill-7", **DRILL)
    assert again["EngagementArn"] == started[0]["EngagementArn"]
    assert len(emu.outbox()) == 2


def test_fault_settings_are_checked() -> None:
    with pytest.raises(ValueError, match=r"FaultConfig.error_rate must be between 0 and 1, got 1.5"):
        FaultConfig(error_rate=1.5)
    with pytest.raises(ValueError, match=r"FaultConfig.throttle_rate must be positive or None, got 0"):
        FaultConfig(throttle_rate=0)
    with pytest.raises(ValueError, match=r"FaultConfig.latency_ms must not be negative, got -1"):
        FaultConfig(latency_ms=-1)


def test_admin_endpoints_over_http(client: Any, emu: Emulator, rotation: Rotation) -> None:
    client.start_engagement(ContactId=rotation.alice_arn, **DRILL)
    status, body = admin(emu, "GET", "outbox")
    assert status == 200
    assert body["outbox"] == emu.outbox()
    status, body = admin(emu, "GET", "requests")
    assert body["counts"] == {
        "CreateContact": 4,
        "CreateRotation": 1,
        "CreateContactChannel": 4,
        "ActivateContactChannel": 4,
        "UpdateContact": 2,
        "StartEngagement": 1,
    }
    assert body["requests"][-1]["operation"] == "StartEngagement"
    assert admin(emu, "GET", "health") == (
        200,
        {"status": "ok", "endpoint_url": emu.endpoint_url, "region": "us-east-1", "account_id": "123456789012"},
    )
    assert admin(emu, "POST", "faults", {"error_rate": 1.0})[0] == 200
    with pytest.raises(client.exceptions.InternalServerException):
        client.list_contacts()
    assert admin(emu, "POST", "faults", {})[1]["error_rate"] == 0.0
    assert admin(emu, "POST", "reset") == (200, {"reset": True})
    assert emu.outbox() == []
    assert emu.request_counts() == {}
    assert client.list_contacts()["Contacts"] == []


def test_admin_errors_say_what_is_wrong(emu: Emulator) -> None:
    status, body = admin(emu, "POST", "faults", {"errorrate": 1})
    assert status == 400
    assert body["message"].startswith("Invalid fault settings: unknown fault setting(s) ['errorrate']; known: [")
    status, body = admin(emu, "POST", "faults", {"drop_rate": 2})
    assert (status, body) == (
        400,
        {"message": "Invalid fault settings: FaultConfig.drop_rate must be between 0 and 1, got 2"},
    )
    status, body = admin(emu, "GET", "nothing")
    assert status == 404
    assert body["message"].startswith("GET /_emulator/nothing is not an admin endpoint.")


# -- faults are for API callers: the emulator's own seeding and the admin endpoints never meet them ---------------

STARTUP_FAULTS = FaultConfig(throttle_rate=3, throttle_burst=2, error_rate=0.3)
"""What the issue started the emulator with: at this rate the seed's ~20 calls met throttling and 500s, and died."""
SEEDED_ALIASES = ["alice-oncall", "bob-oncall", "drill-escalation", "drill-oncall"]


def seeded_aliases(emu: Any) -> list[str]:
    return [c["Alias"] for c in emu.client().list_contacts()["Contacts"]]


def test_the_cli_seeds_despite_throttling_and_errors_and_api_callers_still_meet_them() -> None:
    with EmulatorProcess(EmulatorConfig(faults=STARTUP_FAULTS), extra_args=["--seed"]) as emu:
        assert "  escalation_arn = arn:aws:ssm-contacts:us-east-1:123456789012:contact/drill-escalation" in emu.banner
        seeding = emu.requests()
        assert {r["status"] for r in seeding} == {200}  # every seed call ran once, none throttled or failed
        assert admin(emu, "GET", "faults")[1] == STARTUP_FAULTS.to_dict()  # admin calls pass the faults too
        # An API caller meets the faults: six calls at once with no retries, a bucket of two.
        once = emu.client(config=Config(retries={"total_max_attempts": 1}))
        errors = []
        for _ in range(6):
            try:
                once.list_contacts()
            except (once.exceptions.ThrottlingException, once.exceptions.InternalServerException) as error:
                errors.append(error.response["Error"]["Code"])
        assert errors and set(errors) <= {"ThrottlingException", "InternalServerException"}
        assert admin(emu, "POST", "faults", {})[0] == 200
        assert seeded_aliases(emu) == SEEDED_ALIASES


def test_faults_posted_while_the_cli_seeds_do_not_stop_it() -> None:
    config = EmulatorConfig()  # no faults at start: only the ones posted below
    process = subprocess.Popen(
        [sys.executable, "-m", "ssm_contacts_emulator", *command_line(config), "--seed"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = re.search(r"serving (http://\S+)", first)
        assert url, first
        # The endpoint is printed before seeding starts: every API call fails from now on.
        status, _ = admin_at(url.group(1), "POST", "faults", {"error_rate": 1.0, "throttle_rate": 0.01})
        assert status == 200
        rest = []
        for line in process.stdout:
            rest.append(line.rstrip("\n"))
            if line.startswith(READY_LINE):
                break
        assert rest[-1:] == [READY_LINE], (rest, process.stderr.read() if process.poll() is not None else "")
        assert "Seeded rotation:" in rest
        assert admin_at(url.group(1), "POST", "faults", {})[0] == 200
        client = boto3.session.Session().client(
            "ssm-contacts",
            endpoint_url=url.group(1),
            region_name=config.region,
            aws_access_key_id=DEFAULT_ACCESS_KEY_ID,
            aws_secret_access_key=DEFAULT_SECRET_ACCESS_KEY,
        )
        assert [c["Alias"] for c in client.list_contacts()["Contacts"]] == SEEDED_ALIASES
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert process.returncode == 0


def test_the_admin_client_passes_every_fault_and_answers_errors_as_the_endpoint_does() -> None:
    faults = FaultConfig(throttle_rate=0.01, throttle_burst=1, error_rate=1.0, drop_rate=1.0, latency_ms=2000)
    with Emulator(EmulatorConfig(faults=faults)) as emu:
        admin_client = emu.admin_client()
        seeded = seed_rotation(admin_client)  # in well under the 2 s of latency a single API call would take
        assert [c["Alias"] for c in admin_client.list_contacts()["Contacts"]] == SEEDED_ALIASES
        with pytest.raises(admin_client.exceptions.ResourceNotFoundException) as info:
            admin_client.get_contact(ContactId=seeded.alice_arn + "-gone")
        assert info.value.response["ResourceType"] == "CONTACT"
        with pytest.raises(admin_client.exceptions.ConflictException):
            admin_client.create_contact(Alias="alice-oncall", Type="PERSONAL", Plan={"Stages": []})
        assert emu.requests()[-1]["status"] == 400 and emu.request_counts()["CreateContact"] == 5
