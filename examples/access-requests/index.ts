// A platform team's JumpServer access program. The approval flow of the Default org is kept here,
// and every access request is one entry of `requests` below: a pull request adds an entry, CI runs
// `pulumi preview` on it, and merging runs `pulumi up`, which opens the ticket in JumpServer on
// behalf of the requester and approves the levels the pipeline's identity may approve. Deleting an
// entry closes the ticket, or revokes the access if it was granted.
import * as pulumi from "@pulumi/pulumi";
import { AssetAccessTicket, TicketFlow } from "pulumi-jumpserver-tickets";

const config = new pulumi.Config();
/** The Default org's id; every JumpServer has it. */
const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";
/**
 * The people who give the final approval (JumpServer usernames or user ids), any one of them.
 * At least two: JumpServer lets a level's only approver approve their own tickets, so
 * `jumpserver:forbidSelfApproval` (on by default) refuses a level that names one person.
 */
const finalApprovers = config.getObject<string[]>("finalApprovers") ?? ["approver", "orgadmin"];

// The requests below are fixed dates in a real program. Here they are days after one configured
// start, so the example works whenever it is run; never compute them from "now": an input that
// changes on every run would replace the ticket on every `pulumi up`.
const accessFrom = config.get("accessFrom");
if (!accessFrom || Number.isNaN(Date.parse(accessFrom))) {
  throw new pulumi.RunError(
    'set the first request\'s start, a fixed date: pulumi config set accessFrom "$(date -u -d tomorrow +%Y-%m-%dT08:00:00Z)"',
  );
}
/** `days` (and `hours`) after accessFrom, as ISO-8601 UTC. */
const after = (days: number, hours = 0) =>
  new Date(Date.parse(accessFrom) + days * 86_400_000 + hours * 3_600_000)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z");

// Who approves access requests in the Default org: first a system administrator (the pipeline's
// own identity is one, so it approves this level itself), then one of the named people, in
// JumpServer. A requester who is one of them never approves their own ticket: JumpServer leaves
// that level to the others.
const flow = new TicketFlow("apply-asset-default-org", {
  orgId: DEFAULT_ORG,
  rules: [{ strategy: "super_admin" }, { strategy: "custom_user", assignees: finalApprovers }],
});

/** One access request, as a pull request adds it. */
interface AccessRequest {
  /** JumpServer username of the person who needs access; the ticket is opened on their behalf. */
  requester: string;
  /** Why the access is needed; becomes the ticket title that approvers read. */
  reason: string;
  /** Asset names (or ids) in the Default org. */
  assets?: string[];
  /** Node values such as "probe-servers" (or full values, or ids): every asset under them. */
  nodes?: string[];
  /** Default ["@ALL"]; "@SPEC" followed by account names grants only those. */
  accounts?: string[];
  /** Default ["all"]; connect, upload, download, copy, paste, delete, share. */
  actions?: string[];
  /** ISO-8601; without a zone, UTC. */
  from: string;
  until: string;
  /** Approve the levels the pipeline may approve. Default true; false only opens the ticket. */
  approve?: boolean;
}

// Keys are stable resource names: never reuse one for a different request.
const requests: Record<string, AccessRequest> = {
  "requester-db-01-incident-4521": {
    requester: "requester",
    reason: "read-only access to db-01 for incident 4521",
    assets: ["db-01"],
    accounts: ["@SPEC", "readonly"],
    actions: ["connect", "download_file"], // older names are accepted and mapped
    from: after(0),
    until: after(7),
  },
  "requester-probe-servers-rollout": {
    requester: "requester",
    reason: "deploy the probe agent on the probe servers",
    nodes: ["probe-servers"],
    actions: ["connect", "upload"],
    from: after(0),
    until: after(1),
  },
  "approver-web-02-audit": {
    requester: "approver",
    reason: "quarterly audit of web-02",
    assets: ["web-02"],
    actions: ["connect"],
    from: after(10, 16),
    until: after(11, 16),
    approve: false, // opened only: the approvers decide in JumpServer
  },
};

const tickets = Object.entries(requests).map(
  ([key, r]) =>
    [
      key,
      new AssetAccessTicket(
        key,
        {
          title: `${r.requester}: ${r.reason}`,
          orgId: DEFAULT_ORG,
          applicant: r.requester,
          assets: r.assets,
          nodes: r.nodes,
          accounts: r.accounts,
          actions: r.actions,
          dateStart: r.from,
          dateExpired: r.until,
          approve: r.approve ?? true,
        },
        // Open tickets only once the flow above governs the org.
        { dependsOn: [flow] },
      ),
    ] as const,
);

export const flowId = flow.flowId;
export const approvalLevels = flow.approvalLevel;
/** Per request: the JumpServer serial number, where the ticket stands, and who must act next. */
export const accessRequests = Object.fromEntries(
  tickets.map(([key, t]) => [
    key,
    {
      serialNum: t.serialNum,
      state: t.state,
      approvalStep: t.approvalStep,
      waitingFor: t.currentApprovers,
      permissionId: t.permissionId,
    },
  ]),
);
