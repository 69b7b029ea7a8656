"""Where the pack lives on disk, for ``pulumi preview --policy-pack``."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import yaml

POLICY_PACK_NAME = "incident-manager"
_SHIPPED = Path(__file__).resolve().parent.parent / "policy_pack"
POLICY_PACK_VERSION: str = yaml.safe_load((_SHIPPED / "PulumiPolicy.yaml").read_text())["version"]
"""The version the CLI reports the pack with (PulumiPolicy.yaml's)."""


def policy_pack_path() -> Path:
    """The directory to pass to ``pulumi preview --policy-pack``: this pack, started with this Python environment.

    Pulumi's Python language host starts a pack with the interpreter of the virtualenv its ``PulumiPolicy.yaml``
    names, else with ``python`` on PATH, which need not have this package. So the shipped pack is written, once per
    environment, to a folder in the user's cache whose ``PulumiPolicy.yaml`` names ``sys.prefix``.
    """
    shipped = _SHIPPED
    settings = yaml.safe_load((shipped / "PulumiPolicy.yaml").read_text())
    if sys.prefix != sys.base_prefix:  # a virtualenv: the host runs its bin/python
        settings["runtime"] = {"name": "python", "options": {"virtualenv": sys.prefix}}
    identity = hashlib.sha256(f"{sys.prefix}\0{shipped}".encode()).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = cache / "pulumi-incident-manager" / "policy-packs" / identity
    files = {
        "PulumiPolicy.yaml": yaml.safe_dump(settings, sort_keys=False),
        "__main__.py": (shipped / "__main__.py").read_text(),
        "requirements.txt": (shipped / "requirements.txt").read_text(),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = folder / name
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
    return folder
