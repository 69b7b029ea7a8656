"""The pack over OpenTofu plans (policies.plan): a plan's resource changes judged as the testing kit judges the same
resources, with the plan's unknown values, references, actions and sensitive values read as `tofu show -json` writes
them (tests/tofu/test_plan_policy.py runs it on real plans)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from pulumi_incident_manager.policies import ENGAGEMENT_TYPE, PAGE_ACCEPTANCE_TYPE
from pulumi_incident_manager.policies.drill_expectations import EXPECTATION_TYPE
from pulumi_incident_manager.policies.plan import (
    HIDDEN,
    default_workspace,
    main,
    plan_violations,
)
from pulumi_incident_manager.testing import PolicyConfigError, StackResource, policy_violations, resource_urn

from ..support import engagement

DRILL = "gameday-q4"
CONFIG: dict[str, Any] = {
    "contact-allowlist": {"drillStacks": ["gameday-*"], "allowedContacts": {"gameday-*": ["drill-*"]}},
    "incident-or-drill-marker": {"drillStacks": ["gameday-*"]},
    "team-conventions": {"senderPattern": "gameday-bot"},
    "page-acceptance-drills-only": {"drillStacks": ["gameday-*"]},
    "drill-expectations": {"drillStacks": ["gameday-*"], "required": True},
}
ALLOWED = "arn:aws:ssm-contacts:us-east-1:111122223333:contact/drill-escalation"
ELSEWHERE = "arn:aws:ssm-contacts:us-east-1:111122223333:contact/sre-primary"
PAGE = "arn:aws:ssm-contacts:us-east-1:111122223333:page/drill-escalation/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
TYPES = {
    "incidentmanager_engagement": ENGAGEMENT_TYPE,
    "incidentmanager_page_acceptance": PAGE_ACCEPTANCE_TYPE,
    "incidentmanager_acknowledgement_expectation": EXPECTATION_TYPE,
}
SECRETS = {"subject", "content", "public_subject", "public_content", "accept_code", "token_key"}


def change(address: str, after: Mapping[str, Any], *, actions: Iterable[str] = ("create",),
           unknown: Iterable[str] = (), sensitive: Iterable[str] = (), index: Any = None) -> dict[str, Any]:
    """One entry of ``resource_changes`` as `tofu show -json` writes it: every attribute of ``after`` present (unset
    ones null, computed ones in ``after_unknown``), the schema's secret attributes marked sensitive."""
    kind, name = address.split("[")[0].split(".")[-2:]
    entry: dict[str, Any] = {
        "address": address, "mode": "managed", "type": kind, "name": name,
        "provider_name": "registry.opentofu.org/incident-manager/incidentmanager",
        "change": {
            "actions": list(actions), "before": None,
            "after": {"incident_id": None, "public_subject": None, "public_content": None, **after},
            "after_unknown": {"id": True, **{key: True for key in unknown}},
            "before_sensitive": False,
            "after_sensitive": {key: True for key in (*SECRETS & set(after), *sensitive)},
        },
    }
    if index is not None:
        entry["index"] = index
    return entry


def plan(*changes: dict[str, Any], configuration: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    return {"format_version": "1.2", "resource_changes": list(changes),
            "configuration": {"root_module": {"resources": list(configuration)}}}


def configured(address: str, **references: list[str]) -> dict[str, Any]:
    """A resource block of the plan's ``configuration``: the attributes set from references."""
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "expressions": {key: {"references": refs} for key, refs in references.items()}}


def kit(*resources: tuple[str, Mapping[str, Any]], dependencies: Mapping[str, dict[str, list[str]]] | None = None,
        stack: str = DRILL, config: Mapping[str, Any] = CONFIG) -> list[tuple[str, str, str]]:
    """The testing kit's verdict (policy, level, message) on the same resources, named as the plan names them."""
    def urn(address: str) -> str:
        kind, name = address.split(".", 1)
        return resource_urn(stack, "opentofu", TYPES[kind], name)

    built = [
        StackResource(urn(address), TYPES[address.split(".")[0]], address.split(".", 1)[1], inputs,
                      property_dependencies={key: [urn(a) for a in sources]
                                             for key, sources in (dependencies or {}).get(address, {}).items()})
        for address, inputs in resources
    ]
    return [(v.policy, v.enforcement_level.value, v.message) for v in policy_violations(built, config)]


def verdict(judged: Mapping[str, Any], stack: str = DRILL, config: Mapping[str, Any] = CONFIG) -> list[tuple[str, ...]]:
    return [(v.policy, v.level, v.message) for v in plan_violations(judged, config, stack)]


def covered(*engagements: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, dict[str, list[str]]]]:
    """An expectation for each engagement: its changes, its configuration and the kit's dependencies."""
    changes = [change(f"incidentmanager_acknowledgement_expectation.{name}", {"within": "5m"},
                      unknown=["engagement_arn"]) for name in engagements]
    engaged = [f"incidentmanager_engagement.{name}" for name in engagements]
    blocks = [configured(f"incidentmanager_acknowledgement_expectation.{name}",
                         engagement_arn=[f"{source}.arn", source])
              for name, source in zip(engagements, engaged, strict=True)]
    deps = {f"incidentmanager_acknowledgement_expectation.{name}": {"engagement_arn": [source]}
            for name, source in zip(engagements, engaged, strict=True)}
    return changes, blocks, deps


GOOD = engagement(ALLOWED, subject="[DRILL] failover")

CASES = {
    "contact-allowlist": engagement(ELSEWHERE, subject="[DRILL] failover"),
    "incident-or-drill-marker": engagement(ALLOWED, subject="failover"),
    "no-secrets-in-sms": {**GOOD, "public_subject": "[DRILL] key AKIAIOSFODNN7EXAMPLE"},
    "service-field-limits": {**GOOD, "sender": "gameday-bot", "stop_reason": "x" * 300},
    "team-conventions": {**GOOD, "sender": "someone"},
}


@pytest.mark.parametrize("policy", CASES)
def test_each_resource_policy_judges_a_plan_as_the_kit_judges_the_same_engagement(policy: str) -> None:
    inputs = CASES[policy]
    changes, blocks, deps = covered("e")
    judged = plan(change("incidentmanager_engagement.e", inputs), *changes, configuration=blocks)

    found = verdict(judged)

    assert [violation[0] for violation in found] == [policy]
    assert found == kit(("incidentmanager_engagement.e", inputs), *[(c["address"], {"within": "5m"}) for c in changes],
                        dependencies=deps)


def test_a_passing_plan_has_no_violation_and_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    changes, blocks, _ = covered("e")
    judged = plan(change("incidentmanager_engagement.e", GOOD), *changes, configuration=blocks)

    assert main([*written(tmp_path, judged, CONFIG), "--workspace", DRILL]) == 0
    assert capsys.readouterr().out == f'No policy violations in 2 resource changes of workspace "{DRILL}".\n'


def test_a_page_acceptance_outside_a_drill_workspace_is_refused_as_the_kit_refuses_it() -> None:
    acceptance = {"page_id": PAGE, "accept_code": "123456"}
    judged = plan(change("incidentmanager_page_acceptance.ack", acceptance))

    found = verdict(judged, stack="prod-east")

    assert [violation[0] for violation in found] == ["page-acceptance-drills-only"]
    assert found == kit(("incidentmanager_page_acceptance.ack", acceptance), stack="prod-east")
    assert verdict(judged, stack=DRILL) == []


def test_drill_expectations_follows_the_configurations_references_by_instance() -> None:
    """``twin[count.index].arn`` is listed as ``incidentmanager_engagement.twin`` and ``count.index``: each
    expectation covers the engagement of its own index; ``x[0].arn`` names instance 0 only."""
    twins = [change(f"incidentmanager_engagement.twin[{i}]", {**GOOD, "run": str(i)}, index=i) for i in (0, 1)]
    expectations = [change(f"incidentmanager_acknowledgement_expectation.twin[{i}]", {"within": "5m"},
                           unknown=["engagement_arn"], index=i) for i in (0, 1)]
    by_index = configured("incidentmanager_acknowledgement_expectation.twin",
                          engagement_arn=["incidentmanager_engagement.twin", "count.index"])
    assert verdict(plan(*twins, *expectations, configuration=[by_index])) == []

    twin = "incidentmanager_engagement.twin"
    first_only = configured("incidentmanager_acknowledgement_expectation.twin",
                            engagement_arn=[f"{twin}[0].arn", f"{twin}[0]", twin])
    found = verdict(plan(*twins, *expectations, configuration=[first_only]))
    assert [(policy, message.split(" of ")[0]) for policy, _, message in found] == [
        ("drill-expectations", 'Engagement "twin[1]"')
    ]


def test_an_engagement_in_a_module_is_covered_by_the_expectation_beside_it() -> None:
    engaged = {**change("module.game.incidentmanager_engagement.e", GOOD), "module_address": "module.game"}
    expected = {**change("module.game.incidentmanager_acknowledgement_expectation.e", {"within": "5m"},
                         unknown=["engagement_arn"]), "module_address": "module.game"}
    block = configured("incidentmanager_acknowledgement_expectation.e",
                       engagement_arn=["incidentmanager_engagement.e.arn"])
    judged = {**plan(engaged, expected),
              "configuration": {"root_module": {"module_calls": {"game": {"module": {"resources": [block]}}}}}}

    assert verdict(judged) == []
    [(policy, _, message)] = verdict(plan(engaged))
    assert policy == "drill-expectations" and message.startswith('Engagement "module.game.e" of drill stack')


def test_one_engagement_per_token_knows_an_explicit_token_from_the_configuration() -> None:
    """Two engagements with one message but their own tokens are two engagements; with minted tokens, one."""
    same = {**GOOD, "idempotency_token": "t-1"}
    other = {**GOOD, "idempotency_token": "t-2"}
    explicit = [configured(f"incidentmanager_engagement.{name}", idempotency_token=[]) for name in ("a", "b")]
    changes, blocks, _ = covered("a", "b")
    assert verdict(plan(change("incidentmanager_engagement.a", same), change("incidentmanager_engagement.b", other),
                        *changes, configuration=[*explicit, *blocks])) == []

    minted = [change(f"incidentmanager_engagement.{name}", GOOD, unknown=["idempotency_token"]) for name in ("a", "b")]
    found = verdict(plan(*minted, *changes, configuration=blocks))
    assert found == kit(*[(f"incidentmanager_engagement.{n}", GOOD) for n in ("a", "b")],
                        *[(c["address"], {"within": "5m"}) for c in changes], dependencies=covered("a", "b")[2])
    assert [policy for policy, _, _ in found] == ["one-engagement-per-token"]


def test_a_value_known_only_after_apply_is_unknown_as_in_a_preview() -> None:
    changes, blocks, _ = covered("e")
    judged = plan(change("incidentmanager_engagement.e", {**GOOD, "contact_id": None}, unknown=["contact_id"]),
                  *changes, configuration=blocks)

    [(policy, level, message)] = verdict(judged)

    assert (policy, level) == ("contact-allowlist", "advisory")
    assert message.startswith("can't run policy 'contact-allowlist' from policy pack 'incident-manager' during preview")


def test_deletes_are_not_judged_and_unchanged_resources_count_only_for_the_stack_policies() -> None:
    bad = engagement(ELSEWHERE, subject="failover", sender="someone")
    deleted = change("incidentmanager_engagement.old", bad, actions=["delete"])
    unchanged = change("incidentmanager_engagement.kept", bad, actions=["no-op"])
    assert verdict(plan(deleted, unchanged)) == []

    # An updated engagement is covered by its unchanged expectation.
    updated = change("incidentmanager_engagement.e", GOOD, actions=["update"])
    expectation = change("incidentmanager_acknowledgement_expectation.e", {"within": "5m",
                         "engagement_arn": "arn:aws:ssm-contacts:us-east-1:111122223333:engagement/x"},
                         actions=["no-op"])
    block = configured("incidentmanager_acknowledgement_expectation.e", engagement_arn=["incidentmanager_engagement.e"])
    assert verdict(plan(updated, expectation, configuration=[block])) == []
    assert [p for p, _, _ in verdict(plan(updated))] == ["drill-expectations"]

    replaced = change("incidentmanager_engagement.e", bad, actions=["delete", "create"])
    assert {p for p, _, _ in verdict(plan(replaced))} == {
        "contact-allowlist", "incident-or-drill-marker", "team-conventions", "drill-expectations"
    }


def test_no_sensitive_value_is_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The plan's JSON holds sensitive values in clear: the schema's secrets are never quoted by a policy, and any
    other value the plan marks sensitive (here a contact from a sensitive variable) is hidden as tofu hides it."""
    secret_contact = "arn:aws:ssm-contacts:us-east-1:111122223333:contact/sre-hidden-7c1d"
    message = {"subject": "SUBJECT-SECRET-1b2c", "content": "CONTENT-SECRET-" + "x" * 9000,
               "public_subject": "SMS-SECRET AKIAIOSFODNN7EXAMPLE", "public_content": "SMS2-SECRET " + "y" * 2000}
    judged = plan(
        change("incidentmanager_engagement.e", {**engagement(secret_contact, **message), "token_key": "ab" * 32},
               sensitive=["contact_id"]),
        change("incidentmanager_page_acceptance.ack", {"page_id": PAGE, "accept_code": "ACCEPT-SECRET-9"}),
    )

    allowed = {**CONFIG, "contact-allowlist": {"allowedContacts": {"prod-*": ["sre-primary"]}}}
    assert main([*written(tmp_path, judged, allowed), "--workspace", "prod-east"]) == 1
    out, err = capsys.readouterr()
    printed = out + err
    for secret in (secret_contact, *message.values(), "AKIAIOSFODNN7EXAMPLE", "ab" * 32, "ACCEPT-SECRET-9"):
        assert secret not in printed
    assert f'engages "{HIDDEN}"' in printed
    assert {"contact-allowlist", "no-secrets-in-sms", "service-field-limits", "page-acceptance-drills-only"} <= {
        line.split()[1] for line in out.splitlines() if line.startswith("[")
    }


@pytest.mark.parametrize("bad_config", [
    {"team-conventions": {"publicMaxLength": "160"}},
    {"contact-allowlist": {"allowedContact": {}}},
    {"contact-allowlst": "mandatory"},
    {"all": "advisry"},
])
def test_a_bad_policy_config_is_refused_with_the_kits_sentences(
    bad_config: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(PolicyConfigError) as refused:
        policy_violations([], bad_config)

    assert main(written(tmp_path, plan(change("incidentmanager_engagement.e", GOOD)), bad_config)) == 2

    out, err = capsys.readouterr()
    assert out == "" and err.splitlines() == [f"error: {problem}" for problem in refused.value.problems]


def test_the_exit_status_is_one_only_for_a_mandatory_violation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    judged = plan(change("incidentmanager_engagement.e", {**GOOD, "sender": "someone"}))
    advisory = {**CONFIG, "all": "advisory"}

    assert main([*written(tmp_path, judged, advisory), "--workspace", DRILL]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f'2 advisory policy violations in 1 resource change of workspace "{DRILL}"; none mandatory.'
    )
    assert main([*written(tmp_path, judged, CONFIG), "--workspace", DRILL, "--json"]) == 1
    assert {(v["policy"], v["level"], v["address"]) for v in json.loads(capsys.readouterr().out)} == {
        ("team-conventions", "mandatory", "incidentmanager_engagement.e"),
        ("drill-expectations", "mandatory", "incidentmanager_engagement.e"),
    }


def test_the_plan_is_read_from_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    judged = plan(change("incidentmanager_engagement.e", {**GOOD, "sender": "someone"}))
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(json.dumps(judged).encode())))

    assert main(["--workspace", "prod-east"]) == 1
    assert "[mandatory]  incident-or-drill-marker  (incidentmanager_engagement.e)" in capsys.readouterr().out


@pytest.mark.parametrize(("content", "sentence"), [
    (b"PK\x03\x04binary", "is a saved plan file, not its JSON. Fix: give the output of `tofu show -json plan.out`"),
    (b'{"format_version": "1.0", "values": {}}', "is a state, not a plan: it has no resource_changes. Fix: save"),
    (b"not json", "is not JSON (Expecting value: line 1 column 1 (char 0)). Fix: give the output of"),
])
def test_what_is_not_a_plan_is_refused_in_one_sentence(
    content: bytes, sentence: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    given = tmp_path / "plan.json"
    given.write_bytes(content)

    assert main([str(given)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"error: {given} {sentence}") and err.count("\n") == 1


def test_the_workspace_is_tofus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TF_WORKSPACE", raising=False)
    monkeypatch.delenv("TF_DATA_DIR", raising=False)
    assert default_workspace(tmp_path) == "default"
    (tmp_path / ".terraform").mkdir()
    (tmp_path / ".terraform" / "environment").write_text("gameday-q4")
    assert default_workspace(tmp_path) == "gameday-q4"
    monkeypatch.setenv("TF_WORKSPACE", "drill-1")
    assert default_workspace(tmp_path) == "drill-1"


def written(folder: Path, judged: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    """The command line for ``judged`` and ``config``, each written to a file."""
    plan_file, config_file = folder / "plan.json", folder / "policy-config.json"
    plan_file.write_text(json.dumps(judged))
    config_file.write_text(json.dumps(config))
    return [str(plan_file), "--policy-config", str(config_file)]
