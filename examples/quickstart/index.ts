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

// Fixed dates, not "now + 7 days": an input that changes on every run would replace the ticket
// on every `pulumi up`. Override them with `pulumi config set accessFrom …`.
const ticket = new AssetAccessTicket(
  "requester-web-01",
  {
    title: "requester: maintenance on web-01",
    orgId: DEFAULT_ORG,
    applicant: "requester",
    assets: ["web-01"],
    actions: ["connect", "upload", "download"],
    dateStart: config.get("accessFrom") ?? "2027-01-04T08:00:00Z",
    dateExpired: config.get("accessUntil") ?? "2027-01-11T08:00:00Z",
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
