"""One pace for every call a process makes to ssm-contacts, learned from the service's throttling answers.

Incident Manager publishes no request-rate figures, and one account's limit is shared by every stack and pipeline
that pages. botocore's ``standard`` retry mode lets each throttled call back off on its own (a random sleep of up
to 1, 2, 4... seconds), so a provider answering four calls at once leaves most of the limit unused while its calls
sleep; ``adaptive`` mode cuts its rate by 30% on each throttle and climbs back slowly. Under a limit admitting one
request at a time, both reached 14-43% of it here (``benchmarks/rate_limit.py``).

A :class:`Pacer` instead spaces the sends of all the threads of a process that talk to one endpoint:

- until the first throttling answer it does nothing at all: a caller under no limit pays a lock and no wait;
- a throttled request proves the pace was too fast: the time between it and the request sent before it that got
  through is a *floor* on the interval the service needs. A request that got through after such an interval proves
  that interval is enough: a *ceiling*. ``RetryAfterSeconds`` (or ``Retry-After``) of the first throttling answer
  is the first ceiling, since the service promises a free slot within that time;
- the interval is bisected (geometrically) between floor and ceiling until they are within 12%, then held just
  above the ceiling, drifting slowly faster (faster still after 40 calls without a throttle) so that a limit
  freed by others is found again; a throttle while held moves it back about 6%;
- a throttled call is retried at once, into the pace, instead of sleeping botocore's random backoff: the pacer
  has already slowed everyone down, and the retry goes out as soon as its turn comes. Retries stay botocore's own
  (same request, same idempotency token); ``maxAttempts`` still bounds them.

Used with botocore's ``standard`` retry mode, the default (``adaptive`` keeps botocore's own limiter instead).
``INCIDENT_MANAGER_PACING=off`` in the environment of the process that makes the calls (for ``pulumi up``, the
shell running it) turns it off and leaves botocore's ``standard`` mode exactly as botocore ships it.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

SWITCH = "INCIDENT_MANAGER_PACING"
"""Environment variable: ``off`` (or ``0``, ``false``, ``no``) turns pacing off."""

THROTTLING_CODES = frozenset({
    "ThrottlingException", "Throttling", "ThrottledException", "TooManyRequestsException",
    "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException", "SlowDown",
})

MIN_INTERVAL = 0.001
"""The smallest floor a throttle sets: requests sent at the same instant say nothing finer."""
DEFAULT_CEILING = 1.0
"""The first ceiling when a throttling answer names no retry time."""
SETTLED = 1.12
"""Bisection stops once ceiling / floor is at most this."""
SLACK = 0.01
"""Held interval: this much above the ceiling, room for the jitter between a send and its arrival."""
DRIFT = 0.0012
"""Per call that gets through at the held pace, floor and ceiling shrink by this share: a freed limit is found."""
BOUNCE = 0.05
"""A throttle at or above the ceiling moves the ceiling this much above the throttled interval."""
ACCELERATE = 40
"""After this many calls through without a throttle, the drift grows with every further call."""
_RECENT = 64

logger = logging.getLogger(__name__)


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether pacing is on: unless ``INCIDENT_MANAGER_PACING`` says ``off``."""
    value = (environ if environ is not None else os.environ).get(SWITCH, "").strip().lower()
    return value not in ("off", "0", "false", "no")


@dataclass
class Send:
    """One request the pacer let go: when, and what became of it."""

    at: float
    """When it was sent (the pacer's clock)."""
    paced: bool = False
    """Whether the pacer was spacing sends when it went: only then does its gap say anything."""
    outcome: str = "pending"
    """``pending``, ``admitted`` (any answer but a throttle), ``throttled``, or ``lost`` (no answer)."""


class Pacer:
    """Spaces sends to the interval learned from throttling answers; shared by the threads of one process.

    ``clock`` and ``wait`` (how a caller waits on the condition, for at most so many seconds) are injectable, so
    that tests run on a fake clock.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        wait: Callable[[threading.Condition, float], object] | None = None,
    ) -> None:
        self._clock = clock
        self._wait = wait or (lambda condition, seconds: condition.wait(seconds))
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._interval = 0.0
        self._next = -math.inf
        self._floor = 0.0
        self._ceiling = math.inf
        self._since_throttle = 0
        self._recent: deque[Send] = deque(maxlen=_RECENT)
        self.throttled = 0
        """Throttling answers seen."""
        self.admitted = 0
        """Other answers seen."""

    @property
    def interval(self) -> float:
        """Seconds between two sends; 0 while no throttling answer has been seen."""
        return self._interval

    @property
    def rate(self) -> float | None:
        """Requests per second the pacer lets through; None while it lets everything through."""
        return 1.0 / self._interval if self._interval else None

    def wait_turn(self) -> Send:
        """Blocks until this caller may send; returns the send, to report its outcome with :meth:`done`.

        No turn is booked ahead: waiting callers take the next free one, so a new pace applies at once."""
        with self._changed:
            while True:
                now = self._clock()
                if now >= self._next:
                    send = Send(now, paced=self._interval > 0)
                    self._recent.append(send)
                    self._next = now + self._interval
                    return send
                self._wait(self._changed, self._next - now)  # woken early when the pace changes

    def done(self, send: Send, *, throttled: bool, retry_after: float | None = None) -> None:
        """Reports what became of ``send``: throttled (with the retry time the answer named) or not."""
        with self._lock:
            gap = self._gap(send)
            send.outcome = "throttled" if throttled else "admitted"
            if throttled:
                self.throttled += 1
                self._on_throttled(gap, send.paced, retry_after)
            else:
                self.admitted += 1
                self._on_admitted(gap if send.paced else None)

    def forget(self, send: Send) -> None:
        """Reports that ``send`` got no answer at all: it teaches nothing about the limit."""
        with self._lock:
            send.outcome = "lost"

    def _gap(self, send: Send) -> float | None:
        """Time since the latest earlier send that was not throttled (pending counts: it may well get through)."""
        earlier = [s.at for s in self._recent if s.at < send.at and s.outcome in ("pending", "admitted")]
        return send.at - max(earlier) if earlier else None

    def _on_throttled(self, gap: float | None, paced: bool, retry_after: float | None) -> None:
        self._since_throttle = 0
        if paced and (gap is None or gap > self._interval):
            # Paced, a throttle says the pace is too fast. A longer gap (the sends before it throttled too, or a
            # thread that lagged between its turn and its write) would claim more than that.
            gap = self._interval
        gap = max(gap if gap is not None else MIN_INTERVAL, MIN_INTERVAL)
        self._floor = max(self._floor, gap)
        if self._ceiling == math.inf:
            self._ceiling = max(retry_after or DEFAULT_CEILING, self._floor * SETTLED)
        elif self._ceiling <= gap * SETTLED:
            # At or under the ceiling: it was too optimistic. Held, the drift went a little too far (or a burst
            # drained, or a neighbour took a share): just above. Bisecting, the range was wrong: start wider.
            held = self._ceiling <= self._floor * SETTLED
            self._ceiling = gap * (1 + BOUNCE) if held else gap * 2
        self._settle()

    def _on_admitted(self, gap: float | None) -> None:
        if not self._interval:
            return  # not pacing: nothing learned
        if self._ceiling > self._floor * SETTLED:  # still bisecting: every answer narrows the range
            if gap is not None and gap > self._floor:
                self._ceiling = min(self._ceiling, gap)
            elif gap is not None and gap > 0:  # through faster than a pace once throttled: the floor was wrong
                self._floor = gap / SETTLED
        else:  # held: drift faster, to find a limit others have freed (or one a burst or a lag hid)
            self._since_throttle += 1
            drift = DRIFT * max(1.0, self._since_throttle / ACCELERATE)
            self._ceiling *= 1 - drift
            self._floor *= 1 - drift
        self._settle()

    def _settle(self) -> None:
        before = self._interval
        self._choose_interval()
        if self._interval != before:
            self._next = max((s.at for s in self._recent), default=self._clock()) + self._interval
            self._changed.notify_all()
            logger.debug(
                "pace %.1f ms (floor %.1f ms, ceiling %.1f ms) after %d throttled, %d other answers",
                self._interval * 1000, self._floor * 1000, self._ceiling * 1000, self.throttled, self.admitted,
            )

    def _choose_interval(self) -> None:
        if self._ceiling > self._floor * SETTLED:
            # Far apart, halve the range (in ratio); close, guess nearer the ceiling: a guess too slow costs a
            # little time, one too fast a throttle.
            weight = 0.5 if self._ceiling > 4 * self._floor else 0.75
            self._interval = self._floor ** (1 - weight) * self._ceiling**weight
        else:
            self._interval = self._ceiling * (1 + SLACK)


# -- botocore ---------------------------------------------------------------------------------------------------

_pacers: dict[str, Pacer] = {}
_pacers_lock = threading.Lock()
_local = threading.local()


def pacer_for(endpoint_url: str) -> Pacer:
    """The process's pacer for one endpoint (one region's limit), made on first use."""
    with _pacers_lock:
        found = _pacers.get(endpoint_url)
        if found is None:
            found = _pacers[endpoint_url] = Pacer()
        return found


def throttle_of(response: Any) -> tuple[bool, float | None]:
    """Whether a botocore ``(http_response, parsed)`` answer is a throttle, and the retry time it names."""
    if not response:
        return False, None
    http, parsed = response
    code = ((parsed or {}).get("Error") or {}).get("Code")
    if code not in THROTTLING_CODES and getattr(http, "status_code", None) != 429:
        return False, None
    retry_after = (parsed or {}).get("RetryAfterSeconds")
    if retry_after is None:
        retry_after = (getattr(http, "headers", None) or {}).get("Retry-After")
    try:
        seconds = float(retry_after) if retry_after is not None else None
    except ValueError:  # an HTTP date: no use here
        seconds = None
    return True, seconds if seconds is not None and seconds > 0 else None


def attach(client: Any, max_attempts: int, pacer: Pacer | None = None) -> Pacer:
    """Paces ``client`` (a botocore client in ``standard`` retry mode) with ``pacer``, by default the process's
    pacer for its endpoint. Its throttled calls are retried at once into the pace, at most ``max_attempts``
    attempts in all; every other retry decision stays botocore's."""
    pacer = pacer or pacer_for(client.meta.endpoint_url)
    service = client.meta.service_model.service_id.hyphenize()

    def before_send(**_: Any) -> None:
        _local.send = pacer.wait_turn()

    def needs_retry(response: Any = None, attempts: int = 1, **_: Any) -> float | None:
        send: Send | None = getattr(_local, "send", None)
        _local.send = None
        throttled, retry_after = throttle_of(response)
        if send is not None:
            if response is None:  # no answer (connection error): nothing learned
                pacer.forget(send)
            else:
                pacer.done(send, throttled=throttled, retry_after=retry_after)
        if throttled and attempts < max_attempts:
            return 0.0  # retry now: the pacer spaces it
        return None  # botocore's own handler decides, and sleeps its backoff

    client.meta.events.register(f"before-send.{service}", before_send, unique_id="incident-manager-pacing-send")
    client.meta.events.register_first(
        f"needs-retry.{service}", needs_retry, unique_id="incident-manager-pacing-retry"
    )
    return pacer
