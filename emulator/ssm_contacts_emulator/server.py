"""The HTTP front end: AWS JSON 1.1 on ``POST /``, SigV4 verification, faults, request log, admin endpoints.

Order of checks for an API request, as a request meets them at AWS's front door and then in the service:
latency, dropped connection, signature, operation name, permissions, throttling, injected 500, JSON parsing,
model validation, the operation itself.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import hmac
import json
import logging
import random
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from . import live
from .backend import Backend
from .config import EmulatorConfig, FaultConfig
from .exceptions import (
    AccessDeniedException,
    EmulatorError,
    IncompleteSignatureException,
    InternalServerException,
    InvalidSignatureException,
    MissingAuthenticationTokenException,
    SerializationException,
    ThrottlingException,
    UnknownOperationException,
    UnrecognizedClientException,
)
from .models import iso
from .responses import TARGET_PREFIX, SSMContactsResponse

logger = logging.getLogger("ssm_contacts_emulator")

ADMIN_PREFIX = "/_emulator/"
JSON_CONTENT_TYPES = ("application/x-amz-json-1.1", "application/json")
MAX_CLOCK_SKEW = datetime.timedelta(minutes=15)
SIGNING_NAME = "ssm-contacts"
_AMZ_DATE = "%Y%m%dT%H%M%SZ"


def _not_json(constant: str) -> Any:
    """NaN and Infinity, which Python's json accepts and JSON does not."""
    raise ValueError(f"{constant} is not a JSON value")


class _ReceivedBodySigV4(SigV4Auth):  # type: ignore[misc]  # botocore is untyped
    """botocore's signer, always hashing the body as received (never UNSIGNED-PAYLOAD, whatever the URL)."""

    def payload(self, request: AWSRequest) -> str:
        return hashlib.sha256(request.body or b"").hexdigest()


class RequestLog:
    """Every API request received (admin requests excluded), oldest first, with per-operation counts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []
        self._counts: Counter[str] = Counter()

    def record(self, operation: str, status: int, error: str | None, user_agent: str | None = None) -> None:
        entry = {"operation": operation, "status": status, "error": error, "time": iso(time.time()),
                 "user_agent": user_agent}
        with self._lock:
            self._entries.append(entry)
            self._counts[operation] += 1

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._entries]

    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._counts.clear()


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved up; each request takes one."""

    def __init__(self, rate: float, burst: int | None) -> None:
        self.rate = rate
        self.burst = float(burst if burst is not None else max(1, int(rate)))
        self._tokens = self.burst
        self._last = time.monotonic()
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False


class Faults:
    """The active FaultConfig and its token bucket, swapped atomically by set_faults (one attribute, one store)."""

    def __init__(self, config: FaultConfig) -> None:
        self.set(config)

    def set(self, config: FaultConfig) -> None:
        bucket = TokenBucket(config.throttle_rate, config.throttle_burst) if config.throttle_rate else None
        # Draws for error_rate and drop_rate: seeded, the n-th request meets the same fault on every run.
        draws = random.Random(config.seed)
        self.active: tuple[FaultConfig, TokenBucket | None, random.Random] = (config, bucket, draws)

    @property
    def config(self) -> FaultConfig:
        return self.active[0]


class EmulatorServer(ThreadingHTTPServer):
    """One emulated endpoint: the backend plus everything in front of it."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, config: EmulatorConfig, backend: Backend) -> None:
        self.config = config
        self.backend = backend
        self.responses = SSMContactsResponse(backend)
        self.log = RequestLog()
        self.faults = Faults(config.faults)
        self.live = live.LivePage(self)
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__((config.host, config.port), Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        """Stop listening and end every open connection: a keep-alive client must not reach a stopped emulator."""
        super().server_close()
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by its client
                connection.shutdown(socket.SHUT_RDWR)

    def run(self, operation: str, body: bytes) -> dict[str, Any]:
        """What follows the front door's checks and faults: the JSON body parsed, validated and run."""
        try:
            params = json.loads(body or b"{}", parse_constant=_not_json)
        except (ValueError, RecursionError) as error:
            raise SerializationException(f"The request body is not valid JSON: {error}.") from None
        if not isinstance(params, dict):
            raise SerializationException("The request body must be a JSON object.")
        return self.responses.dispatch(operation, params)

    def answer_directly(
        self, operation: str, body: bytes, user_agent: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Status, JSON document and headers of one call made by the emulator's own process (``--seed``): no
        signature to check and no injected fault (faults are for API callers), but recorded in the request log
        and answered as over HTTP."""
        try:
            result = self.run(operation, body)
        except EmulatorError as error:
            self.log.record(operation, error.status, error.code, user_agent)
            return error.status, error.body(), {"x-amzn-ErrorType": error.code, **error.headers()}
        self.log.record(operation, 200, None, user_agent)
        return 200, result, {}

    @property
    def endpoint_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class Handler(BaseHTTPRequestHandler):
    server: EmulatorServer
    protocol_version = "HTTP/1.1"  # keep-alive: boto3 reuses its connections
    disable_nagle_algorithm = True  # headers and body go out in separate writes: no 40 ms delayed-ACK stall
    server_version = "ssm-contacts-emulator"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - %s", self.address_string(), format % args)

    # -- plumbing -----------------------------------------------------------------------------------------

    def _body(self) -> bytes | None:
        """The request body; None, once answered 400, if Content-Length is not a number of bytes."""
        length = self.headers.get("Content-Length") or "0"
        if not (length.isascii() and length.isdigit()):  # a negative length would read until the client hangs up
            self.close_connection = True
            self._send(400, {"message": f"Content-Length {length!r} is not a number of bytes."})
            return None
        return self.rfile.read(int(length))

    def _send(self, status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(body, separators=(",", ":")).encode()
        self._send_bytes(status, "application/x-amz-json-1.1", data, headers)

    def _send_bytes(self, status: int, content_type: str, data: bytes, headers: Mapping[str, str] | None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_error(self, error: EmulatorError) -> None:
        headers = {"x-amzn-ErrorType": error.code, **error.headers()}
        self._send(error.status, error.body(), headers)

    # -- API ----------------------------------------------------------------------------------------------

    def _record(self, operation: str, status: int, error: str | None) -> None:
        # The User-Agent says which SDK (and which of its versions) made the call.
        self.server.log.record(operation, status, error, self.headers.get("User-Agent"))

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith(ADMIN_PREFIX):
            self._admin("POST", path)
            return
        if live.handles(path):
            self._live("POST", path)
            return
        body = self._body()
        if body is None:
            return
        target = self.headers.get("X-Amz-Target") or ""
        operation = target[len(TARGET_PREFIX) :] if target.startswith(TARGET_PREFIX) else target or "<none>"
        faults, bucket, draws = self.server.faults.active  # one request sees one setting, even during set_faults
        if faults.latency_ms:
            time.sleep(faults.latency_ms / 1000.0)
        if faults.drop_rate and draws.random() < faults.drop_rate:
            self._record(operation, 0, "ConnectionDropped")
            self.close_connection = True  # no answer at all: the client sees the connection close
            return
        hold = 0.0
        try:
            if path != "/":
                raise UnknownOperationException(f"No operation is served at path {path}: POST to /.")
            access_key = self._verify_signature(body)
            result = self._call(operation, target, access_key, body, faults, bucket, draws)
            if operation == "StartEngagement":
                hold = faults.hold_start_engagement_seconds
        except EmulatorError as error:
            self._record(operation, error.status, error.code)
            self._send_error(error)
            return
        except Exception as error:  # a bug must still answer like AWS, and be visible in the log
            logger.exception("unexpected error in %s", operation)
            failure = InternalServerException(f"Unexpected error in the emulator: {error!r}")
            self._record(operation, failure.status, failure.code)
            self._send_error(failure)
            return
        self._record(operation, 200, None)
        if hold:
            time.sleep(hold)  # the engagement exists; the client waits (or times out) for the answer
        self._send(200, result)

    def _call(
        self,
        operation: str,
        target: str,
        access_key: str,
        body: bytes,
        faults: FaultConfig,
        bucket: TokenBucket | None,
        draws: random.Random,
    ) -> dict[str, Any]:
        if not target.startswith(TARGET_PREFIX) or operation not in SSMContactsResponse.operations():
            raise UnknownOperationException(
                f"Unknown operation {target or '(no X-Amz-Target header)'}: "
                f"X-Amz-Target must be {TARGET_PREFIX}<Operation>."
            )
        allowed = self.server.config.allowed_actions.get(access_key)
        if allowed is not None and operation not in allowed:
            raise AccessDeniedException(
                f"User: arn:aws:iam::{self.server.config.account_id}:user/{access_key} is not authorized to "
                f"perform: ssm-contacts:{operation} because no identity-based policy allows the "
                f"ssm-contacts:{operation} action"
            )
        if bucket is not None and not bucket.take():
            raise ThrottlingException("Rate exceeded", retry_after_seconds=1)
        if faults.error_rate and draws.random() < faults.error_rate:
            raise InternalServerException(f"Injected fault: internal error (error_rate={faults.error_rate}).")
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type not in JSON_CONTENT_TYPES:
            raise UnknownOperationException(
                f"Content-Type {content_type or '(none)'} is not supported: send application/x-amz-json-1.1."
            )
        return self.server.run(operation, body)

    def _verify_signature(self, body: bytes) -> str:
        """Recompute the SigV4 signature with botocore's signer; return the caller's access key id."""
        header = self.headers.get("Authorization")
        if not header:
            raise MissingAuthenticationTokenException("Missing Authentication Token")
        algorithm, _, rest = header.partition(" ")
        parts = dict(p.strip().partition("=")[::2] for p in rest.split(","))
        if algorithm != "AWS4-HMAC-SHA256" or not {"Credential", "SignedHeaders", "Signature"} <= parts.keys():
            raise IncompleteSignatureException(
                "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters "
                "with algorithm AWS4-HMAC-SHA256."
            )
        scope = parts["Credential"].split("/")
        if len(scope) != 5 or scope[4] != "aws4_request":
            raise IncompleteSignatureException(
                "Credential must have the form <access key>/<date>/<region>/<service>/aws4_request."
            )
        access_key, day, region, service, _ = scope
        secret = self.server.config.credentials.get(access_key)
        if secret is None:
            raise UnrecognizedClientException("The security token included in the request is invalid.")
        if service != SIGNING_NAME:
            raise InvalidSignatureException(f"Credential should be scoped to correct service: '{SIGNING_NAME}'.")
        if region != self.server.config.region:
            raise InvalidSignatureException(
                f"Credential should be scoped to a valid region, not '{region}'. "
                f"This endpoint serves '{self.server.config.region}'."
            )
        stamp = self.headers.get("X-Amz-Date")
        if not stamp:
            raise IncompleteSignatureException("Authorization header requires existence of a 'X-Amz-Date' header.")
        try:
            signed_at = datetime.datetime.strptime(stamp, _AMZ_DATE).replace(tzinfo=datetime.UTC)
        except ValueError:
            raise IncompleteSignatureException(f"X-Amz-Date {stamp} is not in the form YYYYMMDDTHHMMSSZ.") from None
        now = datetime.datetime.now(datetime.UTC)
        if signed_at < now - MAX_CLOCK_SKEW:
            raise InvalidSignatureException(
                f"Signature expired: {stamp} is now earlier than {(now - MAX_CLOCK_SKEW).strftime(_AMZ_DATE)} "
                f"({now.strftime(_AMZ_DATE)} - 15 min.)"
            )
        if signed_at > now + MAX_CLOCK_SKEW:
            raise InvalidSignatureException(
                f"Signature not yet current: {stamp} is still later than "
                f"{(now + MAX_CLOCK_SKEW).strftime(_AMZ_DATE)} ({now.strftime(_AMZ_DATE)} + 15 min.)"
            )
        if day != stamp[:8]:
            raise InvalidSignatureException(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                f"'{day}' != '{stamp[:8]}', from '{stamp}'."
            )
        signed = [name for name in parts["SignedHeaders"].split(";") if name]
        for required, shown in (("host", "'Host' or ':authority'"), ("x-amz-date", "'X-Amz-Date'")):
            if required not in signed:
                raise InvalidSignatureException(f"{shown} must be a 'SignedHeader' in the AWS Authorization.")
        for name in signed:
            if self.headers.get_all(name) is None:
                raise IncompleteSignatureException(
                    f"'{name}' is named as a SignedHeader, but it does not exist in the HTTP request."
                )
        body_hash = hashlib.sha256(body).hexdigest()
        claimed_hash = self.headers.get("X-Amz-Content-SHA256")
        if claimed_hash is not None and claimed_hash != body_hash:
            # botocore's signer would take the header's word for the body (UNSIGNED-PAYLOAD included): a body
            # swapped after signing must not pass.
            raise InvalidSignatureException(
                "The provided 'x-amz-content-sha256' header does not match what was computed."
            )
        request = AWSRequest(method="POST", url=f"http://{self.headers.get('Host', '')}{self.path}", data=body)
        for name in signed:
            request.headers[name] = ", ".join(self.headers.get_all(name) or [])
        request.context["timestamp"] = stamp
        signer = _ReceivedBodySigV4(Credentials(access_key, secret), service, region)
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical), request)
        # Bytes, not str: compare_digest refuses non-ASCII str (a 500), and bytes compare in constant time.
        if not hmac.compare_digest(expected.encode(), parts["Signature"].encode()):
            raise InvalidSignatureException(
                "The request signature we calculated does not match the signature you provided. Check your AWS "
                "Secret Access Key and signing method. Consult the service documentation for details."
            )
        return access_key

    # -- admin --------------------------------------------------------------------------------------------

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith(ADMIN_PREFIX):
            self._admin("GET", path)
        elif live.handles(path):
            self._live("GET", path)
        else:
            self._send(404, {"message": f"GET {path} is not served: the API is POST / and admin is {ADMIN_PREFIX}"})

    def _live(self, method: str, path: str) -> None:
        """The live drill page's routes (live.py): its own answers, no signature, no fault."""
        body = self._body() if method == "POST" else b""
        if body is None:
            return
        answer = self.server.live.answer(method, path, self.headers, body)
        self._send_bytes(answer.status, answer.content_type, answer.body, answer.headers)

    def _admin(self, method: str, path: str) -> None:
        server = self.server
        name = path[len(ADMIN_PREFIX) :].rstrip("/")
        body = self._body() if method == "POST" else b""
        if body is None:
            return
        if (method, name) == ("GET", "outbox"):
            self._send(200, {"outbox": server.backend.delivery.outbox_entries()})
        elif (method, name) == ("GET", "requests"):
            self._send(200, {"requests": server.log.entries(), "counts": server.log.counts()})
        elif (method, name) == ("GET", "health"):
            self._send(
                200,
                {
                    "status": "ok",
                    "endpoint_url": server.endpoint_url,
                    "region": server.config.region,
                    "account_id": server.config.account_id,
                },
            )
        elif (method, name) == ("GET", "faults"):
            self._send(200, server.faults.config.to_dict())
        elif (method, name) == ("GET", "rotations"):
            self._send(
                200,
                {"now": server.backend.rotation_now().isoformat(), "rotations": server.backend.on_call_report()},
            )
        elif (method, name) == ("GET", "failing-channels"):
            self._send(200, {"channels": sorted(server.backend.delivery.failing_channels)})
        elif (method, name) == ("POST", "failing-channels"):
            try:
                data = json.loads(body or b"{}")
                channels = data.get("channels") if isinstance(data, dict) else None
                if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
                    raise ValueError('the body must be {"channels": [channel ARNs or addresses]}')
            except ValueError as error:
                self._send(400, {"message": f"Invalid failing channels: {error}"})
                return
            server.backend.delivery.set_failing_channels(channels)
            self._send(200, {"channels": sorted(channels)})
        elif (method, name) == ("GET", "responders"):
            self._send(200, {"responders": [rule.to_dict() for rule in server.backend.delivery.responders]})
        elif (method, name) == ("POST", "responders"):
            try:
                data = json.loads(body or b"{}")
                rules = data.get("responders") if isinstance(data, dict) else None
                if not isinstance(rules, list) or set(data) != {"responders"}:
                    raise ValueError('the body must be {"responders": [rules]}, each rule an object or a string.')
                checked = server.backend.delivery.set_responders(rules)
            except ValueError as error:
                self._send(400, {"message": f"Invalid responders: {error}"})
                return
            self._send(200, {"responders": [rule.to_dict() for rule in checked]})
        elif (method, name) == ("POST", "reset"):
            server.backend.reset()
            server.log.clear()
            self._send(200, {"reset": True})
        elif (method, name) == ("POST", "faults"):
            try:
                data = json.loads(body or b"{}")
                if not isinstance(data, dict):
                    raise ValueError("the body must be a JSON object of FaultConfig fields")
                faults = FaultConfig.from_dict(data)
            except (ValueError, TypeError) as error:
                self._send(400, {"message": f"Invalid fault settings: {error}"})
                return
            server.faults.set(faults)
            self._send(200, faults.to_dict())
        else:
            self._send(
                404,
                {
                    "message": f"{method} {path} is not an admin endpoint. Known: GET outbox, GET requests, "
                    "GET health, GET faults, GET rotations, GET failing-channels, GET responders, POST reset, "
                    "POST faults, POST failing-channels, POST responders (under /_emulator/)."
                },
            )
