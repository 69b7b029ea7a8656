"""``summarize_drill``: one read of an engagement (the verdict engine's, :func:`incident_manager_provider.verdict.read`)
with how each page reached its person, judged by an expectation."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from incident_manager_provider import api, verdict
from incident_manager_provider.errors import InvalidInputError
from incident_manager_provider.validation import validate

from .._functions import program_client
from ._summary import ChannelSummary, DrillSummary, PageSummary, ReceiptSummary, ResolutionStep
from ._verdict import AnyAcknowledgement, Expectation


def summarize_drill(
    engagement_arn: str, client: Any | None = None, expectation: Expectation | None = None,
    include_message: bool = False,
) -> DrillSummary:
    """Read what the engagement ``engagement_arn`` paged so far, and judge it with ``expectation`` (by default
    :class:`AnyAcknowledgement`: any READ receipt, any time; ``Terms(within="10m", ...)`` judges as an
    AcknowledgementExpectation with those terms does).

    ``client`` is a boto3 ``ssm-contacts`` client; by default the package's own, from the stack config inside a
    program (``aws:region``, ``incident-manager:endpoint``...) and the AWS environment outside one. Failures raise
    :class:`IncidentManagerError` with one sentence. The engagement's subject and content stay out of the summary
    unless ``include_message`` (the HTML and SVG reports then show them).
    """
    failures = validate("DescribeEngagement", {"engagement_arn": engagement_arn}, {"engagement_arn": "EngagementId"})
    if failures:
        raise InvalidInputError(failures[0].reason, operation="DescribeEngagement")
    if client is None:
        client = program_client("summarize_drill", engagement_arn, "DescribeEngagement")
    reading = verdict.read(client, engagement_arn, datetime.now(UTC))
    engagement = reading.engagement
    pages = tuple(
        PageSummary(
            arn=page.record.page_arn,
            contact_arn=page.record.contact_arn,
            sent_time=page.record.sent_time,
            delivery_time=page.record.delivery_time,
            read_time=page.record.read_time,
            receipts=tuple(ReceiptSummary(receipt.type, receipt.time, _channel(receipt.channel), receipt.info)
                           for receipt in page.receipts),
            resolution=tuple(
                ResolutionStep(step.contact_arn, step.type, step.stage_index)
                for step in api.list_page_resolutions(client, page.record.page_arn)
            ),
        )
        for page in reading.pages
    )
    summary = DrillSummary(
        engagement_arn=engagement.arn,
        contact_arn=engagement.contact_arn,
        sender=engagement.sender,
        incident_id=engagement.incident_id,
        start_time=engagement.start_time,
        stop_time=engagement.stop_time,
        pages=pages,
        read_at=reading.read_at,
        subject=engagement.subject if include_message else None,
        content=engagement.content if include_message else None,
    )
    return dataclasses.replace(summary, verdict=(expectation or AnyAcknowledgement()).verdict(summary))


def _channel(record: api.ChannelRecord | None) -> ChannelSummary | None:
    return ChannelSummary(record.arn, record.name, record.type) if record else None
