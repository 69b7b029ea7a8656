"""Every command of ours answers `--help` with its usage and exit 0, at once: none starts a server, prints a port
or builds anything. The list is checked against the entry points the repo declares, so a new one cannot be missed."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

COMMANDS: dict[str, list[str]] = {
    "ssm-contacts-emulator": [str(BIN / "ssm-contacts-emulator")],
    "python -m ssm_contacts_emulator": [sys.executable, "-m", "ssm_contacts_emulator"],
    "python -m pulumi_incident_manager.drill": [sys.executable, "-m", "pulumi_incident_manager.drill"],
    "python -m pulumi_incident_manager.drill orphans": [sys.executable, "-m", "pulumi_incident_manager.drill",
                                                        "orphans"],
    "python -m pulumi_incident_manager.policy_pack": [sys.executable, "-m", "pulumi_incident_manager.policy_pack"],
    "python -m pulumi_incident_manager.policies.plan": [sys.executable, "-m", "pulumi_incident_manager.policies.plan"],
    "incidentmanager-plan-policy": [str(BIN / "incidentmanager-plan-policy")],
    "python -m incident_manager_provider.plugin": [sys.executable, "-m", "incident_manager_provider.plugin"],
    "python provider/plugin": [sys.executable, str(REPO_ROOT / "provider/plugin")],
    "scripts/run_drill.py": [sys.executable, str(REPO_ROOT / "scripts/run_drill.py")],
    "scripts/drill_timelines.py": [sys.executable, str(REPO_ROOT / "scripts/drill_timelines.py")],
    "scripts/build_plugin.py": [sys.executable, str(REPO_ROOT / "scripts/build_plugin.py")],
    "scripts/generate.py": [sys.executable, str(REPO_ROOT / "scripts/generate.py")],
    "scripts/pulumi_cli.py": [sys.executable, str(REPO_ROOT / "scripts/pulumi_cli.py")],
    "scripts/tofu_cli.py": [sys.executable, str(REPO_ROOT / "scripts/tofu_cli.py")],
    "scripts/get-pulumi": [str(REPO_ROOT / "scripts/get-pulumi")],
    "scripts/get-browser": [str(REPO_ROOT / "scripts/get-browser")],
    "scripts/acceptance.py": [sys.executable, str(REPO_ROOT / "scripts/acceptance.py")],
    "scripts/get-tofu": [str(REPO_ROOT / "scripts/get-tofu")],
    "scripts/tofu-provider-mirror": [str(REPO_ROOT / "scripts/tofu-provider-mirror")],
    "terraform-provider-incidentmanager": [str(BIN / "terraform-provider-incidentmanager")],
    "python -m incident_manager_provider.terraform": [sys.executable, "-m", "incident_manager_provider.terraform"],
    "python -m incident_manager_provider.terraform.mirror": [sys.executable, "-m",
                                                             "incident_manager_provider.terraform.mirror"],
}


def declared_entry_points() -> set[str]:
    """What users can run: console scripts, packages with a __main__.py, runnable scripts."""
    found: set[str] = set()
    for pyproject in (REPO_ROOT / "pyproject.toml", REPO_ROOT / "emulator/pyproject.toml"):
        found |= set(tomllib.loads(pyproject.read_text()).get("project", {}).get("scripts", {}))
    for source_root in (REPO_ROOT / "sdk/python", REPO_ROOT / "emulator"):
        for main in source_root.rglob("__main__.py"):
            found.add(f"python -m {'.'.join(main.parent.relative_to(source_root).parts)}")
    found.add("python provider/plugin")  # a plugin folder, run by path (provider/plugin/__main__.py)
    for module in (REPO_ROOT / "provider/incident_manager_provider").glob("*.py"):
        if 'if __name__ == "__main__"' in module.read_text():
            found.add(f"python -m incident_manager_provider.{module.stem}")
    for main in (REPO_ROOT / "provider").glob("incident_manager_provider/**/__main__.py"):
        found.add(f"python -m {'.'.join(main.parent.relative_to(REPO_ROOT / 'provider').parts)}")
    for script in (REPO_ROOT / "scripts").iterdir():
        if not script.is_file():  # __pycache__
            continue
        text = script.read_text()
        if text.startswith("#!") or 'if __name__ == "__main__"' in text:
            found.add(f"scripts/{script.name}")
    return found


def test_every_entry_point_is_checked() -> None:
    assert declared_entry_points() <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_help_prints_the_usage_and_exits_zero_at_once(name: str) -> None:
    result = subprocess.run([*COMMANDS[name], "--help"], capture_output=True, text=True, timeout=20, cwd=REPO_ROOT,
                            stdin=subprocess.DEVNULL)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage:")
    assert not re.search(r"^\d+$", result.stdout, re.MULTILINE)  # no port: nothing was served
    assert "Traceback" not in result.stderr
