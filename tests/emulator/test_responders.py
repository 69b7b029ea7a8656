"""Simulated responders: people who acknowledge their own pages, seen through the real API as a phone's answer."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from ssm_contacts_emulator import Emulator, EmulatorConfig, EmulatorProcess, Responder, Rotation, seed_rotation
from ssm_contacts_emulator.cli import config_from, main, parser
from ssm_contacts_emulator.responders import responder_file_from

from .support import DRILL, TIME_SCALE, wait_for

MINUTE = 60.0 / TIME_SCALE
"""Real seconds per minute of plan time in these tests (0.24 s)."""


def _page_on(emu: Emulator, engagement: str, channel_arn: str) -> str:
    """The page the engagement sent to this channel (the outbox names both)."""
    return next(
        str(o["page_arn"])
        for o in emu.outbox()
        if o["engagement_arn"] == engagement and o["channel_arn"] == channel_arn
    )


def _receipts(client: Any, page_arn: str) -> list[tuple[str, str, str | None]]:
    return [
        (r["ReceiptType"], r["ContactChannelArn"], r.get("ReceiptInfo"))
        for r in client.list_page_receipts(PageId=page_arn)["Receipts"]
    ]


def _read(client: Any, page_arn: str) -> dict[str, Any] | None:
    """DescribePage once it has a ReadTime, else None (for wait_for)."""
    page: dict[str, Any] = client.describe_page(PageId=page_arn)
    return page if "ReadTime" in page else None


def _seconds(later: Any, earlier: Any) -> float:
    return float((later - earlier).total_seconds())


# -- answering --------------------------------------------------------------------------------------------------


def test_a_responder_reads_pages_on_the_named_channel_after_the_scaled_delay(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    emu.set_responders(["alice-oncall:SMS:90s"])
    engagement = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
    sms = _page_on(emu, engagement, rotation.alice_sms_arn)
    email = _page_on(emu, engagement, rotation.alice_email_arn)

    page = wait_for(lambda: _read(client, sms))

    assert _seconds(page["ReadTime"], page["SentTime"]) == pytest.approx(90 * MINUTE / 60, abs=0.002)
    assert "DeliveryTime" not in page
    assert _receipts(client, sms) == [("SENT", rotation.alice_sms_arn, None), ("READ", rotation.alice_sms_arn, None)]
    # Had her email page been answered, it would have been in the same pass: both were due at the same moment.
    assert [r[0] for r in _receipts(client, email)] == ["SENT"]
    assert "ReadTime" not in client.describe_page(PageId=email)
    listed = {p["PageArn"]: p for p in client.list_pages_by_engagement(EngagementId=engagement)["Pages"]}
    assert listed[sms]["ReadTime"] == page["ReadTime"]


def test_delivered_and_read_with_a_note_are_recorded_as_accept_page_records_them(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    emu.set_responders(["alice-oncall:EMAIL:1m:DELIVERED+READ:on my way"])
    engagement = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
    email = _page_on(emu, engagement, rotation.alice_email_arn)

    page = wait_for(lambda: _read(client, email))

    assert page["DeliveryTime"] == page["ReadTime"]
    assert _seconds(page["ReadTime"], page["SentTime"]) == pytest.approx(MINUTE, abs=0.002)
    assert _receipts(client, email) == [
        ("SENT", rotation.alice_email_arn, None),
        ("DELIVERED", rotation.alice_email_arn, "on my way"),
        ("READ", rotation.alice_email_arn, "on my way"),
    ]


def test_a_named_silent_person_never_answers_though_everyone_else_does(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    emu.set_responders(["bob-oncall:never", "*:30s"])
    silent = client.start_engagement(ContactId=rotation.bob_arn, **DRILL)["EngagementArn"]
    answered = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
    alice_sms = _page_on(emu, answered, rotation.alice_sms_arn)

    wait_for(lambda: _read(client, alice_sms))  # bob was paged earlier: a 30 s rule would have answered him first

    for page in client.list_pages_by_engagement(EngagementId=silent)["Pages"]:
        assert [r[0] for r in _receipts(client, page["PageArn"])] == ["SENT"]
        assert "ReadTime" not in page


def test_nobody_answers_without_responders() -> None:
    with Emulator(EmulatorConfig(time_scale=0)) as emu:  # at time scale 0, an answer would come at once
        client = emu.client()
        rotation = seed_rotation(client)
        engagement = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
        pages = client.list_pages_by_engagement(EngagementId=engagement)["Pages"]
        assert emu.responders() == []
        assert [[r[0] for r in _receipts(client, p["PageArn"])] for p in pages] == [["SENT"], ["SENT"]]
        assert ["ReadTime" in p for p in pages] == [False, False]


# -- escalation -------------------------------------------------------------------------------------------------


def test_stage_one_stays_silent_so_stage_two_is_paged_and_answers_late(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    emu.set_responders(["alice-oncall:never", "bob-oncall:SMS:2m"])
    engagement = client.start_engagement(ContactId=rotation.escalation_arn, **DRILL)["EngagementArn"]

    wait_for(lambda: any(o["contact_arn"] == rotation.bob_arn for o in emu.outbox()))
    bob_sms = _page_on(emu, engagement, rotation.bob_sms_arn)
    page = wait_for(lambda: _read(client, bob_sms))

    started = client.describe_engagement(EngagementId=engagement)["StartTime"]
    assert _seconds(page["SentTime"], started) == pytest.approx(5 * MINUTE, abs=0.002)  # stage 2, 5 minutes on
    assert _seconds(page["ReadTime"], page["SentTime"]) == pytest.approx(2 * MINUTE, abs=0.002)
    assert client.list_page_resolutions(PageId=bob_sms)["PageResolutions"][0]["StageIndex"] == 1
    pages = client.list_pages_by_engagement(EngagementId=engagement)["Pages"]
    assert [(p["ContactArn"], "ReadTime" in p) for p in pages] == [
        (rotation.alice_arn, False),
        (rotation.alice_arn, False),
        (rotation.bob_arn, True),
        (rotation.bob_arn, False),
    ]


def _two_stages(client: Any, rotation: Rotation, alias: str, alice_essential: bool) -> str:
    first = {"ContactTargetInfo": {"ContactId": rotation.alice_arn, "IsEssential": alice_essential}}
    second = {"ContactTargetInfo": {"ContactId": rotation.bob_arn, "IsEssential": True}}
    arn: str = client.create_contact(
        Alias=alias,
        Type="ESCALATION",
        Plan={"Stages": [{"DurationInMinutes": 5, "Targets": [first]}, {"DurationInMinutes": 0, "Targets": [second]}]},
    )["ContactArn"]
    return arn


def test_an_essential_contacts_answer_stops_the_escalation_and_a_non_essential_ones_does_not(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    emu.set_responders(["alice-oncall:SMS:1m"])
    essential = _two_stages(client, rotation, "alice-essential", alice_essential=True)
    optional = _two_stages(client, rotation, "alice-optional", alice_essential=False)
    stopped = client.start_engagement(ContactId=essential, **DRILL)["EngagementArn"]
    wait_for(lambda: _read(client, _page_on(emu, stopped, rotation.alice_sms_arn)))

    # Started later, so its stage 2 falls due after the first one's: once bob is paged for it, the scheduler has
    # passed the first engagement's stage 2 too.
    going_on = client.start_engagement(ContactId=optional, **DRILL)["EngagementArn"]
    wait_for(lambda: _read(client, _page_on(emu, going_on, rotation.alice_sms_arn)))
    wait_for(lambda: (going_on, rotation.bob_arn) in {(o["engagement_arn"], o["contact_arn"]) for o in emu.outbox()})

    assert {o["contact_arn"] for o in emu.outbox() if o["engagement_arn"] == stopped} == {rotation.alice_arn}
    assert [p["ContactArn"] for p in client.list_pages_by_engagement(EngagementId=stopped)["Pages"]] == [
        rotation.alice_arn,
        rotation.alice_arn,
    ]


def test_a_stopped_engagement_gets_no_answers(client: Any, emu: Emulator, rotation: Rotation) -> None:
    emu.set_responders(["alice-oncall:SMS:1m:DELIVERED+READ", "bob-oncall:SMS:1m"])
    stopped = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
    client.stop_engagement(EngagementId=stopped, Reason="drill over")
    control = client.start_engagement(ContactId=rotation.bob_arn, **DRILL)["EngagementArn"]  # answered later

    wait_for(lambda: _read(client, _page_on(emu, control, rotation.bob_sms_arn)))

    sms = _page_on(emu, stopped, rotation.alice_sms_arn)
    assert [r[0] for r in _receipts(client, sms)] == ["SENT", "STOP"]


def test_a_page_the_program_already_read_is_not_read_twice(client: Any, emu: Emulator, rotation: Rotation) -> None:
    emu.set_responders(["alice-oncall:SMS:1m:DELIVERED+READ"])
    engagement = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
    sms = next(o for o in emu.outbox() if o["engagement_arn"] == engagement and o["channel_type"] == "SMS")
    client.accept_page(PageId=sms["page_arn"], AcceptType="READ", AcceptCode=sms["accept_code"])

    # The responder's DELIVERED and READ fall due together: once DELIVERED is there, its READ has been decided.
    wait_for(lambda: "DeliveryTime" in client.describe_page(PageId=sms["page_arn"]))

    assert [r[0] for r in _receipts(client, sms["page_arn"])] == ["SENT", "READ", "DELIVERED"]


def test_a_failed_send_is_not_answered_until_a_retry_gets_through(
    client: Any, emu: Emulator, rotation: Rotation
) -> None:
    sms: dict[str, Any] = {"ContactChannelId": rotation.alice_sms_arn, "RetryIntervalInMinutes": 5}
    client.update_contact(
        ContactId=rotation.alice_arn,
        Plan={"Stages": [{"DurationInMinutes": 0, "Targets": [{"ChannelTargetInfo": sms}]}]},
    )
    emu.set_responders(["alice-oncall:SMS:30s"])
    emu.set_failing_channels([rotation.alice_sms_arn])
    engagement = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
    page_arn = client.list_pages_by_engagement(EngagementId=engagement)["Pages"][0]["PageArn"]
    emu.set_failing_channels([])  # the retry, 5 minutes later, gets through

    page = wait_for(lambda: _read(client, page_arn))

    receipts = client.list_page_receipts(PageId=page_arn)["Receipts"]
    types = [r["ReceiptType"] for r in receipts]  # a stalled test thread could let one more attempt fail
    assert types[0] == "ERROR" and types[-2:] == ["SENT", "READ"] and set(types[1:-2]) <= {"ERROR"}
    assert _seconds(page["ReadTime"], receipts[-2]["ReceiptTime"]) == pytest.approx(MINUTE / 2, abs=0.002)


# -- time scaling -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("time_scale", [120.0, 600.0])
def test_the_delay_runs_time_scale_times_faster(time_scale: float) -> None:
    config = EmulatorConfig(time_scale=time_scale, responders=[Responder("alice-oncall", 60, channels=["SMS"])])
    with Emulator(config) as emu:
        client = emu.client()
        rotation = seed_rotation(client)
        engagement = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
        sms = _page_on(emu, engagement, rotation.alice_sms_arn)
        page = wait_for(lambda: _read(client, sms))
    assert _seconds(page["ReadTime"], page["SentTime"]) == pytest.approx(60 / time_scale, abs=0.002)


def test_at_time_scale_zero_pages_are_answered_before_start_engagement_returns() -> None:
    with Emulator(EmulatorConfig(time_scale=0, responders=["*:10m"])) as emu:
        client = emu.client()
        rotation = seed_rotation(client)
        engagement = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
        pages = client.list_pages_by_engagement(EngagementId=engagement)["Pages"]
    assert [p["ReadTime"] == p["SentTime"] for p in pages] == [True, True]


# -- the rules, in Python, JSON and on the command line ---------------------------------------------------------


def test_the_three_spellings_of_a_rule_are_the_same_rule() -> None:
    python = Responder("alice-oncall", 90, channels=("SMS", "VOICE"), receipts=("DELIVERED", "READ"), note="ok")
    line = Responder.parse("alice-oncall:sms,voice:1m30s:DELIVERED+READ:ok")
    data = Responder.from_dict(
        {"contact": "alice-oncall", "channels": ["SMS", "VOICE"], "after": "90s", "receipts": ["DELIVERED", "READ"],
         "note": "ok"}
    )  # fmt: skip
    assert python == line == data == Responder.parse(python.to_spec()) == Responder.from_dict(python.to_dict())
    assert python.to_spec() == "alice-oncall:SMS,VOICE:1m30s:DELIVERED+READ:ok"
    assert (
        Responder.parse("bob-oncall:never")
        == Responder("bob-oncall")
        == Responder.from_dict({"contact": "bob-oncall", "after": "never"})
    )
    arn = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/alice-oncall"
    assert Responder.parse(f"{arn}:EMAIL:2m") == Responder(arn, 120, channels=("EMAIL",))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "A responder rule is empty: write CONTACT[:CHANNELS]:DELAY[:RECEIPTS[:NOTE]] or CONTACT[:CHANNELS]:never, "
             "e.g. alice-oncall:SMS:90s."),
        ("alice-oncall:SMS", "Responder 'alice-oncall:SMS' does not say when the person answers: add a delay such as "
                             ":90s or :2m, or :never (CONTACT[:CHANNELS]:DELAY[:RECEIPTS[:NOTE]] or "
                             "CONTACT[:CHANNELS]:never)."),
        ("alice-oncall:FAX:90s", "Responder 'alice-oncall:FAX:90s' has 'FAX' where channel types (SMS, VOICE, EMAIL, "
                                 "separated by commas) or a delay (90s, 2m, 1m30s, never) belong."),
        ("alice-oncall:SMS:soon", "Responder 'alice-oncall:SMS:soon' has 'soon' where a delay belongs: write seconds "
                                  "(90 or 90s), minutes (2m), hours (1h), a mix (1m30s), or never."),
        ("alice-oncall:SMS:90s:READ+SENT", "Responder 'alice-oncall:SMS:90s:READ+SENT' names receipts 'READ+SENT': "
                                           "use READ, DELIVERED or DELIVERED+READ."),
        ("bob-oncall:never:READ", "Responder 'bob-oncall:never:READ' never answers, so nothing may follow :never."),
        ("Alice:SMS:90s", "Responder contact 'Alice' is not a contact alias (lowercase letters, digits, - and _), a "
                          "contact ARN, or * (everyone no other rule names)."),
    ],
)  # fmt: skip
def test_each_mistake_in_a_rule_is_one_sentence(spec: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        Responder.parse(spec)
    assert str(info.value) == message


def test_two_rules_for_the_same_person_and_channel_are_refused() -> None:
    arn = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/alice-oncall"
    with pytest.raises(ValueError) as info:
        EmulatorConfig(responders=["alice-oncall:SMS,EMAIL:1m", f"{arn}:EMAIL:never"])
    assert str(info.value) == (
        f"Responders 'alice-oncall:SMS,EMAIL:1m' and '{arn}:EMAIL:never' both decide how alice-oncall answers EMAIL "
        "pages: keep one."
    )


def test_the_command_line_reports_a_bad_rule_and_conflicting_rules(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--responder", "alice-oncall:SMS"])
    assert info.value.code == 2
    assert "argument --responder: Responder 'alice-oncall:SMS' does not say when the person answers" in (
        capsys.readouterr().err
    )
    assert main(["--port", "0", "--responder", "bob-oncall:never", "--responder", "bob-oncall:1m"]) == 2
    assert capsys.readouterr().err == (
        "ssm-contacts-emulator: Responders 'bob-oncall:never' and 'bob-oncall:1m' both decide how bob-oncall "
        "answers SMS pages: keep one.\n"
    )


def test_the_command_line_reports_a_bad_responders_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    assert main(["--port", "0", "--responders", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"ssm-contacts-emulator: cannot read the responders file {missing}: No such file or directory.\n"
    )
    broken = tmp_path / "broken.json"
    broken.write_text('{"responders": [{"contact": "alice-oncall", "after": "soon"}]}')
    assert main(["--port", "0", "--responders", str(broken)]) == 2
    assert capsys.readouterr().err == (
        f"ssm-contacts-emulator: in the responders file {broken}: Responder 'alice-oncall' has 'soon' where a delay "
        "belongs: write seconds (90 or 90s), minutes (2m), hours (1h), a mix (1m30s), or never.\n"
    )
    broken.write_text('{"people": []}')
    assert main(["--port", "0", "--responders", str(broken)]) == 2
    assert capsys.readouterr().err == (
        f"ssm-contacts-emulator: in the responders file {broken}: unknown key(s) ['people']; known: "
        '["fail_delivery", "responders"].\n'
    )


def test_a_responders_file_and_options_make_one_config(tmp_path: Path) -> None:
    path = tmp_path / "people.json"
    path.write_text(
        json.dumps(
            {
                "responders": [
                    {"contact": "alice-oncall", "channels": ["EMAIL"], "after": 90, "note": "on it"},
                    "bob-oncall:never",
                ],
                "fail_delivery": ["+15555550101"],
            }
        )
    )
    args = parser().parse_args(["--responders", str(path), "--responder", "*:5m", "--fail-delivery", "+15555550102"])
    config = config_from(args)
    assert [r.to_spec() for r in config.responders] == [
        "alice-oncall:EMAIL:1m30s:READ:on it",
        "bob-oncall:never",
        "*:5m",
    ]
    assert config.failing_channels == ("+15555550101", "+15555550102")


def test_the_console_runs_a_responders_file(tmp_path: Path) -> None:
    path = tmp_path / "people.json"
    path.write_text(json.dumps({"responders": ["alice-oncall:1m"], "fail_delivery": ["+15555550101"]}))
    config = EmulatorConfig(time_scale=TIME_SCALE)
    with EmulatorProcess(config, extra_args=["--seed", "--responders", str(path)]) as emu:
        assert "Simulated responders:" in emu.banner
        assert "  alice-oncall:1m" in emu.banner
        client = emu.client()
        alice = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/alice-oncall"
        engagement = client.start_engagement(ContactId=alice, **DRILL)["EngagementArn"]
        pages = client.list_pages_by_engagement(EngagementId=engagement)["Pages"]
        email = next(o["page_arn"] for o in emu.outbox() if o["channel_type"] == "EMAIL")

        wait_for(lambda: _read(client, email))

        sms = next(p["PageArn"] for p in pages if p["PageArn"] != email)
        assert [r[0] for r in _receipts(client, sms)] == ["ERROR"]  # never delivered, so never answered
        assert emu.responders() == [Responder("alice-oncall", 60)]


def test_an_emulator_process_passes_its_responders_on_the_command_line() -> None:
    config = EmulatorConfig(responders=["alice-oncall:SMS:90s:READ:a note: with colons", "*:never"])
    with EmulatorProcess(config) as emu:
        assert emu.responders() == list(config.responders)
        emu.set_responders([Responder("bob-oncall", 30)])
        assert emu.responders() == [Responder("bob-oncall", 30)]


# -- the admin endpoint -----------------------------------------------------------------------------------------


def _admin(emu: Emulator, method: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{emu.endpoint_url}/_emulator/responders", data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_admin_sets_and_shows_responders(client: Any, emu: Emulator, rotation: Rotation) -> None:
    assert _admin(emu, "GET") == (200, {"responders": []})

    status, body = _admin(
        emu, "POST", {"responders": ["alice-oncall:SMS:30s", {"contact": "bob-oncall", "after": "never"}]}
    )

    assert status == 200
    assert body == _admin(emu, "GET")[1] == {
        "responders": [
            {"contact": "alice-oncall", "channels": ["SMS"], "after": 30.0, "receipts": ["READ"], "note": None,
             "spec": "alice-oncall:SMS:30s"},
            {"contact": "bob-oncall", "channels": ["SMS", "VOICE", "EMAIL"], "after": "never", "receipts": ["READ"],
             "note": None, "spec": "bob-oncall:never"},
        ]
    }  # fmt: skip
    engagement = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
    wait_for(lambda: _read(client, _page_on(emu, engagement, rotation.alice_sms_arn)))


def test_admin_refuses_bad_responders_and_keeps_the_old_ones(emu: Emulator) -> None:
    emu.set_responders(["alice-oncall:1m"])
    assert _admin(emu, "POST", {"responders": ["alice-oncall:SMS"]}) == (
        400,
        {
            "message": "Invalid responders: Responder 'alice-oncall:SMS' does not say when the person answers: add a "
            "delay such as :90s or :2m, or :never (CONTACT[:CHANNELS]:DELAY[:RECEIPTS[:NOTE]] or "
            "CONTACT[:CHANNELS]:never)."
        },
    )
    assert _admin(emu, "POST", ["alice-oncall:1m"]) == (
        400,
        {"message": 'Invalid responders: the body must be {"responders": [rules]}, each rule an object or a string.'},
    )
    assert emu.responders() == [Responder("alice-oncall", 60)]


def test_reset_returns_to_the_configured_responders() -> None:
    with Emulator(EmulatorConfig(responders=["alice-oncall:1m"])) as emu:
        emu.set_responders([])
        emu.reset()
        assert emu.responders() == [Responder("alice-oncall", 60)]


# -- persistence ------------------------------------------------------------------------------------------------


def test_answers_already_scheduled_survive_a_restart(tmp_path: Path) -> None:
    """Responders are settings (give them again on restart); an answer decided when a page went out is state."""
    state = str(tmp_path / "state.db")
    with Emulator(EmulatorConfig(time_scale=TIME_SCALE, state_path=state, responders=["alice-oncall:SMS:3m"])) as emu:
        client = emu.client()
        rotation = seed_rotation(client)
        engagement = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
        sms = _page_on(emu, engagement, rotation.alice_sms_arn)
    with Emulator(EmulatorConfig(time_scale=TIME_SCALE, state_path=state)) as emu:
        client = emu.client()
        assert emu.responders() == []
        page = wait_for(lambda: _read(client, sms))
    assert _seconds(page["ReadTime"], page["SentTime"]) == pytest.approx(3 * MINUTE, abs=0.002)


def test_the_documented_examples_are_valid_rules() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "emulator.md").read_text(encoding="utf-8")
    section = docs.split("### Simulated responders", 1)[1].split("\n### ", 1)[0]
    specs = re.findall(r"--responder '([^']+)'", section)
    example = json.loads(re.findall(r"```json\n(.*?)```", section, re.S)[0])

    from_file = responder_file_from(example)

    assert [Responder.parse(spec) for spec in specs] == list(from_file.responders)
    assert from_file.fail_delivery == ("+15555550102",)
