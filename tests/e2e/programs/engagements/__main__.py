"""Several engagements of one contact; config changes one engagement's content or run to test replacements."""

import pulumi

import pulumi_incident_manager as incident_manager

config = pulumi.Config()
contact_id = config.require("contactId")
engagements = [
    incident_manager.Engagement(
        f"page-{index}",
        contact_id=contact_id,
        sender=config.get("sender") or "e2e-tests",
        subject=f"E2E-SECRET-SUBJECT-{index}",
        content=config.get(f"content{index}") or f"E2E-SECRET-CONTENT-{index}",
        public_subject=f"E2E-SECRET-PUBLIC-SUBJECT-{index}",
        public_content=f"E2E-SECRET-PUBLIC-CONTENT-{index}",
        incident_id="e2e-drill",
        run=config.get(f"run{index}"),
    )
    for index in range(config.get_int("count") or 3)
]
pulumi.export("arns", [engagement.arn for engagement in engagements])
pulumi.export("tokens", [engagement.idempotency_token for engagement in engagements])
