"""Throughput of the ssm-contacts emulator under several concurrent boto3 clients.

Each client alternates StartEngagement (a fresh IdempotencyToken, so every call pages two channels) and
DescribeEngagement of what it just started. Prints requests per second, median and p95 latency, and the ratio to
the 300 req/s target.

    .venv/bin/python benchmarks/emulator_throughput.py [--clients 8] [--seconds 10] [--mode process|thread]
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ssm_contacts_emulator import Emulator, EmulatorConfig, EmulatorProcess, seed_rotation

TARGET_RPS = 300.0


def worker(client: Any, contact: str, worker_id: int, deadline: float, latencies: list[float]) -> None:
    n = 0
    while time.perf_counter() < deadline:
        n += 1
        started = time.perf_counter()
        arn = client.start_engagement(
            ContactId=contact,
            Sender="bench",
            Subject="Benchmark page",
            Content="Throughput run.",
            PublicSubject="Bench",
            PublicContent="Bench",
            IdempotencyToken=f"bench-{worker_id}-{n}",
        )["EngagementArn"]
        middle = time.perf_counter()
        client.describe_engagement(EngagementId=arn)
        ended = time.perf_counter()
        latencies += [middle - started, ended - middle]  # list.__iadd__ holds the GIL: safe across threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8, help="concurrent boto3 clients (threads)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measurement duration")
    parser.add_argument(
        "--mode",
        choices=["process", "thread"],
        default="process",
        help="emulator in a subprocess (its own interpreter, as the CLI runs it) or in this process",
    )
    parser.add_argument("--state", help="run with --state FILE (SQLite write-through) instead of in memory")
    args = parser.parse_args()

    config = EmulatorConfig(state_path=args.state)
    emulator = EmulatorProcess(config) if args.mode == "process" else Emulator(config)
    with emulator as emu:
        rotation = seed_rotation(emu.client())
        clients = [emu.client() for _ in range(args.clients)]
        for client in clients:  # warm up: open each client's connection
            client.describe_engagement(
                EngagementId=client.start_engagement(
                    ContactId=rotation.alice_arn, Sender="warm", Subject="warm", Content="warm"
                )["EngagementArn"]
            )
        latencies: list[float] = []
        start = time.perf_counter()
        deadline = start + args.seconds
        with ThreadPoolExecutor(args.clients) as pool:
            futures = [
                pool.submit(worker, client, rotation.alice_arn, i, deadline, latencies)
                for i, client in enumerate(clients)
            ]
            for future in futures:
                future.result()
        elapsed = time.perf_counter() - start
        counts = emu.request_counts()
        pages = len(emu.outbox())

    rps = len(latencies) / elapsed
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(f"emulator: {args.mode}, state: {args.state or 'memory'}, clients: {args.clients}")
    print(f"requests: {len(latencies)} in {elapsed:.1f} s ({counts.get('StartEngagement', 0)} StartEngagement, "
          f"{counts.get('DescribeEngagement', 0)} DescribeEngagement, {pages} pages sent)")  # fmt: skip
    print(f"throughput: {rps:.0f} req/s (target {TARGET_RPS:.0f} req/s: ratio {rps / TARGET_RPS:.2f}x)")
    print(f"latency: median {statistics.median(latencies) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")


if __name__ == "__main__":
    main()
