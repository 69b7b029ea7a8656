"""A drill with a verdict: engage a contact, expect an acknowledgement within `within`, export the verdict.

With `stopWhen` set, the Engagement carries the same terms and stops itself once the drill is decided."""

import pulumi

import pulumi_incident_manager as incident_manager

config = pulumi.Config()
terms = incident_manager.StopWhen(
    within=config.get("within") or "6s", by=config.get_object("by"), channels=config.get_object("channels")
)
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
    stop_when=terms if config.get_bool("stopWhen") else None,
)
expectation = incident_manager.AcknowledgementExpectation(
    "acknowledged-in-time",
    engagement_arn=drill.arn,
    **terms,
    on_miss=config.get("onMiss") or "fail",
    stop_engagement=config.get_bool("stopEngagement"),
)
pulumi.export("passed", expectation.passed)
pulumi.export("verdict", expectation.verdict)
pulumi.export("acknowledged_by", expectation.acknowledged_by)
pulumi.export("deadline", expectation.deadline)
pulumi.export("stop_time", drill.stop_time)
