"""One engagement whose name, message (secret config), token, stop reason and twin the tests change between runs."""

import pulumi

import pulumi_incident_manager as incident_manager

config = pulumi.Config()
name = config.get("name") or "page"
former = config.get("formerName")


def engagement(resource_name: str) -> incident_manager.Engagement:
    return incident_manager.Engagement(
        resource_name,
        contact_id=config.require("contactId"),
        sender=config.get("sender") or "e2e-tests",
        subject=config.get_secret("subject") or pulumi.Output.secret("E2E-SECRET-SUBJECT"),
        content=config.get_secret("content") or pulumi.Output.secret("E2E-SECRET-CONTENT"),
        public_subject=config.get_secret("publicSubject"),
        idempotency_token=config.get("token"),
        stop_reason=config.get("stopReason"),
        opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name=former)] if former else None),
    )


page = engagement(name)
if config.get_bool("twin"):
    engagement(f"{name}-twin")
pulumi.export("arn", page.arn)
