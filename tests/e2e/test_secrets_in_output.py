"""What the plain `pulumi` CLI prints never holds 8 characters of a secret input, in any letter case.

The endpoint's error answers are the risk we control: an answer that echoes a secret (cut short, upper-cased, as
a field's name) has all of AWS's words withheld. The engine's own logging is not ours: docs/security.md says which
verbosity is safe to share, and the last test holds that claim to the CLI.
"""

from __future__ import annotations

import json
import stat
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pulumi_cli import Project
from ssm_contacts_emulator.seed import Rotation

pytestmark = pytest.mark.cli

ProjectFactory = Callable[..., Project]

SUBJECT = "Checkout-Latency-Drill-7c41"
CONTENT = "SEKRIT-CONT-b81e22 please page the checkout team and open the runbook " * 8
PUBLIC_SUBJECT = "public-drill-9d2e"


def leaked_runs(output: str, *secrets: str) -> set[str]:
    """The 8-character runs of ``secrets`` that ``output`` holds, compared casefolded."""
    folded = output.casefold()
    return {
        secret.casefold()[i : i + 8]
        for secret in secrets
        for i in range(len(secret) - 7)
        if secret.casefold()[i : i + 8] in folded
    }


class EchoingEndpoint(BaseHTTPRequestHandler):
    """Answers every ssm-contacts request with a ValidationException that echoes the request's message the ways
    AWS (or a proxy in between) can: the content cut short and quoted, the subject upper-cased as a field's name,
    the public subject in a field's message and in an unmodeled member."""

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        content, subject = str(request.get("Content", "")), str(request.get("Subject", ""))
        public = str(request.get("PublicSubject", ""))
        body = json.dumps({
            "__type": "ValidationException",
            "message": f"1 validation error detected: Value '{content[:18]} p...' at 'content' failed to satisfy "
                       f"constraint: Member must have length less than or equal to 8192",
            "Reason": "FIELD_VALIDATION_FAILED",
            "Fields": [{"Name": subject.upper(), "Message": f"'{public}' was refused"}],
            "Echo": {"Quoted": [public.upper()]},
        }).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-ErrorType", "ValidationException")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echoing_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoingEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_aws_error_echoing_a_secret_is_printed_without_8_characters_of_it(
    project: ProjectFactory, rotation: Rotation, echoing_endpoint: str
) -> None:
    stack = project("hardening").init(
        {"contactId": rotation.alice_arn},
        secrets={"subject": SUBJECT, "content": CONTENT, "publicSubject": PUBLIC_SUBJECT},
    )
    stack.env["AWS_ENDPOINT_URL_SSM_CONTACTS"] = echoing_endpoint

    result = stack.cli("up", "--yes", "--skip-preview", check=False)
    output = result.stdout + result.stderr

    assert result.returncode != 0
    assert (
        "ssm-contacts rejected StartEngagement on " + rotation.alice_arn + ": its message is withheld because it "
        "quotes a secret input; fix the input and run again."
    ) in output
    assert not leaked_runs(output, SUBJECT, CONTENT, PUBLIC_SUBJECT)


def secret_values(stack: Project) -> list[str]:
    """Every secret value in the stack's state (message fields, the token key...), decrypted."""

    def walk(value: object) -> Iterator[str]:
        if isinstance(value, dict):
            if SECRET_SIG in value and "plaintext" in value:
                yield str(json.loads(value["plaintext"]))
            for item in value.values():
                yield from walk(item)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)

    exported = json.loads(stack.cli("stack", "export", "--show-secrets").stdout)
    return [secret for secret in walk(exported) if len(secret) >= 8]


SECRET_SIG = "4dabf18193072939515e22adb298388d"
"""The key that marks a secret value in Pulumi's state."""


def test_engine_logs_hold_no_secret_up_to_verbosity_8_and_every_message_at_9(
    project: ProjectFactory, rotation: Rotation, tmp_path: Path
) -> None:
    # docs/security.md, "Verbose logs": what it says is safe to share, and where the log file goes.
    stack = project("hardening").init(
        {"contactId": rotation.alice_arn}, secrets={"subject": SUBJECT, "content": CONTENT}
    )
    temp = tmp_path / "temp"
    temp.mkdir()
    stack.env["TMPDIR"] = str(temp)

    up = stack.cli("up", "--yes", "--skip-preview", "-v=8")
    [log_file] = temp.glob("pulumi.*.log.INFO.*")
    secrets = secret_values(stack)
    assert f"The log file for this run is at {log_file}" in up.stderr
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o644
    assert {SUBJECT, CONTENT} <= set(secrets) and len(secrets) > 2  # the token key and the pickled providers too
    assert not leaked_runs(up.stdout + up.stderr + log_file.read_text(), *secrets)

    log_file.unlink()
    preview = stack.cli("preview", "-v=9", "--logtostderr")
    assert SUBJECT in preview.stderr and CONTENT in preview.stderr  # the engine's RegisterResource logging
    assert not list(temp.iterdir())  # --logtostderr: no file
