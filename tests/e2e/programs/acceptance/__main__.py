"""An engagement, and once the test has read a page's code from the endpoint's outbox, its acknowledgement."""

import pulumi

import pulumi_incident_manager as incident_manager

config = pulumi.Config()
engagement = incident_manager.Engagement(
    "page",
    contact_id=config.require("contactId"),
    sender="e2e-tests",
    subject="E2E acceptance subject",
    content="E2E acceptance content",
    public_subject="E2E acceptance",
    public_content="E2E acceptance",
)
pulumi.export("arn", engagement.arn)

page_id = config.get("pageId")
if page_id:
    acceptance = incident_manager.PageAcceptance(
        "ack",
        page_id=page_id,
        accept_code=config.require_secret("acceptCode"),
        note="acknowledged by the e2e test",
    )
    pulumi.export("acknowledged_page", acceptance.page_id)
