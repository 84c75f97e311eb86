// The ticket rules the routes used to hold (moto's backend): which flow an open falls under, the
// other orgs' assets an open or approval drops silently, what the final approval needs, and the
// ticket list's filter set. Routes parse the request into these inputs, call, and render.
import { ApiError } from "../errors";
import type { Model } from "./model";
import type { FlowRec, TicketRec } from "./state";
import { findOrg } from "./users";

/**
 * The flow an open in `orgId` falls under: the one named by `flow_id` (v4.10.19+), else the only
 * apply-asset flow the org sees (with several, v4.10.19 asks which).
 */
export function chooseFlow(m: Model, orgId: string, flowId: string | undefined): FlowRec {
  const p = m.profile;
  const candidates = m.visibleFlows(orgId).filter((f) => f.type === "apply_asset");
  if (p.namedFlows && flowId) {
    const chosen = candidates.find((f) => f.id === flowId.toLowerCase());
    if (!chosen) throw new ApiError(400, { flow_id: [p.messages.wrongFlow] });
    return chosen;
  }
  if (candidates.length === 0)
    throw new ApiError(400, { non_field_errors: ["The ticket flow `apply_asset` does not exist"] });
  if (p.namedFlows && candidates.length > 1)
    throw new ApiError(400, { flow_id: [p.messages.noFlowSelected] });
  return candidates[0];
}

/** Assets and nodes of other orgs are dropped silently (filter_many_to_many_field). */
export function inOrg(
  m: Model,
  ids: string[] | undefined,
  kind: "assets" | "nodes",
  orgId: string,
): string[] | undefined {
  if (ids === undefined) return undefined;
  const known = kind === "assets" ? m.state.assets : m.state.nodes;
  return ids.filter((id) => known.find((o) => o.id === id)?.orgId === orgId);
}

/** Dates compare at second resolution; equal is refused too. */
export function checkDateOrder(
  m: Model,
  start: number | null | undefined,
  end: number | null | undefined,
): void {
  if (typeof start === "number" && typeof end === "number" && end <= start)
    throw new ApiError(400, { apply_date_expired: [m.profile.messages.dateOrder] });
}

/** Is this approval the ticket's last? Then the grant needs accounts, and assets or nodes. */
export function isFinalStep(t: TicketRec): boolean {
  return t.approvalStep >= t.steps.length;
}

/** The final approval's rule on assets and nodes (after other orgs' are dropped). */
export function checkFinalGrant(
  t: TicketRec,
  assets: string[] | undefined,
  nodes: string[] | undefined,
): void {
  if (isFinalStep(t) && !(assets && assets.length) && !(nodes && nodes.length)) {
    const msg = ["Select at least one asset or node"];
    throw new ApiError(400, { apply_nodes: msg, apply_assets: msg });
  }
}

/** The ticket list's filters, as the route read them from the query string. */
export interface TicketQuery {
  id?: string;
  type?: string;
  title?: string;
  serialNum?: string;
  /** "all" keeps every state. */
  state?: string;
  status?: string;
  applicant?: string;
  orgId?: string;
  orgIdIn?: string[];
  assignee?: string;
  orgName?: string;
  /** Created within the last N days (`days`), or before that (`days__lt`); NaN matches nothing. */
  days?: number;
  daysLt?: number;
  applicantUsernameName?: string;
}

const TICKET_TYPES = ["apply_asset", "general", "login_confirm", "command_confirm"];

/**
 * The tickets `userId` is related to that match the query. Before v4.10.19 the typed lists only
 * filter by id (`typedList`); v3 has no org or days filters.
 */
export function findTickets(
  m: Model,
  userId: string,
  q: TicketQuery,
  typedList: boolean,
): TicketRec[] {
  const p = m.profile;
  let items = m.state.tickets.filter((t) => m.isRelated(t, userId));
  const eq = (want: string | undefined, get: (t: TicketRec) => string, ci = false) => {
    if (want === undefined || want === "") return;
    items = items.filter((t) =>
      ci ? get(t).toLowerCase() === want.toLowerCase() : get(t) === want,
    );
  };
  eq(q.id, (t) => t.id);
  if (typedList && !p.namedFlows) return items;
  if (q.type && ![...TICKET_TYPES, "login_asset_confirm"].includes(q.type))
    throw new ApiError(400, {
      type: [`Select a valid choice. ${q.type} is not one of the available choices.`],
    });
  eq(q.type, (t) => t.type);
  eq(q.title, (t) => t.title, p.namedFlows);
  eq(q.serialNum, (t) => t.serialNum);
  if (q.state !== "all") eq(q.state, (t) => t.state);
  eq(q.status, (t) => t.status);
  eq(q.applicant, (t) => t.applicantId);
  if (p.version !== "v3.10.23") {
    eq(q.orgId, (t) => t.orgId);
    if (q.orgIdIn) items = items.filter((t) => q.orgIdIn!.includes(t.orgId));
    // BaseFilterSet (v4): created within / before N days.
    const since = (days: number) => m.now() - days * 86_400_000;
    if (q.days !== undefined)
      items = Number.isNaN(q.days) ? [] : items.filter((t) => t.dateCreated >= since(q.days!));
    if (q.daysLt !== undefined)
      items = Number.isNaN(q.daysLt) ? [] : items.filter((t) => t.dateCreated < since(q.daysLt!));
  }
  if (q.assignee)
    items = items.filter((t) => m.currentStep(t)?.assignees.includes(q.assignee!) ?? false);
  if (q.orgName !== undefined) {
    const name = q.orgName.toLowerCase();
    items = items.filter((t) =>
      (findOrg(m.state, t.orgId)?.name ?? "").toLowerCase().includes(name),
    );
  }
  if (q.applicantUsernameName) {
    const who = q.applicantUsernameName.toLowerCase();
    items = items.filter((t) => {
      const u = m.user(t.applicantId);
      return !!u && (u.username + " " + u.name).toLowerCase().includes(who);
    });
  }
  return items;
}
