"""The drill timeline's picture (``_timeline``): lanes, marks, deadline and verdict read back from the SVG it writes,
for summaries made by hand (the geometry) and read from the endpoint (the CLI's --html and --svg, and what they keep
out)."""

from __future__ import annotations

import dataclasses
import re
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pulumi_incident_manager.drill import (
    ChannelSummary,
    DrillSummary,
    PageSummary,
    ReceiptSummary,
    ResolutionStep,
    Terms,
    main,
    summarize_drill,
)
from pulumi_incident_manager.drill._html import html_report
from pulumi_incident_manager.drill._timeline import PLOT_LEFT, PLOT_RIGHT, offset, timeline, timeline_svg
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import Rotation

from ..support import DRILL, acknowledge, engage

SVG = "{http://www.w3.org/2000/svg}"
ACCOUNT = "arn:aws:ssm-contacts:us-east-1:123456789012"
PLAN, SCHEDULE = f"{ACCOUNT}:contact/drill-escalation", f"{ACCOUNT}:contact/drill-oncall"
ALICE, BOB = f"{ACCOUNT}:contact/alice-oncall", f"{ACCOUNT}:contact/bob-oncall"
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def channel(person: str, kind: str) -> ChannelSummary:
    alias = person.rsplit("/", 1)[-1]
    return ChannelSummary(f"{ACCOUNT}:contact-channel/{alias}/{kind.lower()}", f"{alias}-{kind.lower()}", kind)


def page(person: str, kind: str, receipts: list[tuple[str, float]], resolution: tuple[ResolutionStep, ...],
         info: dict[str, str] | None = None) -> PageSummary:
    via = channel(person, kind)
    made = tuple(ReceiptSummary(type_, at(seconds), via, (info or {}).get(type_)) for type_, seconds in receipts)
    read = next((receipt.time for receipt in made if receipt.type == "READ"), None)
    return PageSummary(f"{ACCOUNT}:page/{person.rsplit('/', 1)[-1]}/{kind}", person, made[0].time, None, read, made,
                       resolution)


def stage(index: int, person: str) -> tuple[ResolutionStep, ...]:
    return ResolutionStep(PLAN, "ESCALATION", index), ResolutionStep(person, "PERSONAL", 0)


def escalated(terms: Terms = Terms(within="10m")) -> DrillSummary:  # noqa: B008 (Terms is frozen)
    """Stage 1 pages alice (SMS, EMAIL) at 0, stage 2 bob at 5m; bob reads his SMS at 7m; stopped at 8m."""
    summary = DrillSummary(
        f"{ACCOUNT}:engagement/drill-escalation/1", PLAN, "gameday-bot", "gameday-1", START, at(480),
        (
            page(ALICE, "SMS", [("SENT", 0), ("STOP", 480)], stage(0, ALICE)),
            page(ALICE, "EMAIL", [("SENT", 0), ("STOP", 480)], stage(0, ALICE)),
            page(BOB, "SMS", [("SENT", 300), ("DELIVERED", 310), ("READ", 420), ("STOP", 480)], stage(1, BOB),
                 {"READ": "on my way"}),
            page(BOB, "EMAIL", [("SENT", 300), ("STOP", 480)], stage(1, BOB)),
        ),
        read_at=at(481),
    )
    return dataclasses.replace(summary, verdict=terms.verdict(summary))


def drawn(summary: DrillSummary, **options: bool) -> ET.Element:
    """The picture as a browser would parse it: written out, then read back."""
    return ET.fromstring(timeline_svg([summary], **options))


def marks(svg: ET.Element) -> list[ET.Element]:
    return [g for g in svg.iter(f"{SVG}g") if "mark" in g.get("class", "").split()]


def title(element: ET.Element) -> str:
    found = element.find(f"{SVG}title")
    assert found is not None and found.text
    return found.text


def test_the_verdict_is_the_title_and_each_person_and_stage_a_lane_in_paging_order() -> None:
    summary = escalated()
    svg = drawn(summary)

    verdict = summary.decided()
    assert title(svg) == f"PASSED: {verdict.message}"
    assert svg.get("data-status") == "PASSED" and svg.get("role") == "img"
    heading = svg.find(f".//{SVG}g[@id='d1-verdict']")
    assert heading is not None and next(text.text for text in heading) == "PASSED"
    lanes = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "lane"]
    assert [(lane.get("data-lane"), title(lane)) for lane in lanes] == [
        ("stage-1/alice-oncall", "Stage 1: alice-oncall"),
        ("stage-2/bob-oncall", "Stage 2: bob-oncall"),
    ]
    # Each lane holds its person's pages, one row each, and the rows stay inside the lane.
    for lane in lanes:
        top, height = float(lane.get("data-y", 0)), float(lane.get("data-height", 0))
        rows = [g for g in lane.iter(f"{SVG}g") if g.get("class") == "page"]
        assert [row.get("data-channel") for row in rows] == ["SMS", "EMAIL"]
        assert all(top < float(row.get("data-y", 0)) < top + height for row in rows)
        assert {mark.get("data-contact") for mark in marks(lane)} == {lane.get("data-contact")}


def test_marks_sit_at_their_time_on_one_scale_and_the_deadline_between_them() -> None:
    svg = drawn(escalated())

    found = {(m.get("data-contact"), m.get("data-channel"), m.get("data-receipt")): m for m in marks(svg)}
    assert len(found) == len(marks(svg)) == 10

    def x(contact: str, kind: str, receipt: str) -> float:
        return float(found[(contact, kind, receipt)].get("data-x", "nan"))

    start = x("alice-oncall", "SMS", "SENT")
    assert start == PLOT_LEFT
    per_second = (x("bob-oncall", "SMS", "SENT") - start) / 300
    assert per_second > 0
    # Every mark is at start + its offset on one linear scale, and inside the plot.
    for mark in marks(svg):
        assert float(mark.get("data-x", 0)) == pytest.approx(start + float(mark.get("data-offset", 0)) * per_second,
                                                             abs=0.02)
        assert PLOT_LEFT <= float(mark.get("data-x", 0)) <= PLOT_RIGHT
    # The deadline (10m) is drawn after bob's READ (7m) and the stop (8m), at its own place on the scale.
    deadline = svg.find(f".//{SVG}g[@id='d1-deadline']")
    assert deadline is not None
    assert float(deadline.get("data-x", 0)) == pytest.approx(start + 600 * per_second, abs=0.02)
    assert x("bob-oncall", "SMS", "READ") < x("bob-oncall", "SMS", "STOP") < float(deadline.get("data-x", 0))
    line = deadline.find(f"{SVG}line")
    assert line is not None and line.get("x1") == line.get("x2") == deadline.get("data-x")
    assert title(deadline).startswith("Deadline: 2026-11-23 09:10:00.0 UTC, 10m 00s after")


def test_the_first_acknowledgement_is_ringed_and_named() -> None:
    svg = drawn(escalated())

    [first] = [m for m in marks(svg) if m.get("data-first-acknowledgement") == "true"]
    assert (first.get("data-contact"), first.get("data-channel"), first.get("data-receipt")) == (
        "bob-oncall", "SMS", "READ")
    assert first.get("data-counted") == "true"  # the verdict counted it too
    assert title(first) == ('bob-oncall SMS READ, at 2026-11-23 09:07:00.0 UTC (+7m), the first acknowledgement, '
                            '"on my way"')
    ring = first.find(f"{SVG}circle")
    assert ring is not None and ring.get("stroke") == "#d4a72c"
    assert [m.get("id") for m in marks(svg) if m.find(f"{SVG}circle[@r='11']") is not None] == [first.get("id")]


def test_with_by_the_counted_acknowledgement_may_not_be_the_first() -> None:
    summary = escalated(Terms(within="10m", by=("alice-oncall",)))
    summary = dataclasses.replace(summary, pages=(
        page(ALICE, "SMS", [("SENT", 0), ("READ", 450)], stage(0, ALICE)), *summary.pages[2:]))
    summary = dataclasses.replace(summary, verdict=Terms(within="10m", by=("alice-oncall",)).verdict(summary))

    svg = drawn(summary)

    by_role = {m.get("data-contact"): m for m in marks(svg) if m.get("data-receipt") == "READ"}
    assert by_role["bob-oncall"].get("data-first-acknowledgement") == "true"
    assert by_role["bob-oncall"].get("data-counted") is None
    assert by_role["alice-oncall"].get("data-counted") == "true"
    assert "the acknowledgement the verdict counts" in title(by_role["alice-oncall"])


def test_a_missed_drill_draws_the_late_answer_past_the_deadline() -> None:
    summary = escalated(Terms(within="6m"))

    svg = drawn(summary)

    assert title(svg).startswith("MISSED: Drill missed: paged alice-oncall, bob-oncall;")
    deadline = svg.find(f".//{SVG}g[@id='d1-deadline']")
    assert deadline is not None
    [late] = [m for m in marks(svg) if m.get("data-receipt") == "READ"]
    assert float(late.get("data-x", 0)) > float(deadline.get("data-x", 0))
    assert late.get("data-after-deadline") == "true" and title(late).endswith("after the deadline, \"on my way\"")
    sent = [m for m in marks(svg) if m.get("data-receipt") == "SENT"]
    assert all(float(m.get("data-x", 0)) < float(deadline.get("data-x", 0)) for m in sent)


def test_an_on_call_page_is_drawn_as_the_person_who_was_on_call_via_the_schedule() -> None:
    via_schedule = (ResolutionStep(SCHEDULE, "ONCALL_SCHEDULE", None), ResolutionStep(BOB, "PERSONAL", 0))
    summary = DrillSummary(f"{ACCOUNT}:engagement/drill-oncall/1", SCHEDULE, "gameday-bot", None, START, None,
                           (page(BOB, "SMS", [("SENT", 0), ("ERROR", 1), ("SENT", 61)], via_schedule,
                                 {"ERROR": "Delivery failed (attempt 1 of at most 3)"}),), read_at=at(120))

    svg = drawn(summary)

    [lane] = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "lane"]
    assert (lane.get("data-lane"), title(lane)) == ("bob-oncall", "bob-oncall, via drill-oncall (on call)")
    assert any(text.text == "via drill-oncall (on call)" for text in lane.iter(f"{SVG}text"))
    [error] = [m for m in marks(svg) if m.get("data-receipt") == "ERROR"]
    assert title(error).endswith('"Delivery failed (attempt 1 of at most 3)"')
    assert svg.find(f".//{SVG}g[@id='d1-deadline']") is None  # no terms, no deadline
    assert title(svg).startswith("MISSED: Drill missed: paged bob-oncall; nobody acknowledged (READ) by ")


def test_the_subject_is_drawn_only_when_asked_and_the_content_never() -> None:
    summary = dataclasses.replace(escalated(), subject="[DRILL] secret subject", content="secret content")

    assert "secret" not in timeline_svg([summary])
    with_message = timeline_svg([summary], include_message=True)
    assert "Subject: [DRILL] secret subject" in with_message and "secret content" not in with_message
    assert "secret" not in repr(summary)


def test_several_drills_stack_in_one_svg_with_ids_of_their_own() -> None:
    first, second = escalated(), escalated(Terms(within="6m"))

    svg = ET.fromstring(timeline_svg([first, second]))

    parts = svg.findall(f"{SVG}svg")
    assert [part.get("data-status") for part in parts] == ["PASSED", "MISSED"]
    assert float(parts[1].get("y", 0)) == float(parts[0].get("height", 0))
    assert float(svg.get("height", 0)) == sum(float(part.get("height", 0)) for part in parts)
    ids = [element.get("id") for element in svg.iter() if element.get("id")]
    assert len(ids) == len(set(ids)) and {"d1-lane-1", "d2-lane-1", "d2-mark-2-1-3"} <= set(ids)


def test_a_drill_that_paged_nobody_still_draws() -> None:
    summary = DrillSummary(f"{ACCOUNT}:engagement/nobody/1", PLAN, "gameday-bot", None, START, None, (),
                           read_at=at(5))

    svg = ET.fromstring(ET.tostring(timeline(summary)))

    assert title(svg).startswith("MISSED: Drill missed: paged nobody;") and not marks(svg)
    assert svg.get("viewBox", "").startswith("0 0 960 ")


@pytest.mark.parametrize(("seconds", "label"), [(0, "+0s"), (0.5, "+0.5s"), (45, "+45s"), (60, "+1m"),
                                                (90, "+1m30s"), (3600, "+1h"), (3900, "+1h05m")])
def test_offsets_are_labelled_as_a_facilitator_says_them(seconds: float, label: str) -> None:
    assert offset(seconds) == label


def test_the_cli_writes_html_and_svg_from_the_same_reading_and_leaves_the_message_out(
    ssm_contacts_env: Emulator, rotation: Rotation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = engage(ssm_contacts_env.client(), rotation.escalation_arn)
    sent = acknowledge(ssm_contacts_env, arn, rotation.bob_arn, "SMS", note="on my way")
    html, svg = tmp_path / "report.html", tmp_path / "report.svg"

    assert main([arn, "--within", "10m", "--html", str(html), "--svg", str(svg)]) == 0

    report = capsys.readouterr().out
    verdict = summarize_drill(arn, expectation=Terms(within="10m")).decided()
    assert f"  verdict   PASSED: {verdict.message}" in report.splitlines()
    picture = ET.fromstring(svg.read_text())
    assert title(picture) == f"PASSED: {verdict.message}"
    assert [g.get("data-lane") for g in picture.iter(f"{SVG}g") if g.get("class") == "lane"] == [
        "stage-1/alice-oncall", "stage-2/bob-oncall"]
    page_ = html.read_text()
    assert f'<title id="d1-title">PASSED: {verdict.message}</title>' in page_  # the same picture, inline
    assert '<h2 id="drill-1-verdict">PASSED</h2>' in page_ and "on my way" in page_
    for text in (svg.read_text(), page_):
        for secret in (*set(DRILL.values()) - {"gameday-bot", "gameday-2026-11"}, sent["accept_code"], sent["address"]):
            assert secret not in text
        assert "<script" not in text and "http://" not in text.replace("http://www.w3.org/2000/svg", "")

    assert main([arn, "--html", str(html), "--svg", str(svg), "--include-message-text"]) == 0
    assert DRILL["Subject"] in html.read_text() and DRILL["Content"] in html.read_text()
    assert f"Subject: {DRILL['Subject']}" in svg.read_text() and DRILL["PublicContent"] not in html.read_text()


def test_html_without_the_report_extra_says_how_to_install_it(
    ssm_contacts_env: Emulator, rotation: Rotation, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    arn = engage(ssm_contacts_env.client(), rotation.alice_arn)
    monkeypatch.setitem(sys.modules, "jinja2", None)  # as if it were not installed: the import fails

    assert main([arn, "--html", str(tmp_path / "report.html")]) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ("error: --html: The HTML report needs Jinja2, which the package's report extra installs: "
                            "run `pip install 'pulumi-incident-manager[report]'` and try again.\n")
    assert not (tmp_path / "report.html").exists()
    with pytest.raises(Exception, match=r"pip install 'pulumi-incident-manager\[report\]'"):
        html_report([escalated()])


def test_a_report_that_cannot_be_written_is_one_sentence(
    ssm_contacts_env: Emulator, rotation: Rotation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = engage(ssm_contacts_env.client(), rotation.alice_arn)
    acknowledge(ssm_contacts_env, arn, rotation.alice_arn, "SMS")

    assert main([arn, "--svg", str(tmp_path / "missing" / "report.svg")]) == 1

    assert capsys.readouterr().err == (f"error: could not write the SVG timeline to {tmp_path}/missing/report.svg: "
                                       f"No such file or directory.\n")


def test_a_live_drill_read_before_its_deadline_is_pending_with_its_pages_still_ringing_to_the_read() -> None:
    summary = escalated()
    summary = dataclasses.replace(summary, stop_time=None, read_at=at(200), pages=tuple(
        dataclasses.replace(page_, receipts=page_.receipts[:1]) for page_ in summary.pages[:2]))
    summary = dataclasses.replace(summary, verdict=Terms(within="10m").verdict(summary))

    svg = drawn(summary)

    assert title(svg).startswith("PENDING: Drill undecided: paged alice-oncall; nobody acknowledged (READ) yet")
    read = svg.find(f".//{SVG}g[@id='d1-read-at']")
    deadline = svg.find(f".//{SVG}g[@id='d1-deadline']")
    assert read is not None and deadline is not None
    assert PLOT_LEFT < float(read.get("data-x", 0)) < float(deadline.get("data-x", 0))
    bars = [row.find(f"{SVG}line") for row in svg.iter(f"{SVG}g") if row.get("class") == "page"]
    assert [bar.get("x2") for bar in bars if bar is not None] == [read.get("data-x")] * 2


def test_several_drills_are_sections_of_one_html_page_each_with_its_verdict_and_picture() -> None:
    page_ = html_report([escalated(), escalated(Terms(within="6m"))])

    assert "<title>Drill report: PASSED, MISSED</title>" in page_
    sections = re.findall(r'<section class="drill" id="(drill-\d)" data-status="(\w+)"', page_)
    assert sections == [("drill-1", "PASSED"), ("drill-2", "MISSED")]
    assert re.findall(r'<svg [^>]*\bid="(d\d)"', page_) == ["d1", "d2"]
    ids = re.findall(r'\bid="([^"]+)"', page_)
    assert len(ids) == len(set(ids))
    assert "on my way" in page_ and "<script" not in page_ and "<link" not in page_
