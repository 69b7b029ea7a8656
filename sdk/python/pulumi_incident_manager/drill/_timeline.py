"""The drill timeline: a :class:`DrillSummary` drawn as SVG, by hand (a few rectangles, lines and marks need no
charting library, and the picture then holds no script and opens anywhere).

One lane per person and escalation stage (the page resolutions say which stage, and which on-call schedule led to
whom), one row per page (channel) in it, each receipt a mark at its time after the engagement's start, the
verdict's deadline a dashed line, the first acknowledgement ringed, the verdict (status and sentence) the title.
Everything drawn comes from the summary and its verdict, the ones the text report prints; nothing is read again.

Marks and lanes carry stable ids and ``data-*`` attributes (``data-receipt``, ``data-contact``, ``data-offset``...)
and a ``<title>`` each, so a screen reader, a browser test or a script can read the picture. No delivery address,
accept code or message text is drawn; the subject is, only when ``include_message`` asks for it.
"""

from __future__ import annotations

import math
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from incident_manager_provider.records import iso_time
from incident_manager_provider.verdict import human_duration

from ._summary import DrillSummary, PageSummary, ReceiptSummary

WIDTH = 960
PLOT_LEFT = 250
"""Where the time axis starts: the lane labels are on its left."""
PLOT_RIGHT = WIDTH - 40
ROW = 28
"""The height of a page's row."""
LANE_GAP = 6
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

STATUS_COLOURS = {"PASSED": "#1a7f37", "MISSED": "#cf222e", "PENDING": "#9a6700"}
RECEIPT_COLOURS = {"SENT": "#57606a", "DELIVERED": "#0969da", "READ": "#1a7f37", "ERROR": "#cf222e",
                   "STOP": "#6e7781"}
RECEIPT_MEANINGS = {"SENT": "sent", "DELIVERED": "delivered", "READ": "read (acknowledged)",
                    "ERROR": "send failed", "STOP": "engagement stopped"}
DRAWING_ORDER = ("STOP", "SENT", "ERROR", "DELIVERED", "READ")
DEADLINE_COLOUR = "#cf222e"
HIGHLIGHT = "#d4a72c"
_TICKS = (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)


@dataclass(frozen=True)
class Lane:
    """A person at one stage of the plan: the pages that reached them that way, one row each."""

    contact: str
    """The paged person's alias."""
    stage: int | None
    """The escalation stage that paged them (1 for the first), if a plan did."""
    via: str
    """How the page reached them, outermost first (``drill-escalation stage 2 -> drill-oncall (on call)``), or
    empty when the person was engaged directly."""
    pages: tuple[PageSummary, ...]

    @property
    def key(self) -> str:
        return f"stage-{self.stage}/{self.contact}" if self.stage is not None else self.contact

    @property
    def label(self) -> str:
        return f"Stage {self.stage}: {self.contact}" if self.stage is not None else self.contact


def lanes(summary: DrillSummary) -> list[Lane]:
    """The summary's pages grouped by person and escalation stage, in the order they were first paged."""
    grouped: dict[tuple[int | None, str], list[PageSummary]] = {}
    for page in summary.pages:
        grouped.setdefault((_stage(page), page.contact_arn), []).append(page)
    return [Lane(pages[0].contact, stage, _via(pages[0], summary.contact_arn), tuple(pages))
            for (stage, _), pages in grouped.items()]


def _stage(page: PageSummary) -> int | None:
    """The escalation stage (from 1) of the outermost plan that led to the page."""
    step = next((step for step in page.resolution if step.type == "ESCALATION"), None)
    return step.stage_index + 1 if step is not None and step.stage_index is not None else None


def _via(page: PageSummary, engaged: str) -> str:
    """The plans and schedules between the engaged plan (its stage is the lane's) and the person."""
    steps = [step.to_text() + (" (on call)" if step.type == "ONCALL_SCHEDULE" else "")
             for step in page.resolution
             if step.type != "PERSONAL" and not (step.type == "ESCALATION" and step.contact_arn == engaged)]
    return " \u2192 ".join(steps)


@dataclass(frozen=True)
class Axis:
    """Time on the x axis: from the engagement's start to the last thing drawn."""

    start: datetime
    span: float
    """Seconds shown."""

    def x(self, moment: datetime) -> float:
        return round(PLOT_LEFT + (moment - self.start).total_seconds() / self.span * (PLOT_RIGHT - PLOT_LEFT), 2)

    def ticks(self) -> list[float]:
        """Offsets (seconds) for about six to ten gridlines."""
        step = next((tick for tick in _TICKS if self.span / tick <= 10), _TICKS[-1])
        return [step * n for n in range(math.floor(self.span / step) + 1)]


def axis(summary: DrillSummary) -> Axis:
    moments = [receipt.time for page in summary.pages for receipt in page.receipts]
    moments += [moment for moment in (summary.decided().deadline, summary.stop_time, _still_engaged(summary))
                if moment is not None]
    start = summary.start_time or min(moments, default=None) or summary.read_at or datetime.now().astimezone()
    last = max((moment - start).total_seconds() for moment in moments) if moments else 0.0
    return Axis(start, max(last, 1.0) * 1.06)  # a margin, so the last mark is not on the edge


def _still_engaged(summary: DrillSummary) -> datetime | None:
    """When a live engagement was read: its pages may still be answered after it."""
    return summary.read_at if summary.stop_time is None else None


def offset(seconds: float) -> str:
    """``+0s``, ``+0.5s``, ``+1m``, ``+1m30s``, ``+1h05m``: a tick's label."""
    if seconds < 60:
        return f"+{seconds:g}s"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"+{hours}h{minutes:02d}m" if minutes else f"+{hours}h"
    return f"+{minutes}m{secs:02d}s" if secs else f"+{minutes}m"


def timeline(summary: DrillSummary, number: int = 1, include_message: bool = False,
             heading: bool = True) -> ET.Element:
    """The drill's picture as an ``<svg>`` element; ``number`` makes its ids unique among several in one document
    (``d1-lane-1``, ``d1-page-1-2``, ``d1-mark-1-2-3``: engagement, lane, page in it, receipt of it, counted from 1).
    Without ``heading`` (the HTML report prints the verdict above it) the verdict is only its ``<title>``."""
    verdict = summary.decided()
    scale = axis(summary)
    prefix = f"d{number}"
    drawn = lanes(summary)
    first = summary.first_acknowledged
    first_receipt = first.acknowledgement if first else None
    counted = _counted(summary)

    svg = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "role": "img", "class": "drill-timeline",
                             "id": prefix, "data-status": verdict.status, "data-engagement": summary.engagement_arn,
                             "aria-labelledby": f"{prefix}-title {prefix}-desc", "font-family": FONT})
    _sub(svg, "title", {"id": f"{prefix}-title"}).text = f"{verdict.status}: {verdict.message}"
    _sub(svg, "desc", {"id": f"{prefix}-desc"}).text = _description(summary, drawn)
    _sub(svg, "rect", {"width": "100%", "height": "100%", "fill": "#ffffff"})

    # The verdict is the title; the sentence wraps under it (SVG text does not wrap by itself).
    y = 0.0
    if heading:
        colour = STATUS_COLOURS[verdict.status]
        shown = _sub(svg, "g", {"id": f"{prefix}-verdict", "class": "verdict", "data-status": verdict.status})
        y = 34.0
        _text(shown, 16, y, verdict.status, size=24, weight="bold", fill=colour)
        for line in textwrap.wrap(verdict.message, 118):
            y += 18
            _text(shown, 16, y, line, size=13, fill="#1f2328")
        y += 20
        _text(svg, 16, y, _facts(summary), size=12, fill="#57606a", id=f"{prefix}-facts")
        if include_message and summary.subject:
            y += 17
            _text(svg, 16, y, f"Subject: {summary.subject}", size=12, fill="#57606a", id=f"{prefix}-subject")

    top = y + 34  # the axis labels sit above the first lane
    height = sum(_rows(lane) * ROW + LANE_GAP for lane in drawn) or ROW
    bottom = top + height
    grid = _sub(svg, "g", {"id": f"{prefix}-axis", "class": "axis"})
    for tick in scale.ticks():
        x = scale.x(scale.start + timedelta(seconds=tick))
        _sub(grid, "line", {"x1": x, "x2": x, "y1": top - 6, "y2": bottom, "stroke": "#d0d7de", "stroke-width": 1})
        _text(grid, x, top - 10, offset(tick), size=11, fill="#57606a", anchor="middle")

    lane_y = top
    for index, lane in enumerate(drawn, 1):
        lane_height = _rows(lane) * ROW
        group = _sub(svg, "g", {"id": f"{prefix}-lane-{index}", "class": "lane", "data-lane": lane.key,
                                "data-contact": lane.contact, "data-stage": "" if lane.stage is None else lane.stage,
                                "data-y": lane_y, "data-height": lane_height})
        _sub(group, "title").text = f"{lane.label}" + (f", via {lane.via}" if lane.via else "")
        _sub(group, "rect", {"x": 8, "y": lane_y, "width": WIDTH - 16, "height": lane_height, "rx": 4,
                             "fill": "#f6f8fa" if index % 2 else "#eef1f4"})
        _text(group, 16, lane_y + 18, _shorten(lane.label, 30), size=13, weight="bold", fill="#1f2328")
        if lane.via:
            _text(group, 16, lane_y + 33, _shorten(f"via {lane.via}", 34), size=10.5, fill="#57606a")
        for row, page in enumerate(lane.pages):
            centre = lane_y + row * ROW + ROW / 2
            _page(group, page, centre, scale, f"{prefix}-page-{index}-{row + 1}", first_receipt, counted,
                  verdict.deadline, _still_engaged(summary))
        lane_y += lane_height + LANE_GAP

    deadline = verdict.deadline
    if deadline is not None:
        x = scale.x(deadline)
        marker = _sub(svg, "g", {"id": f"{prefix}-deadline", "class": "deadline", "data-time": iso_time(deadline) or "",
                               "data-offset": _seconds(deadline - scale.start), "data-x": x})
        _sub(marker, "title").text = (f"Deadline: {_clock(deadline)}, {human_duration(deadline - scale.start)} "
                                    f"after the engagement's start")
        _sub(marker, "line", {"x1": x, "x2": x, "y1": top - 6, "y2": bottom + 4, "stroke": DEADLINE_COLOUR,
                              "stroke-width": 2, "stroke-dasharray": "6 4"})
        _text(marker, x, bottom + 17, f"deadline {offset((deadline - scale.start).total_seconds())}", size=11,
              weight="bold", fill=DEADLINE_COLOUR, anchor="end" if x > PLOT_RIGHT - 40 else "middle")

    read = _still_engaged(summary)
    if read is not None:
        x = scale.x(read)
        marker = _sub(svg, "g", {"id": f"{prefix}-read-at", "class": "read-at", "data-time": iso_time(read) or "",
                                 "data-x": x})
        _sub(marker, "title").text = f"Read at {_clock(read)}, the engagement still running"
        _sub(marker, "line", {"x1": x, "x2": x, "y1": top - 20, "y2": bottom, "stroke": "#57606a",
                              "stroke-width": 1.5})
        _text(marker, x - 4, top - 22, f"read {offset(round((read - scale.start).total_seconds(), 1))}, "
              f"still engaged", size=11, fill="#57606a", anchor="end")

    legend_y = bottom + 40
    _legend(svg, legend_y, prefix)
    total = legend_y + 18
    svg.set("viewBox", f"0 0 {WIDTH} {total:g}")
    svg.set("width", str(WIDTH))
    svg.set("height", f"{total:g}")
    return svg


def _rows(lane: Lane) -> int:
    """A row per page, and room for the line saying how they were reached."""
    return max(len(lane.pages), 2 if lane.via else 1)


def _page(group: ET.Element, page: PageSummary, centre: float, scale: Axis, ident: str,
          first: ReceiptSummary | None, counted: ReceiptSummary | None, deadline: datetime | None,
          live_until: datetime | None) -> None:
    """A page's row: its channel, a bar from its send to its acknowledgement (else its last receipt, or the read
    of a live engagement), its receipts."""
    channel = page.channels[0] if page.channels else None
    row = _sub(group, "g", {"id": ident, "class": "page", "data-contact": page.contact,
                            "data-channel": channel.type if channel else "", "data-y": centre})
    _sub(row, "title").text = (f"{page.contact}" + (f" by {channel.type} ({channel.name})" if channel else "")
                               + (f": acknowledged after {human_duration(page.time_to_acknowledge)}"
                                  if page.time_to_acknowledge is not None else ": not acknowledged"))
    _text(row, PLOT_LEFT - 10, centre + 4, channel.type if channel else "-", size=11, fill="#57606a", anchor="end")
    if page.receipts:
        begin = page.receipts[0].time
        end = page.acknowledgement.time if page.acknowledgement else live_until or page.receipts[-1].time
        _sub(row, "line", {"x1": scale.x(begin), "x2": scale.x(end), "y1": centre, "y2": centre, "stroke-width": 3,
                           "stroke": "#2da44e" if page.acknowledgement else "#afb8c1", "stroke-linecap": "round"})
    # Acknowledgements are drawn last, on top of a send or a stop at the same moment.
    numbered = sorted(enumerate(page.receipts, 1), key=lambda item: DRAWING_ORDER.index(item[1].type)
                      if item[1].type in DRAWING_ORDER else 0)
    for number, receipt in numbered:
        _mark(row, receipt, page, scale, centre, f"{ident.replace('page', 'mark')}-{number}",
              receipt is first, receipt is counted, deadline is not None and receipt.time > deadline)


def _mark(row: ET.Element, receipt: ReceiptSummary, page: PageSummary, scale: Axis, y: float, ident: str,
          first: bool, counted: bool, late: bool) -> None:
    x = scale.x(receipt.time)
    after = receipt.time - scale.start
    kind = receipt.channel.type if receipt.channel else ""
    attributes: dict[str, object] = {
        "id": ident, "class": "mark" + (" first-acknowledgement" if first else ""), "data-receipt": receipt.type,
        "data-contact": page.contact, "data-channel": kind, "data-time": receipt.time.isoformat(),
        "data-offset": _seconds(after), "data-x": x, "data-y": y,
    }
    if first:
        attributes["data-first-acknowledgement"] = "true"
    if counted:
        attributes["data-counted"] = "true"
    if late:
        attributes["data-after-deadline"] = "true"
    mark = _sub(row, "g", attributes)
    said = [" ".join(part for part in (page.contact, kind, receipt.type) if part),
            f"at {_clock(receipt.time)} ({offset(max(after.total_seconds(), 0.0))})"]
    if first:
        said.append("the first acknowledgement")
    if counted and not first:
        said.append("the acknowledgement the verdict counts")
    if late:
        said.append("after the deadline")
    if receipt.info:
        said.append(f'"{receipt.info}"')
    _sub(mark, "title").text = ", ".join(said)
    if first or counted:
        _sub(mark, "circle", {"cx": x, "cy": y, "r": 11, "fill": "none", "stroke": HIGHLIGHT,
                              "stroke-width": 3 if first else 2})
    if first:  # said on the picture too, for the room: how long it took
        left = x - PLOT_LEFT > 120
        said_late = ", too late" if late else ""
        label = _text(mark, x - 14 if left else x + 14, y - 8,
                      f"acknowledged {offset(round(after.total_seconds(), 1))}{said_late}", size=10.5, weight="bold",
                      fill="#7d4e00", anchor="end" if left else "start")
        label.attrib.update({"stroke": "#ffffff", "stroke-width": "3", "paint-order": "stroke"})  # legible on lines
    _shape(mark, receipt.type, x, y)


def _shape(parent: ET.Element, kind: str, x: float, y: float, size: float = 6) -> None:
    """SENT a ring, DELIVERED a dot, READ a diamond, ERROR a cross, STOP a square: told apart without colour."""
    colour = RECEIPT_COLOURS.get(kind, "#57606a")
    if kind == "SENT":
        _sub(parent, "circle", {"class": "shape", "cx": x, "cy": y, "r": size - 1, "fill": "#ffffff", "stroke": colour,
                                "stroke-width": 2})
    elif kind == "DELIVERED":
        _sub(parent, "circle", {"class": "shape", "cx": x, "cy": y, "r": size - 1, "fill": colour})
    elif kind == "READ":
        points = f"{x},{y - size - 1} {x + size + 1},{y} {x},{y + size + 1} {x - size - 1},{y}"
        _sub(parent, "polygon", {"class": "shape", "points": points, "fill": colour, "stroke": "#ffffff",
                                 "stroke-width": 1})
    elif kind == "ERROR":
        d = f"M{x - size},{y - size} L{x + size},{y + size} M{x - size},{y + size} L{x + size},{y - size}"
        _sub(parent, "path", {"class": "shape", "d": d, "stroke": colour, "stroke-width": 2.5})
    else:
        _sub(parent, "rect", {"class": "shape", "x": x - size + 1, "y": y - size + 1, "width": 2 * size - 2,
                              "height": 2 * size - 2, "fill": colour})


def _legend(svg: ET.Element, y: float, prefix: str) -> None:
    legend = _sub(svg, "g", {"id": f"{prefix}-legend", "class": "legend"})
    x = 16.0
    for kind, meaning in RECEIPT_MEANINGS.items():
        _shape(legend, kind, x + 6, y - 4, 5)
        _text(legend, x + 16, y, meaning, size=11, fill="#57606a")
        x += 28 + 6.6 * len(meaning)
    _sub(legend, "circle", {"cx": x + 6, "cy": y - 4, "r": 7, "fill": "none", "stroke": HIGHLIGHT, "stroke-width": 3})
    _text(legend, x + 18, y, "first acknowledgement", size=11, fill="#57606a")
    x += 34 + 6.6 * len("first acknowledgement")
    _sub(legend, "line", {"x1": x, "x2": x + 18, "y1": y - 4, "y2": y - 4, "stroke": DEADLINE_COLOUR,
                          "stroke-width": 2, "stroke-dasharray": "6 4"})
    _text(legend, x + 24, y, "deadline", size=11, fill="#57606a")


def _counted(summary: DrillSummary) -> ReceiptSummary | None:
    """The receipt the verdict counted (it may not be the first acknowledgement when ``--by`` or ``--channels``
    leave that one out): the verdict's person and channel, at its time to acknowledge."""
    verdict = summary.decided()
    if not verdict.passed or verdict.time_to_acknowledge is None or summary.start_time is None:
        return None
    at = summary.start_time + verdict.time_to_acknowledge
    return next((receipt for page in summary.pages if page.contact == verdict.acknowledged_by
                 for receipt in page.receipts
                 if receipt.time == at and (receipt.channel.type if receipt.channel else "-") == verdict.channel),
                None)


def _facts(summary: DrillSummary) -> str:
    acknowledged = sum(1 for page in summary.pages if page.acknowledged_at is not None)
    started = f"started {_clock(summary.start_time)}" if summary.start_time else "not started"
    stopped = (f"stopped after {human_duration(summary.stop_time - summary.start_time)}"
               if summary.stop_time and summary.start_time else "still engaged")
    return (f"{summary.contact} \u00b7 {started} \u00b7 {stopped} \u00b7 {len(summary.pages)} pages sent, "
            f"{acknowledged} acknowledged")


def _description(summary: DrillSummary, drawn: Sequence[Lane]) -> str:
    people = "; ".join(f"{lane.label}: {len(lane.pages)} page(s)" for lane in drawn) or "nobody was paged"
    return f"Timeline of engagement {summary.engagement_arn}. {_facts(summary)}. {people}."


def _clock(moment: datetime | None) -> str:
    """``2026-11-23 09:00:42.5 UTC``: to the tenth of a second, as drills at a scaled time are that short."""
    if moment is None:
        return "-"
    tenths = moment.microsecond // 100_000
    return f"{moment:%Y-%m-%d %H:%M:%S}.{tenths} {moment.tzname() or ''}".rstrip()


def _seconds(span: timedelta) -> str:
    return f"{span.total_seconds():.3f}"


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _sub(parent: ET.Element, tag: str, attributes: dict[str, object] | None = None) -> ET.Element:
    return ET.SubElement(parent, tag, {name: f"{value:g}" if isinstance(value, float) else str(value)
                                       for name, value in (attributes or {}).items()})


def _text(parent: ET.Element, x: float, y: float, text: str, *, size: float, fill: str, weight: str = "normal",
          anchor: str = "start", dy: float = 0, id: str | None = None) -> ET.Element:
    attributes: dict[str, object] = {"x": x, "y": y + dy, "font-size": size, "fill": fill, "text-anchor": anchor}
    if weight != "normal":
        attributes["font-weight"] = weight
    if id:
        attributes["id"] = id
    element = _sub(parent, "text", attributes)
    element.text = text
    return element


def timeline_svg(summaries: Sequence[DrillSummary], include_message: bool = False) -> str:
    """A standalone SVG file's text: one engagement's timeline, or several stacked (each its own ``<svg>``)."""
    pictures = [timeline(summary, number, include_message) for number, summary in enumerate(summaries, 1)]
    if len(pictures) == 1:
        root = pictures[0]
    else:
        total = 0.0
        root = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "font-family": FONT})
        for picture in pictures:
            picture.set("y", f"{total:g}")
            total += float(picture.get("height", "0"))
            root.append(picture)
        root.set("viewBox", f"0 0 {WIDTH} {total:g}")
        root.set("width", str(WIDTH))
        root.set("height", f"{total:g}")
    return ET.tostring(root, encoding="unicode") + "\n"
