"""What the dynamic provider adds to a bare StartEngagement, against the offline endpoint.

Prints, in one run:
- the median of a Create through the real ``python -m pulumi.dynamic`` server over gRPC (StartEngagement, then
  DescribeEngagement: every write ends with a read), with a warm server;
- the median of a bare boto3 ``start_engagement``, and of a bare ``start_engagement`` + ``describe_engagement``;
- their ratios, and the provider process's cold start (spawn to port, and spawn to the first Create answered).

The endpoint runs as its own process so it does not share the GIL with the measured client.
Usage: python benchmarks/provider_overhead.py [--runs 60] [--latency-ms 0]
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The gRPC driver of the dynamic-provider server is test tooling: it lives with the tests, not in the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "provider"))

from harness import ProviderServer

from incident_manager_provider.engagement import EngagementProvider
from ssm_contacts_emulator import EmulatorProcess, FaultConfig
from ssm_contacts_emulator.seed import seed_rotation

PROVIDER = EngagementProvider()


def engagement_inputs(contact: str, run: str) -> dict[str, Any]:
    """Checked inputs (token derived), as the engine would hold them before Create."""
    news = {
        "contact_id": contact,
        "sender": "benchmark",
        "subject": "[BENCH] provider overhead",
        "content": "Benchmark engagement.",
        "public_subject": "[BENCH]",
        "public_content": "Benchmark.",
        "run": run,
        "token_key": "5ca1ab1e" * 8,
    }
    result = PROVIDER.check({}, news)
    assert not result.failures, result.failures
    return result.inputs


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60, help="measured calls per variant (default 60)")
    parser.add_argument("--cold-starts", type=int, default=5, help="provider processes started cold (default 5)")
    parser.add_argument("--latency-ms", type=int, default=0, help="latency the endpoint adds to each answer")
    args = parser.parse_args()

    with EmulatorProcess() as endpoint, tempfile.TemporaryDirectory() as empty:
        client = endpoint.client()
        contact = seed_rotation(client).alice_arn
        endpoint.set_faults(FaultConfig(latency_ms=args.latency_ms))
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
            **endpoint.env(),
            "AWS_CONFIG_FILE": os.path.join(empty, "config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(empty, "credentials"),
            "PULUMI_PROJECT": "bench",
        }
        config = {"aws:region": endpoint.region, "incident-manager:endpoint": endpoint.endpoint_url}

        spawn, first_create = [], []
        for index in range(args.cold_starts):
            props = engagement_inputs(contact, f"cold-{index}")
            start = time.perf_counter()
            with ProviderServer(env) as server:
                spawn.append(time.perf_counter() - start)
                server.configure(config)
                server.create(PROVIDER, props)
                first_create.append(time.perf_counter() - start)

        with ProviderServer(env) as server:
            server.configure(config)
            for index in range(5):  # warm: provider unpickled, service model loaded, client built
                server.create(PROVIDER, engagement_inputs(contact, f"warm-{index}"))
            prepared = [engagement_inputs(contact, f"steady-{index}") for index in range(args.runs)]
            through_provider = [timed(functools.partial(server.create, PROVIDER, props)) for props in prepared]

        def bare(token: str, read: bool) -> None:
            arn = client.start_engagement(
                ContactId=contact,
                Sender="benchmark",
                Subject="[BENCH] provider overhead",
                Content="Benchmark engagement.",
                PublicSubject="[BENCH]",
                PublicContent="Benchmark.",
                IdempotencyToken=token,
            )["EngagementArn"]
            if read:
                client.describe_engagement(EngagementId=arn)

        for index in range(5):  # warm the bare client's connection too
            bare(f"warm-{index}", read=True)
        bare_start = [timed(functools.partial(bare, f"bare-{i}", read=False)) for i in range(args.runs)]
        bare_pair = [timed(functools.partial(bare, f"pair-{i}", read=True)) for i in range(args.runs)]

    provider_ms, start_ms, pair_ms = median_ms(through_provider), median_ms(bare_start), median_ms(bare_pair)
    print(f"endpoint latency added:                 {args.latency_ms} ms per answer, {args.runs} runs each")
    print(f"create through the provider server:     {provider_ms:8.2f} ms (median)")
    print(f"bare boto3 start_engagement:            {start_ms:8.2f} ms (median)")
    print(f"bare start_engagement + describe:       {pair_ms:8.2f} ms (median)")
    print(f"ratio provider / bare start:            {provider_ms / start_ms:8.2f}x")
    print(f"ratio provider / bare start + describe: {provider_ms / pair_ms:8.2f}x")
    print(f"provider cold start, spawn to port:     {median_ms(spawn):8.2f} ms (median of {args.cold_starts})")
    print(f"provider cold start, to first Create:   {median_ms(first_create):8.2f} ms (median of {args.cold_starts})")


if __name__ == "__main__":
    main()
