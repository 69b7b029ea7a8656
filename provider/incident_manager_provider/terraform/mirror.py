"""A local provider mirror holding ``incident-manager/incidentmanager``, and a CLI configuration that uses it.

``tofu init`` (or ``terraform init``) then installs the provider from this folder with no network: the CLI
configuration (``TF_CLI_CONFIG_FILE``) sends ``incident-manager/incidentmanager`` to the filesystem mirror and every
other provider to its registry as usual. The mirror is written with the ``tf`` package's ``install_provider`` (a
zipped copy of this virtualenv's ``terraform-provider-incidentmanager`` console script) under both default registry
hosts, so OpenTofu and Terraform find it alike.

``python -m incident_manager_provider.terraform.mirror [FOLDER]`` writes it (by default inside this virtualenv, as
the provider runs this virtualenv's Python) and prints the CLI configuration file's path.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tf.runner import install_provider

from .schema import SOURCE, VERSION

HOSTS = ("registry.opentofu.org", "registry.terraform.io")
"""Where ``incident-manager/incidentmanager`` resolves: OpenTofu's default registry host, and Terraform's."""

SCRIPT = "terraform-provider-incidentmanager"


def default_folder() -> Path:
    """Beside the virtualenv the provider runs in: one mirror per installation."""
    return Path(sys.prefix) / "share" / "incident-manager" / "tofu"


def provider_script() -> Path:
    """This virtualenv's console script (``sys.prefix``'s bin, whichever Python path started us)."""
    script = Path(sys.prefix) / "bin" / SCRIPT
    if not script.is_file():
        raise SystemExit(f"{script} does not exist: install this distribution (`make setup`, or pip install) into "
                         f"the virtualenv of {sys.executable} first.")
    return script


def cli_config(mirror: Path) -> str:
    """The CLI configuration: this provider from ``mirror``, the rest from their registries."""
    return f"""# Written by incident_manager_provider.terraform.mirror: export TF_CLI_CONFIG_FILE=<this file>
provider_installation {{
  filesystem_mirror {{
    path    = "{mirror}"
    include = ["{SOURCE}"]
  }}
  direct {{
    exclude = ["{SOURCE}"]
  }}
}}
"""


def install(folder: Path | None = None) -> Path:
    """Write the mirror under ``folder`` (default: :func:`default_folder`) and return the CLI configuration file."""
    folder = (folder or default_folder()).resolve()
    mirror = folder / "mirror"
    namespace, project = SOURCE.split("/")
    for host in HOSTS:
        install_provider(host, namespace, project, VERSION, mirror, provider_script())
    config = folder / "tofu.tfrc"
    config.write_text(cli_config(mirror))
    return config


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m incident_manager_provider.terraform.mirror",
        description="Install the provider incident-manager/incidentmanager into a local mirror and print the path of "
                    "a CLI configuration file for TF_CLI_CONFIG_FILE, with which `tofu init` finds it offline.",
    )
    parser.add_argument("folder", nargs="?", type=Path,
                        help=f"where to write the mirror and the file (default: {default_folder()})")
    print(install(parser.parse_args().folder))


if __name__ == "__main__":
    main()
