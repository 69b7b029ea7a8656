"""Inputs a user could get wrong, with the real CLI: one sentence each, no traceback, nobody paged; and the advice
each sentence gives, followed, works.

tests/e2e/programs/inputs holds one mistake per `case` (config); tests/e2e/programs/hardening one engagement.
"""

from __future__ import annotations

import re
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


def one_sentence(output: str) -> None:
    assert "Traceback" not in output and "unhandled exception" not in output, output
    assert "E2E-SECRET" not in output


def test_run_2_and_run_2_as_text_are_one_engagement_refused_at_preview_paging_nobody(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("inputs").init({"contactId": rotation.alice_arn, "case": "twins"})

    output = printed(stack, "preview")

    assert (
        "Engagements 'a' and 'b' have the same contact, message and run (so the same minted token), so they would "
        "share one engagement and destroying either would stop the other's: give one of them a different run (or "
        "its own idempotency_token)."
    ) in output
    one_sentence(output)
    assert "StartEngagement" not in endpoint.request_counts()

    # The advice, followed: another run for one of them, and up pages each once.
    stack.set_config("runB", "3")
    stack.up()
    assert endpoint.request_counts()["StartEngagement"] == 2
    assert len({r["outputs"]["arn"] for r in stack.resources(":Engagement")}) == 2


def test_run_2_as_a_float_is_the_same_run_too(project: ProjectFactory, rotation: Rotation, endpoint: Emulator) -> None:
    stack = project("inputs").init({"contactId": rotation.alice_arn, "case": "float-twin"})

    output = printed(stack, "preview")

    assert "Engagements 'a' and 'b' have the same contact, message and run" in output
    one_sentence(output)


INPUT_MISTAKES = {
    "missing": "Engagement 'page' is missing required input(s) subject: give each a value (None counts as missing)",
    "subject-none": "Engagement 'page' is missing required input(s) subject: give each a value (None counts as "
    "missing)",
    "unknown": "Engagement 'page' got unknown input(s) contnet (did you mean content?); its inputs are contact_id, "
    "sender, subject, content, public_subject, public_content, incident_id, idempotency_token, stop_reason, run",
    "args-and-keywords": "Engagement 'page' got both EngagementArgs and keyword input(s) run: pass one or the other",
    "delete-before-replace": "Engagement 'page': delete_before_replace=False is not supported, because a replacement "
    "must stop the old engagement before starting the new one (or state would record a stopped engagement as "
    "live); remove the option.",
    "surrogate": "Engagement 'page': content holds a lone surrogate (a character between U+D800 and U+DFFF), which "
    "is not Unicode text and cannot be sent; build the text from str values that encode as UTF-8 (for bytes, "
    "decode them with errors='replace')",
    "acceptance-missing": "PageAcceptance 'ack' is missing required input(s) accept_code: give each a value (None "
    "counts as missing)",
    "expectation-unknown": "AcknowledgementExpectation 'expect' got unknown input(s) chanels (did you mean "
    "channels?)",
    "function-bad-input": "at must be an ISO 8601 time such as 2026-11-23T09:00:00Z, not 'yesterday'",
}


@pytest.mark.parametrize("case", INPUT_MISTAKES)
def test_an_input_mistake_is_one_sentence_naming_the_resource_and_input_with_no_traceback(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator, case: str
) -> None:
    stack = project("inputs").init({"contactId": rotation.alice_arn, "case": case})

    output = printed(stack, "preview")

    assert INPUT_MISTAKES[case] in output
    one_sentence(output)
    assert "StartEngagement" not in endpoint.request_counts()


def test_an_empty_idempotency_token_is_unset_so_one_is_minted_and_up_pages_once(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("hardening").init({"contactId": rotation.alice_arn, "token": ""})

    stack.up()

    [engagement] = stack.resources(":Engagement")
    assert engagement["outputs"]["idempotency_token"].startswith("pulumi-im-")
    assert engagement["outputs"]["explicit_token"] is False
    assert endpoint.request_counts()["StartEngagement"] == 1


@pytest.mark.parametrize("advice", ["a new token", "no token"])
def test_after_destroy_an_explicit_token_says_how_to_page_again_and_the_advice_works(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator, advice: str
) -> None:
    stack = project("hardening").init({"contactId": rotation.alice_arn, "token": "drill-2026-q3"})
    stack.up()
    stack.destroy()

    output = printed(stack, "up", "--yes", "--skip-preview")

    assert re.search(
        r"The idempotency token drill-2026-q3 belongs to engagement \S+, which was stopped at \S+, so AWS will not "
        r"page anyone with it again; to start a new run, set idempotency_token to a new value \(or remove it to "
        r"let one be minted\)\.",
        output,
    ), output
    assert "change run" not in output
    pages = len(endpoint.outbox())

    if advice == "a new token":
        stack.set_config("token", "drill-2026-q3-rerun")
    else:
        stack.cli("config", "rm", "token")
    stack.up()

    [engagement] = stack.resources(":Engagement")
    assert engagement["outputs"].get("stop_time") is None
    assert endpoint.request_counts()["StartEngagement"] == 3  # the first up, the refused one, the one that paged
    assert len(endpoint.outbox()) > pages
    [live] = [e for e in endpoint.client().list_engagements()["Engagements"] if "StopTime" not in e]
    assert live["EngagementArn"] == engagement["outputs"]["arn"]


def test_a_10000_character_sender_is_quoted_cut_never_whole(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    stack = project("hardening").init({"contactId": rotation.alice_arn, "sender": "s" * 10_000})

    output = printed(stack, "preview")

    assert "sender must be at most 255 characters long, not 10000 (ssm-contacts StartEngagement Sender)" in output
    assert "s" * 256 not in output


def test_a_check_failure_ends_the_program_quietly_with_no_keyboard_interrupt_traceback(
    project: ProjectFactory, rotation: Rotation, endpoint: Emulator
) -> None:
    # The language host interrupts a program still waiting when the engine stops after an error; Python printed two
    # KeyboardInterrupt tracebacks under the sentence in most runs (4 of 4 before the fix), so try a few times.
    stack = project("hardening").init({"contactId": rotation.alice_arn, "sender": "a;b"})

    for _ in range(3):
        output = printed(stack, "preview")
        assert "sender must match the pattern" in output and "';' is not allowed" in output
        assert "KeyboardInterrupt" not in output and "Traceback" not in output, output
    assert "StartEngagement" not in endpoint.request_counts()
