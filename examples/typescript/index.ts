// The game-day drill of the README, in TypeScript: page the on-call escalation plan once, as code.
import * as pulumi from "@pulumi/pulumi";
import * as incidentManager from "@incident-manager/pulumi";

const config = new pulumi.Config();

const drill = new incidentManager.Engagement("checkout-latency-drill", {
    contactId: config.require("contactId"), // a contact, escalation plan or on-call schedule ARN
    sender: "gameday-bot",
    subject: config.get("subject") ?? "[DRILL] Checkout p99 latency above SLO", // VOICE and EMAIL (secret)
    content: "Game-day drill. Acknowledge this page, then follow the runbook 'checkout-latency'.",
    publicSubject: "[DRILL] checkout latency", // SMS (secret)
    publicContent: "Game-day drill: acknowledge with the code in this message.",
    incidentId: "gameday-typescript",
    stopReason: "Game-day drill finished", // used by `pulumi destroy`
    run: config.get("run"), // a new value pages again
});

export const engagementArn = drill.arn;
export const idempotencyToken = drill.idempotencyToken;
