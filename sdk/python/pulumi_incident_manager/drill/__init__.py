"""What a drill did: the pages an engagement sent, how each reached its person, on which channels, their receipts,
time to acknowledge and a verdict.

``summarize_drill(engagement_arn)`` reads it through the ssm-contacts API (DescribeEngagement,
ListPagesByEngagement, ListPageReceipts, ListPageResolutions, GetContactChannel) and returns a
:class:`DrillSummary` that prints as text (:meth:`DrillSummary.to_text`) or JSON (:meth:`DrillSummary.to_json`);
:func:`write_junit` writes summaries as a JUnit XML file, one testcase per engagement, so CI shows a missed drill
as a failed test; :func:`timeline_svg` draws them as a timeline (one lane per person and stage, each receipt a mark,
the deadline a line, the verdict the title) and :func:`html_report` puts those pictures in a self-contained HTML
report (Jinja2: the ``report`` extra). From a shell: ``python -m pulumi_incident_manager.drill ARN... [--within 10m
...] [--json] [--junit FILE] [--html FILE] [--svg FILE]``, or ``--stack NAME`` to judge a stack's engagements by
its own expectations (exit 1 when a drill did not pass).

The :class:`Verdict` is the verdict engine's (:mod:`incident_manager_provider.verdict`), the one
AcknowledgementExpectation reaches: with the same :class:`Terms` (``within``, ``by``, ``channels``, ``receipt``) the
report says the same verdict in the same words (PASSED or MISSED, and the resource's sentence), whenever it reads.
The default, :class:`AnyAcknowledgement`, counts any READ receipt at any time. Any object with
``verdict(summary) -> Verdict`` can judge instead (the :class:`Expectation` protocol).

Modules: ``_summary`` (the data and its text and JSON forms), ``_reader`` (``summarize_drill``), ``_verdict`` (the
expectations), ``_junit``, ``_timeline`` (the SVG), ``_html`` (the HTML report and its ``templates/``), ``_state``
(a stack read with the pulumi CLI), ``_cli`` (the command), ``_orphans``.
"""

from ._cli import main
from ._html import ReportExtraMissing, html_report
from ._junit import JUNIT_SUITE, junit_xml, write_junit
from ._orphans import Orphan, find_orphans
from ._reader import summarize_drill
from ._summary import ChannelSummary, DrillSummary, PageSummary, ReceiptSummary, ResolutionStep
from ._timeline import timeline_svg
from ._verdict import AnyAcknowledgement, Expectation, Terms, Verdict

__all__ = [
    "JUNIT_SUITE",
    "AnyAcknowledgement",
    "ChannelSummary",
    "DrillSummary",
    "Expectation",
    "Orphan",
    "PageSummary",
    "ReceiptSummary",
    "ReportExtraMissing",
    "ResolutionStep",
    "Terms",
    "Verdict",
    "find_orphans",
    "html_report",
    "junit_xml",
    "main",
    "summarize_drill",
    "timeline_svg",
    "write_junit",
]
