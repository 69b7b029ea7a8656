"""The pacer: spacing, learning from throttling answers, one pace for all threads, nothing without throttling.

Most tests run the pacer on a fake clock against a simulated token bucket, so they assert what it does, never how
fast a machine is. The botocore tests run a real client against the offline endpoint.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
from typing import Any

import botocore.config
import pytest

from incident_manager_provider import aws, pacing
from incident_manager_provider.pacing import Pacer
from ssm_contacts_emulator import Emulator, FaultConfig
from ssm_contacts_emulator.seed import Rotation


class FakeClock:
    """A clock that only moves when a caller waits."""

    def __init__(self) -> None:
        self.now = 100.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def wait(self, _condition: threading.Condition, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


class TokenBucket:
    """The service's limit as the emulator implements it: ``rate`` tokens a second, at most ``burst`` saved."""

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate, self.burst, self.tokens, self.last = rate, burst, burst, now

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def run_against(pacer: Pacer, clock: FakeClock, bucket: TokenBucket, calls: int, latency: float = 0.005) -> int:
    """Sends until ``calls`` requests got through, each retried at once when throttled; returns the throttles."""
    throttled = 0
    admitted = 0
    while admitted < calls:
        send = pacer.wait_turn()
        through = bucket.take(clock.now)
        clock.now += latency
        pacer.done(send, throttled=not through, retry_after=None if through else 1.0)
        admitted += through
        throttled += not through
    return throttled


def test_without_throttling_the_pacer_never_waits() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock, wait=clock.wait)

    for _ in range(100):
        pacer.done(pacer.wait_turn(), throttled=False)

    assert clock.waits == []
    assert pacer.interval == 0 and pacer.rate is None


def test_the_first_throttle_starts_pacing_below_the_retry_time_it_names() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock, wait=clock.wait)
    first, second = pacer.wait_turn(), pacer.wait_turn()
    pacer.done(first, throttled=False)

    pacer.done(second, throttled=True, retry_after=2.0)

    assert 0 < pacer.interval < 2.0


def test_throttles_of_requests_sent_before_pacing_began_do_not_slow_the_pace() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock, wait=clock.wait)
    first, second, third = pacer.wait_turn(), pacer.wait_turn(), pacer.wait_turn()  # four threads, all at once
    pacer.done(first, throttled=False)
    pacer.done(second, throttled=True, retry_after=1.0)
    learned = pacer.interval

    pacer.done(third, throttled=True, retry_after=1.0)  # its answer comes late, but it was never paced

    assert pacer.interval == pytest.approx(learned)


def test_sends_are_spaced_by_the_learned_interval() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock, wait=clock.wait)
    run_against(pacer, clock, TokenBucket(10, 1, clock.now), calls=20)
    interval = pacer.interval

    sends = [pacer.wait_turn() for _ in range(5)]

    gaps = [b.at - a.at for a, b in itertools.pairwise(sends)]
    assert gaps == pytest.approx([interval] * 4)


@pytest.mark.parametrize("rate", [5.0, 10.0, 25.0])
def test_the_pace_settles_just_under_the_limit_with_few_throttles(rate: float) -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock, wait=clock.wait)
    start = clock.now

    throttled = run_against(pacer, clock, TokenBucket(rate, 1, clock.now), calls=200)

    assert 0.9 * rate <= 200 / (clock.now - start) <= rate
    assert throttled < 0.1 * 200
    assert 0.9 * rate <= (pacer.rate or 0) <= rate * 1.01


def test_a_freed_limit_is_found_again() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock, wait=clock.wait)
    run_against(pacer, clock, TokenBucket(5, 1, clock.now), calls=50)
    slow = pacer.rate or 0

    run_against(pacer, clock, TokenBucket(10, 1, clock.now), calls=400)

    assert slow <= 5 and (pacer.rate or 0) > 1.5 * slow


def test_a_burst_the_service_allows_is_used_then_the_pace_holds() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock, wait=clock.wait)
    start = clock.now

    throttled = run_against(pacer, clock, TokenBucket(10, 10, clock.now), calls=200)

    assert throttled < 0.1 * 200
    assert 9 <= 200 / (clock.now - start) <= 10 + 10 / (clock.now - start)  # the limit, plus the burst once


def test_one_pace_for_every_thread() -> None:
    pacer = Pacer()
    # Learn a pace of about 50 ms from a throttle 30 ms after a request that got through.
    pacer.done(pacer.wait_turn(), throttled=False)
    for send in [pacer.wait_turn(), pacer.wait_turn()]:
        pacer.done(send, throttled=True, retry_after=0.1)
    interval = pacer.interval
    assert interval > 0
    sends: list[pacing.Send] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(3):
            send = pacer.wait_turn()
            with lock:
                sends.append(send)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    times = sorted(send.at for send in sends)
    assert len(times) == 12
    # A busy machine can only make the gaps longer, never shorter.
    assert min(b - a for a, b in itertools.pairwise(times)) >= interval * 0.999


def test_a_lost_answer_teaches_nothing() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock, wait=clock.wait)

    pacer.forget(pacer.wait_turn())
    pacer.done(pacer.wait_turn(), throttled=False)

    assert pacer.interval == 0 and pacer.throttled == 0


@pytest.mark.parametrize(
    ("value", "on"), [(None, True), ("", True), ("on", True), ("off", False), ("0", False), ("False", False)]
)
def test_the_switch(value: str | None, on: bool) -> None:
    assert pacing.enabled({} if value is None else {pacing.SWITCH: value}) is on


def test_throttling_answers_and_their_retry_time() -> None:
    class Http:
        def __init__(self, status: int, headers: dict[str, str]) -> None:
            self.status_code, self.headers = status, headers

    modeled = (Http(400, {}), {"Error": {"Code": "ThrottlingException"}, "RetryAfterSeconds": 3})
    header = (Http(429, {"Retry-After": "2"}), {"Error": {"Code": "TooManyRequests"}})
    other = (Http(500, {}), {"Error": {"Code": "InternalServerException"}})

    assert pacing.throttle_of(modeled) == (True, 3.0)
    assert pacing.throttle_of(header) == (True, 2.0)
    assert pacing.throttle_of(other) == (False, None)
    assert pacing.throttle_of(None) == (False, None)


# -- with botocore, against the offline endpoint ------------------------------------------------------------------


def paced_client(endpoint: Emulator, pacer: Pacer, max_attempts: int = 10) -> Any:
    client = endpoint.client(config=botocore.config.Config(retries={"mode": "standard",
                                                                       "total_max_attempts": max_attempts}))
    pacing.attach(client, max_attempts, pacer)
    return client


def test_a_throttled_start_is_retried_into_the_pace_with_its_token(
    ssm_contacts_emulator: Emulator, rotation: Rotation
) -> None:
    pacer = Pacer()
    client = paced_client(ssm_contacts_emulator, pacer)
    ssm_contacts_emulator.set_faults(FaultConfig(throttle_rate=20, throttle_burst=1))

    arns = [
        client.start_engagement(ContactId=rotation.alice_arn, Sender="tests", Subject="s", Content="c",
                                IdempotencyToken=f"pacing-{index}")["EngagementArn"]
        for index in range(4)
        for _ in range(2)  # each token twice: the second call answers the same engagement
    ]

    assert len(set(arns)) == 4
    starts = [r for r in ssm_contacts_emulator.requests() if r["operation"] == "StartEngagement"]
    assert sum(1 for r in starts if not r["error"]) == 8
    assert pacer.throttled == sum(1 for r in starts if r["error"] == "ThrottlingException")
    assert len(ssm_contacts_emulator.outbox()) == 4 * 2  # two channels paged per engagement, none twice


def test_max_attempts_still_bounds_throttled_retries(ssm_contacts_emulator: Emulator, rotation: Rotation) -> None:
    client = paced_client(ssm_contacts_emulator, Pacer(), max_attempts=2)
    ssm_contacts_emulator.set_faults(FaultConfig(throttle_rate=0.01, throttle_burst=1))
    client.list_contacts()  # takes the only token

    with pytest.raises(client.exceptions.ThrottlingException):
        client.list_contacts()

    assert [r["error"] for r in ssm_contacts_emulator.requests()[-2:]] == ["ThrottlingException"] * 2


def test_the_default_client_is_paced_and_adaptive_or_off_is_not(
    ssm_contacts_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in ssm_contacts_emulator.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", ssm_contacts_emulator.region)
    pacer = pacing.pacer_for(ssm_contacts_emulator.endpoint_url)

    def paced(settings: aws.AwsSettings) -> bool:
        """Whether the process's pacer hears of a throttle this client meets."""
        ssm_contacts_emulator.set_faults(FaultConfig(throttle_rate=0.01, throttle_burst=1))
        client = aws._build(dataclasses.replace(settings, max_attempts=1), {})
        seen = pacer.throttled
        client.list_contacts()
        with pytest.raises(client.exceptions.ThrottlingException):
            client.list_contacts()
        return pacer.throttled > seen

    assert paced(aws.AwsSettings())
    assert not paced(aws.AwsSettings(retry_mode="adaptive"))
    monkeypatch.setenv(pacing.SWITCH, "off")
    assert not paced(aws.AwsSettings())
