"""An engagement, and once the test has read a page's code, its acknowledgement; with `drill`, a second engagement
whose acknowledgement an expectation waits for. The e2e tests use the defaults; the acceptance suite
(scripts/acceptance.py) sets the message (secret config), the sender and the incident id of its run."""

import pulumi

import pulumi_incident_manager as incident_manager

config = pulumi.Config()
contact_id = config.require("contactId")
sender = config.get("sender") or "e2e-tests"
incident_id = config.get("incidentId")
engagement = incident_manager.Engagement(
    "page",
    contact_id=contact_id,
    sender=sender,
    subject=config.get_secret("subject") or "E2E acceptance subject",
    content=config.get_secret("content") or "E2E acceptance content",
    public_subject=config.get_secret("publicSubject") or "E2E acceptance",
    public_content=config.get_secret("publicContent") or "E2E acceptance",
    incident_id=incident_id,
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

if config.get_bool("drill"):
    drill = incident_manager.Engagement(
        "drill",
        contact_id=contact_id,
        sender=sender,
        subject=config.get_secret("drillSubject") or "E2E acceptance drill",
        content=config.get_secret("drillContent") or "Acknowledge this page.",
        public_subject=config.get_secret("drillSubject") or "E2E acceptance drill",
        public_content=config.get_secret("drillContent") or "Acknowledge this page.",
        incident_id=incident_id,
    )
    expectation = incident_manager.AcknowledgementExpectation(
        "verdict", engagement_arn=drill.arn, within=config.get("within") or "60s", on_miss="record"
    )
    pulumi.export("drill_arn", drill.arn)
    pulumi.export("passed", expectation.passed)
    pulumi.export("verdict", expectation.verdict)
    pulumi.export("acknowledged_by", expectation.acknowledged_by)
    pulumi.export("deadline", expectation.deadline)
