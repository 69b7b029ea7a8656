"""The game-day drill of the README's main command: page the on-call escalation plan once, and judge the drill."""

import pulumi

import pulumi_incident_manager as incident_manager

config = pulumi.Config()

# The drill passes when someone acknowledges within `within` of the engagement's start (15 minutes unless the stack
# config says otherwise; `make demo` gives the offline endpoint's scaled minutes in real seconds). The engagement
# stops itself once that is decided (so later stages page nobody) and its state records the stop.
terms = incident_manager.StopWhen(within=config.get("within") or "15m")

drill = incident_manager.Engagement(
    "checkout-latency-drill",
    contact_id=config.require("contactId"),
    sender="gameday-bot",
    subject="[DRILL] Checkout p99 latency above SLO",
    content=(
        "Game-day drill. Checkout p99 latency is 2.3 s against an 800 ms SLO since 09:00 UTC. "
        "Acknowledge this page, then follow the runbook 'checkout-latency'."
    ),
    public_subject="[DRILL] checkout latency",
    public_content="Game-day drill: checkout latency above SLO. Acknowledge with the code in this message.",
    incident_id=config.get("incidentId") or "gameday-drill",
    stop_reason="Game-day drill finished",
    stop_when=terms,
)

verdict = incident_manager.AcknowledgementExpectation(
    "acknowledged-in-time", engagement_arn=drill.arn, **terms, on_miss=config.get("onMiss") or "fail"
)

pulumi.export("engagement_arn", drill.arn)
pulumi.export("drill_passed", verdict.passed)
pulumi.export("drill_verdict", verdict.verdict)
pulumi.export("contact_arn", drill.contact_arn)
pulumi.export("idempotency_token", drill.idempotency_token)
pulumi.export("start_time", drill.start_time)
pulumi.export("stop_time", drill.stop_time)
