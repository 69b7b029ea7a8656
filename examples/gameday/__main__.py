"""A game-day drill defined in stack config (see Pulumi.drill.yaml): `pulumi up` pages, `pulumi destroy` stops.

The program only translates the config: every engagement gets the drill marker in front of its subjects and the
drill's identifier as incident_id; every acknowledgement becomes a PageAcceptance of the page the named person got.
What the pages say is secret config (`messages`, one entry per engagement), so it is encrypted in Pulumi.drill.yaml
as it is in state. `pulumi preview` says who each engagement would page, stage by stage, before anyone is.
"""

from typing import Any

import pulumi

import pulumi_incident_manager as incident_manager

config = pulumi.Config()
drill: dict[str, Any] = config.require_object("drill")
messages: pulumi.Output[dict[str, Any]] = config.require_secret_object("messages")
marker: str = drill.get("marker", "[DRILL]")


def marked(text: str | None) -> str | None:
    if text is None or text.startswith(marker):
        return text
    return f"{marker} {text}"


def message(engagement: str, field: str, *, mark: bool = False) -> pulumi.Output[str | None]:
    """One field of an engagement's message, from the secret config (still secret)."""
    text = messages.apply(lambda all_messages: all_messages[engagement].get(field))
    return text.apply(marked) if mark else text


def announce(engagement: str, contact: str) -> None:
    """Log who ``engagement`` would page (read calls only); a contact that cannot be read is only a warning."""
    try:
        plan = incident_manager.who_would_be_paged(contact)
    except incident_manager.IncidentManagerError as error:
        pulumi.log.warn(f"{engagement}: cannot tell who would be paged: {error}")
        return
    pulumi.log.info(f"{engagement}: {plan.to_text()}")


def terms(spec: dict[str, Any]) -> incident_manager.StopWhen:
    """An engagement's `expect`, as the terms its verdict and its stop share."""
    expect = spec["expect"]
    return incident_manager.StopWhen(within=expect["within"], by=expect.get("by"), channels=expect.get("channels"))


# The verdict: an engagement's `expect` says within how long, and by whom, an acknowledgement must come. Offline,
# simulated responders of the endpoint answer (`make gameday`); against AWS, real people do. Unless `stopEngagement`
# is false, the engagement stops itself once the drill is decided (so later stages page nobody), and `pulumi up`
# records the stop in its state. An engagement acknowledged from code (below) is not stopped so: its PageAcceptance
# needs the engagement's ARN, so it could only acknowledge after the wait had ended.
acknowledged_from_code = {ack["engagement"] for ack in drill.get("acknowledgements", [])}
engagements: dict[str, incident_manager.Engagement] = {}
for spec in drill["engagements"]:
    if pulumi.runtime.is_dry_run():
        announce(spec["name"], spec["contact"])
    stops = ("expect" in spec and spec["expect"].get("stopEngagement", True)
             and spec["name"] not in acknowledged_from_code)
    engagements[spec["name"]] = incident_manager.Engagement(
        spec["name"],
        contact_id=spec["contact"],
        sender=drill["sender"],
        subject=message(spec["name"], "subject", mark=True),
        content=message(spec["name"], "content"),
        public_subject=message(spec["name"], "publicSubject", mark=True),
        public_content=message(spec["name"], "publicContent"),
        incident_id=drill["incidentId"],
        run=drill.get("run"),
        stop_reason=f"Game-day drill {drill['incidentId']} finished",
        stop_when=terms(spec) if stops else None,
    )


def page_of(pages: list[incident_manager.Page], alias: str, engagement: str) -> str:
    """The page ``alias`` got. Later escalation stages page later: acknowledge them in a later `pulumi up`."""
    for page in pages:
        if page.contact_arn.endswith(f":contact/{alias}"):
            return page.page_arn
    raise pulumi.RunError(
        f"acknowledgement by {alias}: engagement {engagement} has not paged {alias} (yet); paged so far: "
        f"{', '.join(sorted({page.contact_arn.rsplit('/', 1)[-1] for page in pages})) or 'no one'}."
    )


verdicts: dict[str, incident_manager.AcknowledgementExpectation] = {}
for spec in drill["engagements"]:
    if "expect" in spec:
        verdicts[spec["name"]] = incident_manager.AcknowledgementExpectation(
            f"{spec['name']}-acknowledged",
            engagement_arn=engagements[spec["name"]].arn,
            **terms(spec),
            on_miss=spec["expect"].get("onMiss", "fail"),
        )

# Acknowledgements from code, for drills without simulated responders (the page's code is not known here).
for ack in drill.get("acknowledgements", []):
    name, alias = ack["engagement"], ack["by"]
    incident_manager.PageAcceptance(
        f"{name}-{alias}",
        page_id=incident_manager.list_pages_output(engagements[name].arn).apply(
            lambda pages, alias=alias, name=name: page_of(pages, alias, name)
        ),
        # Only the person's phone knows the code: a simulated responder acknowledges without it.
        accept_code=ack.get("acceptCode", "000000"),
        accept_code_validation="ENFORCE" if "acceptCode" in ack else "IGNORE",
        accept_type=ack.get("type", "READ"),
        note=ack.get("note"),
    )

pulumi.export("engagements", {name: engagement.arn for name, engagement in engagements.items()})
pulumi.export("verdicts", {name: verdict.verdict for name, verdict in verdicts.items()})
