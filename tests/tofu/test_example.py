"""examples/opentofu, the game-day drill in HCL, run as its README and `make opentofu-drill` run it: through the real
`tofu`, against the offline endpoint with the seeded escalation plan and a simulated alice who acknowledges."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import tofu_cli
from ssm_contacts_emulator import Emulator, EmulatorConfig
from ssm_contacts_emulator.seed import Rotation
from tofu_cli import Workspace

from .conftest import MESSAGE
from .test_tofu import calls, engagements

pytestmark = pytest.mark.tofu

EXAMPLE = tofu_cli.REPO_ROOT / "examples" / "opentofu"
SMS_MESSAGE = {"TF_VAR_public_subject": "TOFU-SECRET-SMS-SUBJECT-0b1d", "TF_VAR_public_content": "TOFU-SECRET-SMS-e6a4"}
PASSPHRASE = "TOFU-SECRET-PASSPHRASE-5d27c0"


@pytest.fixture
def ssm_contacts_emulator_config() -> EmulatorConfig:
    """As `make opentofu-drill`: alice acknowledges her SMS a minute after it arrives, at 60x (1 s)."""
    return EmulatorConfig(time_scale=60.0, responders=["alice-oncall:SMS:1m"])


def test_the_drill_pages_once_passes_keeps_its_state_sealed_and_destroy_stops_it(
    tofu: Path, cli_config: Path, tmp_path: Path, endpoint: Emulator, rotation: Rotation
) -> None:
    folder = Path(shutil.copytree(EXAMPLE, tmp_path / "opentofu"))
    given = {**MESSAGE, **SMS_MESSAGE, "TF_VAR_state_passphrase": PASSPHRASE}
    contact = {"TF_VAR_contact_id": rotation.escalation_arn}
    drill = Workspace(folder, tofu, cli_config, {**endpoint.env(), **given, **contact})
    drill.init()

    assert "Plan: 3 to add, 0 to change, 0 to destroy." in drill.plan().stdout
    assert calls(endpoint) == {}

    drill.apply()
    [started] = engagements(endpoint)
    assert calls(endpoint)["StartEngagement"] == 1
    outputs = drill.outputs()
    assert outputs["engagement_arn"] == started["EngagementArn"]
    assert outputs["passed"] is True
    assert outputs["verdict"].startswith("alice-oncall acknowledged (READ) on SMS")

    # Encrypted: the state file holds neither the message nor the token key (tofu itself reads them back).
    key = drill.resources()["incidentmanager_token_key.this"]["key"]
    sealed = (folder / "terraform.tfstate").read_text()
    assert '"encrypted_data"' in sealed
    assert [secret for secret in (*MESSAGE.values(), *SMS_MESSAGE.values(), key) if secret in sealed] == []

    assert "No changes." in drill.plan().stdout
    assert calls(endpoint)["StartEngagement"] == 1

    drill.destroy()
    [stopped] = engagements(endpoint)
    assert stopped["StopTime"] and calls(endpoint)["StopEngagement"] == 1
    printed = [secret for secret in (*given.values(), key) if any(secret in text for text in drill.transcript)]
    assert printed == []


def test_make_opentofu_drill_plans_it_in_a_copy_from_no_state_with_a_passphrase_of_its_own(
    tofu: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(tofu_cli.STATE_PASSPHRASE, raising=False)
    (tmp_path / "terraform.tfstate").write_text("an earlier run's, sealed with another passphrase")
    before = sorted(path.name for path in EXAMPLE.iterdir())
    argv = [str(EXAMPLE), "--offline", "--seeded-contact", "contact_id", "--state-dir", str(tmp_path), "init", "plan"]

    assert tofu_cli.main(argv) == 0
    printed = capsys.readouterr().out
    assert "OpenTofu has been successfully initialized!" in printed
    assert "Plan: 3 to add, 0 to change, 0 to destroy." in printed
    assert sorted(path.name for path in EXAMPLE.iterdir()) == before  # nothing written beside the example
    assert (tmp_path / "main.tf").is_file()
