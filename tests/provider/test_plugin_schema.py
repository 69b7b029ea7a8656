"""The provider plugin's Pulumi schema is derived from the one declaration of each resource."""

from __future__ import annotations

from incident_manager_provider.plugin import RESOURCES, package_schema
from incident_manager_provider.schema import ENGAGEMENT, PAGE_ACCEPTANCE


def test_engagement_properties_follow_pulumi_naming_and_mark_the_message_secret() -> None:
    spec = package_schema()["resources"]["incident-manager:index:Engagement"]

    assert list(spec["inputProperties"]) == [
        "contactId", "sender", "subject", "content", "publicSubject", "publicContent", "incidentId",
        "idempotencyToken", "stopReason", "run", "stopWhen", "tokenKey",
    ]
    assert spec["requiredInputs"] == ["contactId", "sender", "subject", "content"]
    assert {"arn", "contactArn", "startTime", "stopTime"} <= set(spec["properties"])
    secret = sorted(name for name, prop in spec["inputProperties"].items() if prop.get("secret"))
    assert secret == ["content", "publicContent", "publicSubject", "subject", "tokenKey"]
    assert spec["inputProperties"]["contactId"]["description"] == ENGAGEMENT.field("contact_id").description


def test_stop_when_is_an_object_type_with_the_expectations_terms() -> None:
    schema = package_schema()
    stop_when = schema["resources"]["incident-manager:index:Engagement"]["inputProperties"]["stopWhen"]
    terms = schema["types"]["incident-manager:index:StopWhen"]
    expectation = schema["resources"]["incident-manager:index:AcknowledgementExpectation"]["inputProperties"]

    assert stop_when["$ref"] == "#/types/incident-manager:index:StopWhen"
    assert terms["type"] == "object" and terms["required"] == ["within"]
    assert terms["properties"] == {name: expectation[name] for name in ("within", "by", "channels", "receipt")}


def test_page_acceptance_keeps_the_code_secret_and_the_defaults() -> None:
    spec = package_schema()["resources"]["incident-manager:index:PageAcceptance"]

    assert spec["inputProperties"]["acceptCode"]["secret"] is True
    assert spec["inputProperties"]["acceptType"]["default"] == PAGE_ACCEPTANCE.defaults["accept_type"]
    assert spec["required"] == ["pageId", "acceptCode", "acceptType", "acceptCodeValidation", "acceptedAt"]


def test_the_package_serves_every_declared_resource_config_and_functions() -> None:
    schema = package_schema()

    assert schema["name"] == "incident-manager"
    assert sorted(schema["resources"]) == sorted(RESOURCES) == [
        "incident-manager:index:AcknowledgementExpectation", "incident-manager:index:Engagement",
        "incident-manager:index:PageAcceptance", "incident-manager:index:TokenKey",
    ]
    assert sorted(schema["functions"]) == ["incident-manager:index:getEngagement", "incident-manager:index:listPages"]
    assert sorted(schema["config"]["variables"]) == ["endpoint", "maxAttempts", "profile", "region", "retryMode",
                                                     "tokenKey"]
    assert schema["language"]["python"]["packageName"] == "pulumi_incident_manager_plugin"
