"""The README's main command: an offline game-day drill that passes or fails, end to end, with the real Pulumi CLI.

Starts the embedded Incident Manager endpoint with simulated responders (alice answers her SMS two minutes after
it arrives, unless ``--responder`` says otherwise), seeds an escalation plan (alice, then bob five minutes later),
runs the plain ``pulumi up`` in the root project (``__main__.py``: an engagement and the acknowledgement it expects
within ten minutes), shows who was paged and who answered, prints the verdict and the drill report, writes the
drill's timeline (HTML and SVG, ``--report-dir``) and prints their paths, and destroys the stack unless ``--keep``.
Exits 1 when the drill is missed.

    make demo
    make demo ARGS="--responder alice-oncall:never --responder bob-oncall:SMS:7m"   # a missed drill
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from incident_manager_provider.api import contact_alias as alias
from pulumi_cli import REPO_ROOT, STATE_DIR, CliUnavailable, Project, PulumiFailed, ensure_cli
from pulumi_incident_manager.drill import ReportExtraMissing, Terms, html_report, summarize_drill, timeline_svg
from ssm_contacts_emulator import Emulator, EmulatorConfig
from ssm_contacts_emulator.seed import seed_rotation

WITHIN_MINUTES = 10
"""The drill's window, in the endpoint's (scaled) minutes."""


def step(number: int, title: str) -> None:
    print(f"\n== {number}/7 {title}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the stack (and its engagement) after the drill")
    parser.add_argument("--stack", default="gameday", help="stack name (default: gameday)")
    parser.add_argument(
        "--time-scale", type=float, default=60.0,
        help="how much faster than real time escalation stages and responders run offline (default: 60)",
    )
    parser.add_argument(
        "--responder", action="append", metavar="RULE",
        help="a simulated person, as ssm-contacts-emulator --responder takes it (default: alice-oncall:SMS:2m)",
    )
    parser.add_argument("--state-dir", type=Path, default=STATE_DIR / "demo", help="where the stack's state goes")
    parser.add_argument("--report-dir", type=Path,
                        help="where the drill's timeline goes: drill-report.html and drill-report.svg (default: the "
                             "state folder)")
    args = parser.parse_args(argv)
    responders = args.responder or ["alice-oncall:SMS:2m"]

    step(1, "Pulumi CLI")
    try:
        cli_root = ensure_cli()
    except CliUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"   {cli_root / 'bin' / 'pulumi'}")

    try:
        config = EmulatorConfig(time_scale=args.time_scale, responders=responders)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with Emulator(config) as endpoint:
        step(2, "Offline Incident Manager endpoint, with simulated responders")
        rotation = seed_rotation(endpoint.client())
        print(f"   {endpoint.endpoint_url} (account {endpoint.account_id}, {endpoint.region}, "
              f"{args.time_scale:g}x faster than real time)")
        print(f"   escalation plan {alias(rotation.escalation_arn)}: stage 1 {alias(rotation.alice_arn)}, "
              f"stage 2 {alias(rotation.bob_arn)} after 5 minutes (SMS and e-mail each)")
        print(f"   responders: {', '.join(responders)}")

        within = f"{WITHIN_MINUTES * 60 / args.time_scale:g}s"
        step(3, f"pulumi up --stack {args.stack}: the drill expects an acknowledgement within {WITHIN_MINUTES} "
                f"minutes ({within} here)")
        project = Project(REPO_ROOT, args.stack, cli_root, state_dir=args.state_dir, env=endpoint.env())
        project.init({"contactId": rotation.escalation_arn, "within": within, "onMiss": "record"})
        try:
            project.up(echo=lambda line: print(f"   {line}", flush=True))
        except PulumiFailed:
            print(f"error: pulumi up failed (stack {args.stack!r}, state in {project.state_dir})", file=sys.stderr)
            return 1
        outputs = project.outputs()

        step(4, "Pages sent")
        for message in endpoint.outbox():
            if message.get("kind", "PAGE") == "PAGE":
                print(f"   {alias(message['contact_arn']):<14} {message['channel_type']:<6} {message['address']}")

        step(5, "Verdict")
        print(f"   {'PASSED' if outputs['drill_passed'] else 'MISSED'}: {outputs['drill_verdict']}")

        step(6, "Drill report, judged by the same terms")
        terms = Terms(within=within)
        summary = summarize_drill(outputs["engagement_arn"], client=endpoint.client(), expectation=terms)
        print("\n".join(f"   {line}" if line else "" for line in summary.to_text().splitlines()))

        step(7, "The drill's timeline, for the room and the retro")
        report_dir = args.report_dir or project.state_dir
        report_dir.mkdir(parents=True, exist_ok=True)
        svg = report_dir / "drill-report.svg"
        svg.write_text(timeline_svg([summary]), encoding="utf-8")
        try:
            html = report_dir / "drill-report.html"
            html.write_text(html_report([summary]), encoding="utf-8")
            print(f"   {html.resolve()}  (open it in a browser)")
        except ReportExtraMissing as error:
            print(f"   no HTML report: {error}")
        print(f"   {svg.resolve()}")

        if args.keep:
            print(f"\nKept stack {args.stack!r} (state in {project.state_dir}); the endpoint stops with this command.")
        else:
            print(f"\n== pulumi destroy --stack {args.stack} (pass --keep to keep it)")
            destroyed = project.destroy()
            print(f"   {destroyed.changes}: stack destroyed")
            project.cli("stack", "rm", "--yes")
    return 0 if outputs["drill_passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
