"""Runs this repo's Pulumi projects through the real Pulumi CLI, offline.

The CLI comes from ``scripts/get-pulumi`` (built from Pulumi's Go modules when none is installed). Pulumi's Python
language host is not available on these machines, so a project's program runs in Pulumi's own Automation API
language server (``pulumi.automation``): the CLI, the deployment engine, the state backend and the dynamic-provider
plugin (``python -m pulumi.dynamic``) are the real ones; only the host of the ``__main__.py`` differs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pulumi import automation as auto

from pulumi_incident_manager.policies import policy_pack_path
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import seed_rotation

REPO_ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = REPO_ROOT / ".state"
GET_PULUMI = REPO_ROOT / "scripts" / "get-pulumi"
VENV_BIN = Path(sys.executable).parent


class CliUnavailable(RuntimeError):
    """The Pulumi CLI could not be found or built."""


def ensure_cli(*, build: bool = True) -> Path:
    """Returns the folder holding ``bin/pulumi``, building the CLI first if ``build`` and none is cached."""
    if override := os.environ.get("PULUMI_CLI_ROOT"):
        return Path(override)
    command = [str(GET_PULUMI)]
    env = dict(os.environ)
    if not build:
        env["PULUMI_CLI_NO_BUILD"] = "1"
    result = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=False)
    if result.returncode != 0:
        raise CliUnavailable(f"scripts/get-pulumi failed with exit code {result.returncode}")
    return Path(result.stdout.strip().splitlines()[-1])


def offline_env(cli_root: Path, state_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment that keeps the CLI offline: file backend, passphrase secrets, no update check, no
    plugin downloads, and this virtualenv's Python for the plugins the engine starts."""
    backend = state_dir / "backend"
    backend.mkdir(parents=True, exist_ok=True)
    env = {
        "PULUMI_BACKEND_URL": backend.as_uri(),
        "PULUMI_HOME": str(state_dir / "pulumi-home"),
        "PULUMI_CONFIG_PASSPHRASE": os.environ.get("PULUMI_CONFIG_PASSPHRASE", "offline-drill"),
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PATH": os.pathsep.join([str(cli_root / "bin"), str(VENV_BIN), os.environ.get("PATH", "")]),
        "PULUMI_PYTHON_CMD": str(VENV_BIN / "python"),
    }
    env.update(extra or {})
    return env


def copy_project(source: Path, destination: Path) -> Path:
    """Copies a project folder (so that stack config written by a run stays out of the repo), pointing its
    ``virtualenv`` option at this Python's virtualenv."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    settings_file = destination / "Pulumi.yaml"
    settings = yaml.safe_load(settings_file.read_text())
    settings.setdefault("runtime", {"name": "python"})
    if isinstance(settings["runtime"], dict):
        settings["runtime"].setdefault("options", {})["virtualenv"] = sys.prefix
    settings_file.write_text(yaml.safe_dump(settings, sort_keys=False))
    return destination


def _program(project_dir: Path) -> auto.PulumiFn:
    settings = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())
    main = project_dir / settings.get("main", ".")
    entry = main / "__main__.py" if main.is_dir() else main

    def run() -> None:
        runpy.run_path(str(entry), run_name="__main__")

    return run


@dataclass
class Project:
    """A Pulumi project folder and the stack it is run as, with the real CLI.

    ``env`` reaches the CLI and the plugins it starts (the dynamic provider). The program itself runs in this
    process, as the Automation API runs inline programs, so AWS calls it makes (``list_pages``, say) see this
    process's environment: callers set it there too.
    """

    project_dir: Path
    stack_name: str
    cli_root: Path
    state_dir: Path = STATE_DIR
    env: dict[str, str] = field(default_factory=dict)

    def stack(self, config: Mapping[str, str | auto.ConfigValue] | None = None) -> auto.Stack:
        env = offline_env(self.cli_root, self.state_dir, self.env)
        workspace = auto.LocalWorkspace(
            work_dir=str(self.project_dir),
            program=_program(self.project_dir),
            env_vars=env,
            pulumi_home=env["PULUMI_HOME"],
            pulumi_command=auto.PulumiCommand(root=str(self.cli_root)),
        )
        stack = auto.Stack.create_or_select(self.stack_name, workspace)
        for key, value in (config or {}).items():
            stack.set_config(key, value if isinstance(value, auto.ConfigValue) else auto.ConfigValue(value))
        return stack

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Runs a CLI command that needs no program (stack output, export, cancel, state ...) in the project."""
        env = {**os.environ, **offline_env(self.cli_root, self.state_dir, self.env)}
        return subprocess.run(
            [str(self.cli_root / "bin" / "pulumi"), *args, "--stack", self.stack_name, "--non-interactive"],
            cwd=self.project_dir,
            env=env,
            capture_output=True,
            text=True,
            check=check,
        )


def main(argv: list[str] | None = None) -> int:
    """``python scripts/pulumi_cli.py PROJECT_DIR [options] COMMAND...``: run a project's commands in order."""
    parser = argparse.ArgumentParser(
        prog="scripts/pulumi_cli.py",
        description="Run a Pulumi project of this repo through the real Pulumi CLI (see docs/engine.md).",
    )
    parser.add_argument("project_dir", type=Path)
    parser.add_argument("commands", nargs="+", choices=["preview", "up", "refresh", "destroy"])
    parser.add_argument("--stack", "-s", required=True)
    parser.add_argument("--offline", action="store_true",
                        help="start the embedded offline endpoint, seeded with the drill rotation, for this run")
    parser.add_argument("--policy-pack-config", type=Path,
                        help="run the shipped policy pack with this config (as --policy-pack-config)")
    parser.add_argument("--state-dir", type=Path, help="state folder (default: .state/<project>)")
    args = parser.parse_args(argv)

    project_dir = args.project_dir.resolve()
    packs: dict[str, Any] = {}
    if args.policy_pack_config:
        packs = {"policy_packs": [str(policy_pack_path())],
                 "policy_pack_configs": [str(args.policy_pack_config.resolve())]}
    with contextlib.ExitStack() as stack_of_contexts:
        env: dict[str, str] = {}
        if args.offline:
            endpoint = stack_of_contexts.enter_context(Emulator())
            rotation = seed_rotation(endpoint.client())
            env = endpoint.env()
            os.environ.update(env)  # the program runs in this process (see Project)
            print(f"offline endpoint {endpoint.endpoint_url}, seeded {rotation.escalation_arn}", flush=True)
        state_dir = args.state_dir or STATE_DIR / ("offline" if args.offline else "aws") / project_dir.name
        # Run a copy, so that the stack config file the CLI writes (its encryption salt) stays out of the repo.
        scratch = Path(stack_of_contexts.enter_context(tempfile.TemporaryDirectory()))
        copy = copy_project(project_dir, scratch / project_dir.name)
        project = Project(copy, args.stack, ensure_cli(), state_dir=state_dir, env=env)
        stack = project.stack()
        def echo(line: str) -> None:
            print(line, end="" if line.endswith("\n") else "\n", flush=True)

        for command in args.commands:
            print(f"\n$ pulumi {command} --stack {args.stack}", flush=True)
            try:
                if command == "preview":
                    stack.preview(on_output=echo, **packs)
                elif command == "up":
                    stack.up(on_output=echo, **packs)
                elif command == "refresh":
                    stack.refresh(on_output=echo)
                else:
                    stack.destroy(on_output=echo)
            except auto.CommandError:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
