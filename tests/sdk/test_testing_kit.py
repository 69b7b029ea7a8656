"""The testing kit: mocks that answer like the provider, programs run under them, and policies run in pytest."""

import ast
import logging
import os
import re
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import botocore.exceptions
import pulumi
import pulumi_policy
import pytest
from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from incident_manager_provider.engagement import EngagementProvider
from incident_manager_provider.errors import NotFoundError
from incident_manager_provider.validation import is_unknown
from pulumi_incident_manager import testing
from pulumi_incident_manager.policies import CONTACT_ALLOWLIST, INCIDENT_OR_DRILL_MARKER, PAGE_ACCEPTANCE_TYPE
from pulumi_incident_manager.testing import (
    UNKNOWN,
    IncidentManagerMocks,
    PolicyViolation,
    check_resource,
    load_policy_config,
    load_stack_config,
    resource_urn,
    run_policy,
    run_program,
)

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CONTACT = "arn:aws:ssm-contacts:eu-west-1:210987654321:contact/drill-escalation"
PROGRAM = """
import pulumi
import pulumi_incident_manager as incident_manager

config = pulumi.Config()
engagement = incident_manager.Engagement(
    "page-db",
    contact_id=config.require("contact"),
    sender="gameday-bot",
    subject="[DRILL] checkout database failover",
    content="Follow the failover runbook.",
    public_subject="[DRILL] checkout db",
    run=config.get("run"),
)
incident_manager.PageAcceptance(
    "alice-acknowledges",
    page_id=incident_manager.list_pages_output(engagement.arn).apply(lambda pages: pages[0].page_arn),
    accept_code="123456",
    note="on it",
)
"""


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "__main__.py"
    path.write_text(textwrap.dedent(PROGRAM))
    return path


def run(program: Path, stack: str = "gameday-drill", preview: bool = False, **config: str) -> IncidentManagerMocks:
    mocks = IncidentManagerMocks(
        project="gameday", stack=stack, region="eu-west-1", account_id="210987654321", clock=lambda: START
    )
    run_program(
        program, mocks, config={f"gameday:{key}": value for key, value in {"contact": CONTACT, **config}.items()},
        preview=preview,
    )
    return mocks


def test_a_preview_after_an_up_in_one_process_records_unknowns_and_dependencies_as_the_engine_does(
    program: Path,
) -> None:
    up = run(program)
    [given] = up.page_acceptances
    assert given.inputs["page_id"].startswith("arn:aws:ssm-contacts:eu-west-1:210987654321:page/")

    preview = run(program, preview=True)

    # The runtime's worker threads remember the up: the kit's monitor keeps this run a preview.
    [acceptance], [engagement] = preview.page_acceptances, preview.engagements
    assert is_unknown(acceptance.inputs["page_id"])
    assert acceptance.property_dependencies is not None
    assert acceptance.property_dependencies["page_id"] == (engagement.urn,)


def test_an_engagement_gets_the_outputs_the_provider_would_give(program: Path) -> None:
    mocks = run(program)

    [engagement] = mocks.engagements
    assert (
        engagement.urn
        == "urn:pulumi:gameday-drill::gameday::pulumi-python:dynamic/incident-manager:Engagement::page-db"
    )
    assert re.fullmatch(
        r"arn:aws:ssm-contacts:eu-west-1:210987654321:engagement/drill-escalation/[0-9a-f-]{36}", engagement.id
    )
    derived = EngagementProvider().check({}, dict(engagement.inputs)).inputs["idempotency_token"]
    # As the provider writes state: the token key stays an input only, and the token's bookkeeping is recorded.
    assert engagement.outputs == {
        **{key: value for key, value in engagement.inputs.items() if key != "token_key"},
        "arn": engagement.id,
        "idempotency_token": derived,
        "explicit_token": False,
        "minted_token": derived,
        "contact_arn": CONTACT,
        "start_time": "2026-11-23T09:00:00+00:00",
        "stop_time": None,
    }
    assert engagement.inputs["subject"] == "[DRILL] checkout database failover"  # secrets arrive unwrapped


def test_an_engagement_looked_up_by_arn_reads_as_that_engagement(tmp_path: Path) -> None:
    program = tmp_path / "__main__.py"
    program.write_text(
        "import pulumi\nimport pulumi_incident_manager as incident_manager\n"
        "existing = incident_manager.Engagement.get('existing', pulumi.Config().require('arn'))\n"
    )
    arn = "arn:aws:ssm-contacts:eu-west-1:210987654321:engagement/bob-oncall/0f4c6a52-5d3c-4f0e-9a59-1b2c3d4e5f60"
    mocks = IncidentManagerMocks(project="gameday", stack="drill", clock=lambda: START)

    run_program(program, mocks, config={"gameday:arn": arn})

    [existing] = mocks.engagements
    assert existing.id == arn
    assert existing.outputs["contact_arn"] == "arn:aws:ssm-contacts:eu-west-1:210987654321:contact/bob-oncall"
    assert existing.outputs["start_time"] == "2026-11-23T09:00:00+00:00"


def test_the_same_program_names_the_same_engagement_and_a_new_run_a_new_one(program: Path) -> None:
    first, again, rerun = run(program), run(program), run(program, run="2")

    assert first.engagements[0].id == again.engagements[0].id
    assert rerun.engagements[0].outputs["idempotency_token"] != first.engagements[0].outputs["idempotency_token"]
    assert rerun.engagements[0].id != first.engagements[0].id


def test_a_page_acceptance_gets_the_providers_defaults_and_sees_the_engagements_outputs(program: Path) -> None:
    mocks = run(program)

    [engagement], [acceptance] = mocks.engagements, mocks.page_acceptances
    [page] = mocks.list_pages(engagement.id)
    page_id = page.page_arn
    assert acceptance.id == f"{page_id}#READ"
    assert acceptance.outputs == {
        "page_id": page_id,
        "accept_code": "123456",
        "note": "on it",
        "accept_type": "READ",
        "accept_code_validation": "ENFORCE",
        "accepted_at": "2026-11-23T09:00:00+00:00",
    }


def test_the_recorded_resources_run_through_the_policy_pack(program: Path) -> None:
    config = {"contact-allowlist": {"allowedContacts": {"gameday-*": ["drill-*"]}}}

    assert run(program).policy_violations(config) == []
    violations = run(program, stack="production").policy_violations(config)
    assert [(v.policy, v.enforcement_level, v.urn.rsplit("::", 1)[1]) for v in violations] == [
        ("incident-or-drill-marker", EnforcementLevel.MANDATORY, "page-db"),
        ("page-acceptance-drills-only", EnforcementLevel.MANDATORY, "alice-acknowledges"),
    ]


def test_run_policy_reports_unknowns_as_the_cli_does_during_preview() -> None:
    props = {"contact_id": CONTACT, "sender": "s", "subject": UNKNOWN, "content": "c"}

    assert run_policy(INCIDENT_OR_DRILL_MARKER, props, stack="drill") == [
        "can't run policy 'incident-or-drill-marker' from policy pack 'incident-manager' during preview: "
        "string value at .subject can't be known during preview"
    ]


def test_run_policy_runs_a_teams_own_policies_sync_or_async() -> None:
    def no_weekend_drills(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.get_config().get("weekend"):
            report(f"{args.name}: no drills at the weekend", args.urn)

    async def not_applicable(args: ResourceValidationArgs, report: ReportViolation) -> None:
        args.not_applicable("not an engagement")

    mine = ResourceValidationPolicy("no-weekend-drills", "Drills run on weekdays.", validate=no_weekend_drills)
    skipped = ResourceValidationPolicy("skipped", "Never applies.", validate=not_applicable)

    assert run_policy(mine, {}, config={"weekend": True}, name="page") == ["page: no drills at the weekend"]
    assert run_policy(mine, {}, config={}) == []
    assert run_policy(skipped, {}) == []


def test_check_resource_applies_the_pack_configs_enforcement_levels() -> None:
    props = {"contact_id": CONTACT, "sender": "s", "subject": "s", "content": "c"}
    urn = resource_urn("production", "project", "pulumi-python:dynamic/incident-manager:Engagement", "page")
    message = (
        'Engagement "page": incident_id is missing, and stack "production" is not a drill (drillStacks: '
        "['*drill*', '*gameday*']). Fix: set incident_id to the incident this engagement is for, or run it from a "
        "drill stack."
    )

    def levels(config: dict[str, Any]) -> list[PolicyViolation]:
        return check_resource(props, pack_config=config, stack="production", name="page")

    assert levels({}) == [PolicyViolation("incident-or-drill-marker", EnforcementLevel.MANDATORY, message, urn)]
    assert [v.enforcement_level for v in levels({"all": "advisory"})] == [EnforcementLevel.ADVISORY]
    assert levels({"incident-or-drill-marker": "disabled"}) == []
    remediate = {"incident-or-drill-marker": {"enforcementLevel": "remediate"}}
    assert [v.enforcement_level for v in levels(remediate)] == [EnforcementLevel.MANDATORY]


def test_page_acceptances_are_checked_with_their_type() -> None:
    props = {"page_id": "arn:aws:ssm-contacts:us-east-1:123456789012:page/a/1", "accept_code": "123456"}

    violations = check_resource(props, resource_type=PAGE_ACCEPTANCE_TYPE, stack="prod", name="ack")

    assert [v.policy for v in violations] == ["page-acceptance-drills-only"]


def test_policy_and_stack_config_files_load_as_the_cli_reads_them(tmp_path: Path) -> None:
    policy_file = tmp_path / "policy-config.json"
    policy_file.write_text('{"contact-allowlist": {"allowedContacts": {"drill": ["drill-*"]}}}')
    stack_file = tmp_path / "Pulumi.drill.yaml"
    stack_file.write_text(
        textwrap.dedent(
            """
            config:
              aws:region: us-east-1
              gameday:drill:
                sender: gameday-bot
                engagements: [{name: page-db}]
              gameday:token:
                secure: AAABAJ1xyz
            """
        )
    )

    config = load_policy_config(policy_file)
    assert (
        run_policy(CONTACT_ALLOWLIST, {"contact_id": CONTACT}, config=config["contact-allowlist"], stack="drill") == []
    )
    assert load_stack_config(stack_file) == {
        "aws:region": "us-east-1",
        "gameday:drill": '{"sender": "gameday-bot", "engagements": [{"name": "page-db"}]}',
    }


LISTING_PROGRAM = """
import pulumi
import pulumi_incident_manager as incident_manager

engagement = incident_manager.Engagement(
    "page-db", contact_id=pulumi.Config().require("contact"), sender="gameday-bot", subject="[DRILL] s", content="c"
)
pulumi.export("direct", engagement.arn.apply(lambda arn: [p.contact_arn for p in incident_manager.list_pages(arn)]))
pulumi.export("output", incident_manager.list_pages_output(engagement.arn).apply(lambda ps: [p.page_arn for p in ps]))
pulumi.export("described", engagement.arn.apply(lambda arn: incident_manager.get_engagement(arn).contact_arn))
"""


def test_list_pages_in_both_forms_answers_from_the_mocks_with_no_aws_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No credentials, no region, and an endpoint nothing listens on: any request would fail loudly.
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM_CONTACTS", "http://127.0.0.1:9")
    program = tmp_path / "__main__.py"
    program.write_text(LISTING_PROGRAM)
    mocks = IncidentManagerMocks(
        project="gameday",
        stack="drill",
        region="eu-west-1",
        account_id="210987654321",
        paged={"drill-escalation": ["alice-oncall", "bob-oncall"]},
    )
    exported: dict[str, Any] = {}

    def record(name: str, value: Any) -> None:
        exported[name] = value

    def export(name: str, value: Any) -> None:
        pulumi.Output.from_input(value).apply(lambda known: record(name, known))

    monkeypatch.setattr(pulumi, "export", export)
    run_program(program, mocks, config={"gameday:contact": CONTACT})

    [engagement] = mocks.engagements
    people = "arn:aws:ssm-contacts:eu-west-1:210987654321:contact/"
    assert exported["direct"] == [f"{people}alice-oncall", f"{people}bob-oncall"]
    assert exported["output"] == [page.page_arn for page in mocks.list_pages(engagement.id)]
    assert all(arn.startswith("arn:aws:ssm-contacts:eu-west-1:210987654321:page/") for arn in exported["output"])
    assert exported["described"] == CONTACT


def test_list_pages_of_an_engagement_the_mocks_never_made_is_not_found() -> None:
    mocks = IncidentManagerMocks()

    with pytest.raises(NotFoundError) as raised:
        mocks.list_pages("arn:aws:ssm-contacts:us-east-1:123456789012:engagement/x/1")

    assert raised.value.operation == "ListPagesByEngagement"
    assert raised.value.code == "ResourceNotFoundException"


def test_the_kit_uses_only_public_names_of_pulumi_policy_and_of_the_policies() -> None:
    trees = [ast.parse(module.read_text()) for module in Path(testing.__file__).parent.glob("*.py")]
    imported = [
        (node.module, alias.name)
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]

    assert [name for module, name in imported if module == "pulumi_policy"]
    assert all(name in pulumi_policy.__all__ for module, name in imported if module == "pulumi_policy")
    assert not [module for module, _ in imported if module and module.startswith("pulumi_policy.")]
    assert not [name for module, name in imported if module == "policies" and name.startswith("_")]


DRILL_PROGRAM = """
import pulumi
import pulumi_incident_manager as incident_manager

config = pulumi.Config()
engagement = incident_manager.Engagement(
    "drill",
    contact_id=config.require("contact"),
    sender="gameday-bot",
    subject="[DRILL] checkout database failover",
    content="Follow the failover runbook.",
    stop_when=incident_manager.StopWhen(within="10m", by=["alice-oncall"]),
)
expectation = incident_manager.AcknowledgementExpectation(
    "drill-acknowledged", engagement_arn=engagement.arn, within="10m", by=["alice-oncall"]
)
pulumi.export("secret", pulumi.Output.all(engagement.subject.is_secret(), engagement.content.is_secret()))
"""


def exports(program: Path, mocks: IncidentManagerMocks) -> dict[str, Any]:
    """What the program exports, run under ``mocks``."""
    exported: dict[str, Any] = {}
    original = pulumi.export

    def export(name: str, value: Any) -> None:
        pulumi.Output.from_input(value).apply(lambda known: exported.__setitem__(name, known))

    pulumi.export = export  # type: ignore[assignment]
    try:
        run_program(program, mocks, config={"gameday:contact": CONTACT})
    finally:
        pulumi.export = original  # type: ignore[assignment]
    return exported


def run_drill(tmp_path: Path, **answers: str) -> tuple[IncidentManagerMocks, dict[str, Any]]:
    program = tmp_path / "__main__.py"
    program.write_text(DRILL_PROGRAM)
    mocks = IncidentManagerMocks(project="gameday", stack="drill", clock=lambda: START,
                                 paged={"drill-escalation": ["alice-oncall", "bob-oncall"]}, answers=answers)
    return mocks, exports(program, mocks)


def test_the_real_providers_judge_the_drill_in_the_kits_time(tmp_path: Path) -> None:
    mocks, exported = run_drill(tmp_path, **{"alice-oncall": "2m"})

    [engagement] = mocks.engagements
    [expectation] = [r for r in mocks.resources if r.type.endswith(":AcknowledgementExpectation")]
    # The engagement waited for alice's read (2 minutes in the kit's time, not real time), then stopped itself.
    assert engagement.outputs["start_time"] == "2026-11-23T09:00:00+00:00"
    assert engagement.outputs["stop_time"] == "2026-11-23T09:02:00+00:00"
    assert expectation.outputs["passed"] is True
    assert expectation.outputs["acknowledged_by"] == "alice-oncall"
    assert expectation.outputs["time_to_acknowledge"] == 120
    assert exported["secret"] == [True, True]  # the schema's secret fields stay secret, as the engine marks them


def test_a_drill_nobody_answers_fails_with_the_expectations_sentence(tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"Drill missed: paged alice-oncall, bob-oncall; alice-oncall did not "):
        run_drill(tmp_path)


def test_acknowledging_a_page_the_engagement_never_sent_fails_as_aws_would(tmp_path: Path) -> None:
    program = tmp_path / "__main__.py"
    made_up = "engagement.arn.apply(lambda arn: arn.replace(':engagement/', ':page/'))"
    program.write_text(PROGRAM.replace(
        "incident_manager.list_pages_output(engagement.arn).apply(lambda pages: pages[0].page_arn)", made_up
    ))

    with pytest.raises(NotFoundError, match=r"AcceptPage failed because arn:aws:ssm-contacts:.*:page/.* does not "):
        run(program)


def test_a_preview_only_checks_it_starts_nothing_and_leaves_the_outputs_unknown(program: Path) -> None:
    mocks = IncidentManagerMocks(project="gameday", stack="drill", clock=lambda: START)
    run_program(program, mocks, config={"gameday:contact": CONTACT}, preview=True)

    [engagement] = mocks.engagements
    assert mocks.account.engagements == {}
    assert "arn" not in engagement.outputs and engagement.outputs["idempotency_token"].startswith("pulumi-im-")
    [acceptance] = mocks.page_acceptances
    assert "page_id" not in acceptance.outputs and "accepted_at" not in acceptance.outputs  # unknown in a preview



def test_an_accept_code_stays_secret_under_the_kit(tmp_path: Path) -> None:
    program = tmp_path / "__main__.py"
    acceptance = PROGRAM.replace("incident_manager.PageAcceptance(", "acceptance = incident_manager.PageAcceptance(")
    program.write_text(acceptance + "pulumi.export('secret', acceptance.accept_code.is_secret())\n")
    mocks = IncidentManagerMocks(project="gameday", stack="drill", clock=lambda: START)

    assert exports(program, mocks) == {"secret": True}


def test_the_in_memory_client_keeps_startengagements_idempotency() -> None:
    client = IncidentManagerMocks().client()
    params = {"ContactId": CONTACT, "Sender": "ops", "Subject": "s", "Content": "c", "IdempotencyToken": "t-1"}

    first = client.start_engagement(**params)["EngagementArn"]

    assert client.start_engagement(**params)["EngagementArn"] == first  # a retry: the same engagement
    with pytest.raises(botocore.exceptions.ClientError, match="already used for engagement"):
        client.start_engagement(**{**params, "Content": "other"})
    assert [page["ContactArn"] for page in client.list_pages_by_engagement(EngagementId=first)["Pages"]] == [
        "arn:aws:ssm-contacts:us-east-1:123456789012:contact/drill-escalation"
    ]


SECRETS_PROGRAM = """
import pulumi
import pulumi_incident_manager as incident_manager

config = pulumi.Config()
engagement = incident_manager.Engagement(
    "page-db",
    contact_id=config.require("contact"),
    sender=pulumi.Output.secret("gameday-bot"),  # not secret by the schema: secret because it was given so
    subject="[DRILL] checkout database failover",
    content=pulumi.Output.secret("Follow the failover runbook."),
    public_subject="[DRILL] checkout db",
    public_content="Acknowledge.",
    incident_id="gameday",
)
acceptance = incident_manager.PageAcceptance(
    "alice-acknowledges",
    page_id=incident_manager.list_pages_output(engagement.arn).apply(lambda pages: pages[0].page_arn),
    accept_code=pulumi.Output.secret("123456"),
    note="on it",
)
shown = {f"engagement.{name}": getattr(engagement, name).is_secret() for name in FIELDS}
shown |= {f"acceptance.{name}": getattr(acceptance, name).is_secret() for name in ("accept_code", "page_id", "note")}
pulumi.export("secret", pulumi.Output.all(**shown))
"""
ENGAGEMENT_FIELDS = ("subject", "content", "public_subject", "public_content", "sender", "incident_id", "contact_id")


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_every_secret_field_is_secret_to_the_program_and_in_the_record(tmp_path: Path, preview: bool) -> None:
    program = tmp_path / "__main__.py"
    program.write_text(SECRETS_PROGRAM.replace("FIELDS", repr(ENGAGEMENT_FIELDS)))
    mocks = IncidentManagerMocks(project="gameday", stack="drill", clock=lambda: START)
    mocks.preview = preview
    exported: dict[str, Any] = {}
    original = pulumi.export
    pulumi.export = lambda name, value: pulumi.Output.from_input(value).apply(exported.update)  # type: ignore
    try:
        run_program(program, mocks, config={"gameday:contact": CONTACT}, preview=preview)
    finally:
        pulumi.export = original  # type: ignore[assignment]

    secret = {"subject", "content", "public_subject", "public_content", "sender"}  # the schema's four, and sender
    assert {name for name, is_secret in exported.items() if is_secret} == (
        {f"engagement.{name}" for name in secret} | {"acceptance.accept_code"}
    )
    [engagement], [acceptance] = mocks.engagements, mocks.page_acceptances
    assert engagement.secrets - {"token_key"} == secret  # a preview passes the (secret) token key through
    assert acceptance.secrets == {"accept_code"}


def test_secret_config_reads_as_secret_with_no_plain_config_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    program = tmp_path / "__main__.py"
    program.write_text(
        "import pulumi\nimport pulumi_incident_manager as incident_manager\n"
        "config = pulumi.Config()\n"
        "message = config.require_secret_object('message')\n"
        "engagement = incident_manager.Engagement('page-db', contact_id=config.require('contact'), sender='bot',\n"
        "    subject=message['subject'], content=config.require_secret('content'), incident_id='gameday')\n"
        "pulumi.export('secret', pulumi.Output.all(message.is_secret(), engagement.subject.is_secret()))\n"
    )
    mocks = IncidentManagerMocks(project="gameday", stack="drill", clock=lambda: START)
    exported: dict[str, Any] = {}
    original = pulumi.export
    pulumi.export = lambda name, value: pulumi.Output.from_input(value).apply(  # type: ignore
        lambda known: exported.__setitem__(name, known)
    )
    try:
        with caplog.at_level(logging.WARNING):
            run_program(program, mocks, config={"gameday:contact": CONTACT},
                        secret_config={"gameday:message": {"subject": "[DRILL] s"}, "gameday:content": "runbook"})
    finally:
        pulumi.export = original  # type: ignore[assignment]

    assert exported == {"secret": [True, True]}
    assert mocks.engagements[0].inputs["subject"] == "[DRILL] s"
    assert mocks.engagements[0].inputs["content"] == "runbook"
    assert "plain text" not in caplog.text
    # The same value as plain config is what the warning is for; and the secret keys do not outlive the run.
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        run_program(program, IncidentManagerMocks(project="gameday", stack="drill"),
                    config={"gameday:contact": CONTACT, "gameday:message": '{"subject": "[DRILL] s"}',
                            "gameday:content": "runbook"})
    assert "content is a secret, but its value comes from stack config 'gameday:content'" in caplog.text
