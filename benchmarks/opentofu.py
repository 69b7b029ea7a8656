"""Engagements from HCL: `tofu apply` of N engagements beside the engine's floor and the Pulumi fronts.

One run, side by side at each endpoint latency: `tofu apply` of N engagements (the provider
incident-manager/incidentmanager from its local mirror), of N `terraform_data` resources (built into tofu: no
provider, no AWS call, the engine's own floor), and `pulumi up` of the same N engagements from Python (dynamic
provider) and YAML (the provider plugin), as benchmarks/languages.py runs them. The floor makes no endpoint call, so
it is measured once. Each run starts from an empty state
and is destroyed afterwards, untimed; `tofu` keeps its default -parallelism=10.

    .venv/bin/python benchmarks/opentofu.py [--count 50] [--latencies 0 300]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from languages import REPO_ROOT, latency, timed_up, yaml_program

from pulumi_cli import Project, copy_project, ensure_cli
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import seed_rotation
from tofu_cli import Workspace, ensure_tofu, provider_config

ENGAGEMENTS = """\
terraform {
  required_providers {
    incidentmanager = {
      source = "incident-manager/incidentmanager"
    }
  }
}

variable "contact_id" {
  type = string
}

variable "count_of" {
  type = number
}

resource "incidentmanager_token_key" "this" {}

resource "incidentmanager_engagement" "page" {
  count      = var.count_of
  contact_id = var.contact_id
  sender     = "bench"
  subject    = "bench ${count.index}"
  content    = "bench"
  token_key  = incidentmanager_token_key.this.key
}
"""

FLOOR = """\
variable "count_of" {
  type = number
}

resource "terraform_data" "trivial" {
  count = var.count_of
  input = "trivial ${count.index}"
}
"""


def timed_apply(folder: Path, hcl: str, tofu: Path, cli_config: Path, env: Mapping[str, str]) -> float:
    """Seconds of `tofu apply` of ``hcl`` from an empty state (init before, destroy after, untimed)."""
    folder.mkdir(parents=True)
    (folder / "main.tf").write_text(hcl)
    workspace = Workspace(folder, tofu, cli_config, env)
    workspace.init()
    start = time.perf_counter()
    workspace.apply()
    seconds = time.perf_counter() - start
    workspace.destroy()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--latencies", type=float, nargs="+", default=[0.0, 300.0], metavar="MS",
                        help="endpoint latencies (milliseconds per request)")
    args = parser.parse_args()
    count, tofu, cli_root = args.count, ensure_tofu(), ensure_cli()

    with Emulator() as endpoint, tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        cli_config = provider_config(root / "tofu-provider")
        contact = seed_rotation(endpoint.client()).alice_arn
        env = endpoint.env()
        tofu_env = {**env, "TF_VAR_contact_id": contact, "TF_VAR_count_of": str(count)}
        python = copy_project(REPO_ROOT / "tests/e2e/programs/engagements", root / "python")
        yaml_engagements = yaml_program(root / "yaml", count, False)

        def project(folder: Path, stack: str) -> Project:
            return Project(folder, stack, cli_root, root / "state", env)

        # Untimed: the first start of the provider fills Python's bytecode caches, which would tax the first row.
        timed_apply(root / "warm-up", ENGAGEMENTS, tofu, cli_config, {**tofu_env, "TF_VAR_count_of": "1"})
        print(f"{count} terraform_data (the floor)...", flush=True)
        floor = timed_apply(root / "floor", FLOOR, tofu, cli_config, tofu_env)
        rows = []
        for milliseconds in args.latencies:
            print(f"{count} engagements at {milliseconds:g} ms...", flush=True)
            stack = f"{milliseconds:g}ms"
            with latency(endpoint, milliseconds):
                hcl = timed_apply(root / f"tofu-{stack}", ENGAGEMENTS, tofu, cli_config, tofu_env)
            rows.append((
                milliseconds, hcl,
                timed_up(project(python, f"py-{stack}"), {"contactId": contact, "count": str(count)},
                         latency(endpoint, milliseconds)),
                timed_up(project(yaml_engagements, f"yaml-{stack}"), {"contactId": contact},
                         latency(endpoint, milliseconds)),
            ))

    print(f"\n{count} engagements, seconds (offline endpoint, this machine): `tofu apply` beside `tofu apply` of "
          f"{count} terraform_data (the floor) and `pulumi up` of the Python and YAML fronts")
    header = ("latency", "tofu", "terraform_data", "tofu/floor", "Python", "Python/tofu", "YAML", "YAML/tofu")
    print(f"{header[0]:<10}" + "".join(f"{name:>15}" for name in header[1:]))
    for milliseconds, hcl, dynamic, plugin in rows:
        cells = (f"{hcl:.2f}", f"{floor:.2f}", f"{hcl / floor:.2f}x", f"{dynamic:.2f}", f"{dynamic / hcl:.2f}x",
                 f"{plugin:.2f}", f"{plugin / hcl:.2f}x")
        print(f"{f'{milliseconds:g} ms':<10}" + "".join(f"{cell:>15}" for cell in cells))


if __name__ == "__main__":
    main()
