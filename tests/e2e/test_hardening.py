"""Plain `pulumi` commands that used to leak a secret, page twice, or record something untrue.

Each test runs the real CLI on tests/e2e/programs/hardening (or acceptance/lookup), against the offline endpoint.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from pulumi_cli import Project
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import Rotation

pytestmark = pytest.mark.cli

ProjectFactory = Callable[..., Project]


def printed(stack: Project, *args: str) -> str:
    """Everything a failing command printed, stdout and stderr (what a CI log keeps)."""
    result = stack.cli(*args, check=False)
    assert result.returncode != 0, result.stdout
    return result.stdout + result.stderr


def test_check_failures_of_secret_fields_name_the_property_and_rule_but_never_print_the_value(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("hardening").init(
        {"contactId": rotation.alice_arn},
        secrets={"subject": "S" * 2049, "content": "c" * 8193, "publicSubject": "p" * 3},
    )

    output = printed(stack, "preview")

    assert "subject must be at most 2048 characters long (ssm-contacts StartEngagement Subject)" in output
    assert "content must be at most 8192 characters long (ssm-contacts StartEngagement Content)" in output
    assert "SSSSSSSS" not in output and "cccccccc" not in output
    assert "2049" not in output and "8193" not in output  # not even their lengths
    assert endpoint.request_counts().get("StartEngagement") is None


def test_a_bad_accept_code_is_named_without_showing_a_digit(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("acceptance").init({"contactId": rotation.alice_arn})
    stack.up()
    page = next(m for m in endpoint.outbox() if m["channel_type"] == "SMS")["page_arn"]
    stack.set_config("pageId", page)
    stack.set_config("acceptCode", "98765x4321", secret=True)

    output = printed(stack, "preview")

    assert "accept_code must match the pattern ^[0-9]*$ (ssm-contacts AcceptPage AcceptCode)" in output
    assert "98765" not in output and "4321" not in output


def test_an_aws_error_keeps_awss_words_and_quotes_no_short_secret(
    project: ProjectFactory, rotation: Rotation
) -> None:
    stack = project("hardening").init({"contactId": rotation.alice_arn}, secrets={"subject": "S", "content": "C"})
    stack.env["AWS_SECRET_ACCESS_KEY"] = "not-the-right-secret-key"

    output = printed(stack, "up", "--yes", "--skip-preview")

    assert "The request signature we calculated does not match the signature you provided" in output
    assert "[secret]" not in output


def test_a_rename_with_an_alias_and_a_stack_rename_change_nothing_and_page_nobody(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("hardening").init({"contactId": rotation.alice_arn})
    stack.up()
    arn, pages = stack.outputs()["arn"], len(endpoint.outbox())

    stack.set_config("name", "checkout-drill")
    stack.set_config("formerName", "page")
    renamed = stack.up()
    stack.cli("stack", "rename", "e2e-moved")
    stack.stack_name = "e2e-moved"
    moved = stack.up()

    assert renamed.changes == {"same": 4} and moved.changes == {"same": 4}
    assert stack.outputs()["arn"] == arn
    assert endpoint.request_counts()["StartEngagement"] == 1 and len(endpoint.outbox()) == pages


def test_an_explicit_token_with_a_changed_message_is_refused_at_preview_in_one_sentence(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("hardening").init({"contactId": rotation.alice_arn, "token": "drill-2026-q3"})
    stack.up()
    stack.set_config("content", "E2E-SECRET-CONTENT-REWORDED", secret=True)

    output = printed(stack, "preview")

    assert (
        "idempotency_token is unchanged but content changed, and AWS refuses a token reused for a different "
        "engagement: set a new idempotency_token (or remove it to let one be minted)."
    ) in output
    assert "E2E-SECRET" not in output
    assert endpoint.request_counts()["StartEngagement"] == 1


def test_two_engagements_that_would_share_one_are_refused_at_preview_naming_both(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("hardening").init({"contactId": rotation.alice_arn, "twin": "true"})

    output = printed(stack, "preview")

    assert "Engagements 'page' and 'page-twin' have the same contact, message and run" in output
    assert "E2E-SECRET" not in output
    assert "StartEngagement" not in endpoint.request_counts()


def test_engagement_get_of_an_arn_that_does_not_exist_fails_naming_it(
    project: ProjectFactory, rotation: Rotation
) -> None:
    missing = "arn:aws:ssm-contacts:us-east-1:123456789012:engagement/alice-oncall/00000000-0000-4000-8000-000000000000"
    stack = project("lookup").init({"engagementArn": missing})

    output = printed(stack, "preview")

    assert (
        f"Engagement {missing} does not exist in this account and region; check the ARN given to Engagement.get "
        "and the aws:region setting."
    ) in output


def test_state_holds_the_token_key_only_encrypted(project: ProjectFactory, rotation: Rotation) -> None:
    stack = project("hardening").init({"contactId": rotation.alice_arn})
    stack.up()

    [key] = stack.resources(":TokenKey")
    [engagement] = stack.resources(":Engagement")

    assert "ciphertext" in key["outputs"]["key"]
    assert "ciphertext" in engagement["inputs"]["token_key"] and "token_key" not in engagement["outputs"]
    assert "E2E-SECRET" not in json.dumps(stack.resources())
