"""Settings of an emulator: where it listens, who it trusts, how time and faults behave."""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .responders import Responder, coerce

DEFAULT_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
"""AWS's documented example access key id: the emulator's default test key pair."""

DEFAULT_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
"""AWS's documented example secret access key, paired with DEFAULT_ACCESS_KEY_ID."""

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_IDEMPOTENCY_WINDOW_SECONDS = 8 * 3600


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or name, as bound or as a Host header names it) is this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class FaultConfig:
    """Faults injected into ssm-contacts requests (never into the /_emulator admin endpoints)."""

    throttle_rate: float | None = None
    """Requests per second the token bucket admits; beyond it, ThrottlingException. None: no limit."""
    throttle_burst: int | None = None
    """Bucket size (requests admitted at once). None: max(1, throttle_rate)."""
    error_rate: float = 0.0
    """Probability (0..1) of answering InternalServerException (HTTP 500) instead of running the request."""
    drop_rate: float = 0.0
    """Probability (0..1) of closing the connection without any answer (the request is not run)."""
    latency_ms: float = 0.0
    """Delay added before every answer."""
    hold_start_engagement_seconds: float = 0.0
    """StartEngagement starts the engagement, then waits this long before answering: a lost response."""
    seed: int | None = None
    """Seed of the draws behind error_rate and drop_rate, for a reproducible sequence of faults. None: random."""

    def __post_init__(self) -> None:
        for name in ("error_rate", "drop_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"FaultConfig.{name} must be between 0 and 1, got {value!r}")
        for name in ("latency_ms", "hold_start_engagement_seconds"):
            if getattr(self, name) < 0:
                raise ValueError(f"FaultConfig.{name} must not be negative, got {getattr(self, name)!r}")
        if self.throttle_rate is not None and self.throttle_rate <= 0:
            raise ValueError(f"FaultConfig.throttle_rate must be positive or None, got {self.throttle_rate!r}")
        if self.throttle_burst is not None and self.throttle_burst < 1:
            raise ValueError(f"FaultConfig.throttle_burst must be at least 1, got {self.throttle_burst!r}")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaultConfig:
        """Build from JSON (the body of POST /_emulator/faults); unknown keys are an error, not ignored."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown fault setting(s) {unknown}; known: {sorted(known)}")
        return cls(**data)


@dataclass(frozen=True)
class EmulatorConfig:
    """How an emulator listens and behaves. Every field has a default fit for tests."""

    host: str = "127.0.0.1"
    """Interface to listen on; loopback by default."""
    port: int = 0
    """TCP port; 0 picks a free one."""
    region: str = DEFAULT_REGION
    """Region in ARNs; requests must be signed for it."""
    account_id: str = DEFAULT_ACCOUNT_ID
    """Account in ARNs."""
    credentials: Mapping[str, str] = field(default_factory=lambda: {DEFAULT_ACCESS_KEY_ID: DEFAULT_SECRET_ACCESS_KEY})
    """Access key id -> secret access key: the pairs whose SigV4 signatures are accepted."""
    allowed_actions: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Access key id -> operations it may call (others: AccessDeniedException). Keys not listed may call all."""
    time_scale: float = 1.0
    """How many times faster than real time escalation delays run: 60 turns a 5-minute stage into 5 seconds.
    0 means no waiting at all: every stage pages at once."""
    idempotency_window_seconds: float = DEFAULT_IDEMPOTENCY_WINDOW_SECONDS
    """How long StartEngagement remembers an IdempotencyToken."""
    state_path: str | None = None
    """SQLite file to persist to (write-through); None keeps everything in memory."""
    activation_code: str | None = None
    """A code ActivateContactChannel accepts (as well as one SendActivationCode sent); None: any well-formed code."""
    strict_activation: bool = False
    """ActivateContactChannel accepts only the code SendActivationCode last sent to the channel (or activation_code,
    if set: the seed activates its channels with "123456")."""
    faults: FaultConfig = field(default_factory=FaultConfig)
    """Faults active from the start (change them later with set_faults)."""
    responders: Sequence[Responder | str | Mapping[str, Any]] = ()
    """Simulated people who answer their pages (see responders.py): ``Responder`` objects, command-line strings
    such as ``"alice-oncall:SMS:90s"``, or JSON objects; kept as a tuple of ``Responder``. Empty: nobody answers."""
    failing_channels: Sequence[str] = ()
    """Channel ARNs or addresses whose sends fail from the start (change them later with set_failing_channels)."""
    live_page: bool = False
    """Serve the live drill page at ``/drill`` (live.py): engagements, pages, receipts and who is on call as they
    happen, with an acknowledge button per page. Loopback hosts only: the button takes no credentials."""
    live_page_show_messages: bool = False
    """Show what the pages said on the live drill page (subjects, contents, addresses, accept codes); off, it shows
    none of them."""

    def __post_init__(self) -> None:
        if not self.time_scale >= 0:  # also refuses NaN
            raise ValueError(f"EmulatorConfig.time_scale must not be negative, got {self.time_scale!r}")
        if self.idempotency_window_seconds < 0:
            raise ValueError("EmulatorConfig.idempotency_window_seconds must not be negative")
        if not self.credentials:
            raise ValueError("EmulatorConfig.credentials must hold at least one access key pair")
        # Frozen: normalized through object.__setattr__, so that equal settings compare equal.
        object.__setattr__(self, "responders", coerce(self.responders))
        if isinstance(self.failing_channels, str) or not all(isinstance(c, str) for c in self.failing_channels):
            raise ValueError("EmulatorConfig.failing_channels must be a list of channel ARNs or addresses")
        object.__setattr__(self, "failing_channels", tuple(self.failing_channels))
        if self.live_page and not is_loopback(self.host):
            raise ValueError(
                f"the live drill page (--live-page, EmulatorConfig.live_page) is served on loopback hosts only, and "
                f"host is {self.host!r}: its acknowledge button takes no credentials, so anyone who reached it could "
                "acknowledge pages; listen on 127.0.0.1 and, to show the page on another machine, forward the port "
                "(ssh -L 4566:127.0.0.1:4566 <this host>)"
            )
        if self.live_page_show_messages and not self.live_page:
            raise ValueError(
                "--live-page-show-messages (EmulatorConfig.live_page_show_messages) shows messages on the live drill "
                "page, which is off: add --live-page (live_page=True) to turn it on"
            )
