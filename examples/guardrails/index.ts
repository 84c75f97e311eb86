// Guardrails: the platform team's limits live in Pulumi.yaml (project config, so every stack
// gets them): at most 14 days of access, a comment on every ticket, only connect and download,
// and flows with at least two levels. `pulumi preview` refuses a program that breaks them, naming
// the resource, the property, the rule and its limit, before anything reaches JumpServer.
// An exception is written here, in the program, where review sees it (`guardrails: {…}`).
import * as pulumi from "@pulumi/pulumi";
import { AssetAccessTicket, TicketFlow } from "pulumi-jumpserver-tickets";

// Both tickets' windows are days after one configured start (a real program writes fixed dates);
// never "now": an input that changes on every run would replace the ticket on every `pulumi up`.
const accessFrom = new pulumi.Config().get("accessFrom");
if (!accessFrom || Number.isNaN(Date.parse(accessFrom))) {
  throw new pulumi.RunError(
    'set the first ticket\'s start, a fixed date: pulumi config set accessFrom "$(date -u -d tomorrow +%Y-%m-%dT08:00:00Z)"',
  );
}
/** `days` after accessFrom, as ISO-8601 UTC. */
const after = (days: number) =>
  new Date(Date.parse(accessFrom) + days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");

/** The Default org's id; every JumpServer has it. */
const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";

// Two levels, as jumpserver:minApprovalLevels asks: a system administrator, then two named
// people (with one named person alone, JumpServer would let that person approve their own
// tickets). A rule that lets anyone in the org approve, such as `{ users: { type: "all" } }`, is
// refused unless it also says `allowAnyApprover: true`.
const flow = new TicketFlow("apply-asset-default-org", {
  orgId: DEFAULT_ORG,
  rules: [{ strategy: "super_admin" }, { users: { type: "ids", ids: ["approver", "admin"] } }],
});

// Within every limit: a week, connect only, and a reason.
const incident = new AssetAccessTicket(
  "requester-db-01-incident-4521",
  {
    title: "requester: read-only access to db-01",
    comment: "incident 4521: slow queries on the orders table",
    orgId: DEFAULT_ORG,
    applicant: "requester", // on the requester's behalf: the pipeline never approves its own ticket
    assets: ["db-01"],
    accounts: ["@SPEC", "readonly"],
    actions: ["connect"],
    dateStart: after(0),
    dateExpired: after(7),
    approve: true,
  },
  { dependsOn: [flow] },
);

// The exception: a six-week migration, longer than the stack's 14 days. Without `guardrails`,
// preview fails: "dateExpired: 42 days of access is longer than jumpserver:maxAccessDays (14)".
const migration = new AssetAccessTicket(
  "requester-web-02-migration",
  {
    title: "requester: migrate web-02",
    comment: "CHG-2291: move web-02 to the new cluster",
    orgId: DEFAULT_ORG,
    applicant: "requester",
    assets: ["web-02"],
    actions: ["connect", "download"],
    dateStart: after(28),
    dateExpired: after(70),
    guardrails: { maxAccessDays: 42 },
  },
  { dependsOn: [flow] },
);

export const flowId = flow.flowId;
export const incidentState = incident.state;
export const migrationState = migration.state;
