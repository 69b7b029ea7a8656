"""A stack setting the provider cannot use fails the plain `pulumi` CLI's run in one sentence naming its key."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pulumi_cli import Project
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import Rotation

pytestmark = pytest.mark.cli

ProjectFactory = Callable[..., Project]


def test_a_retry_mode_that_is_not_standard_or_adaptive_is_named_with_its_key_and_the_allowed_values(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("hardening").init({"contactId": rotation.alice_arn, "incident-manager:retryMode": "legacy"})

    result = stack.cli("up", "--yes", "--skip-preview", check=False)
    output = result.stdout + result.stderr

    assert result.returncode != 0
    assert (
        "error: Exception calling application: incident-manager:retryMode must be standard or adaptive, not "
        "'legacy'\n"
    ) in output
    assert "StartEngagement" not in endpoint.request_counts()

    stack.set_config("incident-manager:retryMode", "adaptive")  # the advice, followed
    stack.up()
    assert endpoint.request_counts()["StartEngagement"] == 1
