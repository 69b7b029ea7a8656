"""The embedded offline endpoint for the drill runners (scripts/pulumi_cli.py, scripts/tofu_cli.py): the same
command-line options and the same seeded endpoint, whichever CLI then runs the drill."""

from __future__ import annotations

import argparse
import contextlib


def add_offline_arguments(parser: argparse.ArgumentParser, metavar: str, seeded: str) -> None:
    """``--offline`` and what it takes; ``seeded`` names what ``--seeded-contact METAVAR`` sets (a config key, a
    variable)."""
    parser.add_argument("--offline", action="store_true", help="run against the embedded offline endpoint")
    parser.add_argument("--seeded-contact", metavar=metavar,
                        help=f"with --offline, set {seeded} to the seeded escalation plan's ARN")
    parser.add_argument("--responder", action="append", default=[], metavar="RULE",
                        help="with --offline, a simulated person (as ssm-contacts-emulator --responder takes it)")
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="with --offline, how much faster than real time escalations and responders run")


def start_offline_endpoint(resources: contextlib.ExitStack, args: argparse.Namespace) -> tuple[dict[str, str], str]:
    """Starts the endpoint for as long as ``resources`` lasts, seeded with the drill rotation, and says so: the
    environment that points a CLI at it, and the seeded escalation plan's ARN."""
    from ssm_contacts_emulator import Emulator, EmulatorConfig
    from ssm_contacts_emulator.seed import seed_rotation

    endpoint = resources.enter_context(Emulator(EmulatorConfig(time_scale=args.time_scale, responders=args.responder)))
    rotation = seed_rotation(endpoint.client())
    print(f"offline endpoint {endpoint.endpoint_url}, seeded {rotation.escalation_arn}", flush=True)
    return endpoint.env(), rotation.escalation_arn
