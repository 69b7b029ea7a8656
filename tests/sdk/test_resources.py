"""Programs that build Engagement and PageAcceptance as a user would, seen from the engine's side (mocks)."""

from __future__ import annotations

import base64
from typing import Any

import pulumi
import pytest

import pulumi_incident_manager as incident_manager
from pulumi_incident_manager import Engagement, EngagementArgs, PageAcceptance, PageAcceptanceArgs
from pulumi_incident_manager._resources import ResourceInputError

from .conftest import RecordingMonitor

CONTACT = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/drill-escalation"
PAGE = "arn:aws:ssm-contacts:us-east-1:123456789012:page/alice-oncall/5f8d7c7e-1f6a-4f57-9d4e-2b1c3a4d5e6f"
PROVIDER_PICKLE = (
    "gASVQgAAAAAAAACMJGluY2lkZW50X21hbmFnZXJfcHJvdmlkZXIuZW5nYWdlbWVudJSMEkVuZ2FnZW1lbnRQcm92aWRlcpSTlCmBlC4="
)


def run(program: Any) -> None:
    pulumi.runtime.test(program)()


def drill(**options: Any) -> Engagement:
    return Engagement(
        "drill",
        contact_id=CONTACT,
        sender="gameday-bot",
        subject="[DRILL] Checkout latency",
        content="Acknowledge this page.",
        public_subject="[DRILL] checkout",
        incident_id="gameday",
        stop_reason="drill over",
        **options,
    )


def test_public_api() -> None:
    assert incident_manager.__all__ == [
        "AcceptPageResult",
        "AcknowledgementExpectation",
        "AcknowledgementExpectationArgs",
        "DrillSummary",
        "Engagement",
        "EngagementArgs",
        "GetEngagementResult",
        "IncidentManagerError",
        "InvalidInputError",
        "NotFoundError",
        "Page",
        "PageAcceptance",
        "PageAcceptanceArgs",
        "PagedChannel",
        "PagedContact",
        "PagingPlan",
        "PagingStage",
        "StopWhen",
        "accept_page",
        "accept_page_output",
        "get_engagement",
        "get_engagement_output",
        "list_pages",
        "list_pages_output",
        "summarize_drill",
        "who_would_be_paged",
        "who_would_be_paged_output",
    ]


def test_engagement_registers_its_type_inputs_and_the_stacks_token_key(engine: RecordingMonitor) -> None:
    def program() -> pulumi.Output[Any]:
        return drill().arn

    run(program)

    [registration] = engine.registrations
    assert registration.type == "pulumi-python:dynamic/incident-manager:Engagement"
    assert registration.name == "drill"
    plain = {key: value for key, value in registration.inputs.items() if key not in registration.secret_inputs}
    assert plain == {
        "contact_id": CONTACT,
        "sender": "gameday-bot",
        "incident_id": "gameday",
        "stop_reason": "drill over",
    }
    # No name, stack or project: the token is minted from what the engagement says, so renames change nothing.
    [token_key] = engine.token_keys
    assert (token_key.type, token_key.name) == (
        "pulumi-python:dynamic/incident-manager:TokenKey", "incident-manager-token-key"
    )
    assert token_key.additional_secret_outputs == ["key"]


def test_stop_when_registers_the_drills_terms_as_one_object_with_outputs_resolved(engine: RecordingMonitor) -> None:
    terms = incident_manager.StopWhen(within=pulumi.Output.from_input("10m"), by=["alice-oncall"])
    run(lambda: drill(stop_when=terms).arn)

    [registration] = engine.registrations
    assert registration.inputs["stop_when"] == {"within": "10m", "by": ["alice-oncall"]}


def test_the_provider_is_pickled_by_reference_to_the_installed_package(engine: RecordingMonitor) -> None:
    run(lambda: drill().arn)

    pickled = engine.registrations[0].inputs["__provider"]["value"]
    assert pickled == PROVIDER_PICKLE  # stable across runs, so __provider never looks changed
    assert b"incident_manager_provider.engagement" in base64.b64decode(pickled)


def test_message_fields_are_secret_inputs_and_outputs(engine: RecordingMonitor) -> None:
    run(lambda: drill().arn)

    [registration] = engine.registrations
    assert registration.secret_inputs == {"subject", "content", "public_subject", "__provider"}
    assert registration.additional_secret_outputs == ["subject", "content", "public_subject", "public_content"]


def test_engagements_are_deleted_before_they_are_replaced(engine: RecordingMonitor) -> None:
    run(lambda: drill().arn)

    [registration] = engine.registrations
    assert registration.delete_before_replace is True and registration.delete_before_replace_defined is True


def test_create_before_delete_is_refused_with_a_sentence() -> None:
    # With the token unchanged (`pulumi up --replace`), the create would adopt the live engagement, then the
    # delete would stop it: state would record a stopped engagement as live.
    with pytest.raises(TypeError) as refused:
        Engagement(
            "side-by-side",
            EngagementArgs(contact_id=CONTACT, sender="bot", subject="s", content="c"),
            pulumi.ResourceOptions(delete_before_replace=False),
        )
    assert str(refused.value) == (
        "Engagement 'side-by-side': delete_before_replace=False is not supported, because a replacement must stop "
        "the old engagement before starting the new one (or state would record a stopped engagement as live); "
        "remove the option."
    )


def test_args_object_and_keywords_register_the_same_inputs(engine: RecordingMonitor) -> None:
    def program() -> pulumi.Output[Any]:
        Engagement("a", contact_id=CONTACT, sender="bot", subject="s", content="c", run="a")
        return Engagement("b", EngagementArgs(contact_id=CONTACT, sender="bot", subject="s", content="c", run="b")).arn

    run(program)

    a, b = engine.registrations
    assert {**a.inputs, "run": "b"} == b.inputs


def test_outputs_are_attributes_a_program_can_export(engine: RecordingMonitor) -> None:
    def program() -> pulumi.Output[Any]:
        engagement = drill()
        return pulumi.Output.all(engagement.arn, engagement.id, engagement.contact_id).apply(check)

    def check(values: list[Any]) -> None:
        arn, id_, contact = values
        assert arn == id_ == "arn:aws:ssm-contacts:us-east-1:123456789012:engagement/mock/drill"
        assert contact == CONTACT

    run(program)


def test_missing_required_inputs_are_named() -> None:
    with pytest.raises(pulumi.RunError, match=r"Engagement 'drill' is missing required input\(s\) sender, content: "):
        Engagement("drill", contact_id=CONTACT, subject="s")
    with pytest.raises(TypeError, match=r"PageAcceptance 'ack' is missing required input\(s\) accept_code: "):
        PageAcceptance("ack", page_id=PAGE)


def test_page_acceptance_registers_a_secret_accept_code(engine: RecordingMonitor) -> None:
    def program() -> pulumi.Output[Any]:
        PageAcceptance("ack", page_id=PAGE, accept_code="123456", note="on it")
        return PageAcceptance("ack-delivered", PageAcceptanceArgs(PAGE, "123456", accept_type="DELIVERED")).id

    run(program)

    ack, delivered = engine.registrations
    assert ack.type == "pulumi-python:dynamic/incident-manager:PageAcceptance"
    assert ack.secret_inputs == {"accept_code", "__provider"}
    pickled = base64.b64decode(ack.inputs["__provider"]["value"])  # by reference, no state: no settings, no keys
    assert b"incident_manager_provider.page_acceptance" in pickled and b"settings" not in pickled
    assert ack.inputs["accept_code"]["value"] == "123456"
    assert ack.additional_secret_outputs == ["accept_code"]
    assert (ack.inputs["page_id"], ack.inputs["note"]) == (PAGE, "on it")
    assert delivered.inputs["accept_type"] == "DELIVERED"


def test_keywords_beside_an_args_object_are_refused_not_ignored() -> None:
    engagement_args = incident_manager.EngagementArgs(
        contact_id="arn:aws:ssm-contacts:us-east-1:123456789012:contact/alice-oncall",
        sender="s",
        subject="s",
        content="c",
    )
    with pytest.raises(TypeError) as engagement:
        incident_manager.Engagement("drill", engagement_args, run="2")
    acceptance_args = incident_manager.PageAcceptanceArgs(page_id="arn:page", accept_code="123456")
    with pytest.raises(TypeError) as acceptance:
        incident_manager.PageAcceptance("ack", acceptance_args, note="on it")

    assert str(engagement.value) == (
        "Engagement 'drill' got both EngagementArgs and keyword input(s) run: pass one or the other"
    )
    assert str(acceptance.value) == (
        "PageAcceptance 'ack' got both PageAcceptanceArgs and keyword input(s) note: pass one or the other"
    )


def test_two_engagements_that_would_be_one_fail_the_program_naming_both(engine: RecordingMonitor) -> None:
    def program() -> None:
        drill()
        Engagement("copy", contact_id=CONTACT, sender="gameday-bot", subject="[DRILL] Checkout latency",
                   content="Acknowledge this page.", public_subject="[DRILL] checkout", incident_id="gameday")

    with pytest.raises(pulumi.RunError) as refused:
        run(program)

    assert str(refused.value) == (
        "Engagements 'drill' and 'copy' have the same contact, message and run (so the same minted token), so they "
        "would share one engagement and destroying either would stop the other's: give one of them a different run "
        "(or its own idempotency_token)."
    )


def test_two_engagements_with_one_explicit_token_fail_the_program(engine: RecordingMonitor) -> None:
    def program() -> None:
        Engagement("one", contact_id=CONTACT, sender="bot", subject="s", content="c", idempotency_token="t-1")
        Engagement("two", contact_id=CONTACT, sender="bot", subject="s", content="other", idempotency_token="t-1")

    with pytest.raises(pulumi.RunError, match="'one' and 'two' have the same idempotency_token"):
        run(program)


def _twins(first: dict[str, Any], second: dict[str, Any]) -> None:
    base = {"contact_id": CONTACT, "sender": "bot", "subject": "s", "content": "c"}
    Engagement("a", **{**base, **first})
    Engagement("b", **{**base, **second})


SHARED = "Engagements 'a' and 'b' have the same contact, message and run"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"run": "2"}, {"run": 2}),
        ({"run": "2"}, {"run": 2.0}),
        ({"run": 2}, {"run": " 2"}),
        ({"run": None}, {"run": ""}),
        ({"incident_id": None}, {"incident_id": ""}),
        ({"public_subject": ""}, {}),
        ({"run": "2"}, {"run": pulumi.Output.from_input(2)}),
        ({"run": pulumi.Output.secret("2")}, {"run": 2.0}),
        ({"content": "c"}, {"content": pulumi.Output.secret("c")}),
        ({"idempotency_token": ""}, {}),
    ],
    ids=str,
)
def test_every_spelling_of_one_engagement_is_refused_as_shared(
    engine: RecordingMonitor, first: dict[str, Any], second: dict[str, Any]
) -> None:
    with pytest.raises(pulumi.RunError, match=SHARED):
        run(lambda: _twins(first, second))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"run": "2"}, {"run": "02"}),
        ({"run": "2"}, {"run": "2.0"}),  # text is a label as written; only numbers are respelled
        ({"content": "c"}, {"content": " c"}),  # AWS sends the whitespace: another message
        ({"sender": "bot"}, {"sender": "Bot"}),
        ({"run": None}, {"run": 0}),
        ({"idempotency_token": "t-1"}, {"idempotency_token": "t-2"}),
    ],
    ids=str,
)
def test_different_engagements_are_not_refused(
    engine: RecordingMonitor, first: dict[str, Any], second: dict[str, Any]
) -> None:
    run(lambda: _twins(first, second))
    assert [registration.name for registration in engine.registrations] == ["a", "b"]


def test_a_run_with_no_canonical_form_is_left_to_the_providers_check(engine: RecordingMonitor) -> None:
    run(lambda: _twins({"run": True}, {"run": True}))  # check refuses both with its own sentence
    assert len(engine.registrations) == 2


def test_an_empty_idempotency_token_is_unset_so_the_stacks_key_is_registered(engine: RecordingMonitor) -> None:
    run(lambda: Engagement("empty", contact_id=CONTACT, sender="bot", subject="s", content="c", idempotency_token=""))

    assert [key.name for key in engine.token_keys] == ["incident-manager-token-key"]


def test_an_explicit_idempotency_token_needs_no_key(engine: RecordingMonitor) -> None:
    run(lambda: Engagement("given", contact_id=CONTACT, sender="bot", subject="s", content="c", idempotency_token="t"))

    assert engine.token_keys == []


def test_two_engagements_with_one_explicit_token_are_told_to_change_the_token_not_run(
    engine: RecordingMonitor,
) -> None:
    with pytest.raises(pulumi.RunError) as refused:
        run(lambda: _twins({"idempotency_token": "t-1"}, {"idempotency_token": "t-1", "run": "2"}))

    assert str(refused.value) == (
        "Engagements 'a' and 'b' have the same idempotency_token, so they would share one engagement and destroying "
        "either would stop the other's: give one of them a different idempotency_token."
    )


ARGS = EngagementArgs(contact_id=CONTACT, sender="bot", subject="s", content="c")


@pytest.mark.parametrize(
    ("build", "sentence"),
    [
        (lambda: Engagement("x", contact_id=CONTACT, sender="bot", content="c"),
         "Engagement 'x' is missing required input(s) subject: give each a value (None counts as missing)"),
        (lambda: Engagement("x", contact_id=CONTACT, sender="bot", subject=None, content="c"),
         "Engagement 'x' is missing required input(s) subject: give each a value (None counts as missing)"),
        (lambda: Engagement("x", contact_id=CONTACT, sender="bot", subject="s", content="c", contnet="c"),  # type: ignore[call-arg]
         "Engagement 'x' got unknown input(s) contnet (did you mean content?); its inputs are contact_id, sender, "
         "subject, content, public_subject, public_content, incident_id, idempotency_token, stop_reason, run, "
         "stop_when"),
        (lambda: Engagement("x", ARGS, run="2"),
         "Engagement 'x' got both EngagementArgs and keyword input(s) run: pass one or the other"),
        (lambda: Engagement("x", {"contact_id": CONTACT}),  # type: ignore[arg-type]
         "Engagement 'x' got dict as its args: pass a EngagementArgs or keyword inputs"),
        (lambda: Engagement("x", ARGS, pulumi.ResourceOptions(delete_before_replace=False)),
         "Engagement 'x': delete_before_replace=False is not supported, because a replacement must stop the old "
         "engagement before starting the new one (or state would record a stopped engagement as live); remove the "
         "option."),
        (lambda: Engagement("x", contact_id=CONTACT, sender="bot", subject="s", content="\ud800"),
         "Engagement 'x': content holds a lone surrogate (a character between U+D800 and U+DFFF), which is not "
         "Unicode text and cannot be sent; build the text from str values that encode as UTF-8 (for bytes, decode "
         "them with errors='replace')"),
        (lambda: PageAcceptance("ack", page_id=PAGE),
         "PageAcceptance 'ack' is missing required input(s) accept_code: give each a value (None counts as missing)"),
        (lambda: incident_manager.AcknowledgementExpectation("exp", engagement_arn="arn"),
         "AcknowledgementExpectation 'exp' is missing required input(s) within: give each a value (None counts as "
         "missing)"),
    ],
)
def test_input_mistakes_are_one_sentence_that_the_language_host_prints_without_a_traceback(
    engine: RecordingMonitor, build: Any, sentence: str
) -> None:
    with pytest.raises(ResourceInputError) as refused:
        build()
    assert isinstance(refused.value, pulumi.RunError) and isinstance(refused.value, TypeError)
    assert str(refused.value) == sentence


def test_a_lone_surrogate_in_a_value_not_known_yet_is_refused_once_known(engine: RecordingMonitor) -> None:
    def program() -> None:
        text = pulumi.Output.from_input("ok").apply(lambda known: known + "\udfff")
        Engagement("x", contact_id=CONTACT, sender="bot", subject="s", content=pulumi.Output.secret(text))

    with pytest.raises(ResourceInputError, match=r"^Engagement 'x': content holds a lone surrogate"):
        run(program)
