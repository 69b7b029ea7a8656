"""The pack and the testing kit read the provider plugin's resources (YAML, TypeScript) as the dynamic ones."""

from __future__ import annotations

from pulumi_incident_manager.testing import check_resource

CONTACT = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/payments-primary"
CONFIG = {"contact-allowlist": {"allowedContacts": {"drill": ["drill-*"]}, "deniedContacts": ["*-primary"]}}


def test_a_plugin_engagement_in_camel_case_gets_the_same_violation_as_a_dynamic_one() -> None:
    camel = {"contactId": CONTACT, "sender": "bot", "subject": "[DRILL] s", "content": "c", "incidentId": "x"}
    snake = {"contact_id": CONTACT, "sender": "bot", "subject": "[DRILL] s", "content": "c", "incident_id": "x"}

    from_yaml = check_resource(camel, pack_config=CONFIG, resource_type="incident-manager:index:Engagement",
                               name="page", stack="drill")
    from_python = check_resource(snake, pack_config=CONFIG, name="page", stack="drill")

    assert [v.message for v in from_yaml] == [v.message for v in from_python]
    assert from_yaml and 'Engagement "page": contact_id engages' in from_yaml[0].message


def test_a_plugin_page_acceptance_outside_drills_is_refused() -> None:
    props = {"pageId": "arn:aws:ssm-contacts:us-east-1:123456789012:page/alice-oncall/1", "acceptCode": "123456"}

    violations = check_resource(props, resource_type="incident-manager:index:PageAcceptance", name="ack",
                                stack="production")

    assert [v.policy for v in violations] == ["page-acceptance-drills-only"]
