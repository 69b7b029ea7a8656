"""The drill summary, read through real boto3 from the offline endpoint after a seeded escalation is engaged."""

import json
import subprocess
import sys
from datetime import datetime
from typing import Any

import pytest

from pulumi_incident_manager.drill import summarize_drill
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import Rotation

from ..support import engage


def acknowledge(emulator: Emulator, contact_arn: str, channel_type: str, note: str) -> dict[str, Any]:
    [message] = [m for m in emulator.outbox() if (m["contact_arn"], m["channel_type"]) == (contact_arn, channel_type)]
    emulator.client().accept_page(
        PageId=message["page_arn"],
        AcceptType="READ",
        AcceptCode=message["accept_code"],
        ContactChannelId=message["channel_arn"],
        Note=note,
    )
    return message


def test_the_summary_lists_every_page_with_its_channel_and_receipts(
    ssm_contacts_emulator: Emulator, rotation: Rotation
) -> None:
    arn = engage(ssm_contacts_emulator.client(), rotation.escalation_arn)
    acknowledged = acknowledge(ssm_contacts_emulator, rotation.alice_arn, "SMS", "on it")

    summary = summarize_drill(arn, client=ssm_contacts_emulator.client())

    assert (summary.engagement_arn, summary.contact_arn) == (arn, rotation.escalation_arn)
    assert (summary.sender, summary.incident_id, summary.stop_time) == ("gameday-bot", "gameday-2026-11", None)
    assert sorted((page.contact, page.channels[0].type, page.channels[0].arn) for page in summary.pages) == sorted(
        [
            ("alice-oncall", "SMS", rotation.alice_sms_arn),
            ("alice-oncall", "EMAIL", rotation.alice_email_arn),
            ("bob-oncall", "SMS", rotation.bob_sms_arn),
            ("bob-oncall", "EMAIL", rotation.bob_email_arn),
        ]
    )
    [read] = [page for page in summary.pages if page.acknowledgement is not None]
    assert read.arn == acknowledged["page_arn"]
    assert [(r.type, r.channel.name if r.channel else None, r.info) for r in read.receipts] == [
        ("SENT", "alice-oncall-sms", None),
        ("READ", "alice-oncall-sms", "on it"),
    ]
    assert summary.first_acknowledged == read
    assert summary.time_to_acknowledge == read.receipts[1].time - summary.start_time  # type: ignore[operator]
    assert read.time_to_acknowledge == read.receipts[1].time - read.sent_time  # type: ignore[operator]
    assert all(page.time_to_acknowledge is None for page in summary.pages if page is not read)


def test_the_json_form_carries_the_same_facts(ssm_contacts_emulator: Emulator, rotation: Rotation) -> None:
    arn = engage(ssm_contacts_emulator.client(), rotation.escalation_arn)
    acknowledge(ssm_contacts_emulator, rotation.bob_arn, "EMAIL", "bob here")
    summary = summarize_drill(arn, client=ssm_contacts_emulator.client())

    document = json.loads(summary.to_json())

    assert document["engagement_arn"] == arn
    assert (document["contact"], document["acknowledged"], document["acknowledged_by"]) == (
        "drill-escalation",
        True,
        "bob-oncall",
    )
    assert document["time_to_acknowledge_seconds"] == summary.time_to_acknowledge.total_seconds()  # type: ignore[union-attr]
    assert datetime.fromisoformat(document["start_time"]) == summary.start_time
    assert len(document["pages"]) == 4
    [read] = [page for page in document["pages"] if page["acknowledged_at"]]
    assert [(r["type"], r["channel"]["type"], r["info"]) for r in read["receipts"]] == [
        ("SENT", "EMAIL", None),
        ("READ", "EMAIL", "bob here"),
    ]
    assert "bob@example.com" not in summary.to_json()  # delivery addresses stay out of reports


def test_the_text_form_reads_as_a_drill_report(ssm_contacts_emulator: Emulator, rotation: Rotation) -> None:
    arn = engage(ssm_contacts_emulator.client(), rotation.escalation_arn)
    message = acknowledge(ssm_contacts_emulator, rotation.alice_arn, "SMS", "on it")

    text = summarize_drill(arn, client=ssm_contacts_emulator.client()).to_text()

    lines = text.splitlines()
    assert lines[:4] == [
        f"Engagement {arn}",
        "  contact   drill-escalation",
        "  sender    gameday-bot",
        "  incident  gameday-2026-11",
    ]
    assert "  stopped   - (still engaged)" in lines
    assert "  pages     4 sent, 1 acknowledged" in lines
    assert any(line.startswith("  first acknowledged by alice-oncall after ") for line in lines)
    header = lines.index(f"    {message['page_arn']}") - 1
    assert lines[header].startswith("  alice-oncall via SMS alice-oncall-sms: sent ")
    assert "acknowledged after" in lines[header]
    assert lines[header + 2] == "    reached via drill-escalation stage 1 -> alice-oncall"
    assert lines[header + 4].endswith('READ      SMS   alice-oncall-sms  "on it"')
    assert text.count("not acknowledged") == 3


def test_a_stopped_unanswered_engagement_says_so(ssm_contacts_emulator: Emulator, rotation: Rotation) -> None:
    arn = engage(ssm_contacts_emulator.client(), rotation.escalation_arn)
    ssm_contacts_emulator.client().stop_engagement(EngagementId=arn, Reason="drill over")

    summary = summarize_drill(arn, client=ssm_contacts_emulator.client())

    assert summary.stop_time is not None and summary.first_acknowledged is None
    assert summary.time_to_acknowledge is None
    assert f"  stopped   {summary.stop_time.isoformat()}" in summary.to_text().splitlines()
    assert "  not acknowledged" in summary.to_text().splitlines()
    assert json.loads(summary.to_json())["acknowledged"] is False


def test_the_module_prints_the_summary_from_the_standard_aws_environment(
    ssm_contacts_emulator: Emulator, rotation: Rotation
) -> None:
    arn = engage(ssm_contacts_emulator.client(), rotation.escalation_arn)

    result = subprocess.run(
        [sys.executable, "-m", "pulumi_incident_manager.drill", arn, "--json", "--exit-zero"],
        env={"PATH": "/usr/bin:/bin", **ssm_contacts_emulator.env()},
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stderr == ""  # no RuntimeWarning from runpy, nothing else
    document = json.loads(result.stdout)
    assert (document["engagement_arn"], len(document["pages"]), document["acknowledged"]) == (arn, 4, False)
    assert ssm_contacts_emulator.request_counts()["ListPagesByEngagement"] == 1


ARN = "arn:aws:ssm-contacts:us-east-1:123456789012:engagement/alice-oncall/5f8d7c7e-1f6a-4f57-9d4e-2b1c3a4d5e6f"


def test_the_region_comes_from_the_arn_when_the_environment_sets_none(
    ssm_contacts_emulator: Emulator, rotation: Rotation
) -> None:
    arn = engage(ssm_contacts_emulator.client(), rotation.escalation_arn)
    env = {"PATH": "/usr/bin:/bin", **ssm_contacts_emulator.env(), "AWS_REGION": "", "AWS_DEFAULT_REGION": ""}

    result = subprocess.run([sys.executable, "-m", "pulumi_incident_manager.drill", arn, "--exit-zero"], env=env,
                            capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Engagement {arn}")


@pytest.mark.parametrize(
    "arn, environment, sentence",
    [
        ("", {}, "engagement_arn is required"),
        ("alice-oncall", {}, "engagement_arn must be an ssm-contacts ARN shaped like "
                             "arn:aws:ssm-contacts:<region>:<account>:engagement/..., not 'alice-oncall'"),
        (ARN, {"AWS_ENDPOINT_URL_SSM_CONTACTS": "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS": "1"},
         "Could not reach the ssm-contacts endpoint for DescribeEngagement"),
        (ARN, {}, f"ssm-contacts:DescribeEngagement failed because engagement {ARN} does not exist"),
    ],
    ids=["missing", "malformed", "unreachable", "unknown"],
)
def test_the_module_fails_with_one_sentence_and_no_traceback(
    ssm_contacts_emulator: Emulator, arn: str, environment: dict[str, str], sentence: str
) -> None:
    env = {"PATH": "/usr/bin:/bin", "AWS_CONFIG_FILE": "/nonexistent", **ssm_contacts_emulator.env(), **environment}

    result = subprocess.run(
        [sys.executable, "-m", "pulumi_incident_manager.drill", arn], env=env, capture_output=True, text=True
    )

    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {sentence}") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr and result.stdout == ""
