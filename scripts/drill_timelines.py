"""Drills of the seeded escalation plan and on-call schedule, offline, and their reports: the browser tests'
scenarios and the screenshots in docs/images/.

The plan (``seed_rotation``): stage 1 pages alice (SMS and e-mail), stage 2 bob five minutes later; the drill
expects an acknowledgement within ten minutes. Simulated responders make each drill come out one way:

- ``passed``: alice answers her SMS after 2 minutes;
- ``escalated``: alice never answers, bob answers his SMS 2 minutes after stage 2 pages him (7 minutes in);
- ``missed``: alice never answers, bob answers 7 minutes after stage 2 (12 minutes in, after the deadline);
- ``oncall``: the on-call schedule ``drill-oncall`` is engaged; whoever is on call answers an SMS after 1 minute.

Each drill is stopped once decided (as ``stop_when`` does), so its pages end with a STOP receipt. Times are the
endpoint's: at ``--time-scale 60`` a plan minute is a real second, and so is the drawn deadline.

    make drill-images          # python scripts/drill_timelines.py: docs/images/drill-timeline-{passed,escalated,
                               # missed,oncall}.png and .svg; the HTML reports in .state/drill-timelines/
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi_cli import REPO_ROOT, STATE_DIR
from pulumi_incident_manager.drill import DrillSummary, Terms, html_report, summarize_drill, timeline_svg
from ssm_contacts_emulator import Emulator, EmulatorConfig
from ssm_contacts_emulator.seed import Rotation, seed_rotation

WITHIN_MINUTES = 10
MESSAGE = {
    "Sender": "gameday-bot",
    "Subject": "[DRILL] checkout latency",
    "Content": "Drill: follow the checkout runbook and acknowledge.",
    "IncidentId": "gameday-checkout",
}


@dataclass(frozen=True)
class Scenario:
    name: str
    responders: tuple[str, ...]
    settled: Callable[[DrillSummary], bool]
    """The drill has shown all it will: it may be stopped."""
    on_call: bool = False
    """Engage the on-call schedule rather than the escalation plan."""


def _decided(summary: DrillSummary) -> bool:
    return summary.decided().decided


def _late_answer_in(summary: DrillSummary) -> bool:
    return _decided(summary) and any(page.acknowledgement for page in summary.pages)


SCENARIOS = {
    "passed": Scenario("passed", ("alice-oncall:SMS:2m",), _decided),
    "escalated": Scenario("escalated", ("alice-oncall:never", "bob-oncall:SMS:2m"), _decided),
    "missed": Scenario("missed", ("alice-oncall:never", "bob-oncall:SMS:7m"), _late_answer_in),
    "oncall": Scenario("oncall", ("*:SMS:1m",), _decided, on_call=True),
}


def terms(time_scale: float) -> Terms:
    """Ten plan minutes, in the endpoint's seconds."""
    return Terms(within=f"{WITHIN_MINUTES * 60 / time_scale:g}s")


def run(emulator: Emulator, rotation: Rotation, scenario: Scenario, time_scale: float,
        message: dict[str, str] | None = None, timeout: float = 60.0) -> str:
    """Run one drill to its end; its engagement's ARN (stopped, every receipt in)."""
    emulator.set_responders(list(scenario.responders))
    client = emulator.client()
    contact = rotation.oncall_schedule_arn if scenario.on_call else rotation.escalation_arn
    arn: str = client.start_engagement(ContactId=contact, **(message or MESSAGE))["EngagementArn"]
    expectation = terms(time_scale)
    give_up = time.monotonic() + timeout
    while not scenario.settled(summarize_drill(arn, client=client, expectation=expectation)):
        if time.monotonic() > give_up:
            raise TimeoutError(f"the {scenario.name} drill did not settle within {timeout:g}s")
        time.sleep(0.05)
    client.stop_engagement(EngagementId=arn, Reason="drill decided")
    return arn


def screenshot(page: Any, html: Path, png: Path) -> None:
    """A PNG of the report's first drill (verdict, facts and timeline), as a reader first sees it."""
    page.goto(html.as_uri())
    top = page.locator("section.drill .verdict").first.bounding_box()
    bottom = page.locator("section.drill figure").first.bounding_box()
    assert top is not None and bottom is not None
    page.screenshot(path=str(png), full_page=True, clip={
        "x": top["x"] - 12, "y": top["y"] - 12, "width": top["width"] + 24,
        "height": bottom["y"] + bottom["height"] - top["y"] + 24,
    })


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=Path, default=REPO_ROOT / "docs" / "images",
                        help="where the screenshots (PNG) and the SVG timelines go (default: docs/images)")
    parser.add_argument("--out", type=Path, default=STATE_DIR / "drill-timelines",
                        help="where the HTML reports go (default: .state/drill-timelines)")
    parser.add_argument("--time-scale", type=float, default=60.0, help="the endpoint's time scale (default: 60)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright  # a dev dependency: only the screenshots need it

    args.images.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    with Emulator(EmulatorConfig(time_scale=args.time_scale)) as emulator, sync_playwright() as playwright:
        rotation = seed_rotation(emulator.client())
        browser = playwright.chromium.launch(executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 900}, device_scale_factor=1)
        for scenario in SCENARIOS.values():
            arn = run(emulator, rotation, scenario, args.time_scale)
            summary = summarize_drill(arn, client=emulator.client(), expectation=terms(args.time_scale))
            html, svg = args.out / f"drill-{scenario.name}.html", args.images / f"drill-timeline-{scenario.name}.svg"
            html.write_text(html_report([summary]), encoding="utf-8")
            svg.write_text(timeline_svg([summary]), encoding="utf-8")
            png = args.images / f"drill-timeline-{scenario.name}.png"
            screenshot(page, html, png)
            print(f"{summary.decided().status:<7} {png}  ({html}, {svg})")
        browser.close()
    return 0


def _chromium() -> str:
    import subprocess

    return subprocess.run([str(REPO_ROOT / "scripts" / "get-browser")], check=True, capture_output=True,
                          text=True).stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
