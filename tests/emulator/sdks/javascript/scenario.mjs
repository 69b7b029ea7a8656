// One engagement's life through the AWS SDK for JavaScript v3, unchanged, pointed at the endpoint only by the
// standard environment (AWS_ENDPOINT_URL_SSM_CONTACTS, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
// Prints what the SDK parsed as one JSON document, for tests/emulator/test_other_sdks.py to compare.
import {
  SSMContactsClient,
  AcceptPageCommand,
  CreateRotationCommand,
  DescribeEngagementCommand,
  ListRotationShiftsCommand,
  StartEngagementCommand,
  StopEngagementCommand,
  paginateListContacts,
  paginateListPagesByEngagement,
} from "@aws-sdk/client-ssm-contacts";

const client = new SSMContactsClient({});
const [contactArn, aliceArn, bobArn] = process.argv.slice(2);

async function failure(command) {
  try {
    await client.send(command);
    return null;
  } catch (error) {
    return { name: error.name, status: error.$metadata?.httpStatusCode, message: error.message };
  }
}

const aliases = [];
for await (const page of paginateListContacts({ client, pageSize: 1 }, {})) {
  aliases.push(...page.Contacts.map((contact) => contact.Alias));
}

const start = {
  ContactId: contactArn, Sender: "javascript-sdk", Subject: "JS drill", Content: "from the JavaScript SDK",
  IdempotencyToken: "javascript-sdk-drill-1",
};
const { EngagementArn: arn } = await client.send(new StartEngagementCommand(start));
const again = await client.send(new StartEngagementCommand(start));
const described = await client.send(new DescribeEngagementCommand({ EngagementId: arn }));

const pages = [];
for await (const page of paginateListPagesByEngagement({ client, pageSize: 1 }, { EngagementId: arn })) {
  pages.push(...page.Pages);
}
const accepted = await client.send(new AcceptPageCommand({
  PageId: pages[0].PageArn, AcceptType: "READ", AcceptCode: "000000", AcceptCodeValidation: "IGNORE",
  Note: "acknowledged from JavaScript",
}));

const rotationStart = new Date("2026-11-23T09:00:00Z");
const { RotationArn: rotationArn } = await client.send(new CreateRotationCommand({
  Name: "javascript-weekly", ContactIds: [aliceArn, bobArn], StartTime: rotationStart, TimeZoneId: "Europe/London",
  Recurrence: { NumberOfOnCalls: 1, RecurrenceMultiplier: 1, WeeklySettings: [
    { DayOfWeek: "MON", HandOffTime: { HourOfDay: 9, MinuteOfHour: 0 } },
  ] },
}));
const { RotationShifts: shifts } = await client.send(new ListRotationShiftsCommand({
  RotationId: rotationArn, StartTime: rotationStart, EndTime: new Date("2026-12-07T09:00:00Z"),
}));
await client.send(new StopEngagementCommand({ EngagementId: arn, Reason: "drill over" }));
const stopped = await client.send(new DescribeEngagementCommand({ EngagementId: arn }));

console.log(JSON.stringify({
  aliases,
  arn,
  idempotent: again.EngagementArn === arn,
  described: {
    contactArn: described.ContactArn, sender: described.Sender, subject: described.Subject,
    startTimeIsDate: described.StartTime instanceof Date, startTime: described.StartTime.toISOString(),
  },
  pages: pages.map((page) => ({ arn: page.PageArn, contactArn: page.ContactArn, sentIsDate: page.SentTime instanceof Date })),
  acceptStatus: accepted.$metadata.httpStatusCode,
  shifts: shifts.map((shift) => ({
    contactIds: shift.ContactIds, start: shift.StartTime.toISOString(), end: shift.EndTime.toISOString(),
    type: shift.Type,
  })),
  stopTime: stopped.StopTime?.toISOString() ?? null,
  missing: await failure(new DescribeEngagementCommand({ EngagementId: `${arn.slice(0, -36)}00000000-0000-4000-8000-000000000000` })),
  invalid: await failure(new StartEngagementCommand({ ...start, Subject: "s".repeat(2049), IdempotencyToken: undefined })),
}));
