"""Live engagements a stack started that its state no longer holds: ``python -m pulumi_incident_manager.drill
orphans``.

A crash between StartEngagement and the engine saving its answer leaves the create *pending* in the stack's state:
the engagement is live, but no resource holds its ARN, so ``pulumi destroy`` cannot stop it. AWS never returns an
engagement's idempotency token, so the engagement is found by what it says to whom: an engagement is an orphan of
the stack when it is live, no resource of the state holds its ARN, and its contact, sender, subject, content,
public subject and content and incident id are those of an engagement the state's pending operations tried to
start. The state comes from ``pulumi stack export --show-secrets`` (the message is what identifies it); nothing of
the message is ever printed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from incident_manager_provider import api, aws
from incident_manager_provider.errors import IncidentManagerError, present
from incident_manager_provider.schema import ENGAGEMENT

from ._state import ENGAGEMENT_TYPES, StackError, stack_export, stack_settings

PROG = "python -m pulumi_incident_manager.drill orphans"

INSTEAD = ", or export the state yourself and pass the file with --export"
"""How to give the state without the CLI."""

SAYS = tuple(name for name in ENGAGEMENT.identity if name in ENGAGEMENT.members())
"""What an engagement says to whom, as StartEngagement sends it and DescribeEngagement returns it (``run`` is part
of the token only: AWS never sees it)."""

_SECRET_SIG = ("4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270")
"""How a state file marks a secret value: ``{sig: secret, "plaintext": <JSON>}`` when exported with secrets shown,
``"ciphertext"`` otherwise."""


@dataclass(frozen=True)
class Attempt:
    """An engagement the stack's state says it tried to start: a pending operation's inputs."""

    urn: str
    operation: str
    """The pending operation's type, as the state records it (``creating``)."""
    says: tuple[str | None, ...]
    """:func:`says` of its inputs."""

    @property
    def contact_arn(self) -> str:
        return self.says[SAYS.index("contact_id")] or ""


@dataclass(frozen=True)
class Orphan:
    """A live engagement that matches an :class:`Attempt` and that no resource of the state holds."""

    arn: str
    contact_arn: str
    start_time: datetime | None
    urn: str
    """The resource whose pending operation started it."""
    operation: str

    def to_dict(self) -> dict[str, Any]:
        return {"arn": self.arn, "contact": api.contact_alias(self.contact_arn), "contact_arn": self.contact_arn,
                "start_time": self.start_time.isoformat() if self.start_time else None, "urn": self.urn,
                "pending_operation": self.operation}

    def to_text(self) -> str:
        started = self.start_time.isoformat() if self.start_time else "-"
        return (f"{self.arn}\n  contact   {api.contact_alias(self.contact_arn)} ({self.contact_arn})\n"
                f"  started   {started}\n  resource  {self.urn} (interrupted while {self.operation})")


def says(values: Mapping[str, Any]) -> tuple[str | None, ...]:
    """What an engagement says to whom, from its inputs (snake_case) or a DescribeEngagement record: the one key
    both sides are compared by. An unset and an empty member say the same (StartEngagement is sent neither)."""
    return tuple(None if values.get(name) in (None, "") else str(values[name]) for name in SAYS)


def _plain(value: Any) -> Any:
    """A state value with its secret wrapper removed; an encrypted one cannot identify anything."""
    if isinstance(value, dict) and value.get(_SECRET_SIG[0]) == _SECRET_SIG[1]:
        if "plaintext" not in value:
            raise StackError("The stack export holds the message encrypted, and the message is what identifies an "
                               "engagement: export it with `pulumi stack export --show-secrets`.")
        return json.loads(value["plaintext"])
    return value


def attempts(deployment: Mapping[str, Any]) -> list[Attempt]:
    """The engagements the state's pending operations tried to start (``deployment`` is ``pulumi stack
    export``'s ``deployment``)."""
    found = []
    for pending in deployment.get("pending_operations") or []:
        resource = pending.get("resource") or {}
        if resource.get("type") in ENGAGEMENT_TYPES:
            inputs = ENGAGEMENT.in_snake_case(resource.get("inputs") or {})
            said = says({name: _plain(inputs.get(name)) for name in SAYS})
            found.append(Attempt(resource.get("urn", "-"), pending.get("type", "-"), said))
    return found


def tracked_arns(deployment: Mapping[str, Any]) -> set[str]:
    """The ARNs the state's Engagement resources hold."""
    return {resource["id"] for resource in deployment.get("resources") or []
            if resource.get("type") in ENGAGEMENT_TYPES and resource.get("id")}


def find_orphans(deployment: Mapping[str, Any], settings: aws.AwsSettings | None = None) -> list[Orphan]:
    """The live engagements (no StopTime) that say what a pending operation of the state tried to start, to the
    same contact, and whose ARN no resource of the state holds; in the contacts' regions."""
    wanted = [attempt for attempt in attempts(deployment) if attempt.contact_arn]
    tracked = tracked_arns(deployment)
    contacts = {attempt.contact_arn for attempt in wanted}
    orphans: dict[str, Orphan] = {}
    # An engagement lives in its contact's region: list each region once.
    for contact in {aws.region_of(contact): contact for contact in contacts}.values():
        client = aws.client(settings, arn=contact, operation="ListEngagements")
        for listed in api.list_engagements(client):
            if listed.stopped or listed.engagement_arn in tracked or listed.contact_arn not in contacts:
                continue
            live = api.get_engagement(client, listed.engagement_arn)
            said = says({**dataclasses.asdict(live), "contact_id": live.contact_arn})
            attempt = next((attempt for attempt in wanted if attempt.says == said), None)
            if attempt is not None and not live.stopped:
                orphans[live.arn] = Orphan(live.arn, live.contact_arn, live.start_time, attempt.urn, attempt.operation)
    return sorted(orphans.values(), key=lambda orphan: (orphan.start_time.timestamp() if orphan.start_time else 0,
                                                        orphan.arn))


def _load(path: Path) -> dict[str, Any]:
    try:
        document: dict[str, Any] = json.loads(path.read_text())
    except OSError as error:
        raise StackError(f"Cannot read --export {path}: {error.strerror or error}.") from None
    except json.JSONDecodeError:
        raise StackError(f"--export {path} is not JSON: write it with `pulumi stack export --show-secrets "
                           f"--file {path}`.") from None
    return document


def stop_reason(stack: str | None) -> str:
    """The reason StopEngagement records: the command, and the stack whose state lost the engagement."""
    of = f" for stack {stack}" if stack else ""
    return f"Stopped by `{PROG} --stop`{of}: its state no longer held this engagement."[:255]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pulumi_incident_manager.drill orphans (--stack NAME [--cwd DIR] | --export FILE) [--stop]``."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="List the live engagements that a stack started but its state no longer holds (after a crash "
                    "mid-create or mid-replace, the state keeps a pending operation but no resource), found by what "
                    "they say to whom; with --stop, stop them. The message is never printed.",
        epilog="Exit status: 0 when none was found (or --stop stopped every one), 1 when some were found (or one "
               "could not be stopped), 2 when the check could not run. The state is read with `pulumi stack export "
               "--show-secrets` in --cwd (set the backend and PULUMI_CONFIG_PASSPHRASE or the stack's secrets "
               "provider as for `pulumi up`); AWS is reached as the stack's config (aws:region, "
               "incident-manager:endpoint) and the AWS environment say.",
    )
    state = parser.add_mutually_exclusive_group(required=True)
    state.add_argument("--stack", metavar="NAME",
                        help="the stack whose state to read, with `pulumi stack export --show-secrets`")
    state.add_argument("--export", type=Path, metavar="FILE",
                        help="read this `pulumi stack export --show-secrets` output instead (AWS settings then come "
                             "from the environment only)")
    parser.add_argument("--cwd", type=Path, default=Path.cwd(), metavar="DIR",
                        help="the project folder (default: this folder)")
    parser.add_argument("--stop", action="store_true", help="stop each engagement found (StopEngagement)")
    parser.add_argument("--json", action="store_true", help="print the engagements found as a JSON list")
    args = parser.parse_args(argv)
    try:
        if args.stack:
            deployment = stack_export(args.stack, args.cwd, show_secrets=True, instead=INSTEAD).get("deployment") or {}
            settings = stack_settings(args.stack, args.cwd, INSTEAD)
        else:
            deployment = _load(args.export).get("deployment") or {}
            settings = aws.AwsSettings()
        orphans = find_orphans(deployment, settings)
    except (StackError, IncidentManagerError) as error:
        print(f"error: {present(error)}", file=sys.stderr)
        return 2
    stack = f"stack {args.stack}" if args.stack else f"the stack exported in {args.export}"
    if args.json:
        print(json.dumps([orphan.to_dict() for orphan in orphans], indent=2))
    elif not orphans:
        print(f"No live engagement of {stack} is missing from its state.")
    else:
        many = len(orphans) > 1
        print(f"{len(orphans)} live engagement{'s' if many else ''} started by {stack} {'are' if many else 'is'} "
              f"not in its state:\n")
        print("\n".join(orphan.to_text() for orphan in orphans))
        if not args.stop:
            source = f"--stack {args.stack}" if args.stack else f"--export {args.export}"
            print(f"\nTo stop {'them' if many else 'it'}: {PROG} {source} --stop")
    if not orphans:
        return 0
    if not args.stop:
        return 1
    # With --json the list is the output: what was stopped goes beside it.
    return _stop(orphans, settings, stop_reason(args.stack), sys.stderr if args.json else sys.stdout)


def _stop(orphans: Iterable[Orphan], settings: aws.AwsSettings, reason: str, out: TextIO) -> int:
    """StopEngagement of each orphan; 1 if one could not be stopped."""
    failed = 0
    for orphan in orphans:
        try:
            api.stop_engagement(aws.client(settings, arn=orphan.arn, operation="StopEngagement"), orphan.arn, reason)
        except IncidentManagerError as error:
            failed += 1
            print(f"error: {present(error)}", file=sys.stderr)
        else:
            print(f"stopped {orphan.arn}", file=out)
    return 1 if failed else 0
