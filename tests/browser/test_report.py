"""The drill reports in headless Chromium: drills of the seeded escalation plan run offline (a passed one, an
escalated one where bob answers after alice misses, a missed one where bob answers after the deadline) and one of
the on-call schedule, written by the command (``--html``, ``--svg``), opened in the browser; the tests read what is
drawn, where the browser drew it.

The drills are those of ``scripts/drill_timelines.py`` (which takes the screenshots in docs/images/), at a time
scale of 600: a plan minute is 0.1 s, the ten-minute deadline one second.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from drill_timelines import MESSAGE, SCENARIOS, run, terms
from playwright.sync_api import Locator, Page

from pulumi_incident_manager.drill import main
from ssm_contacts_emulator import Emulator, EmulatorConfig
from ssm_contacts_emulator.seed import seed_rotation

TIME_SCALE = 600.0
MM = 96 / 25.4
"""CSS pixels per millimetre."""
PAPERS = {"A4": (297, 210), "Letter": (279.4, 215.9)}
"""Landscape, in millimetres; the report's @page margin is 10 mm."""


@dataclass(frozen=True)
class Report:
    html: Path
    svg: Path
    text: str
    """What the command printed: the text report."""


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Report]]:
    """Each drill's HTML and SVG reports, written by ``python -m pulumi_incident_manager.drill``'s main."""
    folder = tmp_path_factory.mktemp("reports")
    written: dict[str, Report] = {}
    with Emulator(EmulatorConfig(time_scale=TIME_SCALE)) as emulator, pytest.MonkeyPatch.context() as patch:
        for name, value in emulator.env().items():
            patch.setenv(name, value)
        rotation = seed_rotation(emulator.client())
        for scenario in SCENARIOS.values():
            arn = run(emulator, rotation, scenario, TIME_SCALE)
            html, svg = folder / f"{scenario.name}.html", folder / f"{scenario.name}.svg"
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                status = main([arn, "--within", str(terms(TIME_SCALE).within), "--html", str(html), "--svg", str(svg),
                               "--exit-zero"])
            assert status == 0
            written[scenario.name] = Report(html, svg, printed.getvalue())
        yield written


def opened(page: Page, path: Path) -> list[str]:
    """Open ``path``; every URL the page requested (a self-contained report requests nothing but itself)."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(path.as_uri())
    return [url for url in requested if url != path.as_uri()]


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not drawn"
    return found


def centre_x(mark: Locator) -> float:
    """Where the browser drew a mark's shape (its ring and label aside)."""
    found = box(mark.locator(".shape"))
    return found["x"] + found["width"] / 2


def lane_of(page: Page, mark: Locator) -> str:
    """The lane the browser drew ``mark`` in: the one whose band holds the centre of the mark's shape."""
    found = box(mark.locator(".shape"))
    y = found["y"] + found["height"] / 2
    hits = []
    for lane in page.locator("g.lane").all():
        band = box(lane.locator("rect").first)
        if band["y"] <= y <= band["y"] + band["height"]:
            hits.append(lane.get_attribute("data-lane") or "")
    assert len(hits) == 1, hits
    return hits[0]


EXPECTED = {
    # scenario: verdict, lanes top to bottom, the lane of the first acknowledgement, is it before the deadline
    "passed": ("PASSED", ["stage-1/alice-oncall"], "stage-1/alice-oncall", True),
    "escalated": ("PASSED", ["stage-1/alice-oncall", "stage-2/bob-oncall"], "stage-2/bob-oncall", True),
    "missed": ("MISSED", ["stage-1/alice-oncall", "stage-2/bob-oncall"], "stage-2/bob-oncall", False),
}


@pytest.mark.parametrize("form", ["html", "svg"])
@pytest.mark.parametrize("scenario", list(EXPECTED))
def test_the_report_draws_the_lanes_marks_deadline_and_verdict(
    page: Page, reports: dict[str, Report], scenario: str, form: str
) -> None:
    status, lanes, acknowledged_in, in_time = EXPECTED[scenario]
    report = reports[scenario]

    assert opened(page, report.html if form == "html" else report.svg) == []

    # The verdict is the picture's accessible name, and the text report's verdict line says the same.
    [sentence] = [line.split(": ", 1)[1] for line in report.text.splitlines() if line.startswith("  verdict   ")]
    picture = page.get_by_role("img", name=re.compile(rf"^{status}: "))
    assert picture.count() == 1
    assert picture.locator("title").first.text_content() == f"{status}: {sentence}"
    if form == "html":
        assert page.locator("section.drill .verdict h2").text_content() == status
        assert page.locator("section.drill .verdict p.sentence").text_content() == sentence
        assert page.title() == f"Drill report: {status}"
    else:
        assert page.locator("#d1-verdict text").first.text_content() == status

    # One lane per person and stage, in paging order, top to bottom as drawn.
    drawn = page.locator("g.lane")
    assert [lane.get_attribute("data-lane") for lane in drawn.all()] == lanes
    tops = [box(lane.locator("rect").first)["y"] for lane in drawn.all()]
    assert tops == sorted(tops)

    # The first acknowledgement: one mark, ringed, a READ, in the lane of who answered.
    first = page.locator("g.mark[data-first-acknowledgement='true']")
    assert first.count() == 1 and first.get_attribute("data-receipt") == "READ"
    assert lane_of(page, first) == acknowledged_in
    assert box(first.locator("circle").first)["width"] > box(first.locator("polygon"))["width"]  # the ring
    assert "the first acknowledgement" in (first.locator("title").text_content() or "")
    after = round(float(first.get_attribute("data-offset") or "nan"), 1)
    late = "" if in_time else ", too late"
    assert first.locator("text").text_content() == f"acknowledged +{after:g}s{late}"  # said on the picture too
    # Nobody else acknowledged: alice's lane has no READ when bob answered.
    reads = page.locator("g.mark[data-receipt='READ']")
    assert [lane_of(page, mark) for mark in reads.all()] == [acknowledged_in]

    # The deadline line is where the verdict says: the answer before it passed, the one after it missed.
    line = box(page.locator("g.deadline line"))
    deadline = line["x"] + line["width"] / 2
    assert (centre_x(first) < deadline) is in_time
    sends = page.locator("g.mark[data-receipt='SENT']").all()
    assert all(centre_x(mark) < deadline for mark in sends)
    if len(lanes) == 2:  # stage 2 pages bob five minutes after alice: half way to the ten-minute deadline
        alice, bob = (centre_x(page.locator(f"g.lane[data-lane='{lane}'] g.mark[data-receipt='SENT']").first)
                      for lane in lanes)
        assert (bob - alice) / (deadline - alice) == pytest.approx(0.5, abs=0.02)
    # Every page ends stopped (the drill was stopped once decided), after everything else on its row.
    for row in page.locator("g.page").all():
        marks = row.locator("g.mark").all()
        stops = [centre_x(mark) for mark in marks if mark.get_attribute("data-receipt") == "STOP"]
        assert len(stops) == 1 and all(centre_x(mark) <= stops[0] + 0.5 for mark in marks)


@pytest.mark.parametrize("scenario", list(EXPECTED))
def test_the_html_report_lists_every_receipt_and_leaves_the_message_out(
    page: Page, reports: dict[str, Report], scenario: str
) -> None:
    opened(page, reports[scenario].html)

    rows = page.locator("table.receipts tbody tr")
    marks = page.locator("g.mark")
    assert rows.count() == marks.count() > 0
    [first] = page.locator("tr.first-acknowledgement").all()
    lane = EXPECTED[scenario][2].replace("stage-", "Stage ").replace("/", ": ")
    assert re.fullmatch(rf"{lane}\s*SMS \S+-sms\s*READ \(first acknowledgement\).*", first.inner_text(), re.S)
    body = page.content()
    for secret in (MESSAGE["Subject"], MESSAGE["Content"], "+1555555", "@example.com"):
        assert secret not in body
    assert page.locator("script, link, img, iframe, object").count() == 0


@pytest.mark.parametrize("paper", list(PAPERS))
def test_the_report_prints_on_landscape_paper_without_overflow(
    page: Page, reports: dict[str, Report], paper: str, tmp_path: Path
) -> None:
    width, height = PAPERS[paper]
    printable_width, printable_height = (width - 20) * MM, (height - 20) * MM
    page.set_viewport_size({"width": int(printable_width), "height": int(printable_height)})
    page.emulate_media(media="print")
    opened(page, reports["escalated"].html)

    overflowing = page.evaluate("""(limit) => [...document.querySelectorAll('body *')]
        .filter(element => element.getBoundingClientRect().right > limit + 0.5)
        .map(element => element.tagName + '.' + element.className)""", printable_width)
    assert overflowing == []
    assert page.evaluate("document.documentElement.scrollWidth") <= int(printable_width)
    figure = box(page.locator("figure svg"))
    assert figure["width"] > 0.9 * printable_width  # the picture takes the page's width...
    assert figure["height"] < printable_height  # ...and fits on one page, whole
    assert page.locator("details summary").is_hidden()  # the receipts print open, without the toggle

    pdf = page.pdf(format=paper, landscape=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pdf.startswith(b"%PDF") and 1 <= pages <= 2


@pytest.mark.parametrize("form", ["html", "svg"])
def test_an_on_call_page_is_drawn_in_the_lane_of_whoever_was_on_call(
    page: Page, reports: dict[str, Report], form: str
) -> None:
    report = reports["oncall"]
    # The text report's "reached via drill-oncall -> <person>": the person the schedule resolved to.
    [person] = [line.rsplit(" -> ", 1)[1] for line in report.text.splitlines()
                if line.strip().startswith("reached via drill-oncall -> ")][:1]
    assert person in ("alice-oncall", "bob-oncall")

    opened(page, report.html if form == "html" else report.svg)

    [lane] = page.locator("g.lane").all()
    assert lane.get_attribute("data-lane") == person
    assert lane.locator(":scope > title").text_content() == f"{person}, via drill-oncall (on call)"
    assert lane.locator("text", has_text="drill-oncall (on call)").is_visible()
    first = page.locator("g.mark[data-first-acknowledgement='true']")
    assert lane_of(page, first) == person and first.get_attribute("data-channel") == "SMS"
    assert page.get_by_role("img", name=re.compile(rf"^PASSED: {person} acknowledged \(READ\) on SMS")).count() == 1
