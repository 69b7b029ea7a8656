"""The engine in the loop: plain `pulumi up` of 50 engagements, its no-op re-run, and 50 `aws` CLI processes.

One run of each against the offline endpoint, printed side by side with ratios. The `aws ssm-contacts
start-engagement` loop is what a user would do with a command resource instead of this provider. The engine's
floor is `benchmarks/programs/trivial`: as many dynamic resources whose create returns its inputs, up and no-op
up, measured in the same run (`--rounds` alternates the two programs to even out a busy machine).

    .venv/bin/python benchmarks/engine_in_the_loop.py [--count 50] [--rounds 1] [--no-aws-loop]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from pulumi_cli import Project, copy_project, ensure_cli  # noqa: E402
from ssm_contacts_emulator import Emulator  # noqa: E402
from ssm_contacts_emulator.seed import seed_rotation  # noqa: E402


def timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=1, help="fresh stacks of each program, alternated")
    parser.add_argument("--no-aws-loop", action="store_true", help="skip the aws CLI loop")
    args = parser.parse_args()
    count = args.count
    cli_root = ensure_cli()

    with Emulator() as endpoint, tempfile.TemporaryDirectory() as state:
        contact = seed_rotation(endpoint.client()).alice_arn
        ups: dict[str, list[float]] = {"engagements": [], "trivial": []}
        noops: dict[str, list[float]] = {"engagements": [], "trivial": []}
        started = 0
        for round_ in range(args.rounds):
            for program, source, config in [
                ("engagements", REPO_ROOT / "tests/e2e/programs/engagements", {"contactId": contact}),
                ("trivial", REPO_ROOT / "benchmarks/programs/trivial", {}),
            ]:
                folder = copy_project(source, Path(state) / f"{program}-{round_}")
                stack = Project(folder, "bench", cli_root, Path(state) / f"{program}-{round_}-state", endpoint.env())
                stack.init({**config, "count": str(count)})
                before = endpoint.request_counts().get("StartEngagement", 0)
                ups[program].append(timed(stack.up))
                started = endpoint.request_counts().get("StartEngagement", 0) - before or started
                noops[program].append(timed(stack.up))
        up, noop = min(ups["engagements"]), min(noops["engagements"])
        floor_up, floor_noop = min(ups["trivial"]), min(noops["trivial"])
        if args.no_aws_loop:
            print_floor(count, up, noop, floor_up, floor_noop, ups, noops)
            return

        aws = [str(Path(sys.executable).parent / "aws"), "ssm-contacts", "start-engagement", "--contact-id", contact,
               "--sender", "bench", "--subject", "s", "--content", "c", "--output", "text"]
        env = {**os.environ, **endpoint.env()}

        def aws_loop() -> None:
            for _ in range(count):
                subprocess.run(aws, env=env, check=True, stdout=subprocess.DEVNULL)

        loop = timed(aws_loop)

    print(f"{'run':<44}{'seconds':>10}{'per engagement':>17}{'vs aws loop':>13}")
    for name, seconds in [
        (f"pulumi up, {count} engagements", up),
        ("pulumi up again, nothing changed", noop),
        (f"{count} x aws ssm-contacts start-engagement", loop),
    ]:
        print(f"{name:<44}{seconds:>10.2f}{seconds / count * 1000:>14.0f} ms{seconds / loop:>12.2f}x")
    print(f"StartEngagement calls during the first up: {started} (one per engagement)")
    print_floor(count, up, noop, floor_up, floor_noop, ups, noops)


def print_floor(
    count: int, up: float, noop: float, floor_up: float, floor_noop: float,
    ups: dict[str, list[float]], noops: dict[str, list[float]],
) -> None:
    def spread(values: list[float]) -> str:
        return f"{min(values):.2f}" if len(values) == 1 else f"{min(values):.2f}-{max(values):.2f}"

    print(f"\nthe engine's floor ({len(ups['trivial'])} round(s), best of each):")
    print(f"{'run':<44}{'engagements s':>15}{'trivial s':>12}{'ratio':>8}")
    print(f"{f'pulumi up, {count} resources':<44}{spread(ups['engagements']):>15}{spread(ups['trivial']):>12}"
          f"{up / floor_up:>7.2f}x")
    print(f"{'pulumi up again, nothing changed':<44}{spread(noops['engagements']):>15}"
          f"{spread(noops['trivial']):>12}{noop / floor_noop:>7.2f}x")


if __name__ == "__main__":
    main()
