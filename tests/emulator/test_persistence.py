"""--state FILE: everything acknowledged survives a clean restart and a crash (SIGKILL)."""

from __future__ import annotations

import datetime
import json
import sqlite3
from pathlib import Path

import pytest
from botocore.config import Config

from ssm_contacts_emulator import Emulator, EmulatorConfig, EmulatorProcess, seed_rotation

from .support import DRILL, TIME_SCALE, wait_for


def test_a_failed_write_leaves_memory_as_the_file_has_it(tmp_path: Path) -> None:
    with Emulator(EmulatorConfig(state_path=str(tmp_path / "state.db"))) as emu:
        client = emu.client(config=Config(retries={"total_max_attempts": 1}))
        store = emu._running().backend._store
        commit = store.commit

        def disk_full() -> None:
            store.commit = commit  # fail once
            raise sqlite3.OperationalError("database or disk is full")

        store.commit = disk_full
        with pytest.raises(client.exceptions.InternalServerException):
            client.create_contact(Alias="carol-oncall", Type="PERSONAL", Plan={"Stages": []})
        contacts_after_failure = client.list_contacts()["Contacts"]
        client.create_contact(Alias="dave-oncall", Type="PERSONAL", Plan={"Stages": []})

        assert contacts_after_failure == []
        assert [c["Alias"] for c in client.list_contacts()["Contacts"]] == ["dave-oncall"]


def test_state_survives_a_restart(tmp_path: Path) -> None:
    config = EmulatorConfig(state_path=str(tmp_path / "state.db"))
    with Emulator(config) as emu:
        client = emu.client()
        rotation = seed_rotation(client)
        engagement = client.start_engagement(ContactId=rotation.alice_arn, IdempotencyToken="drill-1", **DRILL)[
            "EngagementArn"
        ]
        page = emu.outbox()[0]
        client.accept_page(PageId=page["page_arn"], AcceptType="READ", AcceptCode=page["accept_code"])
        client.stop_engagement(EngagementId=engagement, Reason="done")
        outbox = emu.outbox()
        described = client.describe_engagement(EngagementId=engagement)
    with Emulator(config) as emu:
        client = emu.client()
        assert [c["Alias"] for c in client.list_contacts()["Contacts"]] == [
            "alice-oncall",
            "bob-oncall",
            "drill-escalation",
            "drill-oncall",
        ]
        assert client.get_contact_channel(ContactChannelId=rotation.alice_sms_arn)["ActivationStatus"] == "ACTIVATED"
        assert emu.outbox() == outbox
        again = client.describe_engagement(EngagementId=engagement)
        assert {k: v for k, v in again.items() if k != "ResponseMetadata"} == {
            k: v for k, v in described.items() if k != "ResponseMetadata"
        }
        receipts = client.list_page_receipts(PageId=page["page_arn"])["Receipts"]
        assert [r["ReceiptType"] for r in receipts] == ["SENT", "READ", "STOP"]
        # The idempotency token is remembered across the restart: no second page.
        retried = client.start_engagement(ContactId=rotation.alice_arn, IdempotencyToken="drill-1", **DRILL)
        assert retried["EngagementArn"] == engagement
        assert len(emu.outbox()) == len(outbox)
        # Updates keep creation order.
        client.update_contact(ContactId=rotation.alice_arn, DisplayName="Alice Again")
    with Emulator(config) as emu:
        contacts = emu.client().list_contacts()["Contacts"]
        assert (contacts[0]["Alias"], contacts[0]["DisplayName"]) == ("alice-oncall", "Alice Again")


def test_a_pending_escalation_stage_is_sent_after_a_restart(tmp_path: Path) -> None:
    config = EmulatorConfig(state_path=str(tmp_path / "state.db"), time_scale=TIME_SCALE)
    with Emulator(config) as emu:
        client = emu.client()
        rotation = seed_rotation(client)
        client.start_engagement(ContactId=rotation.escalation_arn, **DRILL)
    with Emulator(config) as emu:
        outbox = wait_for(lambda: (o := emu.outbox()) and len(o) == 4 and o)
        assert [o["contact_arn"] for o in outbox] == [rotation.alice_arn] * 2 + [rotation.bob_arn] * 2


def test_reset_empties_the_state_file(tmp_path: Path) -> None:
    config = EmulatorConfig(state_path=str(tmp_path / "state.db"))
    with Emulator(config) as emu:
        seed_rotation(emu.client())
        emu.reset()
    with Emulator(config) as emu:
        assert emu.client().list_contacts()["Contacts"] == []


def test_nothing_acknowledged_is_lost_in_a_crash(tmp_path: Path) -> None:
    config = EmulatorConfig(state_path=str(tmp_path / "state.db"))
    process = EmulatorProcess(config).start()
    try:
        client = process.client()
        rotation = seed_rotation(client)
        engagement = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
        outbox = process.outbox()
    finally:
        process.kill()  # SIGKILL: no chance to flush anything
    assert process.process is None
    with EmulatorProcess(config) as restarted:
        client = restarted.client()
        assert client.describe_engagement(EngagementId=engagement)["ContactArn"] == rotation.alice_arn
        assert restarted.outbox() == outbox


def test_rotations_overrides_schedules_policies_and_sent_codes_survive_a_restart(tmp_path: Path) -> None:
    config = EmulatorConfig(state_path=str(tmp_path / "state.db"), strict_activation=True, activation_code="123456")
    policy = '{"Statement": [{"Effect": "Allow"}]}'
    with Emulator(config) as emu:
        client = emu.client()
        rotation = seed_rotation(client)
        rotation_before = client.get_rotation(RotationId=rotation.oncall_rotation_arn)
        override = client.create_rotation_override(
            RotationId=rotation.oncall_rotation_arn,
            NewContactIds=[rotation.bob_arn],
            StartTime=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1),
            EndTime=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1),
        )["RotationOverrideId"]
        client.put_contact_policy(ContactArn=rotation.alice_arn, Policy=policy)
        client.update_contact_channel(
            ContactChannelId=rotation.bob_sms_arn, DeliveryAddress={"SimpleAddress": "+15555550122"}
        )
        client.send_activation_code(ContactChannelId=rotation.bob_sms_arn)
        code = emu.outbox()[-1]["activation_code"]
        client.start_engagement(ContactId=rotation.oncall_schedule_arn, **DRILL)
        page = emu.outbox()[-1]["page_arn"]
        resolutions = client.list_page_resolutions(PageId=page)["PageResolutions"]
    with Emulator(config) as emu:
        client = emu.client()
        again = client.get_rotation(RotationId=rotation.oncall_rotation_arn)
        assert {k: v for k, v in again.items() if k != "ResponseMetadata"} == {
            k: v for k, v in rotation_before.items() if k != "ResponseMetadata"
        }
        assert client.get_rotation_override(RotationId=rotation.oncall_rotation_arn, RotationOverrideId=override)[
            "NewContactIds"
        ] == [rotation.bob_arn]
        assert emu.rotations()[0]["OnCallNow"] == [rotation.bob_arn]
        assert client.get_contact(ContactId=rotation.oncall_schedule_arn)["Type"] == "ONCALL_SCHEDULE"
        assert client.get_contact_policy(ContactArn=rotation.alice_arn)["Policy"] == policy
        assert client.list_page_resolutions(PageId=page)["PageResolutions"] == resolutions
        client.activate_contact_channel(ContactChannelId=rotation.bob_sms_arn, ActivationCode=code)  # strict
        assert client.get_contact_channel(ContactChannelId=rotation.bob_sms_arn)["ActivationStatus"] == "ACTIVATED"


def test_a_retry_of_a_failed_send_is_sent_after_a_restart(tmp_path: Path) -> None:
    config = EmulatorConfig(state_path=str(tmp_path / "state.db"), time_scale=TIME_SCALE)
    with Emulator(config) as emu:
        client = emu.client()
        rotation = seed_rotation(client)
        sms = {"ContactChannelId": rotation.alice_sms_arn, "RetryIntervalInMinutes": 5}  # 1.2 s at this scale
        client.update_contact(
            ContactId=rotation.alice_arn,
            Plan={"Stages": [{"DurationInMinutes": 0, "Targets": [{"ChannelTargetInfo": sms}]}]},
        )
        emu.set_failing_channels([rotation.alice_sms_arn])
        client.start_engagement(ContactId=rotation.alice_arn, **DRILL)
        assert emu.outbox() == []
    with Emulator(config) as emu:  # failing channels are not persisted: the retry gets through
        [sent] = wait_for(lambda: emu.outbox())
        receipts = emu.client().list_page_receipts(PageId=sent["page_arn"])["Receipts"]
        kinds = [r["ReceiptType"] for r in receipts]
        assert kinds[0] == "ERROR" and kinds[-1] == "SENT"  # ["ERROR", "SENT"] unless the first run was slow


def test_a_state_file_from_before_retries_still_sends_its_pending_stages(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    config = EmulatorConfig(state_path=str(path), time_scale=TIME_SCALE)
    with Emulator(config) as emu:
        client = emu.client()
        rotation = seed_rotation(client)
        engagement = client.start_engagement(ContactId=rotation.escalation_arn, **DRILL)["EngagementArn"]
    with sqlite3.connect(path) as db:  # pending sends as older versions stored them: [due, contact, channel]
        [(body,)] = db.execute("SELECT body FROM objects WHERE kind = 'engagement' AND key = ?", (engagement,))
        stored = json.loads(body)
        stored["pending"] = [item[:3] for item in stored["pending"]]
        db.execute(
            "UPDATE objects SET body = ? WHERE kind = 'engagement' AND key = ?", (json.dumps(stored), engagement)
        )
    with Emulator(config) as emu:
        outbox = wait_for(lambda: (o := emu.outbox()) and len(o) == 4 and o)
        assert [o["contact_arn"] for o in outbox][2:] == [rotation.bob_arn] * 2
        assert emu.client().list_page_resolutions(PageId=outbox[3]["page_arn"])["PageResolutions"] == []


def test_on_call_state_is_not_lost_in_a_crash(tmp_path: Path) -> None:
    config = EmulatorConfig(state_path=str(tmp_path / "state.db"))
    process = EmulatorProcess(config).start()
    try:
        client = process.client()
        rotation = seed_rotation(client)
        extra = client.create_rotation(
            Name="crash-test", ContactIds=[rotation.bob_arn], TimeZoneId="Europe/Berlin",
            Recurrence={"NumberOfOnCalls": 1, "RecurrenceMultiplier": 1,
                        "DailySettings": [{"HourOfDay": 9, "MinuteOfHour": 0}]},
        )["RotationArn"]  # fmt: skip
    finally:
        process.kill()
    with EmulatorProcess(config) as restarted:
        names = [r["Name"] for r in restarted.client().list_rotations()["Rotations"]]
        assert names == ["crash-test", "drill-weekly"]
        assert restarted.rotations()[0]["RotationArn"] == extra
