"""Functions that call ssm-contacts from the program itself: ``accept_page``, ``get_engagement``, ``list_pages``.

Dynamic providers cannot serve functions (no Invoke), so these run in the program's process, with the same
settings the provider reads: ``aws:region``, ``aws:profile``, ``incident-manager:endpoint`` or the AWS environment.
Each has an ``_output`` form that takes Inputs and returns an Output.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import pulumi
import pulumi.runtime

from incident_manager_provider import api, aws
from incident_manager_provider.engagement import iso_time
from incident_manager_provider.errors import InvalidInputError
from incident_manager_provider.page_acceptance import ACCEPT_PAGE_MEMBERS, SECRET_PROPERTIES, accept_page_params
from incident_manager_provider.validation import validate


@dataclass(frozen=True)
class AcceptPageResult:
    """What :func:`accept_page` did."""

    page_id: str
    """The page."""
    accept_type: str
    """``READ`` or ``DELIVERED``."""
    acknowledged: bool
    """False during a preview, which acknowledges nothing."""
    already: bool = False
    """True when the page already had a receipt of this type, so nothing was sent (``pulumi up`` run again)."""


@dataclass(frozen=True)
class GetEngagementResult:
    """An engagement as DescribeEngagement returns it."""

    arn: str
    contact_arn: str
    sender: str
    subject: str
    content: str
    public_subject: str | None
    public_content: str | None
    incident_id: str | None
    start_time: str | None
    """ISO 8601."""
    stop_time: str | None
    """ISO 8601; None while the engagement is running."""


@dataclass(frozen=True)
class Page:
    """One page of an engagement (one per engaged contact channel)."""

    page_arn: str
    engagement_arn: str
    contact_arn: str
    sender: str
    incident_id: str | None
    sent_time: str | None
    delivery_time: str | None
    read_time: str | None


ResultT = TypeVar("ResultT")


def _result(result_class: type[ResultT], record: Any) -> ResultT:
    """A result from the AWS layer's record of the same field names, times as ISO 8601 text (as outputs hold)."""
    values = {name: getattr(record, name) for name in result_class.__dataclass_fields__}  # type: ignore[attr-defined]
    return result_class(**{name: iso_time(v) if isinstance(v, datetime) else v for name, v in values.items()})


def stack_settings() -> aws.AwsSettings:
    """The AWS settings from the running stack's config (all unset outside a Pulumi program)."""

    def get(key: str) -> str | None:
        namespace, name = key.split(":", 1)
        return pulumi.Config(namespace).get(name)

    return aws.AwsSettings.from_config(get)


def accept_page(
    page_id: str,
    accept_code: str,
    accept_type: str = "READ",
    contact_channel_id: str | None = None,
    note: str | None = None,
    accept_code_validation: str = "ENFORCE",
) -> AcceptPageResult:
    """Acknowledge a page with AcceptPage, once: a page that already has a receipt of ``accept_type`` is left as
    it is (so a program calling this on every ``pulumi up`` acknowledges once). During a preview, acknowledge
    nothing."""
    props = {
        "page_id": page_id,
        "accept_code": accept_code,
        "accept_type": accept_type,
        "contact_channel_id": contact_channel_id,
        "note": note,
        "accept_code_validation": accept_code_validation,
    }
    failures = validate("AcceptPage", props, ACCEPT_PAGE_MEMBERS, secret=SECRET_PROPERTIES)
    if failures:
        raise InvalidInputError("; ".join(failure.reason for failure in failures), operation="AcceptPage")
    if pulumi.runtime.is_dry_run():
        return AcceptPageResult(page_id, accept_type, acknowledged=False)
    client = aws.client(stack_settings(), arn=page_id, operation="AcceptPage")
    if accept_type in {receipt.type for receipt in api.list_receipts(client, page_id)}:
        return AcceptPageResult(page_id, accept_type, acknowledged=True, already=True)
    api.accept_page(client, accept_page_params(props), [accept_code])
    return AcceptPageResult(page_id, accept_type, acknowledged=True)


def accept_page_output(
    page_id: pulumi.Input[str],
    accept_code: pulumi.Input[str],
    accept_type: pulumi.Input[str] = "READ",
    contact_channel_id: pulumi.Input[str | None] = None,
    note: pulumi.Input[str | None] = None,
    accept_code_validation: pulumi.Input[str] = "ENFORCE",
) -> pulumi.Output[AcceptPageResult]:
    """:func:`accept_page` once its inputs are known; nothing is acknowledged during a preview."""
    values = pulumi.Output.all(
        page_id, accept_code, accept_type, contact_channel_id, note, accept_code_validation
    )
    return values.apply(lambda args: accept_page(*args))


def get_engagement(arn: str) -> GetEngagementResult:
    """DescribeEngagement; :class:`NotFoundError` (one sentence) if there is no such engagement."""
    live = api.get_engagement(aws.client(stack_settings(), arn=arn, operation="DescribeEngagement"), arn)
    return _result(GetEngagementResult, live)


def get_engagement_output(arn: pulumi.Input[str]) -> pulumi.Output[GetEngagementResult]:
    """:func:`get_engagement` as an Output, secret because it carries the message."""
    return pulumi.Output.secret(pulumi.Output.from_input(arn).apply(get_engagement))


def list_pages(engagement_id: str) -> list[Page]:
    """Every page of an engagement, oldest first as AWS lists them, following NextToken."""
    client = aws.client(stack_settings(), arn=engagement_id, operation="ListPagesByEngagement")
    return [_result(Page, page) for page in api.list_pages(client, engagement_id)]


def list_pages_output(engagement_id: pulumi.Input[str]) -> pulumi.Output[list[Page]]:
    """:func:`list_pages` as an Output."""
    return pulumi.Output.from_input(engagement_id).apply(list_pages)
