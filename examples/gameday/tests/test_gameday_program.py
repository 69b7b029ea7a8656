"""The drill program, run with the testing kit's mocks: no AWS, no CLI, nobody paged."""

import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi
import pytest

from incident_manager_provider import aws
from pulumi_incident_manager.testing import (
    IncidentManagerMocks,
    MockClient,
    load_policy_config,
    load_stack_config,
    run_program,
)
from ssm_contacts_emulator import Emulator
from ssm_contacts_emulator.seed import seed_rotation

EXAMPLE = Path(__file__).resolve().parents[1]
ESCALATION = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/drill-escalation"
# What Pulumi.drill.yaml holds encrypted under gameday:messages (load_stack_config leaves secure values out).
MESSAGES = {
    "checkout-db-failover": {
        "subject": "Checkout database failover",
        "content": "The primary checkout database failed over at 09:00 UTC. Follow the runbook checkout-db-failover "
        "and report in the drill channel.",
        "publicSubject": "Checkout DB failover",
        "publicContent": "Game-day drill. Acknowledge, then open the runbook checkout-db-failover.",
    }
}


def drill_config() -> dict[str, Any]:
    config: dict[str, Any] = json.loads(load_stack_config(EXAMPLE / "Pulumi.drill.yaml")["gameday:drill"])
    return config


def run(
    stack: str = "drill", drill: dict[str, Any] | None = None, mocks: IncidentManagerMocks | None = None,
    preview: bool = False,
) -> IncidentManagerMocks:
    drill = drill or drill_config()
    # Who reads their page, as the endpoint's simulated responders do (`make gameday`): alice, after 2 minutes; in a
    # drill acknowledged from code, nobody but the program.
    answers = {} if drill.get("acknowledgements") else {"alice-oncall": "2m"}
    mocks = mocks or IncidentManagerMocks(
        project="gameday", stack=stack, paged={"drill-escalation": ["alice-oncall", "bob-oncall"]}, answers=answers
    )
    config = {"gameday:drill": json.dumps(drill), "gameday:messages": json.dumps(MESSAGES)}
    run_program(EXAMPLE / "__main__.py", mocks, config=config, preview=preview)
    return mocks


class ContactsFromEmulator(IncidentManagerMocks):
    """The mocks, with contacts and rotations read from a seeded emulator: who_would_be_paged answers for real."""

    READS = ("GetContact", "ListContactChannels", "GetRotation", "ListRotationShifts")

    def __init__(self, emulator: Emulator) -> None:
        super().__init__(project="gameday", stack="drill", paged={"drill-escalation": ["alice-oncall", "bob-oncall"]})
        self.emulator = emulator

    def in_place_of_aws(self) -> Any:
        mock, real = MockClient(self), self.emulator.client()
        reads = {op.lower() for op in self.READS}

        def answers(operation: str) -> Any:  # get_contact, list_contact_channels... as boto3 names them
            return real if operation.replace("_", "").lower() in reads else mock

        class Both:
            def get_paginator(self, operation: str) -> Any:
                return answers(operation).get_paginator(operation)

            def __getattr__(self, name: str) -> Any:
                return getattr(answers(name), name)

        return aws.client_override(Both())


def test_the_drill_engages_the_escalation_plan_once_marked_as_a_drill() -> None:
    [engagement] = run().engagements

    assert engagement.name == "checkout-db-failover"
    assert {key: engagement.inputs[key] for key in ("contact_id", "sender", "subject", "public_subject")} == {
        "contact_id": ESCALATION,
        "sender": "gameday-bot",
        "subject": "[DRILL] Checkout database failover",
        "public_subject": "[DRILL] Checkout DB failover",
    }
    assert engagement.inputs["incident_id"] == "gameday-2026-11-checkout"
    assert engagement.inputs["stop_reason"] == "Game-day drill gameday-2026-11-checkout finished"
    assert engagement.outputs["idempotency_token"].startswith("pulumi-im-")


ALICE_ACKNOWLEDGES = {"engagement": "checkout-db-failover", "by": "alice-oncall", "note": "Alice is on it"}


def with_acknowledgement(by: str = "alice-oncall") -> dict[str, Any]:
    """The drill, with an acknowledgement from code instead of a simulated responder."""
    drill = drill_config()
    drill["acknowledgements"] = [{**ALICE_ACKNOWLEDGES, "by": by}]
    return drill


def test_the_drill_expects_alice_to_acknowledge_within_ten_minutes() -> None:
    mocks = run()

    [expectation] = [r for r in mocks.resources if r.type.endswith(":AcknowledgementExpectation")]
    [engagement] = mocks.engagements
    assert expectation.name == "checkout-db-failover-acknowledged"
    assert {key: expectation.inputs[key] for key in ("engagement_arn", "within", "by")} == {
        "engagement_arn": engagement.id,
        "within": "10m",
        "by": ["alice-oncall"],
    }
    assert mocks.page_acceptances == []  # simulated responders answer, not the program
    # The engagement stops itself once the drill is decided, on the same terms, so its own state records the stop.
    assert engagement.inputs["stop_when"] == {"within": "10m", "by": ["alice-oncall"]}
    assert engagement.outputs["stop_time"] is not None


def test_an_engagement_acknowledged_from_code_is_not_stopped_by_a_wait_its_acknowledgement_would_come_after() -> None:
    [engagement] = run(drill=with_acknowledgement()).engagements

    assert engagement.inputs.get("stop_when") is None


def test_alice_acknowledges_from_code_without_the_code_when_asked_to() -> None:
    mocks = run(drill=with_acknowledgement())

    [acceptance] = mocks.page_acceptances
    [alice_page] = [p for p in mocks.list_pages(mocks.engagements[0].id) if p.contact_arn.endswith("/alice-oncall")]
    assert acceptance.name == "checkout-db-failover-alice-oncall"
    assert {key: acceptance.inputs[key] for key in ("page_id", "accept_type", "accept_code_validation", "note")} == {
        "page_id": alice_page.page_arn,
        "accept_type": "READ",
        "accept_code_validation": "IGNORE",
        "note": "Alice is on it",
    }


def test_the_drill_passes_its_policy_config() -> None:
    assert run().policy_violations(load_policy_config(EXAMPLE / "policy-config.json")) == []


def test_the_policy_config_keeps_the_drill_off_production_contacts() -> None:
    drill = drill_config()
    drill["engagements"][0]["contact"] = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/payments-primary"
    drill["engagements"][0]["expect"]["onMiss"] = "record"  # that contact never pages alice: the drill misses
    violations = run(drill=drill).policy_violations(load_policy_config(EXAMPLE / "policy-config.json"))

    assert [(v.policy, v.message.split(": ", 1)[1].split(", a ")[0]) for v in violations] == [
        (
            "contact-allowlist",
            'contact_id engages "arn:aws:ssm-contacts:us-east-1:123456789012:contact/payments-primary"',
        )
    ]
    assert "a production contact listed in deniedContacts" in violations[0].message


def test_the_same_program_in_a_production_stack_may_not_acknowledge_pages() -> None:
    mocks = run(stack="production", drill=with_acknowledgement())
    violations = mocks.policy_violations(load_policy_config(EXAMPLE / "policy-config.json"))

    assert [(v.policy, v.urn.rsplit("::", 1)[1]) for v in violations] == [
        ("page-acceptance-drills-only", "checkout-db-failover-alice-oncall")
    ]


def test_acknowledging_for_someone_who_was_not_paged_fails_with_who_was() -> None:
    drill = with_acknowledgement(by="carol-oncall")

    with pytest.raises(
        pulumi.RunError, match=r"has not paged carol-oncall \(yet\); paged so far: alice-oncall, bob-oncall"
    ):
        run(drill=drill)


def test_a_failed_run_leaves_no_unretrieved_error_for_a_later_run_to_print() -> None:
    # In its own process, so that what asyncio prints when the failed run's futures are collected is seen here.
    script = (
        "import gc, sys, pulumi\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_gameday_program import run, with_acknowledgement\n"
        "run()\n"
        "try:\n"
        "    run(drill=with_acknowledgement(by='carol-oncall'))\n"
        "except pulumi.RunError as error:\n"
        "    print('failed:', error)\n"
        "run(preview=True)\n"
        "gc.collect()\n"
    )

    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)

    assert result.stdout.startswith("failed: acknowledgement by carol-oncall: engagement checkout-db-failover has")
    assert "never retrieved" not in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_the_preview_says_who_each_engagement_would_page_and_pages_nobody(
    ssm_contacts_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    seed_rotation(ssm_contacts_emulator.client())

    with caplog.at_level(logging.INFO):
        run(mocks=ContactsFromEmulator(ssm_contacts_emulator), preview=True)

    [said] = [record.getMessage() for record in caplog.records if "would page" in record.getMessage()]
    assert said.splitlines()[0].startswith("checkout-db-failover: drill-escalation (ESCALATION) would page, at ")
    assert said.splitlines()[1:] == [
        "  stage 1 (+0 min, waits 5 min): alice-oncall (SMS, EMAIL)",
        "  stage 2 (+5 min): bob-oncall (SMS, EMAIL)",
    ]
    assert ssm_contacts_emulator.outbox() == []


def test_a_contact_the_preview_cannot_read_is_a_warning_not_a_failure(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        [engagement] = run(preview=True).engagements  # the testing kit's mocks do not answer GetContact

    [warning] = [record for record in caplog.records if "cannot tell who would be paged" in record.getMessage()]
    assert warning.levelno == logging.WARNING
    assert engagement.name == "checkout-db-failover"


def test_an_update_does_not_resolve_the_plan_again(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        run()

    assert not [record for record in caplog.records if "would be paged" in record.getMessage()
                or "would page" in record.getMessage()]
