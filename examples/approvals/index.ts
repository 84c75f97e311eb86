// Reviews of access tickets, kept in Git. People ask for access in JumpServer's UI; the review of
// a ticket is a pull request that adds an entry to approvals.json (its serial number, the
// decision, for an approval the ask it reviewed, optionally a narrower grant). CI runs `pulumi
// preview` on the pull request, which prints the ticket's ask to pin as `reviewed` when it is
// missing, and refuses a grant wider than the ask; merging runs `pulumi up`, which approves
// (every level where the pipeline's identity is an approver) only if the ticket still asks
// exactly what was reviewed, or rejects it. Removing an approved entry revokes the access.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Grant, Reviewed, TicketApproval, getTickets } from "pulumi-jumpserver-tickets";

const config = new pulumi.Config();
/** The org the tickets are in; default the Default org, which every JumpServer has. */
const orgId = config.get("orgId") ?? "00000000-0000-0000-0000-000000000002";

/** One review, as a pull request adds it. */
interface Review {
  /** The ticket's serial number (as JumpServer shows it) or its id. */
  ticket: string;
  decision: "approve" | "reject";
  /** For an approval: the ask the review read (as `preview` prints it); `up` approves only that. */
  reviewed?: Reviewed;
  /** Grant less than asked: some of the assets, nodes, accounts, actions; an earlier end. */
  grant?: Grant;
  /** Removing the entry revokes the access it granted. Default true; false keeps it. */
  revokeOnDelete?: boolean;
}

// Keys are stable resource names: never reuse one for a different ticket.
const reviews = JSON.parse(
  fs.readFileSync(path.join(__dirname, "approvals.json"), "utf8"),
) as Record<string, Review>;

const approvals = Object.entries(reviews).map(
  ([key, r]) =>
    [
      key,
      new TicketApproval(key, {
        ticket: r.ticket,
        decision: r.decision,
        orgId,
        reviewed: r.reviewed,
        grant: r.grant,
        revokeOnDelete: r.revokeOnDelete,
      }),
    ] as const,
);

/** Per review: what the ticket asked for, and where it stands now. */
export const decided = Object.fromEntries(
  approvals.map(([key, a]) => [
    key,
    {
      serialNum: a.serialNum,
      title: a.title,
      applicant: a.applicant,
      asked: a.asked,
      state: a.state,
      approvalStep: a.approvalStep,
      waitingFor: a.currentApprovers,
      permissionId: a.permissionId,
    },
  ]),
);

/** The tickets waiting for the pipeline's decision when the program ran: the next reviews to write. */
export const awaitingReview = getTickets({ type: "apply_asset", awaitingMyDecision: true }).then(
  (tickets) => tickets.map((t) => `${t.serialNum} ${t.title}`),
);
