"""Running the real `tofu` (or `terraform`) on an HCL configuration, offline, with this checkout's provider.

What the e2e tests (tests/tofu) and any script driving OpenTofu use:

- :func:`ensure_tofu` makes the binary available (scripts/get-tofu: built once per machine, cached per user);
- :func:`provider_config` writes the provider's local mirror and returns the CLI configuration file that makes
  ``tofu init`` install it with no network (``TF_CLI_CONFIG_FILE``);
- :class:`Workspace` runs ``tofu`` in one configuration folder with that file, an endpoint's environment (the
  offline emulator's ``env()``, or your AWS account's), no prompts and no colour, and keeps every line of output
  it saw (``transcript``), so that a test can assert that no secret was ever printed;
- :func:`main` runs a configuration's commands in order, offline, as ``make opentofu-drill`` does.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offline_endpoint import add_offline_arguments, start_offline_endpoint

REPO_ROOT = Path(__file__).resolve().parent.parent
GET_TOFU = REPO_ROOT / "scripts" / "get-tofu"
STATE_DIR = REPO_ROOT / ".state"

class TofuUnavailable(RuntimeError):
    """scripts/get-tofu could not provide the binary."""


class TofuFailed(RuntimeError):
    """A `tofu` command exited non-zero; the message holds its output."""

    def __init__(self, run: Run) -> None:
        super().__init__(f"`{' '.join(run.args)}` exited {run.returncode}:\n{run.stdout}\n{run.stderr}")
        self.run = run


def ensure_tofu(*, build: bool = True) -> Path:
    """The path of the `tofu` binary, building it first (scripts/get-tofu) if ``build``; ``TOFU_BINARY`` names
    another to run instead (a Terraform CLI: docs/opentofu.md)."""
    if override := os.environ.get("TOFU_BINARY"):
        return Path(override)
    env = dict(os.environ)
    if not build:
        env["TOFU_CLI_NO_BUILD"] = "1"
    result = subprocess.run([str(GET_TOFU)], env=env, stdout=subprocess.PIPE, text=True, check=False)
    if result.returncode != 0:
        raise TofuUnavailable(f"scripts/get-tofu failed with exit code {result.returncode}")
    return Path(result.stdout.strip().splitlines()[-1]) / "tofu"


def provider_config(folder: Path, python: str = sys.executable) -> Path:
    """The provider's mirror written under ``folder`` by ``python``'s installation; the CLI configuration file."""
    out = subprocess.run([python, "-m", "incident_manager_provider.terraform.mirror", str(folder)],
                         capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


@dataclass
class Run:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class Workspace:
    """One configuration folder, run by ``binary`` with the CLI configuration ``cli_config`` and ``env`` added."""

    folder: Path
    binary: Path
    cli_config: Path
    env: Mapping[str, str] = field(default_factory=dict)
    transcript: list[str] = field(default_factory=list)
    """Everything every command printed, stdout and stderr."""

    def environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("TF_", "AWS_"))}
        env.update({
            "TF_CLI_CONFIG_FILE": str(self.cli_config),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
        })
        env.update(self.env)
        return env

    def popen(self, *args: str) -> subprocess.Popen[str]:
        """``tofu <args>`` started, not waited for (a test that kills it mid-apply), in a process group of its own
        with the providers it starts: ``os.killpg(process.pid, ...)`` ends them all, as a crash would."""
        return subprocess.Popen([str(self.binary), *args], cwd=self.folder, env=self.environment(), text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                start_new_session=True)

    def run(self, *args: str, check: bool = True, timeout: float = 300, record: bool = True) -> Run:
        """``tofu <args>``; its output joins :attr:`transcript` if ``record`` (not what reads the state in clear)."""
        process = self.popen(*args)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # tofu and the providers it started
            stdout, stderr = process.communicate()
        run = Run([self.binary.name, *args], process.returncode, stdout, stderr)
        if record:
            self.transcript += [stdout, stderr]
        if check and run.returncode != 0:
            raise TofuFailed(run)
        return run

    def init(self) -> Run:
        return self.run("init", "-no-color")

    def plan(self, *args: str, check: bool = True) -> Run:
        return self.run("plan", "-no-color", *args, check=check)

    def apply(self, *args: str, check: bool = True) -> Run:
        return self.run("apply", "-no-color", "-auto-approve", *args, check=check)

    def destroy(self, *args: str, check: bool = True) -> Run:
        return self.run("destroy", "-no-color", "-auto-approve", *args, check=check)

    def state(self) -> dict[str, Any]:
        """``tofu show -json``: the state as the CLI reads it (decrypted when the configuration encrypts it), secrets
        in clear: never part of the transcript."""
        shown: dict[str, Any] = json.loads(self.run("show", "-json", "-no-color", record=False).stdout)
        return shown

    def resources(self) -> dict[str, dict[str, Any]]:
        """Address -> attribute values of every resource in the state."""
        root = self.state().get("values", {}).get("root_module", {})
        return {resource["address"]: resource["values"] for resource in root.get("resources", [])}

    def outputs(self) -> dict[str, Any]:
        shown: dict[str, Any] = json.loads(self.run("output", "-json", "-no-color").stdout)
        return {name: value["value"] for name, value in shown.items()}


COMMANDS = {
    "init": ("init", "-no-color"),
    "plan": ("plan", "-no-color"),
    "apply": ("apply", "-no-color", "-auto-approve"),
    "destroy": ("destroy", "-no-color", "-auto-approve"),
    "output": ("output", "-no-color"),
}
"""What each command of :func:`main` runs: never a prompt (``tofu`` reads no stdin here)."""

STATE_PASSPHRASE = "TF_VAR_state_passphrase"
"""The variable an encrypted configuration (examples/opentofu) takes its state passphrase from."""


def main(argv: list[str] | None = None) -> int:
    """Runs an HCL configuration's commands in order, as ``tofu <command>`` in a copy of its folder under .state/
    (so that nothing a run writes lands in the repository), with this checkout's provider from a local mirror,
    printing what `tofu` prints. ``--offline`` starts the embedded endpoint, seeded with the drill rotation, for the
    run, in a fresh folder: with no TF_VAR_state_passphrase set, the run's state is encrypted with a random one."""
    parser = argparse.ArgumentParser(prog="scripts/tofu_cli.py", description=main.__doc__)
    parser.add_argument("config_dir", type=Path, help="the folder holding the configuration's .tf files")
    parser.add_argument("commands", nargs="+", choices=list(COMMANDS))
    add_offline_arguments(parser, "VARIABLE", seeded="the variable")
    parser.add_argument("--state-dir", type=Path, help="working folder (default: .state/<offline|aws>/<folder>)")
    args = parser.parse_args(argv)

    config_dir = args.config_dir.resolve()
    folder = (args.state_dir or STATE_DIR / ("offline" if args.offline else "aws") / config_dir.name).resolve()
    # The caller's variables (the message, a passphrase) and, against AWS, credentials and region, which Workspace
    # otherwise keeps from `tofu`.
    passed = ("TF_VAR_",) if args.offline else ("TF_VAR_", "AWS_")
    env = {name: value for name, value in os.environ.items() if name.startswith(passed)}
    with contextlib.ExitStack() as resources:
        if args.offline:
            # A new endpoint knows nothing of an earlier run's engagements: start from no state (and a provider
            # mirrored anew, whose checksum an old lock file would refuse).
            for written in ("terraform.tfstate", "terraform.tfstate.backup", ".terraform.lock.hcl"):
                (folder / written).unlink(missing_ok=True)
            shutil.rmtree(folder / ".terraform", ignore_errors=True)
            env.setdefault(STATE_PASSPHRASE, secrets.token_hex(16))
            endpoint_env, escalation_arn = start_offline_endpoint(resources, args)
            env.update(endpoint_env)
            if args.seeded_contact:
                env[f"TF_VAR_{args.seeded_contact}"] = escalation_arn
        folder.mkdir(parents=True, exist_ok=True)
        for source in config_dir.glob("*.tf"):
            shutil.copy(source, folder / source.name)
        workspace = Workspace(folder, ensure_tofu(), provider_config(folder / "provider"), env)
        for command in args.commands:
            print(f"\n$ tofu {' '.join(arg for arg in COMMANDS[command] if arg != '-no-color')}", flush=True)
            run = workspace.run(*COMMANDS[command], check=False)
            print(run.output.rstrip(), flush=True)
            if run.returncode != 0:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
