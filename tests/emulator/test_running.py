"""Ways to run it: the public API, the pytest fixtures, a subprocess, the console script."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from typing import Any

import boto3
import botocore.exceptions
import pytest

import ssm_contacts_emulator
from ssm_contacts_emulator import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_SECRET_ACCESS_KEY,
    Emulator,
    EmulatorConfig,
    EmulatorProcess,
    FaultConfig,
)
from ssm_contacts_emulator.cli import main


def test_the_public_api_is_what_the_contract_names() -> None:
    assert sorted(ssm_contacts_emulator.__all__) == [
        "DEFAULT_ACCESS_KEY_ID",
        "DEFAULT_ACCOUNT_ID",
        "DEFAULT_REGION",
        "DEFAULT_SECRET_ACCESS_KEY",
        "Emulator",
        "EmulatorConfig",
        "EmulatorProcess",
        "FaultConfig",
        "Responder",
        "Rotation",
        "seed_rotation",
    ]
    assert (DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY) == (
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )


def test_the_fixture_is_a_started_emulator(ssm_contacts_emulator: Emulator) -> None:
    assert ssm_contacts_emulator.endpoint_url.startswith("http://127.0.0.1:")
    assert (ssm_contacts_emulator.region, ssm_contacts_emulator.account_id) == ("us-east-1", "123456789012")
    assert ssm_contacts_emulator.client().list_contacts()["Contacts"] == []


def test_the_env_fixture_points_a_plain_boto3_client_at_it(ssm_contacts_env: Emulator) -> None:
    assert os.environ["AWS_ENDPOINT_URL_SSM_CONTACTS"] == ssm_contacts_env.endpoint_url
    assert ssm_contacts_env.env() == {
        "AWS_ENDPOINT_URL_SSM_CONTACTS": ssm_contacts_env.endpoint_url,
        "AWS_ACCESS_KEY_ID": DEFAULT_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": DEFAULT_SECRET_ACCESS_KEY,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    client: Any = boto3.session.Session().client("ssm-contacts")
    client.create_contact(Alias="from-env", Type="PERSONAL", Plan={"Stages": []})
    assert ssm_contacts_env.request_counts() == {"CreateContact": 1}


def test_a_stopped_emulator_says_so() -> None:
    emulator = Emulator()
    with pytest.raises(
        RuntimeError, match=r"The emulator is not running: call start\(\) or use it as a context manager."
    ):
        emulator.outbox()


def test_config_is_checked() -> None:
    with pytest.raises(ValueError, match=r"EmulatorConfig\.time_scale must not be negative, got -1"):
        EmulatorConfig(time_scale=-1)
    with pytest.raises(ValueError, match=r"EmulatorConfig\.credentials must hold at least one access key pair"):
        EmulatorConfig(credentials={})


def test_a_subprocess_has_the_same_api_and_stops_cleanly_on_ctrl_c() -> None:
    with EmulatorProcess(EmulatorConfig(), extra_args=["--seed"]) as emu:
        assert emu.banner[0] == (
            f"ssm-contacts-emulator serving {emu.endpoint_url} "
            "(region us-east-1, account 123456789012, state in memory)"
        )
        assert f"  export AWS_ENDPOINT_URL_SSM_CONTACTS={emu.endpoint_url}" in emu.banner
        assert "  escalation_arn = arn:aws:ssm-contacts:us-east-1:123456789012:contact/drill-escalation" in emu.banner
        client = emu.client()
        assert len(client.list_contacts()["Contacts"]) == 4  # alice, bob, the escalation plan, the schedule
        emu.set_faults(FaultConfig(error_rate=1.0))
        with pytest.raises(client.exceptions.InternalServerException):
            client.list_contacts()
        emu.set_faults(FaultConfig())
        assert emu.request_counts()["ListContacts"] == 4  # 1, then 3 attempts of the failing call
        assert [r["error"] for r in emu.requests()][-3:] == ["InternalServerException"] * 3
        emu.reset()
        assert emu.outbox() == [] and emu.request_counts() == {}
        process = emu.process
        assert process is not None
    assert process.returncode == 0
    assert emu.banner[-1] == "ssm-contacts-emulator stopped."


def test_the_console_script_stops_on_sigterm_with_status_zero() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "ssm_contacts_emulator", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("ssm-contacts-emulator serving http://127.0.0.1:")
    process.send_signal(signal.SIGTERM)
    rest = process.communicate(timeout=20)[0]
    assert process.returncode == 0
    assert rest.rstrip().endswith("ssm-contacts-emulator stopped.")


def test_the_console_script_reports_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--port", "0", "--error-rate", "2"]) == 2
    assert capsys.readouterr().err == "ssm-contacts-emulator: FaultConfig.error_rate must be between 0 and 1, got 2.0\n"
    with pytest.raises(SystemExit) as info:
        main(["--credentials", "no-colon"])
    assert info.value.code == 2
    assert "expected ACCESS_KEY_ID:SECRET_ACCESS_KEY, got 'no-colon'" in capsys.readouterr().err


def test_the_console_script_reports_a_state_file_it_cannot_open_in_one_sentence(
    capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    path = tmp_path / "missing-folder" / "state.db"
    assert main(["--port", "0", "--state", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"ssm-contacts-emulator: cannot use {path} as the state file (unable to open database file); give --state "
        "a path in a folder that exists and that you can write to\n"
    )


def test_the_console_script_reports_a_busy_port(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["--port", str(port)]) == 1
    assert capsys.readouterr().err.startswith(f"ssm-contacts-emulator: cannot listen on 127.0.0.1:{port}: ")


def test_a_stopped_emulator_answers_nobody_on_a_kept_alive_connection() -> None:
    from botocore.config import Config

    emu = Emulator(EmulatorConfig()).start()
    client = emu.client(config=Config(retries={"total_max_attempts": 1}))
    assert client.list_contacts()["Contacts"] == []  # the client now holds an open keep-alive connection
    emu.stop()
    with pytest.raises(botocore.exceptions.EndpointConnectionError):
        client.create_contact(Alias="after-stop", Type="PERSONAL", Plan={"Stages": []})


def test_the_console_takes_strict_activation_and_failing_channels() -> None:
    config = EmulatorConfig(strict_activation=True, activation_code="123456")
    with EmulatorProcess(config, extra_args=["--seed", "--fail-delivery", "+15555550101"]) as emu:
        assert "  oncall_schedule_arn = arn:aws:ssm-contacts:us-east-1:123456789012:contact/drill-oncall" in emu.banner
        with urllib.request.urlopen(f"{emu.endpoint_url}/_emulator/failing-channels", timeout=10) as response:
            assert json.loads(response.read()) == {"channels": ["+15555550101"]}
        client = emu.client()
        alice = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/alice-oncall"
        client.start_engagement(ContactId=alice, Sender="drill", Subject="s", Content="c")
        assert [m["channel_type"] for m in emu.outbox()] == ["EMAIL"]  # alice's SMS send failed
        channel = client.list_contact_channels(ContactId=alice)["ContactChannels"][0]["ContactChannelArn"]
        client.deactivate_contact_channel(ContactChannelId=channel)
        with pytest.raises(client.exceptions.ValidationException):
            client.activate_contact_channel(ContactChannelId=channel, ActivationCode="999999")  # strict
