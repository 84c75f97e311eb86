// TicketApproval lifecycle: a pull request that adds one is the review of a ticket a person opened
// in the JumpServer UI; merging it approves (every level this identity may) or rejects the ticket.
// Exactly once: an approve or reject is never resent blindly; after an answer that may have been
// lost the ticket is read again and the step it is at decides. A create that decided at least one
// level and then failed stays in state ("created but not initialised"); the next update finishes.
import { JumpServerClient } from "../client/client";
import { JumpServerError } from "../client/errors";
import { deletePermission, getGrant } from "../api/permissions";
import { LiveTicket, findBySerial, getSuperStatus, getTicket, rejectTicket } from "../api/tickets";
import {
  APPROVAL_INPUTS,
  APPROVAL_INPUT_KEYS,
  APPROVAL_OUTPUTS,
  Asked,
  Reviewed,
} from "../model/approvalFields";
import { ApprovalInputs, checkApprovalInputs, narrowGrant } from "../model/approvalInputs";
import { askOf } from "../model/approvalBody";
import { normalizeActions } from "../model/actions";
import { parseDate } from "../model/dates";
import type { GrantBody } from "../model/grants";
import { ticketGuardrailFailures } from "../model/guardrails";
import { LookupError, resolveAsset, resolveNode } from "../api/lookups";
import { relatedId } from "../api/answers";
import { OutputValues, differs } from "../model/fields";
import type { Failure } from "../model/inputShapes";
import { assertKnown, hasUnknown } from "../model/unknown";
import { UUID } from "../settings";
import { configuredGuardrails, configuredOrgId, currentClient } from "./context";
import { InitError } from "./initError";
import { patiently } from "./patience";
import { plain } from "./plain";
import { approveWhileAssignee } from "./ticketDecisions";
import { warn } from "./warn";

export type ApprovalOutputs = ApprovalInputs & OutputValues<typeof APPROVAL_OUTPUTS>;

type Me = { id: string; username: string };
/** What the ticket's state means for this decision by this identity. */
type Verdict =
  | { kind: "act" }
  | { kind: "adopt" } // decided by this identity already (a run whose answer was lost or killed)
  | { kind: "refuse"; property: string; reason: string; lasting: boolean };

export async function check(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<{ inputs?: Record<string, unknown>; failures?: Failure[] }> {
  const { inputs, failures } = checkApprovalInputs(news, olds, configuredOrgId());
  if (failures.length > 0 || !inputs) return { failures };
  // A new approval is compared with the live ticket at preview, so the review sees a widening
  // grant or a ticket that can't be decided; an existing one was compared when it was created.
  const same =
    typeof olds.ticket === "string" && olds.ticket.trim().toLowerCase() === inputs.ticket;
  if (!same && !hasUnknown(inputs)) {
    const live = await liveFailures(inputs);
    if (live.length > 0) return { failures: live };
  }
  return { inputs: plain(inputs) as unknown as Record<string, unknown> };
}

/** Read-only: the failures the live ticket shows now ([] when it can't be read: create decides). */
async function liveFailures(inputs: ApprovalInputs): Promise<Failure[]> {
  let client: JumpServerClient;
  try {
    client = currentClient();
  } catch {
    return []; // no credentials at preview (a fork's pull request): create compares at `up`
  }
  try {
    const me = await client.profile();
    const t = await findTicket(client, inputs.ticket);
    if (!t) return [{ property: "ticket", reason: notFound(inputs.ticket, me) }];
    const v = judge(t, me, inputs);
    if (v.kind === "refuse") return v.lasting ? [{ property: v.property, reason: v.reason }] : [];
    if (v.kind === "act" && inputs.decision === "approve")
      return (await planApproval(client, t, me, inputs, true)).failures;
    return [];
  } catch {
    return [];
  }
}

/**
 * What this approval sends, the one path for preview and `up`. The ask pinned in `reviewed` must
 * be what the ticket asks for now, unless this identity already decided a level of it (a run that
 * failed half-way): the ticket then holds what that level sent, and whoever approved the levels
 * since may have edited it, so the base is the pin itself (or, for an approval made before pins,
 * the ask recorded before its first decision), never the live ticket. `grant` narrows the base;
 * the guardrails judge the body; every level's approve intersects it with the live ticket.
 */
async function planApproval(
  client: JumpServerClient,
  t: LiveTicket,
  me: Me,
  inputs: ApprovalInputs,
  comparePin: boolean,
  recorded?: Asked,
): Promise<{ body?: GrantBody; failures: Failure[] }> {
  const live = askedOf(t);
  const ids = await resolveNames(client, t.orgId, [inputs.grant ?? {}, inputs.reviewed ?? {}]);
  if (comparePin) {
    if (!inputs.reviewed)
      return {
        failures: [
          {
            property: "reviewed",
            reason: `an approval approves only the ask its review saw: add reviewed: ${JSON.stringify(pinOf(live))} (what ${label(t)} asks for now) after reading it; \`up\` then refuses if the ticket changes`,
          },
        ],
      };
    const changed = pinChanges(inputs.reviewed, t, ids);
    if (changed.length > 0)
      return {
        failures: [
          {
            property: "reviewed",
            reason: `${label(t)} changed since the review (${changed.join("; ")}); nothing was approved: review it again and update reviewed`,
          },
        ],
      };
  }
  const base = comparePin
    ? live
    : inputs.reviewed
      ? pinnedAsk(inputs.reviewed, ids)
      : (recorded ?? live);
  const { body, failures } = narrowGrant(base, t.orgId, inputs.grant, ids);
  if (!body) return { failures };
  const broken = approvalGuardrailFailures(t, body, me);
  return broken.length > 0 ? { failures: broken } : { body, failures: [] };
}

/** The names in grants and pins, as ids in the ticket's org; a name that resolves to nothing stays out. */
async function resolveNames(
  client: JumpServerClient,
  orgId: string,
  lists: Array<{ assets?: string[]; nodes?: string[] }>,
): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const settle = async (key: string, find: () => Promise<{ id: string }>) => {
    try {
      ids[key] = (await find()).id.toLowerCase();
    } catch (e) {
      if (!(e instanceof LookupError)) throw e;
    }
  };
  for (const l of lists) {
    for (const a of l.assets ?? [])
      if (!UUID.test(a)) await settle(`assets:${a}`, () => resolveAsset(client, a, orgId, a));
    for (const n of l.nodes ?? [])
      if (!UUID.test(n)) await settle(`nodes:${n}`, () => resolveNode(client, n, orgId, n));
  }
  return ids;
}

/** The pin a review writes: the ticket's ask by name, as `preview` prints it. */
function pinOf(asked: Asked): Reviewed {
  return {
    assets: asked.assets,
    nodes: asked.nodes,
    accounts: asked.accounts,
    actions: asked.actions,
    dateStart: asked.dateStart,
    dateExpired: asked.dateExpired,
  };
}

/** The pinned ask as an `Asked`: its names resolved to ids (a name that resolves to nothing grants nothing). */
function pinnedAsk(pin: Reviewed, ids: Record<string, string>): Asked {
  const idsOf = (k: "assets" | "nodes") =>
    (pin[k] ?? [])
      .map((x) => (UUID.test(x) ? x.toLowerCase() : ids[`${k}:${x}`]))
      .filter((x): x is string => x !== undefined);
  return {
    assets: pin.assets ?? [],
    assetIds: idsOf("assets"),
    nodes: pin.nodes ?? [],
    nodeIds: idsOf("nodes"),
    accounts: pin.accounts ?? [],
    actions: normalizeActions(pin.actions ?? []).actions,
    dateStart: pin.dateStart ?? "",
    dateExpired: pin.dateExpired ?? "",
  };
}

/** Where the ticket no longer asks what the review pinned, one phrase per field. */
function pinChanges(pin: Reviewed, t: LiveTicket, ids: Record<string, string>): string[] {
  const out: string[] = [];
  const asIds = (k: "assets" | "nodes") =>
    (pin[k] ?? []).map((x) => (UUID.test(x) ? x.toLowerCase() : (ids[`${k}:${x}`] ?? `?${x}`)));
  const sameSet = (a: string[], b: string[]) =>
    JSON.stringify([...new Set(a)].sort()) === JSON.stringify([...new Set(b)].sort());
  const lists: Array<[string, string[], string[], string[]]> = [
    ["assets", asIds("assets"), t.assetIds.map((x) => x.toLowerCase()), pinOf(askedOf(t)).assets!],
    ["nodes", asIds("nodes"), t.nodeIds.map((x) => x.toLowerCase()), pinOf(askedOf(t)).nodes!],
    ["accounts", pin.accounts ?? [], t.accounts, t.accounts],
    ["actions", normalizeActions(pin.actions ?? []).actions, t.actions, t.actions],
  ];
  for (const [field, pinned, live, shown] of lists)
    if (!sameSet(pinned, live))
      out.push(
        `${field}: reviewed ${JSON.stringify(pin[field as keyof Reviewed] ?? [])}, now ${JSON.stringify(shown)}`,
      );
  for (const k of ["dateStart", "dateExpired"] as const) {
    const pinned = pin[k] ? parseDate(pin[k]!) : undefined;
    if (pinned === undefined || pinned !== parseDate(t[k]))
      out.push(`${k}: reviewed ${pin[k] ?? "(none)"}, now ${t[k]}`);
  }
  return out;
}

/**
 * The stack's guardrails, judged on what this approval would send: its length, its actions, the
 * ticket's reason, and whether the ticket is the identity's own.
 */
function approvalGuardrailFailures(t: LiveTicket, body: GrantBody, me: Me): Failure[] {
  const comment = t.comment.replace(/\s*\[pulumi:[0-9a-f-]{36}\]/gi, "");
  const applicantId = relatedId(t.raw.applicant);
  const own =
    (t.applicantUsername !== "" && t.applicantUsername === me.username) ||
    applicantId.toLowerCase() === me.id.toLowerCase();
  const rename: Record<string, string> = {
    dateExpired: "grant.dateExpired",
    actions: "grant.actions",
    comment: "ticket",
    approve: "decision",
  };
  return ticketGuardrailFailures(
    {
      applicant: own ? me.username : t.applicantUsername || applicantId,
      actions: body.apply_actions,
      dateStart: body.apply_date_start,
      dateExpired: body.apply_date_expired,
      comment,
      approve: true,
    },
    configuredGuardrails(),
    me.username,
  ).map((f) => ({
    property: rename[f.property] ?? f.property,
    reason: `${label(t)}: ${f.reason}`,
  }));
}

export async function diff(
  _id: string,
  olds: ApprovalOutputs,
  news: ApprovalInputs,
): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
  const ids = olds.resolvedIds ?? {};
  const o = olds as unknown as Record<string, unknown>;
  const n = news as unknown as Record<string, unknown>;
  const changed = APPROVAL_INPUT_KEYS.filter((k) => differs(APPROVAL_INPUTS[k], k, o, n, ids));
  const replaces = changed.filter((k) => APPROVAL_INPUTS[k].replaces);
  // The same ticket (check compared it as written; here by id): its decision stands.
  const refused = changed.filter((k) => k !== "ticket" && k !== "revokeOnDelete");
  if (!changed.includes("ticket") && refused.some((k) => !hasUnknown(n[k])))
    throw new Error(
      `${refused.join(", ")}: ticket ${olds.serialNum || olds.ticketId} was already decided by this TicketApproval (${olds.decision}): a decision can't be undone or changed (JumpServer has no reopen); to take the access back, remove the TicketApproval`,
    );
  // The old approval goes first: two approvals of one ticket would share (and revoke) one permission.
  return {
    changes: changed.length > 0 || !!olds.pendingAction,
    replaces: [...replaces],
    deleteBeforeReplace: true,
  };
}

export async function create(
  inputs: ApprovalInputs,
): Promise<{ id: string; outs: ApprovalOutputs }> {
  assertKnown(inputs as unknown as Record<string, unknown>);
  const client = currentClient();
  const me = await patiently(() => client.profile());
  const t = await patiently(() => findTicket(client, inputs.ticket));
  if (!t) throw new Error(`ticket: ${notFound(inputs.ticket, me)}`);
  const asked = askedOf(t);
  const v = judge(t, me, inputs);
  if (v.kind === "refuse") throw new Error(`${v.property}: ${v.reason}`);
  if (v.kind === "adopt") {
    if (t.state === "approved" && !(await patiently(() => getGrant(client, t.id, t.orgId))))
      throw new Error(
        `ticket: ${label(t)} was approved by this identity and its permission has been removed since (revoked by a delete or by hand); a decision can't be made twice: ask for a new ticket`,
      );
    return { id: t.id, outs: outputsFrom(inputs, t, asked, me.id) };
  }
  const after = await decide(client, t, me, inputs, asked, true);
  return { id: t.id, outs: outputsFrom(inputs, after, asked, me.id) };
}

/** Approves every level this identity may, or rejects; then checks that this identity decided. */
async function decide(
  client: JumpServerClient,
  t: LiveTicket,
  me: Me,
  inputs: ApprovalInputs,
  asked: Asked,
  comparePin: boolean,
): Promise<LiveTicket> {
  let after: LiveTicket;
  if (inputs.decision === "approve") {
    const { body, failures } = await planApproval(client, t, me, inputs, comparePin, asked);
    if (!body) throw new Error(failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
    try {
      after = await approveWhileAssignee(client, t, me.id, askOf(body));
    } catch (e) {
      throw await partly(client, t, me, inputs, asked, e);
    }
  } else {
    after = await rejectOnce(client, t, me.id);
  }
  if (decidedLevels(after, me.id, inputs.decision).length === 0) {
    // Refused without a word we match (a 403), or decided by someone else in the meantime.
    const now = await patiently(() => getTicket(client, t.id));
    const v = judge(now, me, inputs);
    if (v.kind === "refuse") throw new Error(`${v.property}: ${v.reason}`);
    if (decidedLevels(now, me.id, inputs.decision).length === 0)
      throw new Error(
        `ticket: ${label(now)} was not decided: JumpServer refused this identity (${me.username}) at level ${now.approvalStep}`,
      );
    return now;
  }
  return after;
}

/** The error for a decision that failed: once a level was decided, the resource must stay in state. */
async function partly(
  client: JumpServerClient,
  t: LiveTicket,
  me: Me,
  inputs: ApprovalInputs,
  asked: Asked,
  e: unknown,
): Promise<unknown> {
  let now: LiveTicket;
  try {
    now = await patiently(() => getTicket(client, t.id));
  } catch {
    return e;
  }
  if (decidedLevels(now, me.id, inputs.decision).length === 0) return e;
  return new InitError(
    `ticket ${label(t)} was approved at level(s) ${decidedLevels(now, me.id, inputs.decision).join(", ")} but a later level failed (the next \`pulumi up\` goes on from where it stopped): ${message(e)}`,
    t.id,
    { ...outputsFrom(inputs, now, asked, me.id), pendingAction: "decide" },
  );
}

/** Rejects once: after a lost answer, reads the ticket and sends again only if it is still pending. */
async function rejectOnce(client: JumpServerClient, ticket: LiveTicket, meId: string) {
  let t = ticket;
  for (let sent = 1; ; sent++) {
    try {
      await rejectTicket(client, t.id);
      const steps = t.steps.map((s) =>
        s.level === t.approvalStep ? { ...s, state: "rejected", processor: meId } : s,
      );
      return { ...t, steps, state: "rejected", status: "closed" };
    } catch (e) {
      const unclear =
        e instanceof JumpServerError && (e.ambiguous || e.isAlreadyProcessed || e.status === 400);
      if (!unclear) throw e;
      t = await patiently(() => getTicket(client, t.id));
      if (t.state !== "pending" || sent >= 3) return t;
    }
  }
}

export async function read(
  id: string,
  props: ApprovalOutputs,
): Promise<{ id: string; props: ApprovalOutputs; inputs: ApprovalInputs }> {
  const client = currentClient();
  let next: ApprovalOutputs;
  try {
    const t = await getTicket(client, id);
    const now = outputsFrom(props, t, props.asked, "");
    next = { ...now, decidedLevels: props.decidedLevels ?? [], pendingAction: props.pendingAction };
  } catch (e) {
    if (!(e instanceof JumpServerError && e.isNotFound)) throw e;
    try {
      const s = await getSuperStatus(client, id);
      const open = s.status !== "closed";
      next = {
        ...props,
        state: s.state,
        status: s.status,
        currentApprovers: open ? props.currentApprovers : [],
        permissionId: s.state === "approved" ? id : "",
      };
    } catch (e2) {
      warn(
        `TicketApproval ${props.serialNum || id}: the ticket is not visible to this identity (${message(e2)}); keeping its last known state "${props.state}"`,
      );
      next = props;
    }
  }
  return { id, props: plain(next), inputs: plain(pickInputs(props)) };
}

export async function update(
  id: string,
  olds: ApprovalOutputs,
  news: ApprovalInputs,
): Promise<{ outs: ApprovalOutputs }> {
  assertKnown(news as unknown as Record<string, unknown>);
  const outs: ApprovalOutputs = { ...olds, ...pickInputs(news) };
  if (olds.pendingAction !== "decide") return { outs: plain({ ...outs, pendingAction: "" }) };
  // What a failed create left: go on deciding the levels that are this identity's.
  const client = currentClient();
  const me = await client.profile();
  const t = await patiently(() => getTicket(client, id));
  const v = judge(t, me, news);
  if (v.kind === "refuse" && decidedLevels(t, me.id, news.decision).length === 0)
    throw new Error(`${v.property}: ${v.reason}`);
  // Levels this identity decided already hold its own grant: the pin was compared before them.
  const decidedBefore = decidedLevels(t, me.id, news.decision).length > 0;
  const after =
    v.kind === "act" ? await decide(client, t, me, news, olds.asked, !decidedBefore) : t;
  return { outs: outputsFrom(news, after, olds.asked, me.id) };
}

export async function remove(id: string, props: ApprovalOutputs): Promise<void> {
  // A decision can't be undone: the ticket is left as it is; only the grant can be taken back.
  if (props.decision !== "approve" || props.revokeOnDelete === false) return;
  const client = currentClient();
  const removed = await deletePermission(client, id, props.orgId);
  if (!removed && props.state === "pending")
    warn(
      `TicketApproval ${props.serialNum || id}: the ticket still waits at level ${props.approvalStep}; nothing was granted yet, and the level(s) this identity approved stay approved (JumpServer has no undo)`,
    );
}

/** The ticket named by a serial number or an id, if this identity can see it. */
async function findTicket(client: JumpServerClient, ref: string): Promise<LiveTicket | undefined> {
  if (!UUID.test(ref)) return findBySerial(client, ref);
  try {
    return await getTicket(client, ref);
  } catch (e) {
    if (e instanceof JumpServerError && e.isNotFound) return undefined;
    throw e;
  }
}

function judge(t: LiveTicket, me: Me, inputs: ApprovalInputs): Verdict {
  const refuse = (property: string, reason: string, lasting = true): Verdict => ({
    kind: "refuse",
    property,
    reason: `${label(t)} ${reason}`,
    lasting,
  });
  if (t.orgId.toLowerCase() !== inputs.orgId)
    return refuse("orgId", `is in org ${t.orgName || "?"} (${t.orgId}), not ${inputs.orgId}`);
  const mine = decidedLevels(t, me.id, inputs.decision).length > 0;
  if (t.state === "closed")
    return refuse(
      "ticket",
      "was closed (withdrawn by its applicant or by an admin): nothing to decide",
    );
  if (t.state === "approved" || t.state === "rejected") {
    if (mine && inputs.decision === (t.state === "approved" ? "approve" : "reject"))
      return { kind: "adopt" };
    const by = processorOf(t);
    const who = by.id === me.id ? "by this identity" : `by ${by.display || "someone else"}`;
    return refuse("ticket", `was already ${t.state} ${who}; a decision can't be made twice`);
  }
  const step = t.steps.find((s) => s.level === t.approvalStep);
  if (step?.assignees.includes(me.id)) return { kind: "act" };
  if (mine) return { kind: "adopt" };
  const approvers = displaysOf(t, t.approvalStep).join(", ") || "nobody";
  return refuse(
    "ticket",
    `waits at level ${t.approvalStep}, where this identity (${me.username}) is not an approver (its approvers: ${approvers})`,
    false,
  );
}

/** The levels processed by `meId` with this decision. */
function decidedLevels(t: LiveTicket, meId: string, decision: string): number[] {
  const state = decision === "approve" ? "approved" : "rejected";
  return t.steps.filter((s) => s.processor === meId && s.state === state).map((s) => s.level);
}

function steps(t: LiveTicket): Record<string, unknown>[] {
  return Array.isArray(t.raw.process_map) ? (t.raw.process_map as Record<string, unknown>[]) : [];
}

function processorOf(t: LiveTicket): { id: string; display: string } {
  const done = steps(t).filter((s) => s.processor);
  const last = done[done.length - 1] ?? {};
  return { id: String(last.processor ?? ""), display: String(last.processor_display ?? "") };
}

function displaysOf(t: LiveTicket, level: number): string[] {
  const s = steps(t).find((x, i) => Number(x.approval_level ?? i + 1) === level);
  return Array.isArray(s?.assignees_display) ? s.assignees_display.map(String) : [];
}

/** What a ticket asks for now (exported for the plugin's import). */
export function askedOf(t: LiveTicket): Asked {
  const named = (v: unknown) =>
    (Array.isArray(v) ? v : []).map((x) =>
      x && typeof x === "object" ? String((x as { name?: unknown }).name ?? "") : String(x),
    );
  return {
    assets: named(t.raw.apply_assets),
    assetIds: t.assetIds,
    nodes: named(t.raw.apply_nodes),
    nodeIds: t.nodeIds,
    accounts: t.accounts,
    actions: t.actions,
    dateStart: t.dateStart,
    dateExpired: t.dateExpired,
  };
}

function outputsFrom(
  inputs: ApprovalInputs,
  t: LiveTicket,
  asked: Asked,
  meId: string,
): ApprovalOutputs {
  const step = t.steps.find((s) => s.level === t.approvalStep);
  const open = t.state === "pending" && t.status !== "closed";
  return plain({
    ...pickInputs(inputs),
    ticketId: t.id,
    serialNum: t.serialNum,
    title: t.title,
    applicant: t.applicantDisplay,
    asked,
    state: t.state,
    status: t.status,
    approvalStep: t.approvalStep,
    currentApprovers: open && step ? step.assignees : [],
    decidedLevels: decidedLevels(t, meId, inputs.decision),
    permissionId: t.state === "approved" ? t.id : "",
    resolvedIds: { [`ticket:${t.serialNum}`]: t.id, [`ticket:${t.id}`]: t.id },
    pendingAction: "",
  });
}

function pickInputs(x: ApprovalInputs): ApprovalInputs {
  const out = {} as Record<string, unknown>;
  for (const k of APPROVAL_INPUT_KEYS) {
    const v = (x as unknown as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as unknown as ApprovalInputs;
}

function label(t: LiveTicket): string {
  return `ticket ${t.serialNum || t.id}${t.title ? ` ("${t.title}")` : ""}`;
}

function notFound(ref: string, me: Me): string {
  return `no apply-asset ticket ${ref} is visible to this identity (${me.username}): it does not exist, or this identity is neither its applicant, an approver nor a CC user`;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
