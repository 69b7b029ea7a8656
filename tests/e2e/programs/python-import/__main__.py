"""An engagement started elsewhere, adopted with the `import_` resource option: stated as it was started."""

import pulumi

import pulumi_incident_manager as incident_manager

config = pulumi.Config()
adopted = incident_manager.Engagement(
    "adopted",
    contact_id=config.require("contactId"),
    sender="console",
    subject=config.require_secret("subject"),
    content=config.require_secret("content"),
    public_subject=config.require_secret("publicSubject"),
    public_content=config.require_secret("publicContent"),
    incident_id="inc-42",
    opts=pulumi.ResourceOptions(import_=config.get("engagementArn")),
)
pulumi.export("arn", adopted.arn)
