"""The README's main command: an offline game-day drill, end to end, with the real Pulumi CLI.

Starts the embedded Incident Manager endpoint, seeds an escalation plan (two people, SMS and e-mail), runs the plain
`pulumi up` in the root project (__main__.py), shows the pages sent, acknowledges one as the on-call person
would (with the code their phone received), prints the drill summary and destroys the stack unless --keep.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pulumi_cli import REPO_ROOT, STATE_DIR, CliUnavailable, Project, PulumiFailed, ensure_cli
from pulumi_incident_manager.drill import summarize_drill
from ssm_contacts_emulator import Emulator, EmulatorConfig
from ssm_contacts_emulator.seed import seed_rotation


def step(number: int, title: str) -> None:
    print(f"\n== {number}/6 {title}", flush=True)


def alias(arn: str) -> str:
    return arn.split("/")[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the stack (and its engagement) after the drill")
    parser.add_argument("--stack", default="gameday", help="stack name (default: gameday)")
    parser.add_argument(
        "--time-scale", type=float, default=60.0,
        help="how much faster than real time escalation stages run on the offline endpoint (default: 60)",
    )
    parser.add_argument("--state-dir", type=Path, default=STATE_DIR / "demo", help="where the stack's state goes")
    args = parser.parse_args(argv)

    step(1, "Pulumi CLI")
    try:
        cli_root = ensure_cli()
    except CliUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"   {cli_root / 'bin' / 'pulumi'}")

    with Emulator(EmulatorConfig(time_scale=args.time_scale)) as endpoint:
        step(2, "Offline Incident Manager endpoint")
        rotation = seed_rotation(endpoint.client())
        print(f"   {endpoint.endpoint_url} (account {endpoint.account_id}, {endpoint.region})")
        print(f"   escalation plan {alias(rotation.escalation_arn)}: stage 1 {alias(rotation.alice_arn)}, "
              f"stage 2 {alias(rotation.bob_arn)} after 5 minutes (SMS and e-mail each)")

        step(3, f"pulumi up --stack {args.stack} (Pulumi.yaml: the program in __main__.py)")
        project = Project(REPO_ROOT, args.stack, cli_root, state_dir=args.state_dir, env=endpoint.env())
        project.init({"contactId": rotation.escalation_arn})
        started = time.monotonic()
        try:
            project.up(echo=lambda line: print(f"   {line}", flush=True))
        except PulumiFailed:
            print(f"error: pulumi up failed (stack {args.stack!r}, state in {project.state_dir})", file=sys.stderr)
            return 1
        engagement_arn = project.outputs()["engagement_arn"]

        step(4, "Pages sent")
        outbox = endpoint.outbox()
        for message in outbox:
            print(f"   {alias(message['contact_arn']):<14} {message['channel_type']:<6} {message['address']:<26} "
                  f"code {message['accept_code']}")

        first = outbox[0]
        step(5, f"{alias(first['contact_arn'])} acknowledges the {first['channel_type']} page")
        time.sleep(1.0)  # a person takes a moment to read their phone
        endpoint.client().accept_page(
            PageId=first["page_arn"], AcceptType="READ", AcceptCode=first["accept_code"],
            ContactChannelId=first["channel_arn"], Note="On it: acknowledged from the drill",
        )
        print(f"   accepted page {first['page_arn']} with code {first['accept_code']}")

        # Wait past stage 2's due time (5 minutes, scaled) to show what the acknowledgement changed.
        time.sleep(max(0.0, started + 300 / args.time_scale + 1 - time.monotonic()))
        bob_paged = any(m["contact_arn"] == rotation.bob_arn for m in endpoint.outbox())
        print(f"   stage 2 ({alias(rotation.bob_arn)}) was {'paged' if bob_paged else 'not paged'} when it fell due")

        step(6, "Drill summary")
        summary = summarize_drill(engagement_arn, client=endpoint.client()).to_text()
        print("\n".join(f"   {line}" if line else "" for line in summary.splitlines()))

        if args.keep:
            print(f"\nKept stack {args.stack!r} (state in {project.state_dir}); the endpoint stops with this command.")
        else:
            print(f"\n== pulumi destroy --stack {args.stack} (pass --keep to keep it)")
            destroyed = project.destroy()
            print(f"   {destroyed.changes}: engagement stopped")
            project.cli("stack", "rm", "--yes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
