"""Engagements from stack config (`policy-parity:engagements`, a list of Engagement inputs with a `name`), each
with an AcknowledgementExpectation if it says `expect: true` and a PageAcceptance of its first page if it says
`accept: true`: one program for every policy's verdict, the CLI's and the testing kit's."""

from typing import Any

import pulumi

import pulumi_incident_manager as incident_manager

for spec in pulumi.Config().require_object("engagements"):
    inputs: dict[str, Any] = dict(spec)
    name, expect, accept = inputs.pop("name"), inputs.pop("expect", False), inputs.pop("accept", False)
    engagement = incident_manager.Engagement(name, **inputs)
    if expect:
        incident_manager.AcknowledgementExpectation(
            f"{name}-expected", engagement_arn=engagement.arn, within="1m", on_miss="record"
        )
    if accept:
        incident_manager.PageAcceptance(
            f"{name}-accepted",
            page_id=incident_manager.list_pages_output(engagement.arn).apply(lambda pages: pages[0].page_arn),
            accept_code="000000",
            accept_code_validation="IGNORE",
        )
