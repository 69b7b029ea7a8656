"""The testing kit answers every read the package makes from the fixture a test declares, previews as the engine
does, and never lets a test under mocks reach AWS."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
import pytest

from incident_manager_provider import api
from pulumi_incident_manager import IncidentManagerError, NotFoundError, who_would_be_paged
from pulumi_incident_manager.drill import summarize_drill
from pulumi_incident_manager.testing import (
    Contact,
    EscalationPlan,
    IncidentManagerMocks,
    OnCallSchedule,
    Rotation,
    Stage,
    run_program,
)

START = datetime(2026, 1, 13, 12, 0, tzinfo=UTC)
PREFIX = "arn:aws:ssm-contacts:us-east-1:123456789012"
ESCALATION, ONCALL = f"{PREFIX}:contact/drill-escalation", f"{PREFIX}:contact/drill-oncall"
ALICE, BOB = f"{PREFIX}:contact/alice-oncall", f"{PREFIX}:contact/bob-oncall"
WEEKLY = Rotation("drill-weekly", ["alice-oncall", "bob-oncall"], start=datetime(2026, 1, 5, 9, tzinfo=UTC))
"""alice is on call the week of 2026-01-05, bob the week after (START is in bob's week)."""


def fixture_mocks(**options: Any) -> IncidentManagerMocks:
    return IncidentManagerMocks(
        project="gameday", stack="drill", clock=lambda: START,
        contacts=[
            Contact("alice-oncall", ["SMS", "EMAIL"]),
            Contact("bob-oncall", ["SMS", "EMAIL"], display_name="Bob"),
            EscalationPlan("drill-escalation", [Stage(["alice-oncall"], minutes=5), Stage(["bob-oncall"])]),
            OnCallSchedule("drill-oncall", [WEEKLY]),
        ],
        **options,
    )


# -- each read, through the AWS layer's own parsers ------------------------------------------------------------


def test_get_contact_answers_each_kind_of_contact_and_a_missing_one_is_not_found() -> None:
    client = fixture_mocks().client()

    alice, plan, schedule = (api.get_contact(client, arn) for arn in (ALICE, ESCALATION, ONCALL))

    assert (alice.type, alice.alias, [len(s.target_records) for s in alice.stages]) == ("PERSONAL", "alice-oncall", [2])
    assert plan.type == "ESCALATION"
    assert [[(t.contact_id, t.is_essential) for t in s.target_records] for s in plan.stages] == [
        [(ALICE, True)], [(BOB, True)]
    ]
    assert [s.duration_in_minutes for s in plan.stages] == [5, 0]
    assert (schedule.type, schedule.rotation_ids) == ("ONCALL_SCHEDULE", [f"{PREFIX}:rotation/drill-weekly"])
    with pytest.raises(NotFoundError, match=r"GetContact failed because .*contact/carol does not exist"):
        api.get_contact(client, f"{PREFIX}:contact/carol")


def test_list_contact_channels_and_get_contact_channel_answer_a_persons_channels() -> None:
    client = fixture_mocks().client()

    channels = api.list_contact_channels(client, BOB)

    assert [(c.name, c.type, c.activated) for c in channels] == [("bob-oncall-sms", "SMS", True),
                                                                  ("bob-oncall-email", "EMAIL", True)]
    email = api.get_channel(client, channels[1].contact_channel_arn)
    assert (email.name, email.type) == ("bob-oncall-email", "EMAIL")


def test_get_rotation_and_list_rotation_shifts_answer_whos_on_call() -> None:
    client = fixture_mocks().client()
    arn = f"{PREFIX}:rotation/drill-weekly"

    rotation = api.get_rotation(client, arn)
    [shift] = [s for s in api.list_rotation_shifts(client, arn, START, START.replace(minute=1)) if s.covers(START)]

    assert (rotation.name, rotation.contact_ids, rotation.start_time) == ("drill-weekly", [ALICE, BOB], WEEKLY.start)
    assert shift.contact_ids == [BOB]
    assert (shift.start_time, shift.end_time) == (WEEKLY.start + WEEKLY.shift, WEEKLY.start + 2 * WEEKLY.shift)
    before = datetime(2026, 1, 1, tzinfo=UTC)
    assert api.list_rotation_shifts(client, arn, before, before.replace(day=2)) == []  # nobody before the start
    with pytest.raises(NotFoundError, match="GetRotation"):
        api.get_rotation(client, f"{PREFIX}:rotation/nightly")


def test_an_engagement_of_a_declared_plan_pages_everyone_it_reaches_and_resolutions_say_how() -> None:
    client = fixture_mocks().client()
    arn = client.start_engagement(ContactId=ESCALATION, Sender="bot", Subject="s", Content="c")["EngagementArn"]

    pages = api.list_pages(client, arn)

    assert [p.contact_arn for p in pages] == [ALICE, BOB]
    hops = [[(h.contact_arn, h.type, h.stage_index) for h in api.list_page_resolutions(client, p.page_arn)]
            for p in pages]
    assert hops == [[(ESCALATION, "ESCALATION", 0), (ALICE, "PERSONAL", None)],
                    [(ESCALATION, "ESCALATION", 1), (BOB, "PERSONAL", None)]]
    # An on-call schedule pages whoever is on call now, in the kit's time: bob.
    oncall = client.start_engagement(ContactId=ONCALL, Sender="bot", Subject="s", Content="c")["EngagementArn"]
    assert [p.contact_arn for p in api.list_pages(client, oncall)] == [BOB]


def test_list_engagements_lists_what_the_kit_started() -> None:
    client = fixture_mocks().client()
    arn = client.start_engagement(ContactId=ALICE, Sender="bot", Subject="s", Content="c")["EngagementArn"]

    assert [(e.engagement_arn, e.contact_arn) for e in api.list_engagements(client)] == [(arn, ALICE)]


# -- who_would_be_paged and the drill report, as docs/drills.md shows them ------------------------------------

DRILLS_PROGRAM = """
import pulumi
import pulumi_incident_manager as incident_manager

if pulumi.runtime.is_dry_run():
    plan = incident_manager.who_would_be_paged(CONTACT, at="2026-01-13T12:00:00Z")
    pulumi.log.info(plan.to_text())
    pulumi.export("people", plan.people)
drill = incident_manager.Engagement("drill", contact_id=CONTACT, sender="bot", subject="[DRILL] s", content="c")
pulumi.export("pages", incident_manager.list_pages_output(drill.arn).apply(lambda pages: len(pages)))
incident_manager.AcknowledgementExpectation("acknowledged", engagement_arn=drill.arn, within="10m")
"""


def run_exporting(program: Path, mocks: IncidentManagerMocks, preview: bool) -> dict[str, Any]:
    exported: dict[str, Any] = {}
    original = pulumi.export
    pulumi.export = lambda name, value: pulumi.Output.from_input(value).apply(  # type: ignore
        lambda known: exported.__setitem__(name, known)
    )
    try:
        run_program(program, mocks, preview=preview)
    finally:
        pulumi.export = original  # type: ignore[assignment]
    return exported


@pytest.mark.parametrize("contact", [ESCALATION, ONCALL])
def test_a_preview_says_who_would_be_paged_pages_nobody_and_leaves_the_arn_unknown(
    tmp_path: Path, contact: str
) -> None:
    program = tmp_path / "__main__.py"
    program.write_text(DRILLS_PROGRAM.replace("CONTACT", repr(contact)))
    mocks = fixture_mocks()

    exported = run_exporting(program, mocks, preview=True)

    # list_pages_output of the unknown ARN never runs, as in a real preview; nothing was started.
    assert exported == {"people": ["alice-oncall", "bob-oncall"] if contact == ESCALATION else ["bob-oncall"]}
    assert mocks.account.engagements == {} and mocks.account.pages == {}
    assert "arn" not in mocks.engagements[0].outputs


def test_the_drill_report_reads_the_kits_engagement(tmp_path: Path) -> None:
    program = tmp_path / "__main__.py"
    program.write_text(DRILLS_PROGRAM.replace("CONTACT", repr(ESCALATION)))
    mocks = fixture_mocks(answers={"alice-oncall": "42s"})

    assert run_exporting(program, mocks, preview=False) == {"pages": 2}
    with mocks.in_place_of_aws():
        summary = summarize_drill(mocks.engagements[0].id)
    assert summary.first_acknowledged is not None and summary.first_acknowledged.contact == "alice-oncall"
    assert summary.time_to_acknowledge == timedelta(seconds=42)
    alice = mocks.list_pages(mocks.engagements[0].id)[0]
    assert (alice.sent_time, alice.read_time) == (START.isoformat(), (START + timedelta(seconds=42)).isoformat())
    assert "reached via drill-escalation stage 2 -> bob-oncall" in summary.to_text()


def test_who_would_be_paged_of_a_contact_the_fixture_does_not_declare_is_not_found() -> None:
    with fixture_mocks().in_place_of_aws(), pytest.raises(NotFoundError, match="contact/carol does not exist"):
        who_would_be_paged(f"{PREFIX}:contact/carol")


# -- a test under set_mocks never reaches AWS -----------------------------------------------------------------


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[str]]:
    """Credentials and an endpoint that point at a loopback server recording every request it gets."""
    requests: list[str] = []

    class Record(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            requests.append(self.headers.get("X-Amz-Target", self.path))
            self.send_response(500)
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Record)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for name, value in {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION":
                        "us-east-1", "AWS_MAX_ATTEMPTS": "1",
                        "AWS_ENDPOINT_URL_SSM_CONTACTS": f"http://127.0.0.1:{server.server_port}"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    yield requests
    server.shutdown()
    server.server_close()


def pulumi_style_test(mocks: pulumi.runtime.Mocks) -> dict[str, Any]:
    """A test in the usual Pulumi style, with no ``in_place_of_aws()``: the program lists its engagement's pages and
    asks who would be paged."""
    pulumi.runtime.set_mocks(mocks, project="gameday", stack="drill", preview=False)
    seen: dict[str, Any] = {}

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def program() -> pulumi.Output[Any]:
        import pulumi_incident_manager as incident_manager

        drill = incident_manager.Engagement("drill", contact_id=ESCALATION, sender="bot", subject="[DRILL] s",
                                            content="c")
        pages = incident_manager.list_pages_output(drill.arn)
        plan = incident_manager.who_would_be_paged_output(ESCALATION, at="2026-01-13T12:00:00Z")
        report = drill.arn.apply(summarize_drill)
        return pulumi.Output.all(pages, plan, report).apply(
            lambda values: seen.update(pages=values[0], plan=values[1], report=values[2])
        )

    program()
    return seen


def test_under_set_mocks_the_kits_mocks_answer_the_functions_without_in_place_of_aws(recorder: list[str]) -> None:
    seen = pulumi_style_test(fixture_mocks())

    assert [page.contact_arn for page in seen["pages"]] == [ALICE, BOB]
    assert seen["plan"].people == ["alice-oncall", "bob-oncall"]
    assert [page.contact for page in seen["report"].pages] == ["alice-oncall", "bob-oncall"]
    assert recorder == []


def test_under_other_mocks_the_functions_refuse_to_call_aws_in_one_sentence(recorder: list[str]) -> None:
    class MyMocks(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
            return f"{PREFIX}:engagement/drill-escalation/1", {**args.inputs, "arn": f"{PREFIX}:engagement/x/1"}

        def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
            return {}, None

    with pytest.raises(IncidentManagerError) as raised:
        pulumi_style_test(MyMocks())

    assert re.fullmatch(
        r"(list_pages|who_would_be_paged|summarize_drill) was called under pulumi.runtime.set_mocks with mocks that "
        r"cannot answer it, and a test must not call AWS; pass an IncidentManagerMocks "
        r"\(pulumi_incident_manager.testing\) to set_mocks, or run the test inside "
        r"`with IncidentManagerMocks\(\).in_place_of_aws\(\):`.",
        str(raised.value),
    )
    assert recorder == []


def test_a_plain_call_after_a_mocks_test_still_reaches_the_endpoint(recorder: list[str]) -> None:
    pulumi_style_test(fixture_mocks())  # the runtime keeps its mocks after a test

    with pytest.raises(IncidentManagerError):
        who_would_be_paged(ESCALATION)  # not in a program: the endpoint the environment names, which answers 500

    assert recorder and all("GetContact" in request for request in recorder)
