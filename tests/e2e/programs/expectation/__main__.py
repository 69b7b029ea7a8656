"""A drill with a verdict: engage a contact, expect an acknowledgement within `within`, export the verdict."""

import pulumi

import pulumi_incident_manager as incident_manager

config = pulumi.Config()
drill = incident_manager.Engagement(
    "drill",
    contact_id=config.require("contactId"),
    sender="e2e-tests",
    subject="[DRILL] E2E expectation",
    content="Acknowledge this page.",
    public_subject="[DRILL] E2E",
    public_content="Acknowledge.",
    incident_id="e2e-drill",
    run=config.get("run"),
)
expectation = incident_manager.AcknowledgementExpectation(
    "acknowledged-in-time",
    engagement_arn=drill.arn,
    within=config.get("within") or "6s",
    by=config.get_object("by"),
    channels=config.get_object("channels"),
    on_miss=config.get("onMiss") or "fail",
)
pulumi.export("passed", expectation.passed)
pulumi.export("verdict", expectation.verdict)
pulumi.export("acknowledged_by", expectation.acknowledged_by)
pulumi.export("deadline", expectation.deadline)
