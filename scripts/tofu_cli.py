"""Running the real `tofu` (or `terraform`) on an HCL configuration, offline, with this checkout's provider.

What the e2e tests (tests/tofu) and any script driving OpenTofu use:

- :func:`ensure_tofu` makes the binary available (scripts/get-tofu: built once per machine, cached per user);
- :func:`provider_config` writes the provider's local mirror and returns the CLI configuration file that makes
  ``tofu init`` install it with no network (``TF_CLI_CONFIG_FILE``);
- :class:`Workspace` runs ``tofu`` in one configuration folder with that file, an endpoint's environment (the
  offline emulator's ``env()``, or your AWS account's), no prompts and no colour, and keeps every line of output
  it saw (``transcript``), so that a test can assert that no secret was ever printed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
GET_TOFU = REPO_ROOT / "scripts" / "get-tofu"

class TofuUnavailable(RuntimeError):
    """scripts/get-tofu could not provide the binary."""


class TofuFailed(RuntimeError):
    """A `tofu` command exited non-zero; the message holds its output."""

    def __init__(self, run: Run) -> None:
        super().__init__(f"`{' '.join(run.args)}` exited {run.returncode}:\n{run.stdout}\n{run.stderr}")
        self.run = run


def ensure_tofu(*, build: bool = True) -> Path:
    """The path of the `tofu` binary, building it first (scripts/get-tofu) if ``build``."""
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
