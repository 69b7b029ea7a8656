"""scripts/get-pulumi: a cached CLI made before the Go language host was added gets just that host built, from any
clone."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pulumi_cli import GET_PULUMI, CliUnavailable, ensure_cli

pytestmark = pytest.mark.cli


def test_a_cache_without_the_go_host_gets_just_that_host_built_and_says_so(tmp_path: Path) -> None:
    try:
        built = ensure_cli(build=False)
    except CliUnavailable:
        pytest.fail("no Pulumi CLI: `make check` builds it with scripts/get-pulumi (or run `make cli` first)")
    # A cache as an earlier get-pulumi left it: every file but the Go host (links to the real ones, not copies).
    cache = tmp_path / "cache" / "v3.259.0"
    (cache / "bin").mkdir(parents=True)
    (cache / ".complete").touch()
    others = sorted(path.name for path in (built / "bin").iterdir() if path.name != "pulumi-language-go")
    for name in others:
        (cache / "bin" / name).symlink_to(built / "bin" / name)
    env = {**os.environ, "PULUMI_CLI_CACHE": str(tmp_path / "cache"), "PULUMI_FORCE_BUILD": "1"}
    env.pop("PULUMI_CLI_NO_BUILD", None)

    # Run from a clone with no shared/pulumi-language-hosts above it (a CI checkout in /tmp): the hosts' source is
    # the one get-pulumi found beside a clone before (`make check`'s own run of it), remembered per user.
    elsewhere = tmp_path / "checkout" / "scripts" / "get-pulumi"
    elsewhere.parent.mkdir(parents=True)
    shutil.copy2(GET_PULUMI, elsewhere)

    first = subprocess.run([str(elsewhere)], env=env, capture_output=True, text=True, check=True)
    again = subprocess.run([str(elsewhere)], env=env, capture_output=True, text=True, check=True)

    assert first.stdout.strip() == again.stdout.strip() == str(cache)
    assert f"the cached Pulumi CLI in {cache} has no Go language host" in first.stderr
    assert "building just that" in first.stderr and "building the Pulumi CLI" not in first.stderr
    assert again.stderr == ""  # complete now: nothing to build, nothing said
    host = cache / "bin" / "pulumi-language-go"
    version = subprocess.run([str(host), "-version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == "v3.259.0"
    assert sorted(path.name for path in (cache / "bin").iterdir()) == sorted([*others, "pulumi-language-go"])
    assert all((cache / "bin" / name).is_symlink() for name in others)  # the rest left as they were
