"""The live drill page in headless Chromium: engagements appear without a reload, "acknowledge" sends AcceptPage
(the READ receipt arrives through boto3 and on the page), the escalation reacts, and another site cannot click it.

``WRITE_SCREENSHOTS=1`` (``make live-page-screenshot``) also writes docs/images/live-drill-page.png from the
game-day scene of ``test_a_game_day_scene``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ssm_contacts_emulator import Emulator, EmulatorConfig, Rotation, seed_rotation
from ssm_contacts_emulator.live import ACKNOWLEDGE_NOTE

TIME_SCALE = 30.0
"""The seeded escalation's 5-minute stage 1 lasts 10 s: time to look and click before bob is paged."""
STAGE_SECONDS = 5 * 60.0 / TIME_SCALE
SCENE_TIME_SCALE = 60.0
"""The screenshot's scene: a minute of plan time per second, a 5-minute stage in 5 s."""
SCREENSHOT = Path(__file__).parents[2] / "docs" / "images" / "live-drill-page.png"
DRILL = {"Sender": "gameday-bot", "Subject": "Checkout failover", "Content": "Fail over the checkout database."}


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(time_scale=TIME_SCALE, live_page=True)) as emulator:
        yield emulator


@pytest.fixture
def rotation(emu: Emulator) -> Rotation:
    return seed_rotation(emu.client())


def receipts(client: Any, page_arn: str) -> list[tuple[str, str | None]]:
    return [(r["ReceiptType"], r.get("ReceiptInfo")) for r in client.list_page_receipts(PageId=page_arn)["Receipts"]]


def paged(client: Any, engagement: str) -> set[str]:
    return {p["ContactArn"] for p in client.list_pages_by_engagement(EngagementId=engagement)["Pages"]}


def card(page: Page, engagement: str) -> Any:
    return page.locator(f'article[data-engagement="{engagement}"]')


def test_acknowledge_in_the_browser_is_a_read_receipt_through_the_api(
    page: Page, emu: Emulator, rotation: Rotation
) -> None:
    client = emu.client()
    page.goto(emu.live_page_url)
    expect(page.get_by_text("No engagement yet")).to_be_visible()
    on_call = [client.get_contact(ContactId=arn)["DisplayName"] for arn in emu.rotations()[0]["OnCallNow"]]
    expect(page.locator('[data-rotation="drill-weekly"] [data-testid="on-call"]')).to_have_text(", ".join(on_call))
    page.evaluate("window.notReloaded = true")

    started = time.monotonic()
    clicked = client.start_engagement(ContactId=rotation.escalation_arn, IncidentId="gameday-1", **DRILL)
    escalating = client.start_engagement(ContactId=rotation.escalation_arn, IncidentId="gameday-2", **DRILL)
    first, second = card(page, clicked["EngagementArn"]), card(page, escalating["EngagementArn"])
    # They appear by themselves: stage 1 paging alice on both channels, an acknowledge button on each page.
    expect(first.get_by_test_id("status")).to_have_text("PAGING")
    expect(first.get_by_test_id("stage")).to_contain_text("Stage 1 of 2 running · next stage in")
    expect(first.locator("tbody tr")).to_have_count(2)
    expect(first.get_by_role("button", name="Acknowledge as Alice")).to_have_count(2)
    sms_page = first.locator("tbody tr", has_text="SMS").get_attribute("data-page")
    assert sms_page is not None

    first.locator(f'tr[data-page="{sms_page}"]').get_by_role("button", name="Acknowledge as Alice").click()
    # The page shows it...
    expect(first.get_by_test_id("status")).to_have_text("ACKNOWLEDGED")
    expect(first.get_by_test_id("acknowledged")).to_contain_text("Acknowledged by Alice (alice-oncall) on SMS")
    expect(first.locator(f'tr[data-page="{sms_page}"] [data-receipt="READ"]')).to_be_visible()
    expect(first.locator(f'tr[data-page="{sms_page}"] button')).to_have_count(0)
    expect(first.get_by_test_id("stage")).to_have_text("Stage 1 of 2: acknowledged, later stages are not paged")
    assert time.monotonic() - started < STAGE_SECONDS, "acknowledged within stage 1"
    # ...and so does the API: a READ receipt on that page, and only that page.
    assert receipts(client, sms_page) == [("SENT", None), ("READ", ACKNOWLEDGE_NOTE)]
    assert "ReadTime" in client.describe_page(PageId=sms_page)

    # The other engagement escalates to bob at stage 2 and the page follows; the acknowledged one pages nobody more.
    expect(second.get_by_test_id("stage")).to_contain_text("Stage 2 of 2", timeout=STAGE_SECONDS * 1000 + 5000)
    expect(second.get_by_role("button", name="Acknowledge as Bob")).to_have_count(2)
    assert paged(client, escalating["EngagementArn"]) == {rotation.alice_arn, rotation.bob_arn}
    assert paged(client, clicked["EngagementArn"]) == {rotation.alice_arn}
    assert page.evaluate("window.notReloaded") is True


def test_a_page_of_another_site_cannot_acknowledge(page: Page, emu: Emulator, rotation: Rotation) -> None:
    """A cross-site form post and a cross-site fetch both reach the emulator from a real browser, and are refused."""
    client = emu.client()
    engagement = client.start_engagement(ContactId=rotation.alice_arn, **DRILL)["EngagementArn"]
    target = client.list_pages_by_engagement(EngagementId=engagement)["Pages"][0]["PageArn"]
    attack = f"""<!doctype html><form method="post" action="{emu.live_page_url}/acknowledge">
      <input name="PageId" value="{target}"></form>
      <script>
        fetch("{emu.live_page_url}/acknowledge",
              {{method: "POST", mode: "no-cors", body: JSON.stringify({{PageId: "{target}"}})}})
          .then(() => document.forms[0].submit());
      </script>"""

    class Attacker(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = attack.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        with page.expect_response(f"{emu.live_page_url}/acknowledge") as answered:
            page.goto(f"http://localhost:{site.server_address[1]}/")  # another origin, same machine
        assert answered.value.status == 403
        page.wait_for_load_state()
    finally:
        site.shutdown()
        site.server_close()
    assert receipts(client, target) == [("SENT", None)]


def test_a_game_day_scene(page: Page) -> None:
    """What the room sees mid-drill: one engagement escalated and acknowledged by bob, one acknowledged at the
    keyboard, one paging its first stage; the screenshot in docs/ is this scene."""
    with Emulator(EmulatorConfig(time_scale=SCENE_TIME_SCALE, live_page=True)) as emu:
        game_day_scene(page, emu, seed_rotation(emu.client()))


def game_day_scene(page: Page, emu: Emulator, rotation: Rotation) -> None:
    stage_seconds = 5 * 60.0 / SCENE_TIME_SCALE
    client = emu.client()
    emu.set_responders(["alice-oncall:never", "bob-oncall:SMS:30s"])
    escalated = client.start_engagement(ContactId=rotation.escalation_arn, IncidentId="gameday-checkout", **DRILL)
    page.set_viewport_size({"width": 1500, "height": 1000})
    page.goto(emu.live_page_url)
    first = card(page, escalated["EngagementArn"])
    expect(first.get_by_test_id("acknowledged")).to_contain_text(
        "Acknowledged by Bob (bob-oncall) on SMS", timeout=stage_seconds * 1000 + 5000
    )
    emu.set_responders([])
    keyboard = client.start_engagement(ContactId=rotation.oncall_schedule_arn, IncidentId="tabletop-7", **DRILL)
    second = card(page, keyboard["EngagementArn"])
    second.get_by_role("button", name="Acknowledge as").first.click()
    expect(second.get_by_test_id("status")).to_have_text("ACKNOWLEDGED")
    expect(second).to_contain_text("On-call schedule: pages whoever is on call in drill-weekly")
    time.sleep(2)
    paging = client.start_engagement(ContactId=rotation.escalation_arn, IncidentId="gameday-payments", **DRILL)
    third = card(page, paging["EngagementArn"])
    expect(third.get_by_test_id("stage")).to_contain_text("next stage in 0:0")
    expect(first.get_by_test_id("stage")).to_have_text("Stage 2 of 2: acknowledged, later stages are not paged")
    expect(page.locator("article")).to_have_count(3)
    time.sleep(1.2)  # the timers tick to a few seconds
    shot = page.screenshot(full_page=True)
    assert shot.startswith(b"\x89PNG")
    if os.environ.get("WRITE_SCREENSHOTS"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOT.write_bytes(shot)


def test_stored_text_is_drawn_as_text_never_as_html(page: Page) -> None:
    """Subjects, reasons and notes come from API callers: the page shows them as text, never runs them as HTML
    (here with --live-page-show-messages, which adds the messages and accept codes)."""
    trap = '<img src=x onerror="window.pwned = true">'
    with Emulator(EmulatorConfig(live_page=True, live_page_show_messages=True)) as emu:
        client = emu.client()
        rotation = seed_rotation(client)
        engagement = client.start_engagement(
            ContactId=rotation.alice_arn, Sender="gameday-bot", Subject=f"Subject {trap}", Content="Fail over.",
            PublicSubject="Drill", PublicContent="Check your email.",
        )["EngagementArn"]  # fmt: skip
        client.stop_engagement(EngagementId=engagement, Reason=f"over {trap}")
        page.goto(emu.live_page_url)
        shown = card(page, engagement)
        expect(shown.get_by_test_id("message")).to_have_text(
            f"Subject {trap}\nFail over.\nSMS: Drill · Check your email."
        )
        expect(shown.get_by_test_id("status")).to_have_text("STOPPED")
        expect(shown).to_contain_text(f"(over {trap})")
        expect(shown.locator("[data-receipt=STOP]")).to_have_count(2)
        accept_codes = [o["accept_code"] for o in emu.outbox()]  # the pages, in the order sent
        expect(shown.get_by_text("accept code", exact=False)).to_have_text([f"accept code {c}" for c in accept_codes])
        assert page.locator("img").count() == 0 and page.evaluate("window.pwned") is None
