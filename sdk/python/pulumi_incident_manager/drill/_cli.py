"""``python -m pulumi_incident_manager.drill``: the drill report from a shell, judged by the terms given or by the
stack's own, and ``drill orphans`` (:mod:`._orphans`)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from incident_manager_provider import aws
from incident_manager_provider.errors import IncidentManagerError, present
from incident_manager_provider.verdict import Terms, terms_failures

from . import _orphans
from ._html import ReportExtraMissing, html_report, require_extra
from ._junit import write_junit
from ._reader import summarize_drill
from ._state import StackError, drill_terms, stack_export, stack_settings
from ._summary import DrillSummary
from ._timeline import timeline_svg

PROG = "python -m pulumi_incident_manager.drill"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pulumi_incident_manager.drill [ARN...] [--within D] [--by C] [--channels T] [--receipt R]
    [--stack NAME [--cwd DIR]] [--json] [--junit FILE] [--html FILE] [--svg FILE] [--include-message-text]
    [--exit-zero]``.

    Prints each engagement's report, verdict included, judged by the terms given, else (with ``--stack``) by the
    stack's AcknowledgementExpectation of that engagement or its Engagement's ``stop_when``, else by the default
    (any READ receipt, any time). Exits 1 with one sentence on stderr when an engagement cannot be read (with
    ``--junit``, an ``error`` testcase) or when a drill did not pass, as a test runner does, so a CI step fails with
    the drill; ``--exit-zero`` only reports a drill that did not pass (an unreadable engagement still exits 1).
    ``--html`` and ``--svg`` also write the drills' timelines (:mod:`._html`, :mod:`._timeline`); the message text
    goes in only with ``--include-message-text``. Exits 2 when the terms or the stack cannot be used, or when
    ``--html`` lacks the report extra. ``... drill orphans ...`` finds live engagements a stack's
    state lost (:mod:`._orphans`).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["orphans"]:  # no ARN is spelled so
        return _orphans.main(argv[1:])
    parser = argparse.ArgumentParser(
        prog=PROG,
        usage="%(prog)s [-h] [--within D] [--by C] [--channels T] [--receipt R] [--stack NAME [--cwd DIR]] "
              "[--json] [--junit FILE] [--html FILE] [--svg FILE] [--include-message-text] [--exit-zero] "
              "[engagement_arn ...]\n"
              "       %(prog)s orphans (--stack NAME [--cwd DIR] | --export FILE) [--stop] [--json]",
        description="Summarize what engagements paged and judge each drill (PASSED, MISSED, or PENDING before its "
                    "deadline) by the rules and in the words of AcknowledgementExpectation; optionally write JUnit "
                    "XML.",
        epilog="Without terms the verdict is: any READ receipt, by anyone, at any time. `python -m "
               "pulumi_incident_manager.drill orphans --help`: find (and stop) the live engagements a stack started "
               "that its state no longer holds.",
    )
    parser.add_argument("engagement_arn", nargs="*", help="engagement ARNs (with --stack, default: every engagement "
                                                          "of the stack)")
    terms = parser.add_argument_group("terms", "what the drill expects, as AcknowledgementExpectation takes it")
    terms.add_argument("--within", metavar="D", help="deadline after the engagement's start: 90s, 15m, 1h30m")
    terms.add_argument("--by", metavar="C", action="extend", type=_listed,
                       help="contact aliases or ARNs whose acknowledgement counts (comma-separated or repeated)")
    terms.add_argument("--channels", metavar="T", action="extend", type=_listed,
                       help="channel types that count: SMS, VOICE, EMAIL (comma-separated or repeated)")
    terms.add_argument("--receipt", metavar="R", help="the receipt that counts: READ (default) or DELIVERED")
    parser.add_argument("--stack", metavar="NAME", help="read the terms (and where AWS is) from this stack's state "
                                                        "with `pulumi stack export`; terms given here win")
    parser.add_argument("--cwd", type=Path, default=Path.cwd(), metavar="DIR",
                        help="the stack's project folder (default: this folder)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text (a list for several ARNs)")
    parser.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report, one testcase per engagement")
    parser.add_argument("--html", metavar="FILE", help="also write the drills' timelines and receipts as one "
                                                       "self-contained HTML file (needs the report extra)")
    parser.add_argument("--svg", metavar="FILE", help="also write the timelines alone, as an SVG picture")
    parser.add_argument("--include-message-text", action="store_true",
                        help="put the engagements' subject and content in the HTML and SVG reports (left out "
                             "by default: they may be confidential)")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when a drill did not pass")
    args = parser.parse_args(argv)
    given = {"within": args.within, "by": args.by, "channels": args.channels, "receipt": args.receipt}
    explicit = any(value is not None for value in given.values())
    if explicit:
        failures = terms_failures(given, prefix="--", within_required=False)
        if failures:
            parser.error(failures[0].reason)
    if not args.engagement_arn and not args.stack:
        parser.error("give one or more engagement ARNs, or --stack NAME to judge every engagement of a stack")
    if args.html:
        try:
            require_extra()
        except ReportExtraMissing as error:
            print(f"error: --html: {error}", file=sys.stderr)
            return 2
    judged: dict[str, Terms | None] = dict.fromkeys(args.engagement_arn)
    settings: aws.AwsSettings | None = None
    if args.stack:
        try:
            held = drill_terms(stack_export(args.stack, args.cwd).get("deployment") or {}, args.stack)
            settings = stack_settings(args.stack, args.cwd)
        except StackError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        judged = {arn: held.get(arn) for arn in args.engagement_arn} if args.engagement_arn else held
        if not judged:
            print(f"error: Stack {args.stack} holds no engagement: run `pulumi up` first, or give the ARNs.",
                  file=sys.stderr)
            return 2
    summaries: list[DrillSummary] = []
    unread: dict[str, str] = {}
    for arn, stack_terms in judged.items():
        expectation = Terms.of(given) if explicit else stack_terms
        try:
            client = aws.client(settings, arn=arn, operation="DescribeEngagement") if settings else None
            summaries.append(summarize_drill(arn, client=client, expectation=expectation,
                                             include_message=args.include_message_text))
        except IncidentManagerError as error:
            unread[arn] = present(error)
    if summaries:
        if args.json:
            documents = [summary.to_dict() for summary in summaries]
            print(json.dumps(documents[0] if len(judged) == 1 else documents, indent=2))
        else:
            print("\n\n".join(summary.to_text() for summary in summaries))
    try:
        if args.junit:
            written = "JUnit report", args.junit
            write_junit(args.junit, summaries, unread)
        if args.html and summaries:
            written = "HTML report", args.html
            Path(args.html).write_text(html_report(summaries, args.include_message_text), encoding="utf-8")
        if args.svg and summaries:
            written = "SVG timeline", args.svg
            Path(args.svg).write_text(timeline_svg(summaries, args.include_message_text), encoding="utf-8")
    except OSError as error:
        what, path = written
        print(f"error: could not write the {what} to {path}: {error.strerror or error}.", file=sys.stderr)
        return 1
    failed = [summary.decided() for summary in summaries if not summary.decided().passed]
    if unread:
        print(f"error: {next(iter(unread.values()))}", file=sys.stderr)
        return 1
    if failed and not args.exit_zero:
        more = f" (and {len(failed) - 1} more: see the report)" if len(failed) > 1 else ""
        print(f"{failed[0].status} ({len(failed)} of {len(summaries)}): {failed[0].message.removesuffix('.')}{more}.",
              file=sys.stderr)
        return 1
    return 0


def _listed(text: str) -> list[str]:
    """``a,b`` and ``a`` ``b``: comma-separated or repeated flags."""
    return [item.strip() for item in text.split(",") if item.strip()]
