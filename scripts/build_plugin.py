"""Builds the distributable provider plugin: ``dist/pulumi-resource-incident-manager-v<version>-<os>-<arch>.tar.gz``.

The tarball installs with no network, at exactly the versions in ``constraints.txt``. It holds the plugin folder
(``PulumiPlugin.yaml``, ``__main__.py``), ``wheels/`` (this package and every dependency, as wheels for one
platform and each Python version it serves), ``constraints.txt``, a ``requirements.txt`` that installs only from
``wheels/``, and ``venv/pip.conf``. ``pulumi plugin install resource incident-manager <version> --file <tarball>``
unpacks it into the plugin cache, where the Python language host makes the plugin's virtualenv: ``python -m venv
venv``, then, in the plugin folder, ``pip install --upgrade pip setuptools wheel`` (kept offline by ``venv/pip.conf``,
which pip reads as that virtualenv's own config) and ``pip install -r requirements.txt``. Programs then need no
``plugins:`` path.

The dependency wheels are downloaded once per user (``~/.cache/pulumi-incident-manager/plugin-wheels``, or under
``$XDG_CACHE_HOME``), one folder per platform and Python version, keyed by a hash of constraints.txt and the
dependencies in pyproject.toml.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from pathlib import Path

from packaging.utils import canonicalize_name, parse_wheel_filename

REPO_ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = REPO_ROOT / "constraints.txt"
sys.path.insert(0, str(REPO_ROOT / "provider"))

from incident_manager_provider.plugin import PACKAGE, VERSION  # noqa: E402


def manylinux(arch: str) -> list[str]:
    """glibc 2.28 or newer. pip takes a PEP 600 tag as exactly that glibc, so every older one is named too."""
    return [f"manylinux_2_{minor}_{arch}" for minor in range(28, 16, -1)] + [f"manylinux2014_{arch}"]


# Pulumi's names for plugin platforms -> pip's platform tags. Only linux-amd64 is install-tested here.
PLATFORMS: dict[str, list[str]] = {
    "linux-amd64": manylinux("x86_64"),
    "linux-arm64": manylinux("aarch64"),
    "darwin-amd64": ["macosx_11_0_x86_64"],  # pip adds the older macOS tags and universal2 itself
    "darwin-arm64": ["macosx_11_0_arm64"],
    "windows-amd64": ["win_amd64"],
}
PYTHONS = ("3.11", "3.12", "3.13")

PLUGIN_YAML = """\
# The incident-manager provider plugin. The Python language host makes `venv` here from requirements.txt.
runtime:
  name: python
  options:
    toolchain: pip
    virtualenv: venv
"""

REQUIREMENTS = f"""\
# Installs the plugin with no network, at the versions it is tested with: only from ./wheels, held to constraints.txt.
--no-index
--find-links ./wheels
-c constraints.txt
pulumi-incident-manager=={VERSION}
"""

# pip reads <virtualenv>/pip.conf (pip.ini on Windows) as that virtualenv's config; the host runs pip in the plugin
# folder, where `wheels` resolves.
PIP_CONF = """\
# The Python language host runs `pip install --upgrade pip setuptools wheel` in this virtualenv before
# requirements.txt: this keeps that step offline too, on the wheels the plugin carries (and its venv pinned).
[global]
no-index = true
find-links = wheels
"""


def this_platform() -> str | None:
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine().lower())
    name = f"{platform.system().lower()}-{arch}"
    return name if name in PLATFORMS else None


def pinned() -> dict[str, str]:
    """constraints.txt as {canonical name: version}."""
    pins: dict[str, str] = {}
    for line in CONSTRAINTS.read_text().splitlines():
        if line := line.split("#", 1)[0].strip():
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def dependencies() -> list[str]:
    """What the plugin needs besides this package: its runtime dependencies, and what the host installs first."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], "setuptools", "wheel"]


def cache_root() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "pulumi-incident-manager" / "plugin-wheels"


def pip(*args: str, failure: str) -> None:
    if subprocess.run([sys.executable, "-m", "pip", *args, "--quiet", "--disable-pip-version-check"]).returncode:
        raise SystemExit(f"build_plugin: {failure}.")


def dependency_wheels(target: str, python: str) -> Path:
    """The folder of dependency wheels for one platform and Python version: cached, else downloaded and checked."""
    tags = PLATFORMS[target]
    key = hashlib.sha256("\n".join([CONSTRAINTS.read_text(), *dependencies(), *tags]).encode()).hexdigest()[:16]
    folder = cache_root() / f"{target}-py{python}-{key}"
    if folder.is_dir():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".download-"))
    try:
        pip("download", "--only-binary=:all:", "--implementation", "cp", "--python-version", python,
            *(f"--platform={tag}" for tag in tags), "-c", str(CONSTRAINTS), "-d", str(scratch), *dependencies(),
            failure=f"could not download the plugin's dependencies for {target}, CPython {python} (pip says why "
                    "above); check the network, and --python, which names a CPython version such as 3.12")
        pins = pinned()
        for wheel in sorted(scratch.glob("*.whl")):
            name, version, _, _ = parse_wheel_filename(wheel.name)
            if pins.get(name) != str(version):
                raise SystemExit(f"build_plugin: the plugin needs {name} {version}, which constraints.txt does not "
                                 f"pin; add `{name}=={version}` to constraints.txt (and test with it).")
        scratch.rename(folder)  # whole or not at all; another build may have won the race
    except OSError:
        if not folder.is_dir():
            raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return folder


def build(destination: Path, target: str, pythons: tuple[str, ...] = PYTHONS) -> Path:
    destination.mkdir(parents=True, exist_ok=True)
    wheels = {wheel.name: wheel for python in pythons for wheel in dependency_wheels(target, python).glob("*.whl")}
    tarball = destination / f"pulumi-resource-{PACKAGE}-v{VERSION}-{target}.tar.gz"
    with tempfile.TemporaryDirectory() as scratch:
        pip("wheel", "--no-deps", "-w", scratch, str(REPO_ROOT),
            failure="could not build this package as a wheel (pip says why above)")
        [own] = Path(scratch).glob("pulumi_incident_manager-*.whl")
        wheels[own.name] = own
        files: dict[str, bytes | Path] = {
            "PulumiPlugin.yaml": PLUGIN_YAML.encode(),
            "__main__.py": REPO_ROOT / "provider/plugin/__main__.py",
            "requirements.txt": REQUIREMENTS.encode(),
            "constraints.txt": CONSTRAINTS,
            "venv/pip.ini" if target.startswith("windows") else "venv/pip.conf": PIP_CONF.encode(),
            **{f"wheels/{name}": wheels[name] for name in sorted(wheels)},
        }
        with tarfile.open(tarball, "w:gz", compresslevel=6) as archive:
            for name, content in files.items():
                data = content if isinstance(content, bytes) else content.read_bytes()
                info = tarfile.TarInfo(name)
                info.size, info.mode = len(data), 0o644
                archive.addfile(info, io.BytesIO(data))
    return tarball


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=REPO_ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--platform", choices=sorted(PLATFORMS), default=this_platform(),
                        help=f"the platform it serves (default: this machine's, {this_platform()})")
    parser.add_argument("--python", action="append", metavar="X.Y",
                        help=f"a CPython version it serves; repeat for several (default: {', '.join(PYTHONS)})")
    args = parser.parse_args(argv)
    if args.platform is None:
        parser.error(f"this machine is none of {', '.join(sorted(PLATFORMS))}; name the target with --platform")
    pythons = tuple(args.python or PYTHONS)
    tarball = build(args.dist, args.platform, pythons)
    print(tarball)
    print(f"{tarball.stat().st_size / 1e6:.0f} MB: {args.platform}, CPython {', '.join(pythons)}; install it with: "
          f"pulumi plugin install resource {PACKAGE} {VERSION} --file {tarball}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
