"""Runs this repo's Pulumi projects with the plain ``pulumi`` CLI, offline, as a user types the commands.

The CLI and its language hosts come from ``scripts/get-pulumi``. Each command is ``pulumi <command> --stack <s>``
started in the project folder with a file backend and a passphrase secrets provider; the program runs in the
Python language host, in the virtualenv its ``Pulumi.yaml`` names. Used by ``make demo``, ``make gameday``, the
end-to-end tests and the engine benchmarks.

    python scripts/pulumi_cli.py PROJECT_DIR --stack S [--offline] [--policy-pack-config F] preview up destroy
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from offline_endpoint import add_offline_arguments, start_offline_endpoint

REPO_ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = REPO_ROOT / ".state"
GET_PULUMI = REPO_ROOT / "scripts" / "get-pulumi"
PASSPHRASE = "offline-drill"
"""The passphrase of offline stacks (and of the secrets committed in examples/gameday/Pulumi.drill.yaml)."""


class CliUnavailable(RuntimeError):
    """The Pulumi CLI could not be found or built."""


class PulumiFailed(RuntimeError):
    """A ``pulumi`` command exited non-zero; the message holds what it printed."""

    def __init__(self, args: Sequence[str], result: subprocess.CompletedProcess[str]) -> None:
        printed = f"{result.stdout}\n{result.stderr}"
        super().__init__(f"`pulumi {' '.join(args)}` exited with {result.returncode}:\n{printed}")
        self.result = result


def ensure_cli(*, build: bool = True) -> Path:
    """Returns the folder holding ``bin/pulumi`` and its language hosts, building them first if ``build``."""
    if override := os.environ.get("PULUMI_CLI_ROOT"):
        return Path(override)
    env = dict(os.environ)
    if not build:
        env["PULUMI_CLI_NO_BUILD"] = "1"
    result = subprocess.run([str(GET_PULUMI)], env=env, stdout=subprocess.PIPE, text=True, check=False)
    if result.returncode != 0:
        raise CliUnavailable(f"scripts/get-pulumi failed with exit code {result.returncode}")
    return Path(result.stdout.strip().splitlines()[-1])


def offline_env(cli_root: Path, state_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables that keep the CLI offline: file backend, passphrase secrets, no update check, no plugin
    download, and the CLI's folder first on PATH (the engine finds its language hosts and plugin scripts there)."""
    backend = state_dir / "backend"
    backend.mkdir(parents=True, exist_ok=True)
    env = {
        "PULUMI_BACKEND_URL": backend.as_uri(),
        "PULUMI_HOME": str(state_dir / "pulumi-home"),
        "PULUMI_CONFIG_PASSPHRASE": os.environ.get("PULUMI_CONFIG_PASSPHRASE", PASSPHRASE),
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PATH": os.pathsep.join([str(cli_root / "bin"), os.environ.get("PATH", "")]),
    }
    env.update(extra or {})
    return env


def copy_project(source: Path, destination: Path, virtualenv: Path | None = None) -> Path:
    """Copies a project folder (so that the stack config a run writes stays out of the repo). A Python project's
    ``virtualenv`` option is pointed at ``virtualenv`` (default: the virtualenv running this code), and plugin
    paths (``plugins: providers: [{path}]``) are made absolute so they still resolve from the copy."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__", "tests", "node_modules"))
    settings_file = destination / "Pulumi.yaml"
    settings = yaml.safe_load(settings_file.read_text())
    runtime = settings.get("runtime", "python")
    if (runtime if isinstance(runtime, str) else runtime["name"]) == "python":
        settings["runtime"] = {"name": "python"} if isinstance(runtime, str) else runtime
        settings["runtime"].setdefault("options", {})["virtualenv"] = str(virtualenv or sys.prefix)
    for plugin in (settings.get("plugins") or {}).get("providers") or []:
        plugin["path"] = str((source / plugin["path"]).resolve())
    for name, package in (settings.get("packages") or {}).items():
        if isinstance(package, str) and package.startswith("."):
            settings["packages"][name] = str((source / package).resolve())
    settings_file.write_text(yaml.safe_dump(settings, sort_keys=False))
    return destination


@dataclass
class Run:
    """What one ``pulumi`` command printed, and for updates what the stack's history recorded."""

    stdout: str
    stderr: str
    changes: dict[str, int] = field(default_factory=dict)
    """Resource changes by operation (``{"create": 3, "same": 1}``), as ``pulumi stack history`` records them,
    or as ``pulumi preview --json`` summarizes them."""


@dataclass
class Project:
    """A Pulumi project folder and the stack it is run as, with the plain CLI.

    ``env`` is added to the CLI's environment, which the program and the plugins the engine starts inherit.
    """

    project_dir: Path
    stack_name: str
    cli_root: Path
    state_dir: Path = STATE_DIR
    env: dict[str, str] = field(default_factory=dict)

    def environment(self) -> dict[str, str]:
        return {**os.environ, **offline_env(self.cli_root, self.state_dir, self.env)}

    def cli(
        self, *args: str, check: bool = True, echo: Callable[[str], None] | None = None, stack: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """``pulumi <args> --stack <stack> --non-interactive`` in the project folder (no ``--stack`` for commands
        that take none, such as ``install``); ``echo`` gets each line of its output as it comes."""
        # The stack flags go before a `--`, which ends the flags of `pulumi config set`.
        split = args.index("--") if "--" in args else len(args)
        flags = ["--stack", self.stack_name, "--non-interactive"] if stack else ["--non-interactive"]
        command = [str(self.cli_root / "bin" / "pulumi"), *args[:split], *flags, *args[split:]]
        with subprocess.Popen(
            command, cwd=self.project_dir, env=self.environment(), text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT if echo else subprocess.PIPE,
        ) as process:
            if echo is None:
                stdout, stderr = process.communicate()
            else:
                assert process.stdout is not None
                lines = []
                for line in process.stdout:
                    lines.append(line)
                    echo(line.rstrip("\n"))
                stdout, stderr = "".join(lines), ""
        result = subprocess.CompletedProcess(command, process.wait(), stdout, stderr)
        if check and result.returncode != 0:
            raise PulumiFailed(args, result)
        return result

    def init(self, config: Mapping[str, str] | None = None, *, secrets: Mapping[str, str] | None = None) -> Project:
        """Selects the stack, creating it if needed, and sets its config (``secrets`` with ``--secret``)."""
        self.cli("stack", "select", "--create")
        for key, value in (config or {}).items():
            self.set_config(key, value)
        for key, value in (secrets or {}).items():
            self.set_config(key, value, secret=True)
        return self

    def set_config(self, key: str, value: str, *, secret: bool = False) -> None:
        self.cli("config", "set", key, "--secret" if secret else "--plaintext", "--", value)

    def preview(self, *args: str, check: bool = True) -> Run:
        """``pulumi preview --json``: ``changes`` from its change summary."""
        result = self.cli("preview", "--json", *args, check=check)
        try:
            summary = json.loads(result.stdout).get("changeSummary") or {}
        except json.JSONDecodeError:
            summary = {}
        return Run(result.stdout, result.stderr, dict(summary))

    def up(self, *args: str, check: bool = True, echo: Callable[[str], None] | None = None) -> Run:
        return self._update("up", "--yes", "--skip-preview", *args, check=check, echo=echo)

    def refresh(self, *args: str, check: bool = True, echo: Callable[[str], None] | None = None) -> Run:
        return self._update("refresh", "--yes", "--skip-preview", *args, check=check, echo=echo)

    def destroy(self, *args: str, check: bool = True, echo: Callable[[str], None] | None = None) -> Run:
        return self._update("destroy", "--yes", "--skip-preview", *args, check=check, echo=echo)

    def _update(self, *args: str, check: bool, echo: Callable[[str], None] | None) -> Run:
        result = self.cli(*args, check=check, echo=echo)
        return Run(result.stdout, result.stderr, self.last_changes() if result.returncode == 0 else {})

    def last_changes(self) -> dict[str, int]:
        history = json.loads(self.cli("stack", "history", "--json", "--show-secrets=false").stdout)
        return dict(history[0].get("resourceChanges") or {}) if history else {}

    def outputs(self) -> dict[str, Any]:
        """The stack's outputs, secrets shown."""
        return dict(json.loads(self.cli("stack", "output", "--json", "--show-secrets").stdout))

    def secret_outputs(self) -> set[str]:
        """Names of the outputs the CLI hides as secrets."""
        shown = json.loads(self.cli("stack", "output", "--json").stdout)
        return {name for name, value in shown.items() if value == "[secret]"}

    def export(self) -> str:
        """``pulumi stack export``, as the text a user would see."""
        return self.cli("stack", "export").stdout

    def resources(self, type_suffix: str = "") -> list[dict[str, Any]]:
        """The resources in the stack's state whose type ends with ``type_suffix``."""
        deployment = json.loads(self.export()).get("deployment") or {}
        return [r for r in deployment.get("resources") or [] if r["type"].endswith(type_suffix)]


def main(argv: list[str] | None = None) -> int:
    """Runs a project's commands in order, as ``pulumi <command> --stack <s>`` in its folder, printing what the
    CLI prints. ``--offline`` starts the embedded endpoint, seeded with the drill rotation, for the run."""
    from pulumi_incident_manager.policies import policy_pack_path

    parser = argparse.ArgumentParser(prog="scripts/pulumi_cli.py", description=main.__doc__)
    parser.add_argument("project_dir", type=Path)
    parser.add_argument("commands", nargs="+", choices=["preview", "up", "refresh", "destroy"])
    parser.add_argument("--stack", "-s", required=True)
    add_offline_arguments(parser, "KEY", seeded="config KEY")
    parser.add_argument("--policy-pack-config", type=Path, help="run the shipped policy pack with this config")
    parser.add_argument("--state-dir", type=Path, help="state folder (default: .state/<project>)")
    parser.add_argument("--install", action="store_true",
                        help="run `pulumi install` first (Node.js dependencies, SDKs of the project's packages)")
    args = parser.parse_args(argv)

    project_dir = args.project_dir.resolve()
    packs: list[str] = []
    if args.policy_pack_config:
        config = args.policy_pack_config.resolve()
        packs = ["--policy-pack", str(policy_pack_path()), "--policy-pack-config", str(config)]
    with contextlib.ExitStack() as resources:
        env: dict[str, str] = {}
        seeded: dict[str, str] = {}
        if args.offline:
            env, escalation_arn = start_offline_endpoint(resources, args)
            if args.seeded_contact:
                seeded[args.seeded_contact] = escalation_arn
        state_dir = args.state_dir or STATE_DIR / ("offline" if args.offline else "aws") / project_dir.name
        project = Project(project_dir, args.stack, ensure_cli(), state_dir=state_dir, env=env)
        if args.install:
            print("\n$ pulumi install", flush=True)
            project.cli("install", stack=False, echo=print)
        project.init(seeded)
        for command in args.commands:
            print(f"\n$ pulumi {command} --stack {args.stack}", flush=True)
            extra = [*packs] if command in ("preview", "up") else []
            if command != "preview":
                extra = ["--yes", *extra]
            if project.cli(command, *extra, check=False, echo=print).returncode != 0:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
