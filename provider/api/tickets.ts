// Apply-asset tickets and the asset permission their final approval creates. Opening, approving
// and closing are never resent blindly (each would act twice); callers resolve a lost answer by
// reading the ticket back.
import { JumpServerClient, RequestOptions } from "../client/client";
import { actionsFromServer } from "../model/actions";
import { isoSeconds, parseDate } from "../model/dates";
import type { GrantAsk } from "../model/approvalBody";
import type { GrantBody } from "../model/grants";
import { checked, checkedEach, relatedId } from "./answers";
import { OrgScope, inOrg, noOrgHeader } from "../client/orgScope";

export const APPLY_ASSET = "/api/v1/tickets/apply-asset-tickets/";
export const TICKETS = "/api/v1/tickets/tickets/";
export const SUPER_TICKETS = "/api/v1/tickets/super-tickets/";

export interface Step {
  level: number;
  state: string;
  assignees: string[];
  processor: string;
}

/** A ticket as read; what it asks for now (`GrantAsk`) is untrusted: any approver may have edited it. */
export interface LiveTicket extends GrantAsk {
  id: string;
  title: string;
  serialNum: string;
  state: string;
  status: string;
  approvalStep: number;
  orgName: string;
  /** "Name(username)" as the apply-asset serializer renders it. */
  applicantDisplay: string;
  applicantUsername: string;
  comment: string;
  permissionName: string;
  flowId?: string;
  steps: Step[];
  raw: Record<string, unknown>;
}

const choiceValue = (v: unknown): unknown =>
  v && typeof v === "object" && "value" in v ? (v as { value: unknown }).value : v;
const ids = (v: unknown): string[] => (Array.isArray(v) ? v.map(relatedId) : []);

/** "Requester(requester)" → "requester"; the generic serializer's {id,name} gives "". */
export function usernameFromDisplay(display: string): string {
  const m = /\(([^()]*)\)\s*$/.exec(display);
  return m ? m[1] : "";
}

export function toIso(v: unknown): string {
  if (typeof v !== "string" || v === "") return "";
  const ms = parseDate(v);
  return ms === undefined ? v : isoSeconds(ms);
}

export function parseTicket(answer: Record<string, unknown>): LiveTicket {
  const raw: Record<string, unknown> = checked("ticket", answer, "a ticket request");
  const applicant = raw.applicant;
  const applicantDisplay =
    typeof applicant === "string"
      ? applicant
      : applicant && typeof applicant === "object"
        ? String((applicant as { name?: unknown }).name ?? "")
        : "";
  const steps: Step[] = (
    Array.isArray(raw.process_map) ? (raw.process_map as Record<string, unknown>[]) : []
  ).map((s, i) => ({
    level: Number(s.approval_level ?? i + 1),
    state: String(choiceValue(s.state) ?? ""),
    assignees: ids(s.assignees),
    processor: String(s.processor ?? ""),
  }));
  const flow = raw.flow as string | { id?: string | null } | null | undefined;
  return {
    id: String(raw.id),
    title: String(raw.title ?? ""),
    serialNum: String(raw.serial_num ?? ""),
    state: String(choiceValue(raw.state) ?? ""),
    status: String(choiceValue(raw.status) ?? ""),
    approvalStep: Number(choiceValue(raw.approval_step) ?? 1),
    orgId: String(raw.org_id ?? ""),
    orgName: String(raw.org_name ?? ""),
    applicantDisplay,
    applicantUsername: usernameFromDisplay(applicantDisplay),
    assetIds: ids(raw.apply_assets),
    nodeIds: ids(raw.apply_nodes),
    accounts: Array.isArray(raw.apply_accounts)
      ? (raw.apply_accounts as unknown[]).map(String)
      : [],
    actions: actionsFromServer(raw.apply_actions),
    dateStart: toIso(raw.apply_date_start),
    dateExpired: toIso(raw.apply_date_expired),
    comment: String(raw.comment ?? ""),
    permissionName: String(raw.apply_permission_name ?? ""),
    flowId: (typeof flow === "string" ? flow : flow?.id) || undefined,
    steps,
    raw,
  };
}

export interface OpenBody extends GrantBody {
  title: string;
  applicant?: string;
  comment: string;
  flow_id?: string;
}

/** Opens a ticket. Never resent: a lost answer is a JumpServerError with `ambiguous`. */
export async function openTicket(
  client: JumpServerClient,
  body: OpenBody,
  eachSend?: RequestOptions["eachSend"],
): Promise<LiveTicket> {
  const raw = await client.request<Record<string, unknown>>("POST", `${APPLY_ASSET}open/`, {
    body,
    org: inOrg(body.org_id),
    retry: "never",
    eachSend,
  });
  return parseTicket(raw);
}

export async function getTicket(client: JumpServerClient, id: string): Promise<LiveTicket> {
  return parseTicket(
    await client.get<Record<string, unknown>>(`${APPLY_ASSET}${id}/`, { org: noOrgHeader }),
  );
}

/**
 * Approves the current step by PATCH (a PUT resets omitted fields). The body is the grant, every
 * field of it: build it with `approvalBody` (model/approvalBody.ts), never from the live ticket.
 *
 * `scope` is the org the server applies the body in. JumpServer sets the ticket's assets and nodes
 * through org-scoped managers: on v4.10.16, an approve of a second org's ticket asked in another
 * org (no header, or any header a community edition reads as Default) cannot remove that org's
 * nodes (`apply_nodes: []` kept the ticket's Ops node, on a community and a multi-org server,
 * 2026-12-07), so the permission got a node the body left out. In the root org every object is
 * visible and the body is applied whole; a system admin approves there.
 */
export async function approveTicket(
  client: JumpServerClient,
  id: string,
  grant: GrantBody,
  scope: OrgScope,
): Promise<void> {
  await client.request("PATCH", `${APPLY_ASSET}${id}/approve/`, {
    body: grant,
    org: scope,
    retry: "never",
  });
}

/** Rejects the ticket (the whole ticket, whatever its level). PUT only: v3 answers PATCH 405. */
export async function rejectTicket(client: JumpServerClient, id: string): Promise<void> {
  await client.request("PUT", `${APPLY_ASSET}${id}/reject/`, {
    body: {},
    org: noOrgHeader,
    retry: "never",
  });
}

/**
 * The apply-asset ticket with this serial number, among those related to the identity, or
 * undefined. v3.10.23 and v4.10.16 ignore the `serial_num` filter: it is matched here too.
 */
export async function findBySerial(
  client: JumpServerClient,
  serialNum: string,
): Promise<LiveTicket | undefined> {
  const rows = await findTickets(client, { type: "apply_asset", serial_num: serialNum });
  const row = rows.find((r) => String(r.serial_num ?? "") === serialNum);
  return row ? getTicket(client, String(row.id)) : undefined;
}

export async function closeTicket(client: JumpServerClient, id: string): Promise<void> {
  await client.request("PUT", `${APPLY_ASSET}${id}/close/`, {
    body: {},
    org: noOrgHeader,
    retry: "never",
  });
}

export interface SuperStatus {
  id: string;
  state: string;
  status: string;
  processor: string;
}

/** Reaches a ticket the identity is not "related" to (opened on behalf under a flow it does not approve). */
export async function getSuperStatus(client: JumpServerClient, id: string): Promise<SuperStatus> {
  const raw = await client.get<Record<string, unknown>>(`${SUPER_TICKETS}${id}/status/`, {
    org: noOrgHeader,
  });
  return {
    id: String(raw.id ?? id),
    state: String(choiceValue(raw.state) ?? ""),
    status: String(choiceValue(raw.status) ?? ""),
    processor: String(raw.processor ?? ""),
  };
}

export async function superClose(client: JumpServerClient, id: string): Promise<void> {
  await client.request("DELETE", `${SUPER_TICKETS}${id}/status/`, {
    org: noOrgHeader,
    retry: "never",
  });
}

/** Tickets related to the identity, filtered on the server by the given query (all pages). */
export async function findTickets(
  client: JumpServerClient,
  query: Record<string, string | undefined>,
): Promise<Record<string, unknown>[]> {
  const rows = await client.list<Record<string, unknown>>(TICKETS, { query, org: noOrgHeader });
  return checkedEach("row", rows, "the tickets list");
}
