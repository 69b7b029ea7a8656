"""The live drill page's HTTP side (live.py): off by default, loopback only, no secret, an acknowledge that is
AcceptPage (seen through boto3), and refused from anywhere but the page itself."""

from __future__ import annotations

import datetime
import http.client
import json
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from ssm_contacts_emulator import Emulator, EmulatorConfig, EmulatorProcess, Rotation, seed_rotation
from ssm_contacts_emulator.cli import main
from ssm_contacts_emulator.live import ACKNOWLEDGE_NOTE, TOKEN_HEADER, USER_AGENT

from .support import DRILL, wait_for

TIME_SCALE = 100.0
STAGE_SECONDS = 5 * 60.0 / TIME_SCALE
"""The seeded escalation's stage 1 lasts 5 plan minutes: 3 s here, time to acknowledge on a busy machine."""


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


def call(
    emu: Emulator | EmulatorProcess, method: str, path: str, *, body: Any = None, headers: dict[str, str] | None = None
) -> Reply:
    """One request as a browser would send it (the Host header names the endpoint unless ``headers`` say else)."""
    parts = urlsplit(emu.endpoint_url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    sent = {"Host": parts.netloc, **(headers or {})}
    data = None if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
    try:
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode())
    finally:
        connection.close()


def token_of(emu: Emulator) -> str:
    found = re.search(r'<meta name="drill-token" content="([^"]+)">', call(emu, "GET", "/drill").text)
    assert found, "the page embeds its token"
    return found.group(1)


def acknowledge(emu: Emulator, page_arn: str, token: str, **headers: str) -> Reply:
    origin = {"Origin": emu.endpoint_url}
    return call(
        emu, "POST", "/drill/acknowledge", body={"PageId": page_arn},
        headers={**origin, TOKEN_HEADER: token, "Content-Type": "application/json", **headers},
    )  # fmt: skip


@pytest.fixture
def ssm_contacts_emulator_config() -> EmulatorConfig:
    return EmulatorConfig(time_scale=TIME_SCALE, live_page=True)


@pytest.fixture
def live(emu: Emulator, rotation: Rotation) -> Emulator:
    return emu


def pages_of(client: Any, engagement: str) -> list[dict[str, Any]]:
    return list(client.list_pages_by_engagement(EngagementId=engagement)["Pages"])


def state(emu: Emulator) -> dict[str, Any]:
    reply = call(emu, "GET", "/drill/state")
    assert reply.status == 200, reply.text
    return dict(reply.json())


def engagement_state(emu: Emulator, arn: str) -> dict[str, Any]:
    return next(e for e in state(emu)["engagements"] if e["arn"] == arn)


# -- off by default, loopback only --------------------------------------------------------------------------------


def test_the_page_is_off_by_default() -> None:
    with Emulator(EmulatorConfig()) as emu:
        rotation = seed_rotation(emu.client())
        engagement = emu.client().start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
        page = pages_of(emu.client(), engagement)[0]["PageArn"]
        for method, path in (("GET", "/drill"), ("GET", "/drill/state"), ("POST", "/drill/acknowledge")):
            reply = call(emu, method, path, body={"PageId": page} if method == "POST" else None)
            assert reply.status == 404, (method, path)
            assert "live drill page is off" in reply.json()["message"]
            assert "--live-page" in reply.json()["message"]
        assert emu.client().list_page_receipts(PageId=page)["Receipts"][-1]["ReceiptType"] == "SENT"


def test_a_non_loopback_host_is_refused_in_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match=r"loopback hosts only, and host is '0\.0\.0\.0'.*listen on 127\.0\.0\.1"):
        EmulatorConfig(host="0.0.0.0", live_page=True)
    for host in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        assert EmulatorConfig(host=host, live_page=True).live_page
    assert main(["--host", "0.0.0.0", "--port", "0", "--live-page"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert err.startswith("ssm-contacts-emulator: the live drill page (--live-page, EmulatorConfig.live_page)")
    assert main(["--port", "0", "--live-page-show-messages"]) == 2
    assert "add --live-page" in capsys.readouterr().err


def test_a_request_naming_another_host_is_refused(live: Emulator) -> None:
    """A DNS-rebinding page reaches 127.0.0.1 under its own name: it reads nothing, and gets no token."""
    for path in ("/drill", "/drill/state"):
        reply = call(live, "GET", path, headers={"Host": f"attacker.example:{urlsplit(live.endpoint_url).port}"})
        assert reply.status == 403
        assert "loopback name only" in reply.json()["message"] and "drill-token" not in reply.text
    assert call(live, "GET", "/drill", headers={"Host": "[::1"}).status == 403
    assert call(live, "GET", "/drill", headers={"Host": f"localhost:{urlsplit(live.endpoint_url).port}"}).status == 200


# -- what it shows ---------------------------------------------------------------------------------------------------


def strings(document: Any) -> list[str]:
    """Every string of a JSON document, keys included (numbers are times: a code's digits may occur in them)."""
    if isinstance(document, dict):
        return [*document, *(s for value in document.values() for s in strings(value))]
    if isinstance(document, list):
        return [s for value in document for s in strings(value)]
    return [document] if isinstance(document, str) else []


def test_the_page_and_its_state_hold_no_secret(live: Emulator, rotation: Rotation) -> None:
    client = live.client()
    message = {"Subject": "SUBJ-x7", "Content": "CONTENT-x7", "PublicSubject": "PSUBJ-x7", "PublicContent": "PCON-x7"}
    engagement = client.start_engagement(ContactId=rotation.escalation_arn, Sender="drill-bot", **message)
    html = call(live, "GET", "/drill")
    assert html.status == 200 and html.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'none'" in html.headers["content-security-policy"]
    codes = [o["accept_code"] for o in live.outbox() if o["kind"] == "PAGE"]
    secrets = [*message.values(), *codes, "+15555550101", "alice@example.com"]
    shown = strings(state(live))
    assert len(codes) == 2 and not [s for s in secrets if s in html.text or any(s in text for text in shown)]
    assert "accept_code" not in shown and "address" not in shown and "message" not in shown
    # What it does show: the engagement, who was paged on which channel, and the stage running.
    shape = engagement_state(live, engagement["EngagementArn"])
    assert shape["status"] == "PAGING" and shape["plan"]["current"] == 0 and shape["plan"]["next_at"]
    assert [(p["contact"]["alias"], p["channel"]["type"]) for p in shape["pages"]] == [
        ("alice-oncall", "SMS"), ("alice-oncall", "EMAIL"),
    ]  # fmt: skip


def test_messages_show_only_with_the_flag_that_says_so() -> None:
    with Emulator(EmulatorConfig(live_page=True, live_page_show_messages=True)) as emu:
        rotation = seed_rotation(emu.client())
        engagement = emu.client().start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
        shape = engagement_state(emu, engagement)
        assert shape["message"]["Subject"] == DRILL["Subject"]
        assert sorted(p["accept_code"] for p in shape["pages"]) == sorted(o["accept_code"] for o in emu.outbox())
        assert {p["channel"]["address"] for p in shape["pages"]} == {"+15555550101", "alice@example.com"}


def test_the_state_follows_the_escalation_and_the_rotation(live: Emulator, rotation: Rotation) -> None:
    client = live.client()
    engagement = client.start_engagement(ContactId=rotation.escalation_arn, **DRILL)["EngagementArn"]
    later = wait_for(lambda: (s := engagement_state(live, engagement))["status"] == "WAITING" and s, 10)
    assert later["plan"]["current"] == 1 and later["plan"]["next_at"] is None
    assert [p["stage"] for p in later["pages"]] == [0, 0, 1, 1]
    assert later["acknowledged"] is None
    (weekly,) = state(live)["rotations"]
    on_call = live.rotations()[0]["OnCallNow"]
    assert [c["alias"] for c in weekly["on_call"]] == [a.rsplit("/", 1)[-1] for a in on_call]
    assert weekly["schedules"] == ["drill-oncall"] and weekly["next_hand_off"] > state(live)["rotation_now"]
    client.stop_engagement(EngagementId=engagement, Reason="drill over")
    assert engagement_state(live, engagement)["status"] == "STOPPED"
    # An override shows at once (the rotations' view is kept between polls, not past a change).
    now = datetime.datetime.fromtimestamp(state(live)["rotation_now"], datetime.UTC)
    other = rotation.alice_arn if on_call[0] == rotation.bob_arn else rotation.bob_arn
    client.create_rotation_override(
        RotationId=rotation.oncall_rotation_arn, NewContactIds=[other],
        StartTime=now - datetime.timedelta(hours=1), EndTime=now + datetime.timedelta(days=1),
    )  # fmt: skip
    assert [c["alias"] for c in state(live)["rotations"][0]["on_call"]] == [other.rsplit("/", 1)[-1]]


# -- acknowledge -----------------------------------------------------------------------------------------------------


def test_acknowledge_is_accept_page_and_stops_the_escalation(live: Emulator, rotation: Rotation) -> None:
    client = live.client()
    started = time.monotonic()
    by_page = client.start_engagement(ContactId=rotation.escalation_arn, **DRILL)["EngagementArn"]
    by_api = client.start_engagement(ContactId=rotation.escalation_arn, **DRILL)["EngagementArn"]
    page = pages_of(client, by_page)[0]["PageArn"]
    api_page = pages_of(client, by_api)[0]["PageArn"]
    code = next(o["accept_code"] for o in live.outbox() if o["page_arn"] == api_page)

    reply = acknowledge(live, page, token_of(live))
    client.accept_page(PageId=api_page, AcceptType="READ", AcceptCode=code, Note=ACKNOWLEDGE_NOTE,
                       AcceptCodeValidation="ENFORCE")  # fmt: skip
    assert time.monotonic() - started < STAGE_SECONDS, "both acknowledged in stage 1"
    assert reply.status == 200 and reply.json() == {"acknowledged": page}

    def receipts(arn: str) -> list[tuple[Any, ...]]:
        return [(r["ReceiptType"], r["ContactChannelArn"], r.get("ReceiptInfo"))
                for r in client.list_page_receipts(PageId=arn)["Receipts"]]  # fmt: skip

    sms = rotation.alice_sms_arn  # each engagement's first page
    assert receipts(page) == receipts(api_page) == [("SENT", sms, None), ("READ", sms, ACKNOWLEDGE_NOTE)]
    assert "ReadTime" in client.describe_page(PageId=page)
    time.sleep(STAGE_SECONDS + 0.5)  # stage 2 (bob) would have paged by now
    for engagement in (by_page, by_api):
        assert {p["ContactArn"] for p in pages_of(client, engagement)} == {rotation.alice_arn}
    shape = engagement_state(live, by_page)
    assert shape["status"] == "ACKNOWLEDGED" and shape["plan"]["current"] == 0
    assert shape["acknowledged"]["alias"] == "alice-oncall" and shape["acknowledged"]["note"] == ACKNOWLEDGE_NOTE
    accepts = [r for r in live.requests() if r["operation"] == "AcceptPage"]
    assert [(r["status"], r["user_agent"]) for r in accepts] == [(200, USER_AGENT), (200, accepts[1]["user_agent"])]
    assert "Boto3" in accepts[1]["user_agent"]
    again = acknowledge(live, page, token_of(live))
    assert again.status == 409 and "already acknowledged" in again.json()["message"]


def test_acknowledge_is_refused_without_the_page_token_or_from_another_origin(
    live: Emulator, rotation: Rotation
) -> None:
    client = live.client()
    engagement = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
    page = pages_of(client, engagement)[0]["PageArn"]
    token = token_of(live)
    form = call(live, "POST", "/drill/acknowledge", body=f"PageId={page}".encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    refusals = [
        form,  # a cross-site form: no token
        acknowledge(live, page, "not-the-token"),
        acknowledge(live, page, token, Origin="http://attacker.example"),
    ]
    assert [r.status for r in refusals] == [403, 403, 403]
    assert "reload /drill" in refusals[1].json()["message"] and token not in refusals[1].text
    assert "another origin" in refusals[2].json()["message"]
    assert call(live, "GET", "/drill/acknowledge").status == 405
    assert [r["ReceiptType"] for r in client.list_page_receipts(PageId=page)["Receipts"]] == ["SENT"]
    with Emulator(EmulatorConfig(live_page=True)) as other:
        assert token_of(other) != token, "a token per start"


def test_the_console_script_serves_the_page_and_says_where() -> None:
    with EmulatorProcess(EmulatorConfig(live_page=True)) as process:
        assert f"Live drill page: {process.endpoint_url}/drill (open it in a browser)" in process.banner
        reply = call(process, "GET", "/drill")
        assert reply.status == 200 and "drill-token" in reply.text
