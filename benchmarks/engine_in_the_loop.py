"""The engine in the loop: plain `pulumi up` of 50 engagements, its no-op re-run, and 50 `aws` CLI processes.

One run of each against the offline endpoint, printed side by side with ratios. The `aws ssm-contacts
start-engagement` loop is what a user would do with a command resource instead of this provider.

    .venv/bin/python benchmarks/engine_in_the_loop.py [--count 50]
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
    count = parser.parse_args().count
    cli_root = ensure_cli()

    with Emulator() as endpoint, tempfile.TemporaryDirectory() as state:
        contact = seed_rotation(endpoint.client()).alice_arn
        folder = copy_project(REPO_ROOT / "tests/e2e/programs/engagements", Path(state) / "project")
        stack = Project(folder, "bench", cli_root, Path(state), endpoint.env())
        stack.init({"contactId": contact, "count": str(count)})
        up = timed(stack.up)
        started = endpoint.request_counts()["StartEngagement"]
        noop = timed(stack.up)

        aws = [str(Path(sys.executable).parent / "aws"), "ssm-contacts", "start-engagement", "--contact-id", contact,
               "--sender", "bench", "--subject", "s", "--content", "c", "--output", "text"]
        env = {**os.environ, **endpoint.env()}

        def aws_loop() -> None:
            for _ in range(count):
                subprocess.run(aws, env=env, check=True, stdout=subprocess.DEVNULL)

        loop = timed(aws_loop)
        stack.destroy()

    print(f"{'run':<44}{'seconds':>10}{'per engagement':>17}{'vs aws loop':>13}")
    for name, seconds in [
        (f"pulumi up, {count} engagements", up),
        ("pulumi up again, nothing changed", noop),
        (f"{count} x aws ssm-contacts start-engagement", loop),
    ]:
        print(f"{name:<44}{seconds:>10.2f}{seconds / count * 1000:>14.0f} ms{seconds / loop:>12.2f}x")
    print(f"StartEngagement calls during the first up: {started} (one per engagement)")


if __name__ == "__main__":
    main()
