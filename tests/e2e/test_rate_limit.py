"""`pulumi up` under the service's rate limit, with the default settings: the provider's pacer (pacing.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pulumi_cli import Project
from ssm_contacts_emulator import Emulator, FaultConfig
from ssm_contacts_emulator.seed import Rotation

pytestmark = pytest.mark.cli

ProjectFactory = Callable[..., Project]


def test_up_under_a_rate_limit_starts_every_engagement_once_with_few_throttled_requests(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("engagements").init({"contactId": rotation.alice_arn, "count": "30"})
    # Ten requests a second, one at a time: the provider answers four creates at once, so it must learn the pace.
    endpoint.set_faults(FaultConfig(throttle_rate=10.0, throttle_burst=1))

    result = stack.up()
    endpoint.set_faults(FaultConfig())

    assert result.changes == {"create": 33}
    log = [r for r in endpoint.requests() if r["operation"] in ("StartEngagement", "DescribeEngagement")]
    starts = [r for r in log if r["operation"] == "StartEngagement" and not r["error"]]
    throttled = [r for r in log if r["error"] == "ThrottlingException"]
    assert {r["error"] for r in log} <= {None, "ThrottlingException"}
    assert len(starts) == 30
    arns = {message["engagement_arn"] for message in endpoint.outbox()}
    assert len(arns) == 30 and len(endpoint.outbox()) == 30 * 2  # each engagement started once, paged once
    # botocore's standard mode alone meets more throttles than successes here (benchmarks/rate_limit.py).
    assert len(throttled) < 0.2 * len(log)
