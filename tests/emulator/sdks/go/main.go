// One engagement's life through the AWS SDK for Go v2, unchanged, pointed at the endpoint only by the standard
// environment (AWS_ENDPOINT_URL_SSM_CONTACTS, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). Prints what the
// SDK parsed as one JSON document, for tests/emulator/test_other_sdks.py to compare.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ssmcontacts"
	"github.com/aws/aws-sdk-go-v2/service/ssmcontacts/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

type failure struct {
	Code    string `json:"name"`
	Status  int    `json:"status"`
	Message string `json:"message"`
}

func failed(err error) *failure {
	if err == nil {
		return nil
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		log.Fatalf("not an API error: %v", err)
	}
	result := &failure{Code: apiErr.ErrorCode(), Message: apiErr.ErrorMessage()}
	var httpErr *awshttp.ResponseError
	if errors.As(err, &httpErr) {
		result.Status = httpErr.HTTPStatusCode()
	}
	return result
}

func must[T any](value T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return value
}

func main() {
	ctx := context.Background()
	client := ssmcontacts.NewFromConfig(must(config.LoadDefaultConfig(ctx)))
	contactArn, aliceArn, bobArn := os.Args[1], os.Args[2], os.Args[3]

	var aliases []string
	contacts := ssmcontacts.NewListContactsPaginator(client, &ssmcontacts.ListContactsInput{MaxResults: aws.Int32(1)})
	for contacts.HasMorePages() {
		for _, contact := range must(contacts.NextPage(ctx)).Contacts {
			aliases = append(aliases, *contact.Alias)
		}
	}

	start := &ssmcontacts.StartEngagementInput{
		ContactId: &contactArn, Sender: aws.String("go-sdk"), Subject: aws.String("Go drill"),
		Content: aws.String("from the Go SDK"), IdempotencyToken: aws.String("go-sdk-drill-1"),
	}
	arn := *must(client.StartEngagement(ctx, start)).EngagementArn
	again := *must(client.StartEngagement(ctx, start)).EngagementArn
	described := must(client.DescribeEngagement(ctx, &ssmcontacts.DescribeEngagementInput{EngagementId: &arn}))

	type page struct {
		Arn        string `json:"arn"`
		ContactArn string `json:"contactArn"`
		SentIsSet  bool   `json:"sentIsDate"`
	}
	var pages []page
	paginator := ssmcontacts.NewListPagesByEngagementPaginator(client,
		&ssmcontacts.ListPagesByEngagementInput{EngagementId: &arn, MaxResults: aws.Int32(1)})
	for paginator.HasMorePages() {
		for _, p := range must(paginator.NextPage(ctx)).Pages {
			pages = append(pages, page{*p.PageArn, *p.ContactArn, p.SentTime != nil && !p.SentTime.IsZero()})
		}
	}
	accepted := 0
	must(client.AcceptPage(ctx, &ssmcontacts.AcceptPageInput{
		PageId: &pages[0].Arn, AcceptType: types.AcceptTypeRead, AcceptCode: aws.String("000000"),
		AcceptCodeValidation: types.AcceptCodeValidationIgnore, Note: aws.String("acknowledged from Go"),
	}, func(options *ssmcontacts.Options) {
		options.APIOptions = append(options.APIOptions, func(stack *middleware.Stack) error {
			return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("status",
				func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
					middleware.DeserializeOutput, middleware.Metadata, error) {
					out, metadata, err := next.HandleDeserialize(ctx, in)
					if response, ok := out.RawResponse.(*smithyhttp.Response); ok {
						accepted = response.StatusCode
					}
					return out, metadata, err
				}), middleware.After)
		})
	}))

	rotationStart := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	rotation := must(client.CreateRotation(ctx, &ssmcontacts.CreateRotationInput{
		Name: aws.String("go-weekly"), ContactIds: []string{aliceArn, bobArn}, StartTime: &rotationStart,
		TimeZoneId: aws.String("Europe/London"),
		Recurrence: &types.RecurrenceSettings{
			NumberOfOnCalls: aws.Int32(1), RecurrenceMultiplier: aws.Int32(1),
			WeeklySettings: []types.WeeklySetting{{
				DayOfWeek: types.DayOfWeekMon, HandOffTime: &types.HandOffTime{HourOfDay: 9, MinuteOfHour: 0},
			}},
		},
	}))
	type shift struct {
		ContactIds []string `json:"contactIds"`
		Start      string   `json:"start"`
		End        string   `json:"end"`
		Type       string   `json:"type"`
	}
	var shifts []shift
	for _, s := range must(client.ListRotationShifts(ctx, &ssmcontacts.ListRotationShiftsInput{
		RotationId: rotation.RotationArn, StartTime: &rotationStart,
		EndTime: aws.Time(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)),
	})).RotationShifts {
		shifts = append(shifts, shift{s.ContactIds, s.StartTime.UTC().Format(time.RFC3339),
			s.EndTime.UTC().Format(time.RFC3339), string(s.Type)})
	}
	must(client.StopEngagement(ctx, &ssmcontacts.StopEngagementInput{EngagementId: &arn, Reason: aws.String("drill over")}))
	stopped := must(client.DescribeEngagement(ctx, &ssmcontacts.DescribeEngagementInput{EngagementId: &arn}))

	_, missing := client.DescribeEngagement(ctx, &ssmcontacts.DescribeEngagementInput{
		EngagementId: aws.String(arn[:len(arn)-36] + "00000000-0000-4000-8000-000000000000")})
	invalid := *start
	invalid.Subject, invalid.IdempotencyToken = aws.String(strings.Repeat("s", 2049)), nil
	_, invalidErr := client.StartEngagement(ctx, &invalid)

	out := map[string]any{
		"aliases":    aliases,
		"arn":        arn,
		"idempotent": again == arn,
		"described": map[string]any{
			"contactArn": *described.ContactArn, "sender": *described.Sender, "subject": *described.Subject,
			"startTimeIsDate": described.StartTime != nil, "startTime": described.StartTime.UTC().Format(time.RFC3339Nano),
		},
		"pages":        pages,
		"acceptStatus": accepted,
		"shifts":       shifts,
		"stopTime":     stopped.StopTime.UTC().Format(time.RFC3339Nano),
		"missing":      failed(missing),
		"invalid":      failed(invalidErr),
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		log.Fatal(err)
	}
}
