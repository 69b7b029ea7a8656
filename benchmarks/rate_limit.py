"""Throughput under the service's rate limit: plain `pulumi up` of N engagements against an endpoint that admits
LIMIT requests/s, with the project's default (botocore `standard` retries plus the shared pacer of
`incident_manager_provider/pacing.py`) beside botocore's own `standard` (pacing off) and `adaptive` modes.

Each row is a fresh stack: one `pulumi up` under the limit (every engagement created: a StartEngagement and a
DescribeEngagement each), then a no-op `pulumi up`. achieved / limit = successful calls / ((up - no-op up) x limit),
the issue's measure; throttled = throttled requests / all requests of the up. A last row, with no limit and
LATENCY ms added to every answer, shows what a slow link costs the dynamic provider.

    .venv/bin/python benchmarks/rate_limit.py            # N=50 at 5, 10 and 25 req/s, N=200 at 25 req/s
    .venv/bin/python benchmarks/rate_limit.py --quick    # N=50 at 10 req/s
    .venv/bin/python benchmarks/rate_limit.py --full     # N=50 and 200 at 5, 10 and 25 req/s
    .venv/bin/python benchmarks/rate_limit.py --modes default --limits 5 10 25 --counts 50 200
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from pulumi_cli import Project, PulumiFailed, copy_project, ensure_cli  # noqa: E402
from ssm_contacts_emulator import Emulator, FaultConfig  # noqa: E402
from ssm_contacts_emulator.seed import seed_rotation  # noqa: E402

MODES = {
    "default": ({}, {}),
    "standard": ({}, {"INCIDENT_MANAGER_PACING": "off"}),
    "adaptive": ({"incident-manager:retryMode": "adaptive"}, {}),
}
"""Mode name: (stack config, environment of the pulumi CLI)."""


@dataclass
class Row:
    mode: str
    count: int
    limit: float | None
    up: float
    noop: float
    ok: int
    throttled: int
    requests: int
    failed: bool
    latency_ms: float = 0.0

    @property
    def achieved(self) -> float | None:
        if self.limit is None or self.up <= self.noop:
            return None
        return self.ok / ((self.up - self.noop) * self.limit)


def measure(
    endpoint: Emulator, contact: str, cli_root: Path, state: Path, mode: str, count: int, limit: float | None,
    burst: int, latency_ms: float = 0.0,
) -> Row:
    config, env = MODES[mode]
    name = f"{mode}-{count}-{limit or 'none'}-{int(latency_ms)}"
    folder = copy_project(REPO_ROOT / "tests/e2e/programs/engagements", state / name)
    stack = Project(folder, "bench", cli_root, state / f"{name}-state", {**endpoint.env(), **env})
    stack.init({"contactId": contact, "count": str(count), **config})
    before = len(endpoint.requests())
    endpoint.set_faults(FaultConfig(throttle_rate=limit, throttle_burst=burst if limit else None,
                                    latency_ms=latency_ms))
    start = time.perf_counter()
    try:
        stack.up()
        failed = False
    except PulumiFailed:
        failed = True
    up = time.perf_counter() - start
    endpoint.set_faults(FaultConfig())
    log = [r for r in endpoint.requests()[before:] if r["operation"] in ("StartEngagement", "DescribeEngagement")]
    start = time.perf_counter()
    stack.up()
    noop = time.perf_counter() - start
    return Row(
        mode, count, limit, up, noop,
        ok=sum(1 for r in log if not r["error"]),
        throttled=sum(1 for r in log if r["error"] == "ThrottlingException"),
        requests=len(log), failed=failed, latency_ms=latency_ms,
    )


def print_row(row: Row) -> None:
    limit = f"{row.limit:g}/s" if row.limit else f"none, {row.latency_ms:g} ms" if row.latency_ms else "none"
    achieved = f"{row.achieved:.0%}" if row.achieved is not None else "-"
    share = row.throttled / row.requests if row.requests else 0.0
    print(f"{row.mode:<10}{row.count:>5}  {limit:<15}{achieved:>10}{share:>11.1%}{row.throttled:>6}/{row.requests:<6}"
          f"{row.up:>8.1f}{row.noop:>9.1f}  {'FAILED' if row.failed else 'ok'}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N=50 at 10 req/s only")
    parser.add_argument("--full", action="store_true", help="N=50 and 200 at 5, 10 and 25 req/s")
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    parser.add_argument("--limits", nargs="+", type=float)
    parser.add_argument("--counts", nargs="+", type=int)
    parser.add_argument("--burst", type=int, default=1, help="requests the limit admits at once (default 1)")
    parser.add_argument("--latency-ms", type=float, default=300.0, help="latency of the last row (0: no row)")
    args = parser.parse_args()
    if args.limits or args.counts:
        cases = [(n, limit) for n in args.counts or [50] for limit in args.limits or [10.0]]
    elif args.quick:
        cases = [(50, 10.0)]
    elif args.full:
        cases = [(n, limit) for n in (50, 200) for limit in (5.0, 10.0, 25.0)]
    else:
        cases = [(50, 5.0), (50, 10.0), (50, 25.0), (200, 25.0)]
    cli_root = ensure_cli()

    print(f"pulumi up of N engagements under a rate limit (burst {args.burst}); achieved = successful calls / "
          "((up - no-op up) x limit)")
    print(f"{'mode':<10}{'N':>5}  {'limit':<15}{'achieved':>10}{'throttled':>11}{'of calls':>13}{'up s':>8}"
          f"{'no-op s':>9}")
    rows = []
    with Emulator() as endpoint, tempfile.TemporaryDirectory() as state:
        contact = seed_rotation(endpoint.client()).alice_arn
        for count, limit in cases:
            for mode in args.modes:
                rows.append(measure(endpoint, contact, cli_root, Path(state), mode, count, limit, args.burst))
                print_row(rows[-1])
        if args.latency_ms:
            rows.append(measure(endpoint, contact, cli_root, Path(state), "default", 50, None, args.burst,
                                args.latency_ms))
            print_row(rows[-1])
    latency = rows[-1] if args.latency_ms else None
    if latency is not None:
        print(f"with {latency.latency_ms:g} ms per answer and no limit, the dynamic provider (at most 4 calls at "
              f"once) takes {latency.up - latency.noop:.1f} s more than a no-op up for 50 engagements; the "
              "provider plugin's figure comes with issue 11")


if __name__ == "__main__":
    main()
