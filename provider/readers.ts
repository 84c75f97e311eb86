// Program-side readers for programs that only want to look: every flow or ticket, all pages.
// They run in the Pulumi program (not the provider), with the same settings: stack config
// `jumpserver:*`, then the environment.
import * as pulumi from "@pulumi/pulumi";
import { LiveFlow, parseFlow } from "./api/flows";
import { parseTicket } from "./api/tickets";
import { JumpServerClient } from "./client/client";
import { resolveSettings } from "./settings";
import { inOrg, noOrgHeader } from "./client/orgScope";

function programClient(): JumpServerClient {
  // getConfig reads raw values (secrets included) without the SDK's "use getSecret" warning.
  const getConfig = (key: string) => pulumi.runtime.getConfig(key);
  return new JumpServerClient(resolveSettings(getConfig, process.env));
}

/** A flow as the server has it: rules in its write shape, sorted by level. */
export type TicketFlowSummary = Omit<LiveFlow, "raw" | "assigneesDisplay">;

/** The flows visible in an org (its own plus the global ones it has not overridden). */
export async function getTicketFlows(
  args: { orgId?: string; type?: string } = {},
): Promise<TicketFlowSummary[]> {
  const client = programClient();
  const orgId = args.orgId ?? client.settings.orgId;
  const rows = await client.list<Record<string, unknown>>("/api/v1/tickets/flows/", {
    query: { type: args.type },
    org: inOrg(orgId),
  });
  return rows.map((r) => {
    const { raw: _raw, assigneesDisplay: _display, ...summary } = parseFlow(r);
    return summary;
  });
}

export interface TicketSummary {
  id: string;
  title: string;
  serialNum: string;
  type: string;
  state: string;
  status: string;
  orgId: string;
  orgName: string;
  approvalStep: number;
  comment: string;
  /** Ids of the users who can act on the current step (empty once the ticket is closed). */
  currentApprovers: string[];
}

/**
 * Tickets related to the identity (applicant, approver or CC), all pages. `orgId` is filtered here,
 * not by the server (v3 ignores an org_id filter). `awaitingMyDecision` keeps the pending tickets
 * whose current level the identity may approve or reject (the UI's "to approve" list, asked with
 * `assignees__id`, and checked here against each ticket's current level).
 */
export async function getTickets(
  args: {
    state?: string;
    status?: string;
    type?: string;
    orgId?: string;
    title?: string;
    awaitingMyDecision?: boolean;
  } = {},
): Promise<TicketSummary[]> {
  const client = programClient();
  const me = args.awaitingMyDecision ? await client.profile() : undefined;
  const state = me ? "pending" : args.state;
  const rows = await client.list<Record<string, unknown>>("/api/v1/tickets/tickets/", {
    query: {
      state,
      status: args.status,
      type: args.type,
      title: args.title,
      assignees__id: me?.id,
    },
    org: noOrgHeader,
  });
  return rows
    .map((r) => {
      const t = parseTicket(r);
      const step = t.steps.find((s) => s.level === t.approvalStep);
      const open = t.state === "pending" && t.status !== "closed";
      const type =
        r.type && typeof r.type === "object"
          ? String((r.type as { value: unknown }).value)
          : String(r.type ?? "");
      return {
        id: t.id,
        title: t.title,
        serialNum: t.serialNum,
        type,
        state: t.state,
        status: t.status,
        orgId: t.orgId,
        orgName: t.orgName,
        approvalStep: t.approvalStep,
        comment: t.comment,
        currentApprovers: open && step ? step.assignees : [],
      };
    })
    .filter((t) => (args.orgId ? t.orgId === args.orgId : true))
    .filter((t) => (state ? t.state === state : true))
    .filter((t) => (me ? t.currentApprovers.includes(me.id) : true))
    .filter((t) => (args.title ? t.title.toLowerCase() === args.title.toLowerCase() : true));
}
