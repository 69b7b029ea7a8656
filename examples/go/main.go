// The game-day drill of the README, in Go: page the on-call escalation plan once, as code, and record whether
// someone acknowledged in time.
package main

import (
	"example.com/pulumi-incident-manager/sdk/go/incidentmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		conf := config.New(ctx, "")
		subject := conf.Get("subject")
		if subject == "" {
			subject = "[DRILL] Checkout p99 latency above SLO"
		}
		within := conf.Get("within")
		if within == "" {
			within = "2m"
		}

		args := &incidentmanager.EngagementArgs{
			ContactId:     pulumi.String(conf.Require("contactId")), // a contact, escalation plan or on-call schedule ARN
			Sender:        pulumi.String("gameday-bot"),
			Subject:       pulumi.String(subject), // VOICE and EMAIL (secret)
			Content:       pulumi.String("Game-day drill. Acknowledge this page, then follow the runbook 'checkout-latency'."),
			PublicSubject: pulumi.String("[DRILL] checkout latency"), // SMS (secret)
			PublicContent: pulumi.String("Game-day drill: acknowledge with the code in this message."),
			IncidentId:    pulumi.String("gameday-go"),
			StopReason:    pulumi.String("Game-day drill finished"), // used by `pulumi destroy`
		}
		if run := conf.Get("run"); run != "" {
			args.Run = pulumi.String(run) // a new value pages again
		}
		drill, err := incidentmanager.NewEngagement(ctx, "checkout-latency-drill", args)
		if err != nil {
			return err
		}

		// The drill passes when anyone paged acknowledges within `within`; `record` keeps a miss from failing the up.
		expectation, err := incidentmanager.NewAcknowledgementExpectation(ctx, "acknowledged-in-time",
			&incidentmanager.AcknowledgementExpectationArgs{
				EngagementArn: drill.Arn,
				Within:        pulumi.String(within),
				OnMiss:        pulumi.String("record"),
			})
		if err != nil {
			return err
		}

		ctx.Export("engagementArn", drill.Arn)
		ctx.Export("idempotencyToken", drill.IdempotencyToken)
		ctx.Export("passed", expectation.Passed)
		ctx.Export("verdict", expectation.Verdict)
		return nil
	})
}
