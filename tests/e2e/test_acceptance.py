"""`make acceptance` (scripts/acceptance.py) as a user runs it: offline by default, whatever AWS the shell names;
against "AWS" only when opted into with a contact, after saying who it pages and where.

The AWS form runs against an offline endpoint that the test starts and names in the environment as a user's
endpoint override would be: the suite cannot tell it from AWS.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import botocore.exceptions
import pytest

from pulumi_cli import REPO_ROOT, Project, copy_project
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import Rotation

pytestmark = pytest.mark.cli

SUITE = REPO_ROOT / "scripts" / "acceptance.py"
PROGRAM = REPO_ROOT / "tests" / "e2e" / "programs" / "acceptance"
STACK = "acceptance"
SCENARIOS = 8


class Recorder:
    """A loopback HTTP server that answers every request with AccessDenied and records it."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        recorded = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                recorded.append(f"{self.command} {self.path} {self.headers.get('X-Amz-Target')}")
                body = b'{"__type":"AccessDeniedException","message":"recorded"}'
                self.send_response(403)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_PUT = do_POST

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    recording = Recorder()
    thread = threading.Thread(target=recording.server.serve_forever, daemon=True)
    thread.start()
    yield recording
    recording.server.shutdown()
    recording.server.server_close()


def real_looking_aws(url: str) -> dict[str, str]:
    """A shell set up for a production account, every endpoint override pointing at ``url``."""
    return {
        "AWS_ENDPOINT_URL_SSM_CONTACTS": url,
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": "AKIA4EXAMPLEQ7Z3LN2B",
        "AWS_SECRET_ACCESS_KEY": "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",
        "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN",
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_MAX_ATTEMPTS": "1",
    }


def run_suite(environment: dict[str, str], cli_root: Path, *args: str, stdin: str | None = None,
              ) -> subprocess.CompletedProcess[str]:
    """`python scripts/acceptance.py ARGS`, as `make acceptance` runs it, in a shell holding only ``environment``
    beside the basics (PATH, HOME) and the CLI the tests use."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    env.update(PULUMI_CLI_ROOT=str(cli_root), **environment)
    return subprocess.run(
        [sys.executable, str(SUITE), *args], env=env, cwd=REPO_ROOT, text=True, capture_output=True,
        input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL, timeout=280, check=False,
    )


def test_offline_by_default_every_scenario_passes_and_the_aws_the_shell_names_gets_nothing(
    cli_root: Path, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    shell = {
        **real_looking_aws(recorder.url),
        "AWS_PROFILE": "production",  # a profile no file defines: used anywhere, botocore would fail
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
        "INCIDENT_MANAGER_ACCEPTANCE_CONTACT": "arn:aws:ssm-contacts:eu-west-1:111122223333:contact/oncall",
    }
    # Control: a client made from that shell (its profile aside) does reach the recorder.
    for name, value in real_looking_aws(recorder.url).items():
        monkeypatch.setenv(name, value)
    with pytest.raises(botocore.exceptions.ClientError, match="recorded"):
        boto3.session.Session().client("ssm-contacts").list_contacts()
    assert len(recorder.requests) == 1
    recorder.requests.clear()

    result = run_suite(shell, cli_root)

    printed = result.stdout + result.stderr
    assert result.returncode == 0, printed
    assert "Acceptance suite against the offline endpoint http://127.0.0.1:" in printed
    assert "INCIDENT_MANAGER_ACCEPTANCE_CONTACT is ignored without INCIDENT_MANAGER_ACCEPTANCE=aws" in printed
    assert printed.count("   ok: ") == SCENARIOS
    assert f"passed against the offline endpoint: {SCENARIOS} scenarios passed." in printed
    assert recorder.requests == []
    assert "Traceback" not in printed


@pytest.mark.parametrize(
    ("variables", "sentence"),
    [
        ({"INCIDENT_MANAGER_ACCEPTANCE": "aws"},
         "INCIDENT_MANAGER_ACCEPTANCE=aws needs the contact to page: set INCIDENT_MANAGER_ACCEPTANCE_CONTACT to its "
         "ARN (arn:aws:ssm-contacts:<region>:<account>:contact/<alias>)."),
        ({"INCIDENT_MANAGER_ACCEPTANCE": "aws", "INCIDENT_MANAGER_ACCEPTANCE_CONTACT": "alice"},
         "INCIDENT_MANAGER_ACCEPTANCE_CONTACT must be a contact ARN "
         "(arn:aws:ssm-contacts:<region>:<account>:contact/<alias>), not 'alice'."),
        ({"INCIDENT_MANAGER_ACCEPTANCE": "yes"},
         "INCIDENT_MANAGER_ACCEPTANCE must be aws (or unset, or offline), not 'yes'."),
    ],
)
def test_an_opt_in_without_a_usable_contact_is_refused_in_one_sentence(
    cli_root: Path, recorder: Recorder, variables: dict[str, str], sentence: str
) -> None:
    result = run_suite({**real_looking_aws(recorder.url), **variables}, cli_root, "--yes")

    assert result.returncode == 2
    assert (result.stdout + result.stderr).strip() == sentence
    assert recorder.requests == []


def test_on_aws_it_says_who_it_pages_and_where_and_pages_nobody_unless_told_yes(
    cli_root: Path, endpoint: Emulator, rotation: Rotation
) -> None:
    aws = {**endpoint.env(), "INCIDENT_MANAGER_ACCEPTANCE": "aws",
           "INCIDENT_MANAGER_ACCEPTANCE_CONTACT": rotation.alice_arn}
    before = len(endpoint.requests())

    result = run_suite(aws, cli_root, stdin="no\n")

    assert result.returncode == 1
    assert result.stdout.startswith(
        f"The acceptance suite will page {rotation.alice_arn} in us-east-1 (endpoint {endpoint.endpoint_url}) "
        "with up to 3 engagements"
    )
    assert "Type yes to page them:" in result.stdout
    assert result.stderr.strip() == "Nothing was paged: the suite pages only once you type yes (or pass --yes)."
    assert len(endpoint.requests()) == before  # not a single call, let alone a page


def run_suite_at_a_terminal(environment: dict[str, str], cli_root: Path, *args: str,
                            answer: Callable[[str], str]) -> tuple[int, str]:
    """The suite run from a terminal (a pseudo-terminal): when it asks for an accept code, ``answer`` gets all it
    printed so far and says what the person types. Returns the exit code and everything printed."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    env.update(PULUMI_CLI_ROOT=str(cli_root), **environment)
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, str(SUITE), *args], env=env, cwd=REPO_ROOT,
                               stdin=terminal, stdout=terminal, stderr=terminal, start_new_session=True)
    os.close(terminal)
    printed, answered = "", False
    deadline = time.monotonic() + 280
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the suite exited and closed the terminal
                break
            if not chunk:
                break
            printed += chunk.decode(errors="replace")
        if not answered and "Type the accept code" in printed:
            os.write(controller, (answer(printed) + "\n").encode())
            answered = True
        if process.poll() is not None and not ready:
            break
    os.close(controller)
    return process.wait(timeout=10), printed.replace("\r\n", "\n")


def test_on_aws_with_yes_it_runs_every_scenario_with_the_accept_code_the_person_types(
    cli_root: Path, endpoint: Emulator, rotation: Rotation, tmp_path: Path
) -> None:
    # A run killed before its clean-up left its stack, and a live engagement, in the state folder.
    leftover = Project(copy_project(PROGRAM, tmp_path / "killed-run"), STACK, cli_root, state_dir=tmp_path / "state",
                       env=endpoint.env()).init({"contactId": rotation.alice_arn})
    leftover.up()
    killed_run = leftover.outputs()["arn"]
    endpoint.set_responders(["alice-oncall:EMAIL:1m"])  # the person paged, acknowledging from their e-mail
    aws = {**endpoint.env(), "INCIDENT_MANAGER_ACCEPTANCE": "aws",
           "INCIDENT_MANAGER_ACCEPTANCE_CONTACT": rotation.alice_arn, "INCIDENT_MANAGER_ACCEPTANCE_WITHIN": "30s"}

    typed: list[str] = []

    def read_from_the_phone(printed: str) -> str:
        page = re.findall(r"Page (\S+) went to", printed)[-1]
        typed.append(next(m["accept_code"] for m in endpoint.outbox() if m["page_arn"] == page))
        return typed[-1]

    code, printed = run_suite_at_a_terminal(aws, cli_root, "--yes", "--state-dir", str(tmp_path / "state"),
                                            answer=read_from_the_phone)

    assert code == 0, printed
    assert "An earlier run left 4 resources in stack 'acceptance': destroying them first." in printed
    assert "StopTime" in endpoint.client().describe_engagement(EngagementId=killed_run)
    assert "went to " + rotation.alice_arn + " by SMS (alice-oncall-sms)" in printed
    assert f"   ok: one engagement; paged {rotation.alice_arn}" in printed
    assert "   ok: PageAcceptance acknowledged the page (READ receipt) with the code it carried" in printed
    assert "   ok: verdict: alice-oncall acknowledged (READ) on EMAIL" in printed
    assert f"passed against AWS: {SCENARIOS} scenarios passed." in printed
    engagements = endpoint.client().list_engagements()["Engagements"]
    assert len(engagements) == 4 and all(e.get("StopTime") for e in engagements)  # the killed run's, and 3
    assert endpoint.request_counts()["AcceptPage"] == 1  # the suite's one acknowledgement, with the typed code
    assert typed and typed[0] not in printed  # what the person typed is not echoed


def test_on_aws_credentials_that_cannot_read_stop_the_run_before_anything_is_created(
    cli_root: Path, recorder: Recorder, tmp_path: Path
) -> None:
    aws = {**real_looking_aws(recorder.url), "INCIDENT_MANAGER_ACCEPTANCE": "aws",
           "INCIDENT_MANAGER_ACCEPTANCE_CONTACT": "arn:aws:ssm-contacts:eu-west-1:111122223333:contact/oncall"}

    result = run_suite(aws, cli_root, "--yes", "--state-dir", str(tmp_path / "state"))

    assert result.returncode == 1
    said = result.stderr.strip()
    assert said.startswith("The suite cannot read this account's engagements (An error occurred "
                           "(AccessDeniedException) when calling the ListEngagements operation")
    assert said.endswith("recorded): fix the credentials or permissions, then run it again.")
    assert "\n" not in said
    assert [r.split()[-1] for r in recorder.requests] == ["SSMContacts.ListEngagements"]
    assert not (tmp_path / "state").exists()  # no stack was made
