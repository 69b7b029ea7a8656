"""An engagement started elsewhere, looked up by ARN with Engagement.get."""

import pulumi

import pulumi_incident_manager as incident_manager

existing = incident_manager.Engagement.get("existing", pulumi.Config().require("engagementArn"))
pulumi.export("contact_arn", existing.contact_arn)
pulumi.export("sender", existing.sender)
pulumi.export("subject", existing.subject)
pulumi.export("start_time", existing.start_time)
