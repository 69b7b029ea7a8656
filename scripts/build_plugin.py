"""Builds the distributable provider plugin: ``dist/pulumi-resource-incident-manager-v<version>.tar.gz``.

The tarball holds the plugin folder (``PulumiPlugin.yaml``, ``__main__.py``), this package built as a wheel, and a
``requirements.txt`` naming it: ``pulumi plugin install resource incident-manager <version> --file <tarball>``
unpacks it into the plugin cache, where the Python language host makes the plugin's own virtualenv (``venv``) from
``requirements.txt`` on first use. Programs then need no ``plugins:`` path.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "provider"))

from incident_manager_provider.plugin import PACKAGE, VERSION  # noqa: E402

PLUGIN_YAML = """\
# The incident-manager provider plugin. The Python language host makes `venv` here from requirements.txt.
runtime:
  name: python
  options:
    toolchain: pip
    virtualenv: venv
"""


def build(destination: Path) -> Path:
    destination.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
             "-w", scratch, str(REPO_ROOT)],
            check=True,
        )
        [wheel] = Path(scratch).glob("pulumi_incident_manager-*.whl")
        tarball = destination / f"pulumi-resource-{PACKAGE}-v{VERSION}.tar.gz"
        with tarfile.open(tarball, "w:gz") as archive:
            def add(name: str, data: bytes) -> None:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mode = 0o644
                archive.addfile(info, io.BytesIO(data))

            add("PulumiPlugin.yaml", PLUGIN_YAML.encode())
            add("__main__.py", (REPO_ROOT / "provider/plugin/__main__.py").read_bytes())
            add(f"wheels/{wheel.name}", wheel.read_bytes())
            add("requirements.txt", f"./wheels/{wheel.name}\n".encode())
    return tarball


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=REPO_ROOT / "dist", help="output folder (default: dist/)")
    tarball = build(parser.parse_args(argv).dist)
    print(tarball)
    print(f"install it with: pulumi plugin install resource {PACKAGE} {VERSION} --file {tarball}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
