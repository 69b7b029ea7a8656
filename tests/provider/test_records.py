"""The read side is declared once: records follow the service model, and every front's outputs come from them."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from botocore import xform_name

from incident_manager_provider import plugin
from incident_manager_provider.records import (
    EngagementRecord,
    PageRecord,
    engagement_outputs,
    engagement_read,
    page_outputs,
    page_read,
    page_type_schema,
)
from incident_manager_provider.schema import ENGAGEMENT
from incident_manager_provider.validation import service_model
from pulumi_incident_manager import GetEngagementResult, Page

STARTED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ENGAGEMENT_ARN = "arn:aws:ssm-contacts:us-east-1:123456789012:engagement/alice/1"


def _members(operation: str, listed: str | None = None) -> list[str]:
    shape = service_model().operation_model(operation).output_shape
    shape = shape.members[listed].member if listed else shape
    return [xform_name(member) for member in shape.members]


def test_records_hold_exactly_the_members_the_service_model_answers() -> None:
    assert [f.name for f in dataclasses.fields(EngagementRecord)] == _members("DescribeEngagement")
    assert [f.name for f in dataclasses.fields(PageRecord)] == _members("ListPagesByEngagement", "Pages")


def test_engagement_outputs_use_the_schema_names_secrets_and_iso_times() -> None:
    record = EngagementRecord("arn:aws:ssm-contacts:us-east-1:123456789012:contact/alice", ENGAGEMENT_ARN, "ops",
                              "s", "c", None, None, "INC-1", STARTED, None)
    outputs = engagement_outputs(record)
    assert outputs == {
        "contact_arn": "arn:aws:ssm-contacts:us-east-1:123456789012:contact/alice", "arn": ENGAGEMENT_ARN,
        "sender": "ops", "subject": "s", "content": "c", "public_subject": None, "public_content": None,
        "incident_id": "INC-1", "start_time": "2026-11-23T09:00:00+00:00", "stop_time": None,
    }
    assert {f.name for f in engagement_read().fields if f.secret} == set(ENGAGEMENT.secrets)
    assert GetEngagementResult(**outputs).arn == ENGAGEMENT_ARN  # the SDK's result is generated from the same fields


def test_page_outputs_and_the_plugin_page_type_come_from_one_declaration() -> None:
    record = PageRecord("arn:aws:ssm-contacts:us-east-1:123456789012:page/alice/1", ENGAGEMENT_ARN,
                        "arn:aws:ssm-contacts:us-east-1:123456789012:contact/alice", "ops", None, STARTED, None, None)
    outputs = page_outputs(record)
    assert Page(**outputs).sent_time == "2026-11-23T09:00:00+00:00"
    assert page_read().in_camel_case(outputs)["pageArn"] == record.page_arn
    # The plugin's published Page type is what the read side declares (same names, descriptions, required ones).
    assert plugin.package_schema()["types"]["incident-manager:index:Page"] == page_type_schema()
