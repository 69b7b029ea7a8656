"""A preview says why: a replacement names each changed input and the token, secrets shown as `[secret]`, in the
plugin's names (YAML) and in Python's (the dynamic provider), on the replace line and in `preview --diff`."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from pulumi_cli import Project
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import Rotation

pytestmark = pytest.mark.cli

ProjectFactory = Callable[..., Project]


def token(stack: Project) -> str:
    [engagement] = stack.resources(":Engagement")
    return str(engagement["inputs"].get("idempotencyToken") or engagement["inputs"]["idempotency_token"])


def previews(stack: Project, endpoint: Emulator) -> tuple[str, str]:
    """What `pulumi preview` and `pulumi preview --diff` print; neither calls the endpoint."""
    before = dict(endpoint.request_counts())
    short, detailed = stack.cli("preview"), stack.cli("preview", "--diff")
    assert endpoint.request_counts() == before
    return short.stdout + short.stderr, detailed.stdout + detailed.stderr


@pytest.mark.parametrize(
    ("program", "line", "token_name"),
    [
        ("yaml-engagement", "incident-manager:index:Engagement page replace [diff: ~content,idempotencyToken]",
         "idempotencyToken"),
        ("hardening", "pulumi-python:dynamic/incident-manager:Engagement page replace [diff: ~content,"
         "idempotency_token]", "idempotency_token"),
    ],
    ids=["yaml-plugin", "python-dynamic"],
)
def test_a_changed_secret_message_previews_a_replacement_naming_it_and_the_token_never_its_value(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator, program: str, line: str, token_name: str
) -> None:
    stack = project(program).init({"contactId": rotation.alice_arn})
    stack.up()
    old = token(stack)

    stack.set_config("content", "E2E-SECRET-CONTENT, reworded", secret=True)
    short, detailed = previews(stack, endpoint)
    stack.up()
    new = token(stack)

    assert line in short, short
    assert re.search(r"~ content\s*: \[secret\] => \[secret\]", detailed), detailed
    assert re.search(rf'~ {token_name}\s*: "{old}" => "{new}"', detailed), detailed  # the token the up then used
    assert "E2E-SECRET" not in short + detailed
    assert endpoint.request_counts()["StartEngagement"] == 2


def test_a_python_stop_reason_alone_previews_an_update_naming_it_and_pages_nobody(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("hardening").init({"contactId": rotation.alice_arn})
    stack.up()

    stack.set_config("stopReason", "drill over")
    short, _ = previews(stack, endpoint)
    up = stack.up()

    assert re.search(r"Engagement page update \[diff: [+~]stop_reason\]", short), short
    assert up.changes == {"update": 1, "same": 3}
    assert endpoint.request_counts()["StartEngagement"] == 1
