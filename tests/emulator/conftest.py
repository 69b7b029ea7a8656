"""Fixtures for the emulator's own tests: a fast clock, a client, raw signed HTTP (`rotation`: tests/conftest.py)."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from ssm_contacts_emulator import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_SECRET_ACCESS_KEY,
    Emulator,
    EmulatorConfig,
)

from .support import TIME_SCALE


@pytest.fixture
def ssm_contacts_emulator_config() -> EmulatorConfig:
    return EmulatorConfig(time_scale=TIME_SCALE)


@pytest.fixture
def emu(ssm_contacts_emulator: Emulator) -> Emulator:
    return ssm_contacts_emulator


@pytest.fixture
def client(emu: Emulator) -> Any:
    """A client that does not retry, so each call is exactly one request."""
    return emu.client(config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


@pytest.fixture
def unvalidated(emu: Emulator) -> Any:
    """A client whose own parameter validation is off: bad input reaches the server, as it does from other SDKs."""
    return emu.client(config=Config(retries={"total_max_attempts": 1}, parameter_validation=False))


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]


RawPost = Callable[..., RawResponse]


@pytest.fixture
def raw(emu: Emulator) -> RawPost:
    """POST bytes to the emulator, signed by botocore's SigV4 signer unless ``sign=False``.

    ``headers`` are added before signing; ``send`` replaces the body and ``override`` sets headers after signing
    (a tampered request).
    """

    def post(
        body: bytes | str | dict[str, Any],
        target: str | None = "SSMContacts.ListContacts",
        *,
        content_type: str = "application/x-amz-json-1.1",
        sign: bool = True,
        key: str = DEFAULT_ACCESS_KEY_ID,
        secret: str = DEFAULT_SECRET_ACCESS_KEY,
        region: str = emu.region,
        service: str = "ssm-contacts",
        path: str = "/",
        timestamp: str | None = None,
        method: str = "POST",
        send: bytes | None = None,
        headers: dict[str, str] | None = None,
        override: dict[str, str] | None = None,
    ) -> RawResponse:
        data = json.dumps(body).encode() if isinstance(body, dict) else body.encode() if isinstance(body, str) else body
        url = emu.endpoint_url + path
        request = AWSRequest(
            method=method, url=url, data=data, headers={"Content-Type": content_type, **(headers or {})}
        )
        if target is not None:
            request.headers["X-Amz-Target"] = target
        if sign:
            signer = SigV4Auth(Credentials(key, secret), service, region)
            if timestamp is None:
                signer.add_auth(request)
            else:  # sign as if at another time
                request.context["timestamp"] = timestamp
                request.headers["X-Amz-Date"] = timestamp
                request.headers["Authorization"] = ""
                del request.headers["Authorization"]
                canonical = signer.canonical_request(request)
                signature = signer.signature(signer.string_to_sign(request, canonical), request)
                signer._inject_signature_to_request(request, signature)
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        try:
            sent_headers = {**dict(request.headers.items()), **(override or {})}
            connection.request(method, path, body=data if send is None else send, headers=sent_headers)
            response = connection.getresponse()
            payload = response.read()
            return RawResponse(
                response.status, {k.lower(): v for k, v in response.getheaders()}, json.loads(payload or b"{}")
            )
        finally:
            connection.close()

    return post
