"""Start an emulator in-process (``Emulator``) or as a subprocess (``EmulatorProcess``), with one API for both."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Any, Self

from .config import DEFAULT_ACCESS_KEY_ID, EmulatorConfig, FaultConfig
from .responders import Responder, ResponderRules, coerce

READY_LINE = "Press Ctrl-C to stop."

_client_lock = threading.Lock()
_botocore_session: Any = None


def _shared_session() -> Any:
    """One botocore session for every client made here: its loaded models make a new client ~20x cheaper."""
    global _botocore_session
    import botocore.session

    if _botocore_session is None:
        _botocore_session = botocore.session.get_session()
    return _botocore_session


class _EmulatorAPI:
    """What both kinds of emulator offer once started: endpoint, clients, environment, outbox, log, faults."""

    config: EmulatorConfig

    @property
    def endpoint_url(self) -> str:
        raise NotImplementedError

    @property
    def live_page_url(self) -> str:
        """Where the live drill page is served (``live_page=True``; otherwise that URL answers 404)."""
        return f"{self.endpoint_url}/drill"

    @property
    def region(self) -> str:
        return self.config.region

    @property
    def account_id(self) -> str:
        return self.config.account_id

    @property
    def access_key_id(self) -> str:
        """The key pair clients and env() use: the default test pair when configured, else the first pair."""
        keys = self.config.credentials
        return DEFAULT_ACCESS_KEY_ID if DEFAULT_ACCESS_KEY_ID in keys else next(iter(keys))

    def client(self, **kwargs: Any) -> Any:
        """A boto3 ``ssm-contacts`` client for this endpoint; keyword arguments go to ``Session.client``."""
        import boto3

        key = self.access_key_id
        options: dict[str, Any] = {
            "endpoint_url": self.endpoint_url,
            "region_name": self.region,
            "aws_access_key_id": key,
            "aws_secret_access_key": self.config.credentials[key],
        }
        options.update(kwargs)
        with _client_lock:  # creating clients from one session is not thread-safe
            return boto3.session.Session(botocore_session=_shared_session()).client("ssm-contacts", **options)

    def env(self) -> dict[str, str]:
        """Environment variables that point boto3, the AWS CLI and the provider at this endpoint."""
        key = self.access_key_id
        return {
            "AWS_ENDPOINT_URL_SSM_CONTACTS": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": key,
            "AWS_SECRET_ACCESS_KEY": self.config.credentials[key],
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
        }

    def outbox(self) -> list[dict[str, Any]]:
        raise NotImplementedError

    def requests(self) -> list[dict[str, Any]]:
        raise NotImplementedError

    def request_counts(self) -> dict[str, int]:
        raise NotImplementedError

    def reset(self) -> None:
        raise NotImplementedError

    def set_faults(self, faults: FaultConfig) -> None:
        raise NotImplementedError

    def rotations(self) -> list[dict[str, Any]]:
        """Every rotation (GetRotation's shape), with its ``Tags``, ``Overrides`` and who is ``OnCallNow``."""
        raise NotImplementedError

    def set_failing_channels(self, channels: Sequence[str]) -> None:
        """Sends to these channel ARNs or addresses fail from now on (ERROR receipts; retried where planned)."""
        raise NotImplementedError

    def responders(self) -> list[Responder]:
        """The simulated responders in force."""
        raise NotImplementedError

    def set_responders(self, rules: ResponderRules) -> None:
        """Replace the simulated responders; they decide the answers to pages delivered from now on (answers
        already scheduled stay). ValueError, in one sentence, for a rule that is not valid."""
        raise NotImplementedError

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()


class Emulator(_EmulatorAPI):
    """An emulator served by a thread of this process, on ``config.host`` and a free port by default."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        from .backend import Backend
        from .server import EmulatorServer
        from .store import MemoryStore, SqliteStore

        store = SqliteStore(self.config.state_path) if self.config.state_path else MemoryStore()
        backend = Backend(self.config, store)
        try:
            server = EmulatorServer(self.config, backend)
        except BaseException:
            store.close()
            raise
        backend.start()
        self._server = server
        # The socket is already listening, so requests made right after start() queue until served.
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.backend.close()
        if self._thread is not None:
            self._thread.join()

    def _running(self) -> Any:
        if self._server is None:
            raise RuntimeError("The emulator is not running: call start() or use it as a context manager.")
        return self._server

    @property
    def endpoint_url(self) -> str:
        url: str = self._running().endpoint_url
        return url

    def admin_client(self) -> Any:
        """A boto3 ``ssm-contacts`` client whose calls run in this process, never over the network: injected
        faults (throttling, errors, drops, latency) are for API callers, and must not fail the emulator's own set-up
        (``--seed``). Its calls are validated and answered as any others, and recorded in the request log."""
        from botocore.awsrequest import AWSResponse

        from .responses import TARGET_PREFIX

        server = self._running()

        def answer(request: Any, **_: Any) -> AWSResponse:
            target = request.headers["X-Amz-Target"]
            operation = (target.decode() if isinstance(target, bytes) else target).removeprefix(TARGET_PREFIX)
            body = request.body.encode() if isinstance(request.body, str) else request.body or b""
            agent = request.headers.get("User-Agent")
            status, document, headers = server.answer_directly(
                operation, body, agent.decode() if isinstance(agent, bytes) else agent
            )
            return AWSResponse(request.url, status, headers, _Body(json.dumps(document).encode()))

        client = self.client()
        client.meta.events.register("before-send.ssm-contacts", answer)
        return client

    def outbox(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self._running().backend.delivery.outbox_entries()
        return entries

    def requests(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self._running().log.entries()
        return entries

    def request_counts(self) -> dict[str, int]:
        counts: dict[str, int] = self._running().log.counts()
        return counts

    def reset(self) -> None:
        server = self._running()
        server.backend.reset()
        server.log.clear()

    def set_faults(self, faults: FaultConfig) -> None:
        self._running().faults.set(faults)

    def rotations(self) -> list[dict[str, Any]]:
        report: list[dict[str, Any]] = self._running().backend.on_call_report()
        return report

    def set_failing_channels(self, channels: Sequence[str]) -> None:
        self._running().backend.delivery.set_failing_channels(list(channels))

    def responders(self) -> list[Responder]:
        return list(self._running().backend.delivery.responders)

    def set_responders(self, rules: ResponderRules) -> None:
        self._running().backend.delivery.set_responders(rules)


class _Body:
    """The raw body of an answer made in-process, as botocore reads one (``AWSResponse.raw.stream()``)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


def command_line(config: EmulatorConfig) -> list[str]:
    """The ``ssm-contacts-emulator`` options that reproduce ``config``."""
    args = [
        "--host", config.host,
        "--port", str(config.port),
        "--region", config.region,
        "--account-id", config.account_id,
        "--time-scale", repr(config.time_scale),
        "--idempotency-window", repr(config.idempotency_window_seconds),
    ]  # fmt: skip
    for key, secret in config.credentials.items():
        args += ["--credentials", f"{key}:{secret}"]
    for key, actions in config.allowed_actions.items():
        args += ["--allow", f"{key}={','.join(sorted(actions))}"]
    if config.state_path:
        args += ["--state", config.state_path]
    if config.activation_code:
        args += ["--activation-code", config.activation_code]
    if config.strict_activation:
        args += ["--strict-activation"]
    for channel in config.failing_channels:
        args += ["--fail-delivery", channel]
    for rule in coerce(config.responders):
        args += ["--responder", rule.to_spec()]
    if config.live_page:
        args += ["--live-page"]
    if config.live_page_show_messages:
        args += ["--live-page-show-messages"]
    return args + fault_arguments(config.faults)


def fault_arguments(faults: FaultConfig) -> list[str]:
    args: list[str] = []
    if faults.throttle_rate is not None:
        args += ["--throttle-rate", repr(faults.throttle_rate)]
    if faults.throttle_burst is not None:
        args += ["--throttle-burst", str(faults.throttle_burst)]
    for flag, value in (
        ("--error-rate", faults.error_rate),
        ("--drop-rate", faults.drop_rate),
        ("--latency-ms", faults.latency_ms),
        ("--hold-start-engagement", faults.hold_start_engagement_seconds),
    ):
        if value:
            args += [flag, repr(value)]
    return args


class EmulatorProcess(_EmulatorAPI):
    """An emulator run as ``ssm-contacts-emulator`` in a subprocess, driven over its HTTP admin endpoints.

    ``stop()`` sends SIGINT (Ctrl-C) and waits for a clean exit; ``kill()`` sends SIGKILL, as a crash would.
    """

    def __init__(
        self, config: EmulatorConfig | None = None, *, extra_args: Sequence[str] = (), startup_timeout: float = 30.0
    ) -> None:
        self.config = config or EmulatorConfig()
        self.extra_args = list(extra_args)
        """More command-line options (e.g. ``["--seed"]``)."""
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[str] | None = None
        self.banner: list[str] = []
        self._endpoint: str | None = None
        self._reader: threading.Thread | None = None

    def start(self) -> Self:
        script = shutil.which("ssm-contacts-emulator", path=os.path.dirname(sys.executable))
        program = [script] if script else [sys.executable, "-m", "ssm_contacts_emulator"]
        process = subprocess.Popen(
            [*program, *command_line(self.config), *self.extra_args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.process = process
        ready = threading.Event()
        reader = threading.Thread(target=self._read_banner, args=(process, ready), daemon=True)
        reader.start()
        self._reader = reader
        if not ready.wait(self.startup_timeout) or self._endpoint is None:
            process.kill()
            process.wait()
            errors = process.stderr.read() if process.stderr else ""
            self.stop()
            raise RuntimeError(f"ssm-contacts-emulator did not start: {errors.strip() or self.banner}")
        return self

    def _read_banner(self, process: subprocess.Popen[str], ready: threading.Event) -> None:
        assert process.stdout is not None
        for line in process.stdout:  # keeps draining stdout for the life of the process
            self.banner.append(line.rstrip("\n"))
            found = re.search(r"serving (http://\S+)", line)
            if found and self._endpoint is None:
                self._endpoint = found.group(1)
            if line.startswith(READY_LINE):  # printed once the banner (and any --seed) is complete
                ready.set()
        ready.set()

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._reader is not None:
            self._reader.join(timeout=10)  # reads to end of file, now that the process is gone
        self._endpoint = None
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()

    def kill(self) -> None:
        """Kill the process at once (SIGKILL): what a crash looks like to the state file."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.stop()

    @property
    def endpoint_url(self) -> str:
        if self._endpoint is None:
            raise RuntimeError("The emulator process is not running: call start() or use it as a context manager.")
        return self._endpoint

    def _admin(self, method: str, name: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        request = urllib.request.Request(f"{self.endpoint_url}/_emulator/{name}", data=data, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def outbox(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self._admin("GET", "outbox")["outbox"]
        return entries

    def requests(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self._admin("GET", "requests")["requests"]
        return entries

    def request_counts(self) -> dict[str, int]:
        counts: dict[str, int] = self._admin("GET", "requests")["counts"]
        return counts

    def reset(self) -> None:
        self._admin("POST", "reset")

    def set_faults(self, faults: FaultConfig) -> None:
        self._admin("POST", "faults", faults.to_dict())

    def rotations(self) -> list[dict[str, Any]]:
        report: list[dict[str, Any]] = self._admin("GET", "rotations")["rotations"]
        return report

    def set_failing_channels(self, channels: Sequence[str]) -> None:
        self._admin("POST", "failing-channels", {"channels": list(channels)})

    def responders(self) -> list[Responder]:
        return [Responder.from_dict(rule) for rule in self._admin("GET", "responders")["responders"]]

    def set_responders(self, rules: ResponderRules) -> None:
        # Checked here first, so a mistake is the same ValueError as in-process (not an HTTP error).
        checked = coerce(rules)
        self._admin("POST", "responders", {"responders": [rule.to_dict() for rule in checked]})
