"""``ssm-contacts-emulator``: serve the offline ssm-contacts endpoint until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import signal
import sqlite3
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from .config import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_ACCOUNT_ID,
    DEFAULT_IDEMPOTENCY_WINDOW_SECONDS,
    DEFAULT_REGION,
    DEFAULT_SECRET_ACCESS_KEY,
    EmulatorConfig,
    FaultConfig,
)
from .emulator import READY_LINE, Emulator
from .responders import SPEC_SYNTAX, Responder, read_responders_file


def _key_pair(text: str) -> tuple[str, str]:
    key, sep, secret = text.partition(":")
    if not sep or not key or not secret:
        raise argparse.ArgumentTypeError(f"expected ACCESS_KEY_ID:SECRET_ACCESS_KEY, got {text!r}")
    return key, secret


def _allowlist(text: str) -> tuple[str, frozenset[str]]:
    key, sep, actions = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected ACCESS_KEY_ID=Operation[,Operation...], got {text!r}")
    return key, frozenset(a.strip().removeprefix("ssm-contacts:") for a in actions.split(",") if a.strip())


def _responder(text: str) -> Responder:
    try:
        return Responder.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ssm-contacts-emulator",
        description="Offline AWS Incident Manager (ssm-contacts) endpoint for boto3, the AWS CLI and Pulumi.",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=4566, help="TCP port; 0 picks a free one (default: 4566)")
    p.add_argument("--region", default=DEFAULT_REGION, help=f"region of ARNs and signing (default: {DEFAULT_REGION})")
    p.add_argument("--account-id", default=DEFAULT_ACCOUNT_ID, help=f"account in ARNs (default: {DEFAULT_ACCOUNT_ID})")
    p.add_argument("--state", metavar="FILE", help="persist to this SQLite file (default: memory only)")
    p.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="run escalation delays this many times faster; 60: 5 min -> 5 s; 0: no delay (default: 1)",
    )
    p.add_argument(
        "--idempotency-window",
        type=float,
        default=DEFAULT_IDEMPOTENCY_WINDOW_SECONDS,
        metavar="SECONDS",
        help=f"how long StartEngagement remembers an IdempotencyToken (default: {DEFAULT_IDEMPOTENCY_WINDOW_SECONDS})",
    )
    p.add_argument(
        "--credentials",
        type=_key_pair,
        action="append",
        metavar="KEY_ID:SECRET",
        help="accept signatures by this key pair (repeatable; default: the documented test pair)",
    )
    p.add_argument(
        "--allow",
        type=_allowlist,
        action="append",
        metavar="KEY_ID=Op1,Op2",
        help="restrict a key to these operations; others answer AccessDeniedException (repeatable)",
    )
    p.add_argument(
        "--activation-code", help="a code ActivateContactChannel accepts, besides one sent (default: any code)"
    )
    p.add_argument(
        "--strict-activation",
        action="store_true",
        help="ActivateContactChannel accepts only the code SendActivationCode sent to the channel",
    )
    p.add_argument(
        "--fail-delivery",
        action="append",
        metavar="CHANNEL",
        help="sends to this channel ARN or address fail (ERROR receipt, retried where planned; repeatable)",
    )
    people = p.add_argument_group("simulated responders (see docs/emulator.md, 'Simulated responders')")
    people.add_argument(
        "--responder",
        type=_responder,
        action="append",
        metavar="RULE",
        help=f"a simulated person who answers pages: {SPEC_SYNTAX}, e.g. alice-oncall:SMS:90s, bob-oncall:never, "
        "'*:5m' for everyone not named (repeatable; default: nobody answers)",
    )
    people.add_argument(
        "--responders",
        metavar="FILE.json",
        help='responders from a JSON file: {"responders": [...], "fail_delivery": [...]} (before any --responder)',
    )
    page = p.add_argument_group("live drill page (see docs/emulator.md, 'Live drill page')")
    page.add_argument(
        "--live-page",
        action="store_true",
        help="serve a live drill page at /drill: engagements, pages, receipts and who is on call, with an "
        "acknowledge button per page (loopback hosts only)",
    )
    page.add_argument(
        "--live-page-show-messages",
        action="store_true",
        help="show on the live page what the pages said: subjects, contents, addresses and accept codes "
        "(default: hidden)",
    )
    p.add_argument("--seed", action="store_true", help="create the demo rotation (alice, bob, drill-escalation)")
    faults = p.add_argument_group("faults")
    faults.add_argument("--throttle-rate", type=float, metavar="REQ_PER_S", help="token-bucket rate limit")
    faults.add_argument("--throttle-burst", type=int, metavar="N", help="token-bucket size (default: the rate)")
    faults.add_argument("--error-rate", type=float, default=0.0, metavar="P", help="probability of a 500")
    faults.add_argument("--drop-rate", type=float, default=0.0, metavar="P", help="probability of a dropped connection")
    faults.add_argument("--latency-ms", type=float, default=0.0, metavar="MS", help="delay added to every answer")
    faults.add_argument("--fault-seed", type=int, metavar="N", help="seed the error and drop draws (reproducible)")
    faults.add_argument(
        "--hold-start-engagement",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="StartEngagement starts the engagement, then waits this long before answering",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log every request to stderr")
    return p


def config_from(args: argparse.Namespace) -> EmulatorConfig:
    """The settings the options describe; ValueError (one sentence) for settings that do not fit together."""
    responders: list[Responder] = []
    failing: list[str] = []
    if args.responders:
        from_file = read_responders_file(args.responders)
        responders += from_file.responders
        failing += from_file.fail_delivery
    responders += args.responder or []
    failing += args.fail_delivery or []
    return EmulatorConfig(
        host=args.host,
        port=args.port,
        region=args.region,
        account_id=args.account_id,
        credentials=dict(args.credentials or [(DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY)]),
        allowed_actions=dict(args.allow or []),
        time_scale=args.time_scale,
        idempotency_window_seconds=args.idempotency_window,
        state_path=args.state,
        activation_code=args.activation_code,
        strict_activation=args.strict_activation,
        responders=responders,
        failing_channels=list(dict.fromkeys(failing)),
        live_page=args.live_page,
        live_page_show_messages=args.live_page_show_messages,
        faults=FaultConfig(
            throttle_rate=args.throttle_rate,
            throttle_burst=args.throttle_burst,
            error_rate=args.error_rate,
            drop_rate=args.drop_rate,
            latency_ms=args.latency_ms,
            hold_start_engagement_seconds=args.hold_start_engagement,
            seed=args.fault_seed,
        ),
    )


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM stops as cleanly as Ctrl-C


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(message)s")
    try:
        config = config_from(args)
    except ValueError as error:
        print(f"ssm-contacts-emulator: {error}", file=sys.stderr)
        return 2
    emulator = Emulator(config)
    try:
        emulator.start()
    except sqlite3.Error as error:
        print(
            f"ssm-contacts-emulator: cannot use {config.state_path} as the state file ({error}); give --state a "
            f"path in a folder that exists and that you can write to",
            file=sys.stderr,
        )
        return 2
    except OSError as error:
        print(f"ssm-contacts-emulator: cannot listen on {config.host}:{config.port}: {error}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        print(
            f"ssm-contacts-emulator serving {emulator.endpoint_url} "
            f"(region {config.region}, account {config.account_id}, "
            f"state {config.state_path or 'in memory'})"
        )
        print("Point boto3, the AWS CLI and Pulumi at it with:")
        for name, value in emulator.env().items():
            print(f"  export {name}={value}")
        if args.seed:
            from .seed import seed_rotation

            rotation = seed_rotation(emulator.admin_client())  # faults are for API callers, not the seed
            print("Seeded rotation:")
            for name, value in vars(rotation).items():
                print(f"  {name} = {value}")
        if config.live_page:
            print(f"Live drill page: {emulator.live_page_url} (open it in a browser)")
        if config.responders:
            print("Simulated responders:")
            for rule in emulator.responders():
                print(f"  {rule.to_spec()}")
        print(READY_LINE, flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    print("ssm-contacts-emulator stopped.", flush=True)
    return 0
