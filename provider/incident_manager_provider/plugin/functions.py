"""The plugin's functions, ``getEngagement`` and ``listPages``: one AWS read each, answered in the schema's names."""

from __future__ import annotations

from pulumi.provider.experimental.property_value import PropertyValue

from .. import api, aws
from ..engagement import iso_time
from ..schema import ENGAGEMENT
from .values import camel, wrap


def get_engagement(settings: aws.AwsSettings, arn: str) -> dict[str, PropertyValue]:
    client = aws.client(settings, arn=arn, operation="DescribeEngagement")
    live = api.get_engagement(client, arn)
    values = {name: getattr(live, name) for name in ENGAGEMENT.described().values()}
    values.update(arn=live.arn, start_time=iso_time(live.start_time), stop_time=iso_time(live.stop_time))
    return camel(ENGAGEMENT, values)


def list_pages(settings: aws.AwsSettings, engagement_arn: str) -> dict[str, PropertyValue]:
    client = aws.client(settings, arn=engagement_arn, operation="ListPagesByEngagement")
    pages = []
    for page in api.list_pages(client, engagement_arn):
        fields = {
            "pageArn": page.page_arn, "engagementArn": page.engagement_arn, "contactArn": page.contact_arn,
            "sender": page.sender, "incidentId": page.incident_id, "sentTime": iso_time(page.sent_time),
            "deliveryTime": iso_time(page.delivery_time), "readTime": iso_time(page.read_time),
        }
        pages.append(PropertyValue({key: wrap(value) for key, value in fields.items()}))
    return {"pages": PropertyValue(pages)}
