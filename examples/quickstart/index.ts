// Quickstart: the Default org's approval flow, and one access request approved by the pipeline.
// The pipeline's identity (stack config `jumpserver:*`) must be a system administrator: it manages
// flows, opens the ticket on the requester's behalf, and, being a system admin, is the approver
// of the flow's only level, so `approve: true` grants the access in the same `pulumi up`.
import * as pulumi from "@pulumi/pulumi";
import { AssetAccessTicket, TicketFlow } from "pulumi-jumpserver-tickets";

const config = new pulumi.Config();
/** The Default org's id; every JumpServer has it. */
const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";

// Adopts the flow that governs apply-asset tickets in the Default org; `pulumi destroy` writes
// its previous rules back (JumpServer cannot delete flows).
const flow = new TicketFlow("default-org-access", {
  orgId: DEFAULT_ORG,
  rules: [{ strategy: "super_admin" }], // one level: the system administrators
});

// The access window comes from stack config, never from "now + 7 days": an input that changes on
// every run would replace the ticket on every `pulumi up`. `accessUntil` defaults to a week on.
const accessFrom = config.get("accessFrom");
if (!accessFrom || Number.isNaN(Date.parse(accessFrom))) {
  throw new pulumi.RunError(
    'set the access window\'s start, a fixed date: pulumi config set accessFrom "$(date -u -d tomorrow +%Y-%m-%dT08:00:00Z)"',
  );
}
const accessUntil =
  config.get("accessUntil") ??
  new Date(Date.parse(accessFrom) + 7 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
const ticket = new AssetAccessTicket(
  "requester-web-01",
  {
    title: "requester: maintenance on web-01",
    orgId: DEFAULT_ORG,
    applicant: "requester",
    assets: ["web-01"],
    actions: ["connect", "upload", "download"],
    dateStart: accessFrom,
    dateExpired: accessUntil,
    approve: true,
  },
  // Open the ticket only once the flow above governs the org.
  { dependsOn: [flow] },
);

export const flowId = flow.flowId;
export const serialNum = ticket.serialNum;
/** "approved" once the pipeline has approved the only level. */
export const state = ticket.state;
/** The asset permission the approval created (JumpServer gives it the ticket's id). */
export const permissionId = ticket.permissionId;
