"""Engagements from Python (dynamic provider), YAML, TypeScript and Go (provider plugin), each beside trivial resources.

One run, side by side: plain `pulumi up` of N engagements in each language, and of N trivial resources of the same
kind (a Python dynamic resource whose create returns its inputs; the plugin's TokenKey, which calls no AWS API), so
the ratio shows what paging costs over the engine's own floor. Then the dynamic provider and the plugin side by side
for N engagements at each endpoint latency, where concurrency decides: the dynamic provider's server answers 4 calls
at once, the plugin up to 32. `--quick` runs that comparison alone (no TypeScript or Go, no npm, no Go build).

    .venv/bin/python benchmarks/languages.py [--count 50] [--latencies 0 20 300] [--quick]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from pulumi_cli import Project, copy_project, ensure_cli  # noqa: E402
from ssm_contacts_emulator import Emulator, FaultConfig  # noqa: E402
from ssm_contacts_emulator.seed import seed_rotation  # noqa: E402

PYTHON_TRIVIAL = '''\
import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider


class Echo(ResourceProvider):
    def create(self, props):
        return CreateResult(props["name"], props)


class Trivial(Resource):
    def __init__(self, name):
        super().__init__(Echo(), name, {"name": name})


for index in range(pulumi.Config().get_int("count") or 50):
    Trivial(f"trivial-{index}")
'''

TYPESCRIPT = '''\
import * as pulumi from "@pulumi/pulumi";
import * as incidentManager from "@incident-manager/pulumi";

const config = new pulumi.Config();
const count = config.getNumber("count") ?? 50;
const tokenKey = new incidentManager.TokenKey("token-key");
for (let index = 0; index < count; index++) {
    if (config.getBoolean("trivial")) {
        new incidentManager.TokenKey(`trivial-${index}`);
    } else {
        new incidentManager.Engagement(`page-${index}`, {
            contactId: config.require("contactId"), sender: "bench", subject: `bench ${index}`,
            content: "bench", tokenKey: tokenKey.key,
        });
    }
}
'''

GO = '''\
package main

import (
	"fmt"

	"example.com/pulumi-incident-manager/sdk/go/incidentmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		conf := config.New(ctx, "")
		count := conf.GetInt("count")
		if count == 0 {
			count = 50
		}
		tokenKey, err := incidentmanager.NewTokenKey(ctx, "token-key", nil)
		if err != nil {
			return err
		}
		for index := 0; index < count; index++ {
			if conf.GetBool("trivial") {
				_, err = incidentmanager.NewTokenKey(ctx, fmt.Sprintf("trivial-%d", index), nil)
			} else {
				args := &incidentmanager.EngagementArgs{
					ContactId: pulumi.String(conf.Require("contactId")), Sender: pulumi.String("bench"),
					Subject: pulumi.String(fmt.Sprintf("bench %d", index)), Content: pulumi.String("bench"),
					TokenKey: tokenKey.Key,
				}
				_, err = incidentmanager.NewEngagement(ctx, fmt.Sprintf("page-%d", index), args)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}
'''


def yaml_program(folder: Path, count: int, trivial: bool) -> Path:
    resources: dict[str, object] = {"tokenKey": {"type": "incident-manager:index:TokenKey"}}
    for index in range(count):
        if trivial:
            resources[f"trivial{index}"] = {"type": "incident-manager:index:TokenKey"}
        else:
            resources[f"page{index}"] = {
                "type": "incident-manager:index:Engagement",
                "properties": {"contactId": "${contactId}", "sender": "bench", "subject": f"bench {index}",
                               "content": "bench", "tokenKey": "${tokenKey.key}"},
            }
    folder.mkdir(parents=True)
    document = {
        "name": "bench-yaml",
        "runtime": "yaml",
        "plugins": {"providers": [{"name": "incident-manager", "path": str(REPO_ROOT / "provider/plugin")}]},
        "config": {"contactId": {"type": "string", "default": "none"}},
        "resources": resources,
    }
    (folder / "Pulumi.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    return folder


@contextmanager
def latency(endpoint: Emulator, milliseconds: float) -> Iterator[None]:
    """The endpoint answers every request ``milliseconds`` late inside the block."""
    endpoint.set_faults(FaultConfig(latency_ms=milliseconds))
    try:
        yield
    finally:
        endpoint.set_faults(FaultConfig())


def timed_up(project: Project, config: dict[str, str], during: AbstractContextManager[None] | None = None) -> float:
    """Seconds of `pulumi up` of a fresh stack (inside ``during``, if given), which is then destroyed."""
    project.init(config)
    with during or nullcontext():
        start = time.perf_counter()
        project.up()
        seconds = time.perf_counter() - start
    project.destroy()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--latencies", type=float, nargs="+", default=[0.0, 20.0, 300.0], metavar="MS",
                        help="endpoint latencies of the dynamic provider / plugin comparison")
    parser.add_argument("--quick", action="store_true", help="that comparison alone: no floors, no TypeScript")
    args = parser.parse_args()
    count, cli_root = args.count, ensure_cli()

    with Emulator() as endpoint, tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        contact = seed_rotation(endpoint.client()).alice_arn
        env = endpoint.env()
        engagements = {"contactId": contact, "count": str(count)}
        python = copy_project(REPO_ROOT / "tests/e2e/programs/engagements", root / "python")
        yaml_engagements = yaml_program(root / "yaml", count, False)

        def project(folder: Path, stack: str) -> Project:
            return Project(folder, stack, cli_root, root / "state", env)

        rows = []
        if not args.quick:
            trivial = root / "python-trivial"
            shutil.copytree(python, trivial)
            (trivial / "__main__.py").write_text(PYTHON_TRIVIAL)
            typescript = copy_project(REPO_ROOT / "examples/typescript", root / "typescript")
            (typescript / "index.ts").write_text(TYPESCRIPT)
            print("installing the TypeScript project (npm, and the SDK generated from the plugin's schema)...",
                  flush=True)
            Project(typescript, "install", cli_root, root / "state").cli("install", stack=False)
            go = copy_project(REPO_ROOT / "examples/go", root / "go")
            (go / "main.go").write_text(GO)
            print("installing the Go project (the SDK generated from the plugin's schema) and compiling it once, so "
                  "that each timed up compiles from a warm build cache...", flush=True)
            Project(go, "install", cli_root, root / "state").cli("install", stack=False)
            subprocess.run(["go", "build", "-o", str(root / "go-warm-up"), "."], cwd=go, check=True)
            rows = [
                ("Python (dynamic provider)",
                 timed_up(project(python, "py"), engagements),
                 timed_up(project(trivial, "py-trivial"), {"count": str(count)})),
                ("YAML (plugin)",
                 timed_up(project(yaml_engagements, "yaml"), {"contactId": contact}),
                 timed_up(project(yaml_program(root / "yaml-trivial", count, True), "yaml-trivial"), {})),
                ("TypeScript (plugin, generated SDK)",
                 timed_up(project(typescript, "ts"), engagements),
                 timed_up(project(typescript, "ts-trivial"), {"count": str(count), "trivial": "true"})),
                ("Go (plugin, generated SDK)",
                 timed_up(project(go, "go"), engagements),
                 timed_up(project(go, "go-trivial"), {"count": str(count), "trivial": "true"})),
            ]
        sweep = []
        for milliseconds in args.latencies:
            print(f"{count} engagements at {milliseconds:g} ms...", flush=True)
            stack = f"{milliseconds:g}ms"
            sweep.append((
                milliseconds,
                timed_up(project(python, f"py-{stack}"), engagements, latency(endpoint, milliseconds)),
                timed_up(project(yaml_engagements, f"yaml-{stack}"), {"contactId": contact},
                         latency(endpoint, milliseconds)),
            ))

    if rows:
        print(f"\n`pulumi up` of {count} resources, seconds (plain CLI, offline endpoint, this machine)")
        print(f"{'program':<38}{'engagements':>12}{'trivial':>10}{'ratio':>8}")
        for name, paging, floor in rows:
            print(f"{name:<38}{paging:>12.2f}{floor:>10.2f}{paging / floor:>7.2f}x")
    print(f"\n`pulumi up` of {count} engagements, seconds, by endpoint latency (2 calls each: start, describe)")
    header = ("latency", "dynamic provider (4 at once)", "plugin, YAML (32 at once)", "dynamic / plugin")
    print(f"{header[0]:<10}{header[1]:>30}{header[2]:>28}{header[3]:>18}")
    for milliseconds, dynamic, plugin in sweep:
        print(f"{f'{milliseconds:g} ms':<10}{dynamic:>30.2f}{plugin:>28.2f}{dynamic / plugin:>17.2f}x")


if __name__ == "__main__":
    main()
