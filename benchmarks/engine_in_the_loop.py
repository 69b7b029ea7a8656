"""The engine in the loop: plain `pulumi up` of 50 engagements, its no-op re-run, and 50 `aws` CLI processes.

One run of each against the offline endpoint, printed side by side with ratios. The `aws ssm-contacts
start-engagement` loop is what a user would do with a command resource instead of this provider. The engine's
floor is `benchmarks/programs/trivial`: as many dynamic resources whose create returns its inputs, up and no-op
up, measured in the same run (`--rounds` alternates the programs to even out a busy machine). Beside it,
`benchmarks/programs/shaped` carries what an engagement carries in state (the same properties and secrets, copied
from the first engagement's state) with no AWS work: what is left between it and the engagements is this
provider's own work; what lies between the trivial resources and it is the engine's cost of the properties.

    .venv/bin/python benchmarks/engine_in_the_loop.py [--count 50] [--rounds 1] [--no-aws-loop]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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
        ups: dict[str, list[float]] = {"engagements": [], "shaped": [], "trivial": []}
        noops: dict[str, list[float]] = {"engagements": [], "shaped": [], "trivial": []}
        started = 0
        shape = ""
        for round_ in range(args.rounds):
            for program, source, config in [
                ("engagements", REPO_ROOT / "tests/e2e/programs/engagements", {"contactId": contact}),
                ("shaped", REPO_ROOT / "benchmarks/programs/shaped", {}),
                ("trivial", REPO_ROOT / "benchmarks/programs/trivial", {}),
            ]:
                folder = copy_project(source, Path(state) / f"{program}-{round_}")
                if program == "shaped":
                    (folder / "shape.json").write_text(shape)
                stack = Project(folder, "bench", cli_root, Path(state) / f"{program}-{round_}-state", endpoint.env())
                stack.init({**config, "count": str(count)})
                before = endpoint.request_counts().get("StartEngagement", 0)
                ups[program].append(timed(stack.up))
                started = endpoint.request_counts().get("StartEngagement", 0) - before or started
                noops[program].append(timed(stack.up))
                shape = shape or engagement_shape(stack)
        up, noop = min(ups["engagements"]), min(noops["engagements"])
        if args.no_aws_loop:
            print_floor(count, ups, noops)
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
    print_floor(count, ups, noops)


def engagement_shape(stack: Project) -> str:
    """The first engagement's inputs and outputs as ``benchmarks/programs/shaped`` reads them: each property's
    value, ``{"secret": value}`` for a secret (the dynamic provider's own ``__provider`` left out)."""
    deployment = json.loads(stack.cli("stack", "export", "--show-secrets").stdout)["deployment"]
    engagement = next(r for r in deployment["resources"] if r["type"].endswith(":Engagement"))

    def properties(values: dict[str, Any]) -> dict[str, Any]:
        return {
            name: {"secret": json.loads(value["plaintext"])} if isinstance(value, dict) and "plaintext" in value
            else value
            for name, value in values.items() if name != "__provider"
        }

    return json.dumps({"inputs": properties(engagement["inputs"]), "outputs": properties(engagement["outputs"])})


def print_floor(count: int, ups: dict[str, list[float]], noops: dict[str, list[float]]) -> None:
    def spread(values: list[float]) -> str:
        return f"{min(values):.2f}" if len(values) == 1 else f"{min(values):.2f}-{max(values):.2f}"

    def ratio(runs: dict[str, list[float]], program: str, floor: str) -> str:
        return f"{min(runs[program]) / min(runs[floor]):>7.2f}x"

    print(f"\nthe engine's floor ({len(ups['trivial'])} round(s), best of each; shaped = trivial resources carrying an"
          " engagement's properties):")
    print(f"{'run':<36}{'engagements s':>15}{'shaped s':>11}{'trivial s':>11}"
          f"{'vs trivial':>12}{'vs shaped':>11}{'shaped/trivial':>16}")
    for name, runs in [(f"pulumi up, {count} resources", ups), ("pulumi up again, nothing changed", noops)]:
        print(f"{name:<36}{spread(runs['engagements']):>15}{spread(runs['shaped']):>11}{spread(runs['trivial']):>11}"
              f"{ratio(runs, 'engagements', 'trivial'):>12}{ratio(runs, 'engagements', 'shaped'):>11}"
              f"{ratio(runs, 'shaped', 'trivial'):>16}")


if __name__ == "__main__":
    main()
