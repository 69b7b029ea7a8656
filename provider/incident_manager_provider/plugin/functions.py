"""The plugin's functions, ``getEngagement`` and ``listPages``: one AWS read each, answered in the schema's names
through the read side's own outputs (:mod:`..records`)."""

from __future__ import annotations

from pulumi.provider.experimental.property_value import PropertyValue

from .. import api, aws
from ..records import engagement_outputs, page_outputs, page_read
from ..schema import ENGAGEMENT
from .values import camel, wrap


def get_engagement(settings: aws.AwsSettings, arn: str) -> dict[str, PropertyValue]:
    client = aws.client(settings, arn=arn, operation="DescribeEngagement")
    return camel(ENGAGEMENT, engagement_outputs(api.get_engagement(client, arn)))


def list_pages(settings: aws.AwsSettings, engagement_arn: str) -> dict[str, PropertyValue]:
    client = aws.client(settings, arn=engagement_arn, operation="ListPagesByEngagement")
    pages = [
        PropertyValue({key: wrap(value) for key, value in page_read().in_camel_case(page_outputs(page)).items()})
        for page in api.list_pages(client, engagement_arn)
    ]
    return {"pages": PropertyValue(pages)}
