// AssetAccessTicket lifecycle: the real logic behind the thin serialized provider.
// Exactly once: every open carries a `[pulumi:<uuid>]` marker in its comment; after a lost answer
// the ticket is looked up by that marker instead of being opened again. Once a ticket exists, a
// failing create reports it as "created but not initialised", so it stays in state and the next
// update finishes the job (approving, or closing a ticket the server narrowed).
import { randomUUID } from "crypto";
import { JumpServerClient } from "../client/client";
import { JumpServerError } from "../client/errors";
import { LiveFlow, governingFlow, listFlows } from "../api/flows";
import { SYSTEM_ADMIN_ROLE } from "../model/wireRules";
import { resolveAsset, resolveNode, resolveUser } from "../api/lookups";
import {
  LiveTicket,
  OpenBody,
  approveTicket,
  closeTicket,
  deletePermission,
  findTickets,
  getSuperStatus,
  getTicket,
  openTicket,
  superClose,
} from "../api/tickets";
import type { Failure } from "../model/flowRules";
import { OutputValues, differs } from "../model/fields";
import {
  TICKET_INPUTS,
  TICKET_OUTPUTS,
  TICKET_INPUT_KEYS,
  TICKET_WIRE_NAMES,
} from "../model/ticketFields";
import { TicketInputs, checkTicketInputs } from "../model/ticketInputs";
import { assertKnown } from "../model/unknown";
import { UUID } from "../settings";
import { configuredOrgId, currentClient } from "./context";
import { InitError } from "./initError";
import { TICKET_OPEN, exactlyOnce } from "./exactlyOnce";
import { patiently } from "./patience";
import { openedEarlier, requestIdFor } from "./recovery";
import { plain } from "./plain";
import { warn } from "./warn";

export type TicketOutputs = TicketInputs & OutputValues<typeof TICKET_OUTPUTS>;

export async function check(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<{ inputs?: Record<string, unknown>; failures?: Failure[] }> {
  // Set by the resource (its project/stack/name) and by this check (the marker); never by users.
  const { instanceKey, requestId: _marker, ...asked } = news;
  const { inputs, failures } = checkTicketInputs(asked, configuredOrgId());
  if (failures.length > 0 || !inputs) return { failures };
  const out = plain(inputs) as unknown as Record<string, unknown>;
  if (typeof instanceKey === "string" && instanceKey !== "") {
    out.instanceKey = instanceKey;
    const previous = typeof olds.requestId === "string" ? olds.requestId : undefined;
    out.requestId = requestIdFor(instanceKey, inputs, previous);
  }
  return { inputs: out };
}

export async function diff(
  _id: string,
  olds: TicketOutputs,
  news: TicketInputs,
): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
  const ids = olds.resolvedIds ?? {};
  const o = olds as unknown as Record<string, unknown>;
  const n = news as unknown as Record<string, unknown>;
  const changed = TICKET_INPUT_KEYS.filter((k) => differs(TICKET_INPUTS[k], k, o, n, ids));
  // A replacing input not known until `up` may ask for another ticket: plan the replacement.
  const replaces = changed.filter((k) => TICKET_INPUTS[k].replaces);
  const changes = changed.length > 0 || !!olds.pendingAction;
  // New ticket first, then the old one is closed/revoked in the same `up`. (If the new ticket still
  // waits for a person's approval, the old grant is revoked all the same: the docs say so.)
  return { changes, replaces: [...replaces], deleteBeforeReplace: false };
}

export async function create(inputs: TicketInputs): Promise<{ id: string; outs: TicketOutputs }> {
  assertKnown(inputs as unknown as Record<string, unknown>);
  const client = currentClient();
  // Nothing is written until the open: the lookups are asked again after a transient failure.
  const { me, applicant, resolvedIds, assetIds, nodeIds, flowId } = await patiently(() =>
    resolveAsked(client, inputs),
  );
  // A marker stable across runs (from check) lets a run after a kill find the ticket it opened;
  // resources created without one (older programs) get a fresh one.
  const stable = typeof inputs.requestId === "string" && UUID.test(inputs.requestId);
  const requestId = stable ? inputs.requestId!.toLowerCase() : randomUUID();
  const marker = `[pulumi:${requestId}]`;
  const body: OpenBody = {
    title: inputs.title,
    org_id: inputs.orgId,
    apply_assets: assetIds,
    apply_nodes: nodeIds,
    apply_accounts: inputs.accounts,
    apply_actions: inputs.actions,
    apply_date_start: inputs.dateStart,
    apply_date_expired: inputs.dateExpired,
    comment: inputs.comment ? `${inputs.comment} ${marker}` : marker,
  };
  if (applicant.id !== me.id) body.applicant = applicant.id;
  if (flowId) body.flow_id = flowId;

  const ticket =
    (stable ? await patiently(() => openedEarlier(client, requestId)) : undefined) ??
    (await openExactlyOnce(client, body, {
      inputs,
      requestId,
      applicantId: applicant.id,
      meId: me.id,
      marker,
    }));

  // From here on the ticket exists: any failure must leave it recorded, never orphaned.
  let outs = outputsFrom(inputs, ticket, { requestId, resolvedIds, applicantId: applicant.id });
  const mismatch = compareWithRequest(ticket, applicant.username, assetIds, nodeIds);
  if (mismatch) {
    // pendingAction "close" makes every later `up` close it (if this close fails) and fail again,
    // until the inputs change and a new ticket replaces it: a narrower grant is never kept quietly.
    outs = { ...outs, pendingAction: "close", mismatch };
    try {
      // Closed as whoever JumpServer made the applicant (v3 ignores `applicant` for non-admins).
      const openedFor = ticket.applicantUsername === me.username ? me.id : applicant.id;
      await closeAnyway(client, ticket.id, openedFor);
      outs = { ...outs, state: "closed", status: "closed", currentApprovers: [] };
    } catch {
      // the next update closes it
    }
    throw new InitError(
      `ticket ${ticket.serialNum || ticket.id} was opened narrower than asked and has been closed: ${mismatch}`,
      ticket.id,
      outs,
    );
  }
  if (inputs.approve) {
    try {
      const approved = await approveWhileAssignee(client, ticket, me.id);
      outs = outputsFrom(inputs, approved, { requestId, resolvedIds, applicantId: applicant.id });
    } catch (e) {
      throw new InitError(
        `ticket ${ticket.serialNum || ticket.id} was opened but approving it failed (the next \`pulumi up\` retries the approval, without opening another ticket): ${message(e)}`,
        ticket.id,
        { ...outs, pendingAction: "approve" },
      );
    }
  }
  return { id: ticket.id, outs: plain(outs) };
}

/** The identity, and every name the ticket asks for, as ids (one lookup per name and process). */
async function resolveAsked(client: JumpServerClient, inputs: TicketInputs) {
  const me = await client.profile();
  const applicant = inputs.applicant
    ? await resolveUser(client, inputs.applicant, "applicant")
    : { id: me.id, username: me.username, name: me.name };
  const resolvedIds: Record<string, string> = {};
  if (inputs.applicant && !UUID.test(inputs.applicant))
    resolvedIds[`applicant:${inputs.applicant}`] = applicant.id;
  const [assetIds, nodeIds] = await Promise.all([
    Promise.all(
      inputs.assets.map(async (a, i) => {
        if (UUID.test(a)) return a.toLowerCase(); // the post-open comparison catches foreign or unknown ids
        const ref = await resolveAsset(client, a, inputs.orgId, `assets[${i}]`);
        resolvedIds[`assets:${a}`] = ref.id;
        return ref.id;
      }),
    ),
    Promise.all(
      inputs.nodes.map(async (n, i) => {
        if (UUID.test(n)) return n.toLowerCase();
        const ref = await resolveNode(client, n, inputs.orgId, `nodes[${i}]`);
        // Both spellings of a node, its value and its full path, name the same node.
        resolvedIds[`nodes:${n}`] = ref.id;
        resolvedIds[`nodes:${ref.value}`] = ref.id;
        if (ref.fullValue) resolvedIds[`nodes:${ref.fullValue}`] = ref.id;
        return ref.id;
      }),
    ),
  ]);
  const flowId = inputs.flow ? await resolveFlowId(client, inputs.flow, inputs.orgId) : undefined;
  // Either spelling of the flow, its name or its id, names the same flow at the next diff.
  const flowName =
    inputs.flow && flowId && UUID.test(inputs.flow)
      ? await flowNameOf(client, flowId, inputs.orgId)
      : inputs.flow;
  if (flowName && flowId) resolvedIds[`flow:${flowName.toLowerCase()}`] = flowId;
  return { me, applicant, resolvedIds, assetIds, nodeIds, flowId };
}

export async function read(
  id: string,
  props: TicketOutputs,
): Promise<{ id: string; props: TicketOutputs; inputs: TicketInputs }> {
  const client = currentClient();
  let next: TicketOutputs;
  try {
    const t = await getTicket(client, id);
    next = {
      ...outputsFrom(props, t, props),
      pendingAction: props.pendingAction ?? "",
      ...(props.mismatch ? { mismatch: props.mismatch } : {}),
    };
  } catch (e) {
    if (!(e instanceof JumpServerError && e.isNotFound)) throw e;
    // Opened on behalf under a flow this identity does not approve: the detail route hides it.
    try {
      const s = await getSuperStatus(client, id);
      next = {
        ...props,
        state: s.state,
        status: s.status,
        currentApprovers: s.status === "closed" ? [] : props.currentApprovers,
        permissionId: s.state === "approved" ? id : "",
      };
    } catch (e2) {
      warn(
        `AssetAccessTicket ${props.serialNum || id}: the ticket is not visible to this identity (${message(e2)}); keeping its last known state "${props.state}"`,
      );
      next = props;
    }
  }
  // The marker the live ticket carries goes back into the inputs: the next check chains from it.
  const inputs = {
    ...pickInputs(props),
    ...(props.requestId ? { requestId: props.requestId } : {}),
  };
  return { id, props: plain(next), inputs: plain(inputs) };
}

export async function update(
  id: string,
  olds: TicketOutputs,
  news: TicketInputs,
): Promise<{ outs: TicketOutputs }> {
  assertKnown(news as unknown as Record<string, unknown>);
  const client = currentClient();
  let outs: TicketOutputs = { ...olds, ...pickInputs(news) };
  if (olds.pendingAction === "close") {
    if (olds.status !== "closed") await closeAnyway(client, id, olds.applicantId);
    throw new Error(
      `ticket ${olds.serialNum || id} did not grant what was asked (${olds.mismatch || "narrowed by the server"}) and is closed; change the inputs so that a new ticket is opened`,
    );
  }
  const wantsApproval = (news.approve && !olds.approve) || olds.pendingAction === "approve";
  if (wantsApproval && news.approve) {
    const me = await client.profile();
    let t: LiveTicket;
    try {
      t = await getTicket(client, id);
    } catch (e) {
      if (!(e instanceof JumpServerError && e.isNotFound)) throw e;
      // Opened on behalf under a flow this identity does not approve: nothing it can approve.
      const s = await getSuperStatus(client, id);
      warn(
        `AssetAccessTicket ${olds.serialNum || id}: this identity is not an approver of the ticket's flow; nothing approved (state ${s.state})`,
      );
      return { outs: plain({ ...outs, state: s.state, status: s.status, pendingAction: "" }) };
    }
    const approved = await approveWhileAssignee(client, t, me.id);
    outs = outputsFrom({ ...olds, ...pickInputs(news) }, approved, olds);
  }
  return { outs: plain({ ...outs, pendingAction: "" }) };
}

export async function remove(id: string, props: TicketOutputs): Promise<void> {
  const client = currentClient();
  if (props.state === "approved") return revoke(client, id, props);
  if (props.state === "rejected" || props.state === "closed" || props.status === "closed") return;
  try {
    await closeFor(client, id, props.applicantId);
    return;
  } catch (e) {
    if (!(e instanceof JumpServerError)) throw e;
    if (!e.isAlreadyProcessed && !e.ambiguous && e.status !== 400 && e.status !== 409) throw e;
  }
  // The state moved (approved or closed elsewhere, or our close answer was lost), or the server
  // refused in words we don't match (a 400 in another language): look again.
  const state = await currentState(client, id);
  if (state === "approved") await revoke(client, id, props);
  else if (state === "pending") await closeAnyway(client, id, props.applicantId);
}

async function revoke(client: JumpServerClient, id: string, props: TicketOutputs): Promise<void> {
  if (props.revokeOnDelete === false) return;
  await deletePermission(client, id, props.orgId);
}

async function currentState(client: JumpServerClient, id: string): Promise<string> {
  try {
    return (await getTicket(client, id)).state;
  } catch (e) {
    if (!(e instanceof JumpServerError && e.isNotFound)) throw e;
    return (await getSuperStatus(client, id)).state;
  }
}

/**
 * Closes a pending ticket with the route that works for this identity. `close/` is for the
 * applicant and the current step's approvers (tickets/api/ticket.py: `IsAssignee | IsApplicant`),
 * so a ticket opened on someone's behalf goes straight to `super-tickets/{id}/status/` (system
 * admins), which closes it whoever is the current approver: no 403 first.
 */
async function closeFor(
  client: JumpServerClient,
  id: string,
  applicantId: string | undefined,
): Promise<void> {
  const me = await client.profile();
  if (applicantId && applicantId !== me.id) return superClose(client, id);
  try {
    await closeTicket(client, id);
  } catch (e) {
    if (!(e instanceof JumpServerError && (e.status === 403 || e.isNotFound))) throw e;
    await superClose(client, id);
  }
}

/** Closes a pending ticket whatever the identity's relation to it; "already closed" is success. */
async function closeAnyway(
  client: JumpServerClient,
  id: string,
  applicantId: string | undefined,
): Promise<void> {
  try {
    await closeFor(client, id, applicantId);
  } catch (e) {
    if (!(e instanceof JumpServerError && e.isAlreadyProcessed)) throw e;
  }
}

interface OpenContext {
  inputs: TicketInputs;
  requestId: string;
  applicantId: string;
  meId: string;
  marker: string;
}

/**
 * Opens the ticket, one open at a time per server and process (concurrent opens collide on
 * JumpServer's serial number). After an answer that may have been lost, or a collision answer (500,
 * `please_try_again`), finds the ticket by its marker, and opens again only when nothing was found
 * AND the list is known to show the ticket to this identity (it is the applicant or an approver of
 * the governing flow); otherwise fails, naming the marker.
 */
async function openExactlyOnce(
  client: JumpServerClient,
  body: OpenBody,
  ctx: OpenContext,
): Promise<LiveTicket> {
  let visible: boolean | undefined;
  return exactlyOnce(client, TICKET_OPEN, {
    send: () => client.exclusive("ticket-open", () => openTicket(client, body)),
    find: () => findByMarker(client, ctx),
    beforeResend: async (e) => {
      visible ??=
        ctx.applicantId === ctx.meId ||
        (await identityApproves(client, ctx.inputs.orgId, body.flow_id, ctx.meId));
      if (!visible) {
        throw new Error(
          `opening ticket "${ctx.inputs.title}" for applicant ${ctx.applicantId} failed without a clear answer (${e.message.split("\n")[0]}), and this identity cannot see that applicant's tickets to check whether it was created; look for a ticket whose comment contains [pulumi:${ctx.requestId}] before retrying`,
        );
      }
    },
    refused: explainOpen,
    lookupFailed: (e) =>
      new Error(
        `opening ticket "${ctx.inputs.title}" got no answer, and looking it up failed too (${message(e).split("\n")[0]}); before retrying, look for a ticket whose comment contains [pulumi:${ctx.requestId}]`,
      ),
  });
}

async function findByMarker(
  client: JumpServerClient,
  ctx: OpenContext,
): Promise<LiveTicket | undefined> {
  const rows = await findTickets(client, {
    type: "apply_asset",
    title: ctx.inputs.title,
    applicant: ctx.applicantId,
  });
  const row = rows.find((r) => String(r.comment ?? "").includes(ctx.marker));
  return row ? getTicket(client, String(row.id)) : undefined;
}

/** Would the governing flow's steps include this identity (so the ticket list shows the ticket)? */
async function identityApproves(
  client: JumpServerClient,
  orgId: string,
  flowId: string | undefined,
  meId: string,
): Promise<boolean> {
  const me = (await client.profile()) as Record<string, unknown>;
  const isAdmin =
    me.is_superuser === true ||
    (Array.isArray(me.system_roles) &&
      (me.system_roles as unknown[]).some(
        (r) => (r && typeof r === "object" ? (r as { id?: unknown }).id : r) === SYSTEM_ADMIN_ROLE,
      ));
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

/** Approves each level at which this identity is a current assignee; stops where someone else must act. */
async function approveWhileAssignee(
  client: JumpServerClient,
  ticket: LiveTicket,
  meId: string,
): Promise<LiveTicket> {
  let t = ticket;
  for (let guard = 0; guard < 12; guard++) {
    if (t.state !== "pending" || t.status === "closed") return t;
    const step = t.steps.find((s) => s.level === t.approvalStep);
    if (!step || !step.assignees.includes(meId)) return t;
    try {
      await approveTicket(client, t);
    } catch (e) {
      if (!(e instanceof JumpServerError)) throw e;
      if (e.status === 403) return t;
      if (e.ambiguous || e.isAlreadyProcessed) {
        // Lost answer, or the state moved under us: read it again and decide.
        t = await patiently(() => getTicket(client, t.id));
        continue;
      }
      if (e.status === 400) {
        // Possibly "already closed" in another language: if the ticket moved on, so do we.
        const now = await getTicket(client, t.id);
        if (now.state !== t.state || now.approvalStep !== t.approvalStep) {
          t = now;
          continue;
        }
      }
      throw e;
    }
    t = afterApproval(t, meId);
  }
  return t;
}

/** The ticket after an approval of its current step, as the server computes it (saves a read). */
function afterApproval(t: LiveTicket, meId: string): LiveTicket {
  const steps = t.steps.map((s) =>
    s.level === t.approvalStep ? { ...s, state: "approved", processor: meId } : s,
  );
  const last = t.approvalStep >= t.steps.length;
  return last
    ? { ...t, steps, state: "approved", status: "closed" }
    : { ...t, steps, approvalStep: t.approvalStep + 1 };
}

function compareWithRequest(
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

/**
 * The org's named apply-asset flows, one lookup per org and process like every other name (a
 * large apply would otherwise pay one request per ticket); a failed lookup is forgotten so the
 * next ticket asks again.
 */
async function flowOptions(
  client: JumpServerClient,
  orgId: string,
): Promise<Record<string, unknown>[]> {
  const key = `flow-options:${orgId}`;
  let pending = client.memo.get(key) as Promise<unknown> | undefined;
  if (!pending) {
    pending = client.get<unknown>("/api/v1/tickets/flows/options/", {
      query: { type: "apply_asset", org_id: orgId },
      org: orgId,
    });
    pending.catch(() => client.memo.delete(key));
    client.memo.set(key, pending);
  }
  const rows = await pending;
  return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
}

/** The name of a flow given by id, if it is a named one (a spelling only: a failure is no name). */
async function flowNameOf(
  client: JumpServerClient,
  id: string,
  orgId: string,
): Promise<string | undefined> {
  const rows = await flowOptions(client, orgId).catch(() => []);
  const name = rows.find((r) => String(r.id).toLowerCase() === id)?.name;
  return typeof name === "string" && name ? name : undefined;
}

async function resolveFlowId(
  client: JumpServerClient,
  flow: string,
  orgId: string,
): Promise<string> {
  if (UUID.test(flow)) return flow.toLowerCase();
  const named = (rows: Record<string, unknown>[]) =>
    rows.filter((r) => String(r.name ?? "").toLowerCase() === flow.toLowerCase());
  let rows = await flowOptions(client, orgId);
  if (named(rows).length === 0) {
    // The flow may have been created since the list was read: by a TicketFlow earlier in this
    // same `up`. Ask again once.
    client.memo.delete(`flow-options:${orgId}`);
    rows = await flowOptions(client, orgId);
  }
  const matches = named(rows);
  if (matches.length !== 1) {
    throw new Error(
      `flow: ${matches.length === 0 ? "no" : "more than one"} apply_asset flow named "${flow}" is usable in org ${orgId}${
        rows.length
          ? ` (available: ${rows.map((r) => JSON.stringify(r.name)).join(", ")})`
          : " (named flows need JumpServer v4.10.19+)"
      }`,
    );
  }
  return String(matches[0].id);
}

/** Names our inputs beside the server's field names in an open error. */
function explainOpen(e: unknown): unknown {
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

function outputsFrom(
  inputs: TicketInputs,
  t: LiveTicket,
  extra: Pick<TicketOutputs, "requestId" | "resolvedIds" | "applicantId">,
): TicketOutputs {
  const step = t.steps.find((s) => s.level === t.approvalStep);
  const open = t.state === "pending" && t.status !== "closed";
  return {
    ...pickInputs(inputs),
    ticketId: t.id,
    serialNum: t.serialNum,
    state: t.state,
    status: t.status,
    approvalStep: t.approvalStep,
    currentApprovers: open && step ? step.assignees : [],
    applicantId: extra.applicantId,
    applicantDisplay: t.applicantDisplay,
    orgName: t.orgName,
    permissionName: t.permissionName,
    permissionId: t.state === "approved" ? t.id : "",
    assetIds: t.assetIds,
    nodeIds: t.nodeIds,
    flowId: t.flowId ?? "",
    requestId: extra.requestId,
    resolvedIds: extra.resolvedIds ?? {},
    pendingAction: "",
  };
}

function pickInputs(x: TicketInputs): TicketInputs {
  const out = {} as Record<string, unknown>;
  for (const k of [...TICKET_INPUT_KEYS, "instanceKey"]) {
    const v = (x as unknown as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as unknown as TicketInputs;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
