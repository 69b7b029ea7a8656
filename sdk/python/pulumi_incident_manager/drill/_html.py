"""The drill report as one self-contained HTML file: the timelines (inline SVG, :mod:`._timeline`), the verdicts
and every page's receipts, from a Jinja2 template (``templates/report.html.j2``, autoescaped) with its CSS inline,
print rules included. No script, no font, no request: it opens offline in any browser and prints on A4 or Letter.

Jinja2 is the ``report`` extra (``pip install 'pulumi-incident-manager[report]'``): a program that writes no HTML
report does not carry it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from incident_manager_provider.verdict import human_duration

from ._summary import DrillSummary
from ._timeline import RECEIPT_COLOURS, STATUS_COLOURS, lanes, offset, timeline

EXTRA = "pip install 'pulumi-incident-manager[report]'"
"""What installs what :func:`html_report` needs."""


class ReportExtraMissing(Exception):
    """Jinja2 is not installed: the sentence says how to install it."""


def require_extra() -> None:
    """Raise :class:`ReportExtraMissing` unless the HTML report can be written."""
    try:
        import jinja2  # noqa: F401
    except ImportError:
        raise ReportExtraMissing(f"The HTML report needs Jinja2, which the package's report extra installs: run "
                                 f"`{EXTRA}` and try again.") from None


def html_report(summaries: Sequence[DrillSummary], include_message: bool = False,
                generated: datetime | None = None) -> str:
    """The HTML file's text for these drills, one section each (the subject and content of each engagement only
    with ``include_message``, and only if the summaries were read with them)."""
    require_extra()
    import jinja2
    from markupsafe import Markup  # Jinja2's own dependency

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader(__package__ or "pulumi_incident_manager.drill", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    drills = [_drill(summary, number, include_message) for number, summary in enumerate(summaries, 1)]
    for drill in drills:
        drill["svg"] = Markup(drill["svg"])  # built by ElementTree, which escaped every text and attribute
    return environment.get_template("report.html.j2").render(
        drills=drills, generated=_when(generated or datetime.now(UTC)), status_colours=STATUS_COLOURS,
        receipt_colours=RECEIPT_COLOURS,
    )


def _drill(summary: DrillSummary, number: int, include_message: bool) -> dict[str, Any]:
    verdict = summary.decided()
    start = summary.start_time
    svg = ET.tostring(timeline(summary, number, include_message, heading=False), encoding="unicode")
    rows = []
    for lane in lanes(summary):
        for page in lane.pages:
            channel = page.channels[0] if page.channels else None
            for receipt in page.receipts:
                rows.append({
                    "lane": lane.label + (f" (via {lane.via})" if lane.via else ""),
                    "channel": f"{channel.type} {channel.name}" if channel else "-",
                    "type": receipt.type, "time": _when(receipt.time),
                    "after": offset(round((receipt.time - start).total_seconds(), 1)) if start else "-",
                    "info": receipt.info or "", "first": page.acknowledgement is receipt
                    and summary.first_acknowledged is page,
                })
    first = summary.first_acknowledged
    return {
        "number": number,
        "arn": summary.engagement_arn,
        "status": verdict.status,
        "message": verdict.message,
        "svg": svg,
        "facts": [
            ("Contact engaged", summary.contact),
            ("Sender", summary.sender),
            ("Incident", summary.incident_id or "-"),
            ("Started", _when(start)),
            ("Stopped", _when(summary.stop_time) if summary.stop_time else "still engaged"),
            ("Deadline", _when(verdict.deadline) if verdict.deadline else "none (any time)"),
            ("Pages", f"{len(summary.pages)} sent, "
                      f"{sum(1 for page in summary.pages if page.acknowledged_at is not None)} acknowledged"),
            ("First acknowledged", f"{first.contact} after {human_duration(summary.time_to_acknowledge)}"
                                   if first and summary.time_to_acknowledge is not None else "nobody"),
            ("Read at", _when(summary.read_at)),
        ],
        "subject": summary.subject if include_message else None,
        "content": summary.content if include_message else None,
        "rows": rows,
    }


def _when(moment: datetime | None) -> str:
    return moment.isoformat(sep=" ", timespec="milliseconds") if moment else "-"
