"""JUnit XML for CI: one testsuite, one testcase per engagement, so a missed drill shows as a failed test."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ._summary import DrillSummary

JUNIT_SUITE = "incident-manager drills"


def junit_xml(
    summaries: Sequence[DrillSummary], unread: Mapping[str, str] | None = None, now: datetime | None = None
) -> ET.ElementTree[ET.Element]:
    """A JUnit XML document with one testsuite and one testcase per engagement: a ``failure`` when its verdict
    failed, an ``error`` for each engagement in ``unread`` (ARN -> the sentence saying why it could not be read).

    Each testcase is named after the engagement's ARN in the class of its incident id (or contact), takes the
    time to acknowledge (or, failed, how long the engagement ran), and carries the verdict as properties and the
    text report as its output.
    """
    now = now or datetime.now(UTC)
    unread = unread or {}
    verdicts = [summary.decided() for summary in summaries]
    suite = ET.Element("testsuite", {
        "name": JUNIT_SUITE,
        "tests": str(len(summaries) + len(unread)),
        "failures": str(sum(not verdict.passed for verdict in verdicts)),
        "errors": str(len(unread)),
        "skipped": "0",
        "timestamp": now.isoformat(timespec="seconds"),
    })
    total = 0.0
    for summary, verdict in zip(summaries, verdicts, strict=True):
        ran = verdict.time_to_acknowledge if verdict.passed else _ran(summary, now)
        seconds = ran.total_seconds() if ran is not None else 0.0
        total += seconds
        case = ET.SubElement(suite, "testcase", {
            "classname": summary.incident_id or summary.contact,
            "name": summary.engagement_arn,
            "time": f"{seconds:.3f}",
        })
        properties = ET.SubElement(case, "properties")
        for name, value in verdict.to_dict().items():
            if value is not None and name != "message":
                ET.SubElement(properties, "property", {"name": name, "value": str(value).lower()
                                                       if isinstance(value, bool) else str(value)})
        ET.SubElement(properties, "property", {"name": "pages", "value": str(len(summary.pages))})
        if not verdict.passed:
            failure = {"message": verdict.message, "type": f"Drill{verdict.status.title()}"}  # DrillMissed
            ET.SubElement(case, "failure", failure).text = verdict.message
        ET.SubElement(case, "system-out").text = summary.to_text()
    for arn, sentence in unread.items():
        case = ET.SubElement(suite, "testcase", {"classname": JUNIT_SUITE, "name": arn, "time": "0.000"})
        ET.SubElement(case, "error", {"message": sentence, "type": "IncidentManagerError"}).text = sentence
    suite.set("time", f"{total:.3f}")
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(
    path: str | Path, summaries: Sequence[DrillSummary], unread: Mapping[str, str] | None = None
) -> None:
    """Write :func:`junit_xml` to ``path`` (UTF-8, with an XML declaration)."""
    junit_xml(summaries, unread).write(path, encoding="utf-8", xml_declaration=True)


def _ran(summary: DrillSummary, now: datetime) -> timedelta | None:
    """How long the engagement ran: to its stop, or to ``now`` while it still runs."""
    if summary.start_time is None:
        return None
    return (summary.stop_time or now) - summary.start_time
