"""The acceptance suite (`make acceptance`): the end-to-end scenarios, in sequence on one stack, with the real
Pulumi CLI, against the offline endpoint (default) or, opted into, against your AWS account.

    make acceptance                                        # offline: an endpoint on 127.0.0.1, a free port
    INCIDENT_MANAGER_ACCEPTANCE=aws \\
    INCIDENT_MANAGER_ACCEPTANCE_CONTACT=arn:aws:ssm-contacts:REGION:ACCOUNT:contact/ALIAS make acceptance

Offline, every AWS_* variable of the environment is dropped and replaced by the endpoint's, and the stack names
the endpoint in its config: nothing reaches AWS. Against AWS it uses your credential chain and region, prints who
it will page and where, and asks before paging (unless --yes or INCIDENT_MANAGER_ACCEPTANCE_YES=1). It destroys its
stack and stops every engagement it started, even when a scenario fails. docs/acceptance.md says more.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import re
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from botocore.exceptions import BotoCoreError, ClientError

from pulumi_cli import (
    REPO_ROOT,
    STATE_DIR,
    CliUnavailable,
    Project,
    PulumiFailed,
    copy_project,
    ensure_cli,
)

OPT_IN = "INCIDENT_MANAGER_ACCEPTANCE"
CONTACT = "INCIDENT_MANAGER_ACCEPTANCE_CONTACT"
YES = "INCIDENT_MANAGER_ACCEPTANCE_YES"
WITHIN = "INCIDENT_MANAGER_ACCEPTANCE_WITHIN"
PROGRAM = REPO_ROOT / "tests" / "e2e" / "programs" / "acceptance"
STACK = "acceptance"
CONTACT_ARN = re.compile(r"arn:aws[a-z-]*:ssm-contacts:([a-z0-9-]+):[0-9]{12}:contact/[\w+=/,.@-]+")
ENGAGEMENTS = 3
"""Engagements a full run starts: the first up, the change, the drill."""
PAGE_WAIT_SECONDS = 180.0
"""How long to wait for AWS to list the first page of an engagement (its plan's first stage)."""
OFFLINE_WITHIN = "60s"
AWS_WITHIN = "5m"


class Refused(Exception):
    """The suite will not run as asked; the message is one sentence saying what to set."""


class Skipped(Exception):
    """A scenario cannot run honestly on this target; the message says why."""


class ScenarioFailed(Exception):
    """A scenario's check did not hold; the message says what was expected and what happened."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise ScenarioFailed(message)


@dataclass
class Target:
    """Where the suite runs: the offline endpoint or AWS, and what differs between them."""

    name: str
    contact: str
    region: str
    client: Any
    """boto3 ssm-contacts client for the suite's own reads (and the out-of-band stop)."""
    config: dict[str, str]
    """Stack config beside the program's own."""
    emulator: Any = None
    """The offline endpoint (an ssm_contacts_emulator.Emulator), None on AWS."""

    @property
    def offline(self) -> bool:
        return self.emulator is not None


def offline_target(stack: contextlib.ExitStack) -> Target:
    """The endpoint on 127.0.0.1 (a free port), seeded. This process, and so the CLI, the program and the provider
    it starts, sees none of the shell's AWS_* variables: only the endpoint's, with no shared file, profile or
    instance role that could send a call elsewhere."""
    from ssm_contacts_emulator import Emulator, EmulatorConfig
    from ssm_contacts_emulator.seed import seed_rotation

    for name in [name for name in os.environ if name.startswith("AWS_")]:
        del os.environ[name]
    os.environ.update(
        {"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true"}
    )
    emulator = stack.enter_context(Emulator(EmulatorConfig(time_scale=600.0)))
    os.environ.update(emulator.env())
    rotation = seed_rotation(emulator.client())
    # The stack names the endpoint too: an explicit endpoint wins over anything botocore would read.
    config = {"incident-manager:endpoint": emulator.endpoint_url, "aws:region": emulator.region}
    return Target("the offline endpoint", rotation.alice_arn, emulator.region, emulator.client(), config, emulator)


def aws_target(contact: str) -> Target:
    """Your AWS account, through your credential chain and region (and endpoint override, if you set one)."""
    import boto3

    try:
        region = (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
                  or boto3.session.Session().region_name)
        if not region:
            raise Refused("No AWS region is set: set AWS_REGION (or your profile's region) to the contact's region.")
        client = boto3.session.Session(region_name=region).client("ssm-contacts")
    except BotoCoreError as error:
        raise Refused(f"Your AWS configuration cannot be used ({error}): fix it, then run the suite again.") from None
    return Target("AWS", contact, region, client, {"aws:region": region})


def choose_target(environ: dict[str, str], stack: contextlib.ExitStack) -> Target:
    opt_in = environ.get(OPT_IN, "").strip().lower()
    if opt_in in ("", "offline"):
        if environ.get(CONTACT):
            print(f"{CONTACT} is ignored without {OPT_IN}=aws: running against the offline endpoint.")
        return offline_target(stack)
    if opt_in != "aws":
        raise Refused(f"{OPT_IN} must be aws (or unset, or offline), not {environ[OPT_IN][:40]!r}.")
    contact = environ.get(CONTACT, "").strip()
    if not contact:
        raise Refused(f"{OPT_IN}=aws needs the contact to page: set {CONTACT} to its ARN "
                      "(arn:aws:ssm-contacts:<region>:<account>:contact/<alias>).")
    if not CONTACT_ARN.fullmatch(contact):
        raise Refused(f"{CONTACT} must be a contact ARN (arn:aws:ssm-contacts:<region>:<account>:contact/<alias>), "
                      f"not {contact[:80]!r}.")
    return aws_target(contact)


@dataclass
class Suite:
    """The scenarios, in order, on one stack; each says what it checks and stops the run when it fails."""

    target: Target
    project: Project
    run_id: str
    within: str
    read_codes: bool
    """Whether an accept code can be asked of the person at this terminal (AWS only)."""
    passed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def incident_id(self) -> str:
        return f"acceptance-{self.run_id}"

    # -- what the account says, read directly (boto3), not through the tool ----------------------------------

    def engagements(self) -> dict[str, dict[str, Any]]:
        """The engagements this run started (its incident id, its contact), by ARN, with their stop times."""
        found: dict[str, dict[str, Any]] = {}
        for listing in self.target.client.get_paginator("list_engagements").paginate(IncidentId=self.incident_id):
            for engagement in listing["Engagements"]:
                if engagement["ContactArn"] == self.target.contact:
                    found[engagement["EngagementArn"]] = engagement
        return found

    def live(self) -> list[str]:
        return [arn for arn, e in self.engagements().items() if not e.get("StopTime")]

    def pages(self, engagement_arn: str, wait: bool = True) -> list[dict[str, Any]]:
        """The engagement's pages; on AWS waits for the first one (the service sends them asynchronously)."""
        deadline = time.monotonic() + (PAGE_WAIT_SECONDS if wait and not self.target.offline else 0)
        waiting = False
        while True:
            pages = self.target.client.list_pages_by_engagement(EngagementId=engagement_arn)["Pages"]
            if pages or time.monotonic() >= deadline:
                return list(pages)
            if not waiting:
                print(f"   waiting up to {PAGE_WAIT_SECONDS:.0f}s for AWS to list the first page", flush=True)
                waiting = True
            time.sleep(5)

    def requests(self) -> int:
        """Requests the offline endpoint has answered (0 on AWS, whose request log the suite cannot read)."""
        return len(self.target.emulator.requests()) if self.target.offline else 0

    def starts(self) -> int:
        """StartEngagement calls the offline endpoint has answered (0 on AWS)."""
        return self.target.emulator.request_counts().get("StartEngagement", 0) if self.target.offline else 0

    def first_page(self, engagement_arn: str) -> tuple[str, str]:
        """The engagement's first page (its SMS, if one was sent first) and who and what it reached, from its SENT
        receipt's channel."""
        described: list[tuple[str, str]] = []
        for page in sorted(self.pages(engagement_arn), key=lambda p: p["SentTime"]):
            receipts = self.target.client.list_page_receipts(PageId=page["PageArn"])["Receipts"]
            channels = [r["ContactChannelArn"] for r in receipts if r.get("ContactChannelArn")]
            channel = self.target.client.get_contact_channel(ContactChannelId=channels[0]) if channels else {}
            reached = f"{page['ContactArn']}" + (f" by {channel['Type']} ({channel['Name']})" if channel else "")
            if channel.get("Type") == "SMS":
                return page["PageArn"], reached
            described.append((page["PageArn"], reached))
        if not described:
            raise ScenarioFailed(f"no page of {engagement_arn}")
        return described[0]

    def stack_arn(self, output: str = "arn") -> str:
        return str(self.project.outputs()[output])

    # -- the scenarios ----------------------------------------------------------------------------------------

    def preview_pages_nobody(self) -> str:
        before = self.requests()
        preview = self.project.preview()
        called = self.requests() - before
        expect(preview.changes == {"create": 4}, f"preview planned {preview.changes}, not 4 creates")
        expect(not self.engagements(), "an engagement was started during preview")
        if self.target.offline:
            expect(called == 0, f"preview made {called} calls to the endpoint")
            return "4 creates planned; no engagement, no call to the endpoint"
        return "4 creates planned; no engagement started"

    def up_pages_once(self) -> str:
        up = self.project.up()
        expect(up.changes == {"create": 4}, f"up reported {up.changes}, not 4 creates")
        arn = self.stack_arn()
        expect(list(self.engagements()) == [arn], f"up started {len(self.engagements())} engagements, not 1")
        pages = self.pages(arn)
        expect(bool(pages), f"no page of {arn} within {PAGE_WAIT_SECONDS:.0f}s: does the contact's plan engage an "
                            "activated channel at once?")
        if self.target.offline:
            expect(len(pages) == 2, f"{len(pages)} pages, not alice's SMS and e-mail")
        return f"one engagement; paged {', '.join(sorted({p['ContactArn'] for p in pages}))}"

    def no_op_up(self) -> str:
        before, calls = self.engagements(), self.starts()
        up = self.project.up()
        expect(up.changes == {"same": 4}, f"up reported {up.changes}, not 4 unchanged")
        after = self.engagements()
        expect(after.keys() == before.keys(), "an unchanged up started an engagement")
        expect(not any(e.get("StopTime") for e in after.values()), "an unchanged up stopped the engagement")
        expect(self.starts() == calls, "an unchanged up called StartEngagement")
        return "every resource unchanged; no engagement started"

    def change_stops_then_pages_once(self) -> str:
        old = self.stack_arn()
        self.project.set_config("content", self.message("content, reworded: the change scenario"), secret=True)
        up = self.project.up()
        expect(up.changes == {"replace": 1, "same": 3}, f"up reported {up.changes}, not 1 replace")
        new = self.stack_arn()
        engagements = self.engagements()
        expect(set(engagements) == {old, new} and old != new, f"{len(engagements) - 1} new engagements, not 1")
        stopped, started = engagements[old].get("StopTime"), engagements[new]["StartTime"]
        expect(stopped is not None, "the old engagement was not stopped")
        expect(stopped <= started, "the new engagement started before the old one was stopped")
        expect(not engagements[new].get("StopTime"), "the new engagement is not live")
        expect(bool(self.pages(new)), f"no page of {new}")
        return "old engagement stopped, then one new engagement started"

    def accept_a_page(self) -> str:
        arn = self.stack_arn()
        if self.target.offline:
            sms = next(m for m in self.target.emulator.outbox()
                       if m["engagement_arn"] == arn and m["channel_type"] == "SMS")
            page_id, code = sms["page_arn"], sms["accept_code"]
        else:
            # Only the person paged knows the code: the suite asks them, and never makes one up.
            if not self.read_codes:
                raise Skipped("it needs the accept code the paged person received, typed at a terminal (run the "
                              "suite from one, not through a pipe, to include it)")
            page_id, reached = self.first_page(arn)
            print(f"   Page {page_id} went to {reached}.", flush=True)
            code = getpass.getpass("   Type the accept code that message carries (not shown; Enter skips): ")
            if not code.strip():
                raise Skipped("no accept code was typed")
            code = code.strip()
        self.project.set_config("pageId", page_id)
        self.project.set_config("acceptCode", code, secret=True)
        up = self.project.up()
        expect(up.changes == {"create": 1, "same": 4}, f"up reported {up.changes}, not 1 create")
        receipts = self.target.client.list_page_receipts(PageId=page_id)["Receipts"]
        expect("READ" in [r["ReceiptType"] for r in receipts], "the page has no READ receipt")
        return "PageAcceptance acknowledged the page (READ receipt) with the code it carried"

    def expectation_verdict(self) -> str:
        if self.target.offline:
            self.target.emulator.set_responders(["alice-oncall:SMS:1m"])  # a simulated alice answers her SMS
        else:
            print(f"   A drill page goes to {self.target.contact} now: acknowledge it within {self.within} of its "
                  "start (the verdict records whether anyone did).", flush=True)
        self.project.set_config("drill", "true")
        self.project.set_config("within", self.within)
        self.project.set_config("drillSubject", self.message("drill: acknowledge this page"), secret=True)
        before = set(self.engagements())
        up = self.project.up()
        expect(up.changes.get("create") == 2, f"up reported {up.changes}, not 2 creates")
        outputs = self.project.outputs()
        drill = outputs["drill_arn"]
        expect(set(self.engagements()) - before == {drill}, "the drill did not start exactly one engagement")
        passed, verdict = outputs["passed"], outputs["verdict"]
        expect(isinstance(passed, bool) and bool(verdict), "no verdict recorded")
        read = [r for p in self.pages(drill, wait=False)
                for r in self.target.client.list_page_receipts(PageId=p["PageArn"])["Receipts"]
                if r["ReceiptType"] == "READ" and r["ReceiptTime"] <= datetime.fromisoformat(outputs["deadline"])]
        expect(passed == bool(read), f"the verdict says passed={passed}, but the pages have {len(read)} READ "
                                     "receipts before the deadline")
        if self.target.offline:
            expect(passed and outputs["acknowledged_by"] == "alice-oncall", f"verdict: {verdict}")
        return f"verdict: {verdict}"

    def refresh_sees_an_out_of_band_stop(self) -> str:
        arn = self.stack_arn()
        self.target.client.stop_engagement(EngagementId=arn, Reason="Stopped outside Pulumi by the acceptance suite")
        refresh = self.project.refresh()
        expect(set(refresh.changes) == {"same"}, f"refresh reported {refresh.changes}, not every resource unchanged")
        [record] = [r for r in self.project.resources(":Engagement") if r["urn"].endswith("::page")]
        expect(bool(record["outputs"].get("stop_time")), "the state does not record the stop")
        before = self.engagements()
        up = self.project.up()
        expect(set(up.changes) == {"same"}, f"the up after refresh reported {up.changes}")
        expect(self.engagements().keys() == before.keys(), "the up after refresh started an engagement")
        return "state records stop_time; the next up pages nobody"

    def destroy_stops(self) -> str:
        live = self.live()
        # Offline the drill's engagement is surely live; AWS may have ended it once its plan ran out.
        expect(bool(live) or not self.target.offline, "no live engagement left to stop")
        self.project.destroy()
        expect(self.live() == [], f"{len(self.live())} engagements still live")
        expect(self.project.resources() == [], "the stack still holds resources")
        if not live:
            return "the stack is empty (nothing was live to stop: AWS had ended the engagements)"
        return f"stopped {len(live)} live engagement; the stack is empty"

    def message(self, text: str) -> str:
        return f"[TEST] pulumi-incident-manager acceptance {self.run_id}: {text}"

    SCENARIOS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("preview pages nobody", "preview_pages_nobody"),
        ("up pages once", "up_pages_once"),
        ("an unchanged up pages nobody", "no_op_up"),
        ("a change stops the old engagement, then pages once", "change_stops_then_pages_once"),
        ("accept a page", "accept_a_page"),
        ("an expectation's verdict", "expectation_verdict"),
        ("refresh sees an out-of-band stop", "refresh_sees_an_out_of_band_stop"),
        ("destroy stops", "destroy_stops"),
    )

    def run(self) -> bool:
        for number, (title, method) in enumerate(self.SCENARIOS, 1):
            print(f"[{number}/{len(self.SCENARIOS)}] {title}", flush=True)
            try:
                said = getattr(self, method)()
            except (ScenarioFailed, PulumiFailed, ClientError, BotoCoreError) as failure:
                print(f"   FAILED: {failure}", flush=True)
                return False
            except KeyboardInterrupt:
                print("   INTERRUPTED: cleaning up before exiting", flush=True)
                return False
            except Skipped as reason:
                self.skipped.append(title)
                print(f"   SKIPPED on AWS: {reason}.", flush=True)
                continue
            self.passed.append(title)
            print(f"   ok: {said}", flush=True)
        return True

    def clean_up(self) -> bool:
        """Destroys the stack and stops any engagement of this run still live, whatever happened before; says
        whether nothing is left."""
        if self.project.resources():
            print("cleaning up: pulumi destroy", flush=True)
            self.project.destroy(check=False)
        clean = True
        try:
            for arn in self.live():
                print(f"cleaning up: stopping {arn}", flush=True)
                self.target.client.stop_engagement(EngagementId=arn, Reason="Acceptance suite cleanup")
        except (ClientError, BotoCoreError) as failure:
            clean = False
            print(f"cleaning up: could not list or stop this run's engagements ({failure}); stop any of incident "
                  f"{self.incident_id} still live with `aws ssm-contacts stop-engagement`.", flush=True)
        if left := self.project.resources():
            print(f"cleaning up: the stack still holds {len(left)} resources; the next run destroys them first.",
                  flush=True)
            return False
        self.project.cli("stack", "rm", "--yes", check=False)
        return clean


def confirm(target: Target, run_id: str, within: str, yes: bool) -> bool:
    """Says who will be paged, where, and how often; asks unless ``yes``."""
    print(f"The acceptance suite will page {target.contact} in {target.region} "
          f"(endpoint {target.client.meta.endpoint_url}) with up to {ENGAGEMENTS} engagements "
          f"(incident id acceptance-{run_id}, subjects starting '[TEST] pulumi-incident-manager acceptance'), "
          f"each paging every channel the contact's plan engages. The drill waits up to {within} for someone to "
          "acknowledge. It stops every engagement and destroys its stack before it ends.", flush=True)
    if yes:
        return True
    try:
        answer = input("Type yes to page them: ")
    except EOFError:
        answer = ""
    return answer.strip().lower() == "yes"


@contextlib.contextmanager
def state_folder(target: Target, requested: Path | None) -> Iterator[Path]:
    """Offline: a temporary folder. AWS: .state/acceptance/aws, kept so a run killed before its clean-up can be
    destroyed by the next one."""
    if requested or not target.offline:
        folder = requested or STATE_DIR / "acceptance" / "aws"
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="acceptance-") as temporary:
        yield Path(temporary)


def main(argv: list[str] | None = None) -> int:
    summary, _, details = __doc__.partition("\n\n")
    parser = argparse.ArgumentParser(prog="scripts/acceptance.py", description=" ".join(summary.split()),
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=details)
    parser.add_argument("--yes", action="store_true", help=f"page without asking (or {YES}=1)")
    parser.add_argument("--state-dir", type=Path, help="where the stack's state goes")
    args = parser.parse_args(argv)

    environ = dict(os.environ)
    with contextlib.ExitStack() as resources:
        try:
            target = choose_target(environ, resources)
        except Refused as refused:
            print(refused, file=sys.stderr)
            return 2
        run_id = secrets.token_hex(3)
        within = environ.get(WITHIN) or (OFFLINE_WITHIN if target.offline else AWS_WITHIN)
        if target.offline:
            print(f"Acceptance suite against the offline endpoint {target.emulator.endpoint_url} (this shell's AWS "
                  f"variables are not used; {OPT_IN}=aws runs it against your account).", flush=True)
        elif not confirm(target, run_id, within, args.yes or environ.get(YES) == "1"):
            print("Nothing was paged: the suite pages only once you type yes (or pass --yes).", file=sys.stderr)
            return 1
        try:
            cli_root = ensure_cli()
        except CliUnavailable as error:
            print(f"{error}: run `make cli` first.", file=sys.stderr)
            return 1
        try:  # a read first: credentials and permissions fail here, before anything is created
            target.client.list_engagements(IncidentId=f"acceptance-{run_id}", MaxResults=1)
        except (ClientError, BotoCoreError) as failure:
            print(f"The suite cannot read this account's engagements ({failure}): fix the credentials or "
                  "permissions, then run it again.", file=sys.stderr)
            return 1
        state = resources.enter_context(state_folder(target, args.state_dir))
        folder = copy_project(PROGRAM, Path(resources.enter_context(tempfile.TemporaryDirectory())) / "acceptance")
        project = Project(folder, STACK, cli_root, state_dir=state)
        suite = Suite(target, project, run_id, within, read_codes=sys.stdin.isatty())
        try:
            project.cli("stack", "select", "--create")
            if leftover := project.resources():
                print(f"An earlier run left {len(leftover)} resources in stack {STACK!r}: destroying them first.")
                project.destroy()
            project.init(
                {**target.config, "contactId": target.contact, "sender": "acceptance-suite",
                 "incidentId": suite.incident_id},
                secrets={"subject": suite.message("no action needed"), "content": suite.message("first run"),
                         "publicSubject": suite.message("no action needed"), "publicContent": suite.message("SMS")},
            )
        except PulumiFailed as failure:
            print(f"The suite could not set up its stack in {state}: {failure}", file=sys.stderr)
            return 1
        ok = False
        try:
            ok = suite.run()
        finally:
            ok = suite.clean_up() and ok
        print(f"{'passed' if ok else 'FAILED'} against {target.name}: {len(suite.passed)} scenarios passed"
              + (f", skipped: {', '.join(suite.skipped)}" if suite.skipped else "") + ".", flush=True)
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
