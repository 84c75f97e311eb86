// Ticket flows as JumpServer serves them, in either dialect, and the calls that read and write
// them. Every write carries the full `rules`, an `approval_level` equal to their number and the
// `type`: a PATCH without rules empties the flow, a flow without rules breaks ticket opening in its
// org, and before v4.10.19 a copy-on-write PATCH without `type` stores the copy as a `general` flow
// that governs no apply-asset ticket (the partial update skips the required field and the model
// default wins: tickets/serializers/flow.py `update` → `create`).
import { JumpServerClient } from "../client/client";
import { Dialect, WireRule, normalizeSelector, toStrings } from "../model/wireRules";
import { ROOT_ORG_ID } from "../settings";
import { checked, relatedId } from "./answers";
import { inOrg } from "../client/orgScope";

export interface LiveFlow {
  id: string;
  /** undefined on servers without named flows (before v4.10.19). */
  name?: string;
  type: string;
  orgId: string;
  orgName: string;
  approvalLevel: number;
  dialect: Dialect;
  /** Rules sorted by level, in the server's write shape (assignees/ids sorted). */
  rules: WireRule[];
  /** Display strings of the approvers per level (strategy dialect only). */
  assigneesDisplay: string[][];
  ccUsers?: string[];
  raw: Record<string, unknown>;
}

export const FLOWS = "/api/v1/tickets/flows/";
/** The only flow type this package manages. */
export const APPLY_ASSET_TYPE = "apply_asset";

const choiceValue = (v: unknown): unknown =>
  v && typeof v === "object" && "value" in v ? (v as { value: unknown }).value : v;

/** Parses the server's flow representation (v3 strategy, v4.1+ selector, v4.10.19 named). */
export function parseFlow(raw: Record<string, unknown>, fallbackDialect?: Dialect): LiveFlow {
  checked("flow", raw, "a flow request");
  const rawRules = Array.isArray(raw.rules) ? (raw.rules as Record<string, unknown>[]) : [];
  const sorted = [...rawRules].sort((a, b) => Number(a.level ?? 0) - Number(b.level ?? 0));
  let dialect: Dialect | undefined;
  for (const r of sorted) {
    if ("strategy" in r) dialect = "strategy";
    else if ("users" in r) dialect = "selector";
  }
  dialect = dialect ?? fallbackDialect ?? ("name" in raw ? "selector" : "strategy");
  const rules: WireRule[] = sorted.map((r) => {
    if (dialect === "strategy") {
      const strategy = String(choiceValue(r.strategy) ?? "super_admin");
      const assignees =
        strategy === "custom_user" ? toStrings(r.assignees_read_only ?? r.assignees) : [];
      return { strategy, assignees: [...assignees].sort() };
    }
    return { users: normalizeSelector(r.users) };
  });
  return {
    id: String(raw.id),
    name: "name" in raw ? String(raw.name ?? "") : undefined,
    type: String(choiceValue(raw.type) ?? ""), // never assumed: checked after every write
    orgId: String(raw.org_id ?? ""),
    orgName: String(raw.org_name ?? ""),
    approvalLevel: Number(choiceValue(raw.approval_level) ?? rules.length),
    dialect,
    rules,
    assigneesDisplay: sorted.map((r) => toStrings(r.assignees_display)),
    ccUsers: Array.isArray(raw.cc_users)
      ? (raw.cc_users as unknown[]).map(relatedId).sort()
      : undefined,
    raw,
  };
}

/**
 * The flow that governs an org's unnamed apply-asset tickets, from the flows the org sees
 * (`TicketFlow.get_org_related_flows`): its own unnamed flow, else the global one.
 */
export function governingFlow(flows: LiveFlow[], orgId: string): LiveFlow | undefined {
  const unnamed = flows.filter((f) => f.type === APPLY_ASSET_TYPE && !f.name);
  return unnamed.find((f) => f.orgId === orgId) ?? unnamed.find((f) => f.orgId === ROOT_ORG_ID);
}

export async function listFlows(
  client: JumpServerClient,
  orgId: string,
  type = APPLY_ASSET_TYPE,
): Promise<LiveFlow[]> {
  const rows = await client.list<Record<string, unknown>>(FLOWS, {
    query: { type },
    org: inOrg(orgId),
  });
  return rows.map((r) => parseFlow(r));
}

export async function getFlow(
  client: JumpServerClient,
  id: string,
  orgId: string,
): Promise<LiveFlow> {
  return parseFlow(
    await client.get<Record<string, unknown>>(`${FLOWS}${id}/`, { org: inOrg(orgId) }),
  );
}

export interface FlowWrite {
  rules: WireRule[];
  ccUsers?: string[];
  name?: string;
}

export function flowBody(w: FlowWrite): Record<string, unknown> {
  if (w.rules.length === 0)
    throw new Error(
      "refusing to write a flow with no rules (the org could no longer open tickets)",
    );
  const body: Record<string, unknown> = {
    type: APPLY_ASSET_TYPE,
    rules: w.rules,
    approval_level: w.rules.length,
  };
  if (w.ccUsers !== undefined) body.cc_users = w.ccUsers;
  if (w.name !== undefined) body.name = w.name;
  return body;
}

/**
 * PATCHes a flow with its full rules. `orgId` goes in X-JMS-ORG: for a global flow seen from
 * another org the server copies it into that org (new id), so the answer's id is the one to keep.
 * `safe` says the PATCH may be resent after a lost answer (only for the org's own flow).
 */
export async function patchFlow(
  client: JumpServerClient,
  id: string,
  orgId: string,
  w: FlowWrite,
  safe: boolean,
): Promise<LiveFlow> {
  const raw = await client.request<Record<string, unknown>>("PATCH", `${FLOWS}${id}/`, {
    org: inOrg(orgId),
    body: flowBody(w),
    retry: safe ? "safe" : "never",
  });
  return parseFlow(raw);
}

/** Creates a named flow (v4.10.19+) in `orgId`. */
export async function createFlow(
  client: JumpServerClient,
  orgId: string,
  w: FlowWrite & { name: string },
): Promise<LiveFlow> {
  const raw = await client.request<Record<string, unknown>>("POST", FLOWS, {
    org: inOrg(orgId),
    body: flowBody(w),
  });
  return parseFlow(raw);
}
