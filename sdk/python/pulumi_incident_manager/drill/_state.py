"""A stack's state and config, read with the pulumi CLI (``pulumi stack export``, ``pulumi config``), and the drill
terms its state holds: one home for every ``drill`` subcommand that takes ``--stack``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from incident_manager_provider import aws
from incident_manager_provider.schema import ENGAGEMENT, EXPECTATION, dynamic_type, plugin_type
from incident_manager_provider.verdict import Terms

ENGAGEMENT_TYPES = (dynamic_type(ENGAGEMENT), plugin_type(ENGAGEMENT))
"""The Engagement's type token in Python programs and in YAML/TypeScript programs (the plugin)."""

EXPECTATION_TYPES = (dynamic_type(EXPECTATION), plugin_type(EXPECTATION))


class StackError(Exception):
    """The stack could not be read: one sentence saying what to fix."""


def stack_export(stack: str, cwd: Path, show_secrets: bool = False, instead: str = "") -> dict[str, Any]:
    """``pulumi stack export`` of ``stack`` (``--show-secrets`` if asked), run in the project folder ``cwd`` (the
    backend and the secrets provider's passphrase come from the environment, as for any ``pulumi`` command).
    ``instead`` ends the advice when the CLI is missing (another way to give the state)."""
    args = ["stack", "export", *(["--show-secrets"] if show_secrets else []), "--stack", stack]
    exported: dict[str, Any] = json.loads(_pulumi(args, cwd, instead))
    return exported


def stack_settings(stack: str, cwd: Path, instead: str = "") -> aws.AwsSettings:
    """Where the stack's engagements live: its ``aws:region``, ``incident-manager:endpoint``... config, else the AWS
    environment."""
    config = json.loads(_pulumi(["config", "--json", "--stack", stack], cwd, instead) or "{}")
    try:
        return aws.AwsSettings.from_config(lambda key: (config.get(key) or {}).get("value"))
    except ValueError as error:
        raise StackError(f"The stack's config is not usable: {error}.") from None


def _pulumi(args: list[str], cwd: Path, instead: str) -> str:
    command = shutil.which("pulumi")
    if command is None:
        raise StackError(f"The pulumi CLI is not on PATH, and reading the stack's state takes it: put it on "
                         f"PATH{instead}.")
    if not cwd.is_dir():
        raise StackError(f"--cwd {cwd} is not a folder: give the project folder (the one holding Pulumi.yaml).")
    result = subprocess.run([command, *args, "--non-interactive"], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true"}, check=False)
    if result.returncode != 0:
        said = next((line.strip().removeprefix("error: ") for line in result.stderr.splitlines() if line.strip()),
                    "no message")
        raise StackError(f"`pulumi {' '.join(args)}` failed in {cwd}: {said.removesuffix('.')}.")
    return result.stdout


def drill_terms(deployment: Mapping[str, Any], stack: str) -> dict[str, Terms | None]:
    """Each engagement the state holds or watches (ARN, in state order) -> the terms it is judged by: its
    AcknowledgementExpectation's, else its Engagement's ``stop_when``, else None (the report's default)."""
    found: dict[str, Terms | None] = {}
    expected: dict[str, list[tuple[str, Terms]]] = {}
    for resource in deployment.get("resources") or []:
        if resource.get("type") in ENGAGEMENT_TYPES and resource.get("id"):
            stop_when = ENGAGEMENT.in_snake_case(resource.get("inputs") or {}).get("stop_when")
            found.setdefault(resource["id"], Terms.of(stop_when) if isinstance(stop_when, Mapping) else None)
        elif resource.get("type") in EXPECTATION_TYPES:
            inputs = EXPECTATION.in_snake_case(resource.get("inputs") or {})
            arn = inputs.get("engagement_arn")
            if isinstance(arn, str):
                expected.setdefault(arn, []).append((resource.get("urn", "-"), Terms.of(inputs)))
    for arn, expectations in expected.items():
        if len(expectations) > 1:
            raise StackError(f"Stack {stack} has {len(expectations)} AcknowledgementExpectations of engagement "
                             f"{arn} ({', '.join(urn for urn, _ in expectations)}): give the terms to judge it by "
                             f"with --within, --by, --channels and --receipt.")
        found[arn] = expectations[0][1]
    return found
