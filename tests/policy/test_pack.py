"""The policy pack as the CLI runs it: `python -m pulumi.policy <engine> <pack dir>`, spoken to over gRPC."""

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
import yaml
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from pulumi_incident_manager.policies import ENGAGEMENT_TYPE, POLICIES, STACK_POLICIES, policy_pack_path

DRILL_URN = f"urn:pulumi:gameday-drill::gameday::{ENGAGEMENT_TYPE}::page-db"
COMPLIANT = {
    "contact_id": "arn:aws:ssm-contacts:us-east-1:123456789012:contact/drill-escalation",
    "sender": "gameday-bot",
    "subject": "[DRILL] checkout database failover",
    "content": "Follow the failover runbook.",
}


@pytest.fixture(scope="module")
def analyzer() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    # The engine address is only used for logging, which these policies never do.
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(policy_pack_path())],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        process.terminate()
        process.communicate(timeout=10)


def struct(value: dict[str, object]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(value)
    return message


def analyze(stub: analyzer_pb2_grpc.AnalyzerStub, props: dict[str, object]) -> list[analyzer_pb2.AnalyzeDiagnostic]:
    request = analyzer_pb2.AnalyzeRequest(type=ENGAGEMENT_TYPE, properties=struct(props), urn=DRILL_URN, name="page-db")
    return list(stub.Analyze(request).diagnostics)


def test_path_prints_the_directory_to_pass_to_policy_pack() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "pulumi_incident_manager.policy_pack", "--path"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    assert Path(printed) == policy_pack_path()
    assert sorted(path.name for path in Path(printed).iterdir() if path.is_file()) == [
        "PulumiPolicy.yaml",
        "__main__.py",
        "requirements.txt",
    ]
    # The pack starts with this environment's interpreter, whatever `python` is on PATH.
    settings = yaml.safe_load((Path(printed) / "PulumiPolicy.yaml").read_text())
    assert settings["runtime"] == {"name": "python", "options": {"virtualenv": sys.prefix}}


def test_the_pack_offers_every_policy_mandatory_with_its_description_and_config_schema(
    analyzer: analyzer_pb2_grpc.AnalyzerStub,
) -> None:
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())

    assert info.name == "incident-manager"
    assert info.supportsConfig
    assert [(p.name, p.description, p.enforcementLevel) for p in info.policies] == [
        (policy.name, policy.description, analyzer_pb2.MANDATORY) for policy in (*POLICIES, *STACK_POLICIES)
    ]
    schemas = {p.name: json_format.MessageToDict(p.configSchema.properties) for p in info.policies}
    assert schemas["contact-allowlist"]["drillStacks"]["default"] == ["*drill*", "*gameday*"]
    assert sorted(schemas["no-secrets-in-sms"]) == ["extraPatterns", "ignoredPatterns"]


def test_a_resource_off_the_allowlist_fails_with_the_policys_message(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    config = {"allowedContacts": {"gameday-*": ["drill-*"]}, "deniedContacts": ["prod-*"]}
    analyzer.Configure(
        analyzer_pb2.ConfigureAnalyzerRequest(
            policyConfig={
                "contact-allowlist": analyzer_pb2.PolicyConfig(
                    enforcementLevel=analyzer_pb2.MANDATORY, properties=struct(config)
                ),
                "no-secrets-in-sms": analyzer_pb2.PolicyConfig(enforcementLevel=analyzer_pb2.ADVISORY),
            }
        )
    )
    production = {**COMPLIANT, "contact_id": "arn:aws:ssm-contacts:us-east-1:123456789012:contact/prod-sre"}

    assert analyze(analyzer, COMPLIANT) == []
    [refused] = analyze(analyzer, production)
    assert (refused.policyName, refused.enforcementLevel, refused.urn) == (
        "contact-allowlist",
        analyzer_pb2.MANDATORY,
        DRILL_URN,
    )
    assert refused.message.splitlines()[1] == (
        'Engagement "page-db": contact_id engages "arn:aws:ssm-contacts:us-east-1:123456789012:contact/prod-sre", '
        'a production contact listed in deniedContacts, from drill stack "gameday-drill". '
        'Fix: engage a drill contact instead (allowed: "drill-*").'
    )
    [warned] = analyze(analyzer, {**COMPLIANT, "public_content": "mail ops@example.com"})
    assert (warned.policyName, warned.enforcementLevel) == ("no-secrets-in-sms", analyzer_pb2.ADVISORY)


def test_the_example_policy_configs_name_only_policies_and_settings_of_the_pack() -> None:
    settings = {
        policy.name: {*(policy.config_schema.properties if policy.config_schema else ()), "enforcementLevel"}
        for policy in (*POLICIES, *STACK_POLICIES)
    }
    paths = sorted(Path(__file__).resolve().parents[2].glob("examples/*/policy-config.json"))

    assert [path.parent.name for path in paths] == ["gameday", "policy-tests"]
    for path in paths:
        for name, section in json.loads(path.read_text()).items():
            assert set(section) <= settings[name], (path, name)


def test_the_policies_package_offers_every_public_name_and_derives_the_type_tokens() -> None:
    from incident_manager_provider.schema import ENGAGEMENT, PAGE_ACCEPTANCE, TOKEN_KEY, dynamic_type
    from pulumi_incident_manager import policies

    assert all(hasattr(policies, name) for name in policies.__all__)
    assert (
        dynamic_type(ENGAGEMENT),
        dynamic_type(PAGE_ACCEPTANCE),
        dynamic_type(TOKEN_KEY),
    ) == (policies.ENGAGEMENT_TYPE, policies.PAGE_ACCEPTANCE_TYPE, policies.TOKEN_KEY_TYPE)
    assert [policy.name for policy in policies.POLICIES] == [
        "contact-allowlist",
        "incident-or-drill-marker",
        "no-secrets-in-sms",
        "service-field-limits",
        "team-conventions",
        "page-acceptance-drills-only",
    ]


def test_the_pack_refuses_by_name_the_settings_and_policies_the_engine_lets_through(
    analyzer: analyzer_pb2_grpc.AnalyzerStub,
) -> None:
    # What the engine hands the pack for {"contact-allowlist": {"allowedContact": ...}, "contact-allowlst":
    # "advisory"}: the engine checks only the schema's properties, so both reach the pack's Configure.
    request = analyzer_pb2.ConfigureAnalyzerRequest(
        policyConfig={
            "contact-allowlist": analyzer_pb2.PolicyConfig(
                enforcementLevel=analyzer_pb2.MANDATORY, properties=struct({"allowedContact": {"x": ["y"]}})
            ),
            "contact-allowlst": analyzer_pb2.PolicyConfig(enforcementLevel=analyzer_pb2.ADVISORY),
            "all": analyzer_pb2.PolicyConfig(enforcementLevel=analyzer_pb2.MANDATORY),
        }
    )

    with pytest.raises(grpc.RpcError) as refused:
        analyzer.Configure(request)

    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert refused.value.details() == (
        'policy config "contact-allowlist": "allowedContact" is not a setting of this policy, so it would be ignored. '
        'Fix: write "allowedContacts" (the names are allowedContacts, deniedContacts, drillStacks). '
        'policy config: "contact-allowlst" is not a policy of the pack "incident-manager", so its section would be '
        'ignored. Fix: write "contact-allowlist" (the names are contact-allowlist, drill-expectations, '
        "incident-or-drill-marker, no-secrets-in-sms, one-engagement-per-token, page-acceptance-drills-only, "
        "service-field-limits, team-conventions)."
    )
