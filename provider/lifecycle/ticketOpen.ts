// Opening a ticket exactly once (lifecycle/exactlyOnce.ts with the marker lookup), and checking
// that JumpServer opened what was asked.
import { JumpServerClient } from "../client/client";
import { JumpServerError } from "../client/errors";
import { LiveFlow, governingFlow, listFlows } from "../api/flows";
import { LiveTicket, OpenBody, findTickets, getTicket, openTicket } from "../api/tickets";
import { relatedId } from "../api/answers";
import { normalizeActions } from "../model/actions";
import { parseDate } from "../model/dates";
import { TICKET_WIRE_NAMES } from "../model/ticketFields";
import type { TicketInputs } from "../model/ticketInputs";
import { SYSTEM_ADMIN_ROLE, isSystemAdmin } from "../model/wireRules";
import { TICKET_OPEN, exactlyOnce } from "./exactlyOnce";
import { withOpenLock } from "./openLock";
import { patiently } from "./patience";

export interface OpenContext {
  inputs: TicketInputs;
  applicantId: string;
  meId: string;
  /** `[pulumi:<keyed uuid>]`, as the open's comment carries it. */
  marker: string;
  /** Where a ticket found by its marker differs from the open body ([]: it may be taken over). */
  mismatch: (t: LiveTicket) => string[];
}

/**
 * Opens the ticket, one open at a time per server and process (concurrent opens collide on
 * JumpServer's serial number). After an answer that may have been lost, or a collision answer (500,
 * `please_try_again`), finds the ticket by its marker, and opens again only when nothing was found
 * AND the list is known to show the ticket to this identity (it is the applicant or an approver of
 * the governing flow); otherwise fails, naming the marker.
 */
export async function openExactlyOnce(
  client: JumpServerClient,
  body: OpenBody,
  ctx: OpenContext,
): Promise<LiveTicket> {
  let visible: boolean | undefined;
  return exactlyOnce(client, TICKET_OPEN, {
    // One open at a time per server: in this process, and across the processes of this machine
    // (the lock only while the open is on the wire: a 429's wait would hold every stack's opens).
    send: () =>
      client.exclusive("ticket-open", () =>
        openTicket(client, body, (send) => withOpenLock(client.settings.url, send)),
      ),
    // Looking is a read: asked again after a transient failure, so a lost answer costs no run.
    find: () => patiently(() => findByMarker(client, ctx)),
    beforeResend: async (e) => {
      visible ??=
        ctx.applicantId === ctx.meId ||
        // A read: asked again after a transient failure, like the marker lookup.
        (await patiently(() => identityApproves(client, ctx.inputs.orgId, body.flow_id, ctx.meId)));
      if (!visible) {
        throw new Error(
          `opening ticket "${ctx.inputs.title}" for applicant ${ctx.applicantId} failed without a clear answer (${e.message.split("\n")[0]}), and this identity cannot see that applicant's tickets to check whether it was created; look for a ticket whose comment contains ${ctx.marker} before retrying`,
        );
      }
    },
    refused: explainOpen,
    lookupFailed: (e) =>
      new Error(
        `opening ticket "${ctx.inputs.title}" got no answer, and looking it up failed too (${(e instanceof Error ? e.message : String(e)).split("\n")[0]}); before retrying, look for a ticket whose comment contains ${ctx.marker}`,
      ),
  });
}

export async function findByMarker(
  client: JumpServerClient,
  ctx: OpenContext,
): Promise<LiveTicket | undefined> {
  const rows = await findTickets(client, {
    type: "apply_asset",
    title: ctx.inputs.title,
    applicant: ctx.applicantId,
  });
  // A ticket someone else opened with our title is never ours: it must carry the keyed marker and
  // ask for exactly the open body.
  for (const row of rows.filter((r) => String(r.comment ?? "").includes(ctx.marker))) {
    const t = await getTicket(client, String(row.id));
    if (ctx.mismatch(t).length === 0) return t;
  }
  return undefined;
}

/**
 * Where a ticket differs from the open body this resource would send: title, org, applicant,
 * assets, nodes, accounts, actions, dates and flow ([] when it asks for exactly that).
 */
export function adoptionMismatch(
  t: LiveTicket,
  body: OpenBody,
  applicant: { id: string; username: string },
): string[] {
  const set = (xs: readonly string[]) =>
    JSON.stringify([...new Set(xs.map((x) => String(x).toLowerCase()))].sort());
  const instant = (x: string) => parseDate(x) ?? x;
  const out: string[] = [];
  if (t.title !== body.title) out.push("title");
  if (t.orgId.toLowerCase() !== body.org_id.toLowerCase()) out.push("org");
  const applicantId = relatedId(t.raw.applicant).toLowerCase();
  const sameApplicant =
    applicantId === applicant.id.toLowerCase() ||
    (t.applicantUsername !== "" && t.applicantUsername === applicant.username);
  if (!sameApplicant) out.push("applicant");
  if (set(t.assetIds) !== set(body.apply_assets)) out.push("assets");
  if (set(t.nodeIds) !== set(body.apply_nodes)) out.push("nodes");
  if (set(t.accounts) !== set(body.apply_accounts)) out.push("accounts");
  const actions = (xs: string[]) => JSON.stringify(normalizeActions(xs).actions);
  if (actions(t.actions) !== actions(body.apply_actions)) out.push("actions");
  if (instant(t.dateStart) !== instant(body.apply_date_start)) out.push("dateStart");
  if (instant(t.dateExpired) !== instant(body.apply_date_expired)) out.push("dateExpired");
  if (body.flow_id && (t.flowId ?? "").toLowerCase() !== body.flow_id.toLowerCase())
    out.push("flow");
  return out;
}

/** Would the governing flow's steps include this identity (so the ticket list shows the ticket)? */
export async function identityApproves(
  client: JumpServerClient,
  orgId: string,
  flowId: string | undefined,
  meId: string,
): Promise<boolean> {
  const isAdmin = isSystemAdmin(await client.profile());
  let flows: LiveFlow[];
  try {
    flows = await listFlows(client, orgId);
  } catch (e) {
    // Only a refusal means "cannot tell" (flows need a system admin); anything else is a failure.
    if (e instanceof JumpServerError && e.status === 403) return false;
    throw e;
  }
  const flow = (flowId && flows.find((f) => f.id === flowId)) || governingFlow(flows, orgId);
  if (!flow) return false;
  return flow.rules.some((r) => {
    if ("strategy" in r) {
      if (r.strategy === "custom_user") return r.assignees.includes(meId);
      return isAdmin && r.strategy !== "org_admin";
    }
    const u = r.users;
    if (u.type === "all") return true;
    if (u.type === "ids") return u.ids.includes(meId);
    return (
      isAdmin &&
      u.attrs.every(
        (a) =>
          a.name === "system_roles" &&
          Array.isArray(a.value) &&
          a.value.includes(SYSTEM_ADMIN_ROLE),
      )
    );
  });
}

export function compareWithRequest(
  t: LiveTicket,
  username: string,
  assetIds: string[],
  nodeIds: string[],
): string | undefined {
  const problems: string[] = [];
  if (t.applicantUsername && username && t.applicantUsername !== username) {
    problems.push(
      `applicant is ${t.applicantDisplay}, not ${username} (opening on behalf of someone needs a system admin identity)`,
    );
  }
  const missing = (asked: string[], got: string[]) => asked.filter((x) => !got.includes(x));
  const ma = missing(assetIds, t.assetIds);
  if (ma.length > 0)
    problems.push(
      `assets ${ma.join(", ")} were dropped by the server (unknown or of another org than ${t.orgId})`,
    );
  const mn = missing(nodeIds, t.nodeIds);
  if (mn.length > 0)
    problems.push(
      `nodes ${mn.join(", ")} were dropped by the server (of another org than ${t.orgId})`,
    );
  return problems.length > 0 ? problems.join("; ") : undefined;
}

/** Names our inputs beside the server's field names in an open error. */
export function explainOpen(e: unknown): unknown {
  if (e instanceof JumpServerError && e.fieldErrors.length > 0) {
    e.message = e.message
      .split("\n")
      .map((line) =>
        line.replace(/^(\s*)([a-z_]+)(\[\d+\])?:/, (m, sp, f, idx) =>
          TICKET_WIRE_NAMES[f] ? `${sp}${TICKET_WIRE_NAMES[f]}${idx ?? ""} (${f}):` : m,
        ),
      )
      .join("\n");
  }
  return e;
}
