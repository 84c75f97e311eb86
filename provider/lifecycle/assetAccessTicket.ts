// AssetAccessTicket lifecycle: the real logic behind the thin serialized provider.
// Exactly once: every open carries a `[pulumi:<uuid>]` marker in its comment; after a lost answer
// the ticket is looked up by that marker instead of being opened again. Once a ticket exists, a
// failing create reports it as "created but not initialised", so it stays in state and the next
// update finishes the job (approving, or closing a ticket the server narrowed).
import { randomUUID } from "crypto";
import type { JumpServerClient } from "../client/client";
import { JumpServerError } from "../client/errors";
import { LiveTicket, OpenBody, getSuperStatus, getTicket } from "../api/tickets";
import type { Failure } from "../model/flowRules";
import { OutputValues, differs } from "../model/fields";
import { askOf } from "../model/approvalBody";
import { Grant, GrantBody, expiry, needsNewTicket } from "../model/grants";
import {
  REPLACING_KEYS,
  TICKET_INPUTS,
  TICKET_OUTPUTS,
  TICKET_INPUT_KEYS,
} from "../model/ticketFields";
import { TicketInputs, checkTicketInputs } from "../model/ticketInputs";
import {
  GuardrailError,
  Guardrails,
  selfApproval,
  selfApprovalForbiddenBy,
  ticketGuardrailFailures,
} from "../model/guardrails";
import { assertKnown } from "../model/unknown";
import { UUID } from "../settings";
import {
  configuredGuardrails,
  configuredOrgId,
  configuredUsername,
  currentClient,
  currentSettings,
} from "./context";
import { InitError } from "./initError";
import { patiently } from "./patience";
import { chainFor, markerFor, openedEarlier, requestIdFor, takenOverHere } from "./recovery";
import { plain } from "./plain";
import {
  approveWhileAssignee,
  closeAnyway,
  closeFor,
  currentState,
  revoke,
} from "./ticketDecisions";
import { resolveAsked } from "./ticketNames";
import { approvedGrantOf, driftOf, hollowParts, liveGrant, restoreGrant } from "./ticketGrants";
import { adoptionMismatch, compareWithRequest, openExactlyOnce } from "./ticketOpen";
import { listedTickets } from "./snapshot";
import {
  heldByAnother,
  keep,
  noteDiff,
  predecessorFor,
  previewRenewal,
  revokeKept,
  settle,
  settleDue,
} from "./renewal";
import { assertBreakGlassFlow, assertMayBreakGlass, breakGlassComment } from "./breakGlass";
import { Deadline, deadlineOf, dueNow, openedAtOf } from "../model/deadlines";
import { deletePermission } from "../api/permissions";
import { warn } from "./warn";

export type TicketOutputs = TicketInputs & OutputValues<typeof TICKET_OUTPUTS>;

export async function check(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<{ inputs?: Record<string, unknown>; failures?: Failure[] }> {
  // Set by the resource (its project/stack/name) and by this check (the marker); never by users.
  // `grant` and `approvedGrant` are set by read and by this check, never by users.
  const {
    instanceKey,
    requestId: _marker,
    grant: _live,
    approvedGrant: _approved,
    ...asked
  } = news;
  const { inputs, failures } = checkTicketInputs(asked, configuredOrgId());
  if (failures.length > 0 || !inputs) return { failures };
  const broken = ticketGuardrailFailures(inputs, configuredGuardrails(), configuredUsername());
  if (broken.length > 0) return { failures: broken };
  const out = plain(inputs) as unknown as Record<string, unknown>;
  // Ratification reviews a grant that exists: never the change that opens (or reopens) it.
  if (inputs.ratified === true && inputs.breakGlass && !(olds.breakGlass && sameAsk(olds, out))) {
    return {
      failures: [
        {
          property: "ratified",
          reason:
            "a break-glass grant is ratified by a later change, once it exists; open it with ratified unset",
        },
      ],
    };
  }
  // Refresh stored the live grant in the inputs; the program's is the approved one. The engine
  // shows the difference property by property, as it shows a flow's rules (see read).
  if (olds.approvedGrant && sameAsk(olds, out)) {
    out.approvedGrant = olds.approvedGrant;
    out.grant = olds.approvedGrant;
  }
  if (typeof instanceKey === "string" && instanceKey !== "") {
    out.instanceKey = instanceKey;
    const previous = chainFor(instanceKey, olds ?? {});
    // The same resource asking for the same ticket keeps its requestId. A new one on every run
    // changed the inputs of every unchanged ticket, and the engine then saves its whole
    // checkpoint again for each one: a no-op `up` grew with the square of the stack. A
    // replacement is checked again with no old inputs, and that check still chains to a new one.
    const sameTicket =
      typeof olds.requestId === "string" && olds.instanceKey === instanceKey && sameAsk(olds, out);
    out.requestId = sameTicket ? olds.requestId : requestIdFor(instanceKey, inputs, previous);
  }
  return { inputs: out };
}

export async function diff(
  id: string,
  olds: TicketOutputs,
  news: TicketInputs,
): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
  const ids = olds.resolvedIds ?? {};
  const o = olds as unknown as Record<string, unknown>;
  const n = news as unknown as Record<string, unknown>;
  const changed = TICKET_INPUT_KEYS.filter((k) => differs(TICKET_INPUTS[k], k, o, n, ids));
  // A replacing input not known until `up` may ask for another ticket: plan the replacement.
  const replaces: string[] = changed.filter((k) => TICKET_INPUTS[k].replaces);
  // A grant edited by hand is put back; one deleted or disabled needs a new ticket.
  const drift = driftOf(olds);
  // Not for break-glass: a new ticket would be a new emergency grant with a new ratify window,
  // opened without a new change; a deleted or disabled emergency grant stays ended.
  if (needsNewTicket(drift) && !olds.breakGlass) replaces.push("grant");
  // New ticket first, then the old one is closed or revoked in the same `up`, unless the new
  // ticket only renews an approved grant and still waits for a person (renewal.ts).
  noteDiff(id, olds, replaces.length > 0);
  if (replaces.length > 0) {
    const words = previewRenewal(olds, n);
    if (words) warn(words);
  }
  const renewalWork = settleDue(olds) || (await approvedSince(id, olds));
  // A passed deadline (a request nobody approved, a break-glass grant nobody ratified) is a change
  // the next `up` makes: preview shows it, and the drift gate fails on it.
  const due = dueNow(olds, news, configuredGuardrails());
  if (due) warn(dueInWords(olds, due));
  const changes =
    changed.length > 0 || !!olds.pendingAction || drift.length > 0 || renewalWork || !!due;
  return { changes, replaces: [...replaces], deleteBeforeReplace: false };
}

export async function create(inputs: TicketInputs): Promise<{ id: string; outs: TicketOutputs }> {
  assertKnown(inputs as unknown as Record<string, unknown>);
  // What was unknown at preview is judged now, before anything is asked.
  const guardrails = configuredGuardrails();
  const broken = ticketGuardrailFailures(inputs, guardrails, configuredUsername());
  if (broken.length > 0) throw new GuardrailError(broken);
  const client = currentClient();
  // Before the names: a break-glass flow on a server without named flows is refused, saying why.
  await patiently(() => assertBreakGlassFlow(client, inputs));
  // Nothing is written until the open: the lookups are asked again after a transient failure.
  const { me, applicant, resolvedIds, assetIds, nodeIds, flowId } = await patiently(() =>
    resolveAsked(client, inputs),
  );
  assertNotOwn(inputs, guardrails, applicant.id === me.id);
  assertMayBreakGlass(inputs, applicant, guardrails);
  // A marker stable across runs (from check) lets a run after a kill find the ticket it opened;
  // resources created without one (older programs) get a fresh one.
  const stable = typeof inputs.requestId === "string" && UUID.test(inputs.requestId);
  const requestId = stable ? inputs.requestId!.toLowerCase() : randomUUID();
  const markerId = markerFor(currentSettings().auth, requestId);
  const marker = `[pulumi:${markerId}]`;
  const declared = declaredGrant(inputs, assetIds, nodeIds);
  const words = [
    inputs.breakGlass ? breakGlassComment(inputs.breakGlass) : "",
    inputs.comment ?? "",
    marker,
  ];
  const body: OpenBody = {
    title: inputs.title,
    ...declared,
    comment: words.filter((w) => w !== "").join(" "),
  };
  if (applicant.id !== me.id) body.applicant = applicant.id;
  if (flowId) body.flow_id = flowId;

  // Only a ticket that asks for exactly this open body may be taken over (a lost answer, a kill).
  const mismatch = (t: LiveTicket) => adoptionMismatch(t, body, applicant);
  const ticket =
    (stable ? await patiently(() => openedEarlier(client, markerId, mismatch)) : undefined) ??
    (await openExactlyOnce(client, body, {
      inputs,
      applicantId: applicant.id,
      meId: me.id,
      marker,
      mismatch,
    }));

  // From here on the ticket exists: any failure must leave it recorded, never orphaned.
  let outs = outputsFrom(inputs, ticket, {
    requestId,
    marker,
    resolvedIds,
    applicantId: applicant.id,
  });
  const narrower = compareWithRequest(ticket, applicant.username, assetIds, nodeIds);
  if (narrower) {
    // pendingAction "close" makes every later `up` close it (if this close fails) and fail again,
    // until the inputs change and a new ticket replaces it: a narrower grant is never kept quietly.
    outs = { ...outs, pendingAction: "close", mismatch: narrower };
    try {
      // Closed as whoever JumpServer made the applicant (v3 ignores `applicant` for non-admins).
      const openedFor = ticket.applicantUsername === me.username ? me.id : applicant.id;
      await closeAnyway(client, ticket.id, openedFor);
      outs = { ...outs, state: "closed", status: "closed", currentApprovers: [] };
    } catch {
      // the next update closes it
    }
    throw new InitError(
      `ticket ${ticket.serialNum || ticket.id} was opened narrower than asked and has been closed: ${narrower}`,
      ticket.id,
      outs,
    );
  }
  // A renewal that still waits for a person keeps the current grant alive (renewal.ts): from here
  // on this state holds it. Asked once the pipeline's approvals are done: approved, it keeps none.
  const renews = () =>
    predecessorFor(client, inputs.instanceKey, {
      orgId: inputs.orgId,
      applicantId: applicant.id,
      assetIds,
      nodeIds,
      accounts: inputs.accounts,
      actions: inputs.actions,
    });
  const holding = (o: TicketOutputs, p: Awaited<ReturnType<typeof renews>>): TicketOutputs => {
    if (!p || o.state === "approved") return o;
    keep(p, ticket.id, o);
    return { ...o, predecessor: p };
  };
  if (inputs.approve) {
    try {
      const approved = await approveWhileAssignee(client, ticket, me.id, askOf(declared));
      outs = outputsFrom(inputs, approved, {
        requestId,
        marker,
        resolvedIds,
        applicantId: applicant.id,
        openedAt: outs.openedAt,
      });
    } catch (e) {
      throw new InitError(
        `ticket ${ticket.serialNum || ticket.id} was opened but approving it failed (the next \`pulumi up\` retries the approval, without opening another ticket): ${message(e)}`,
        ticket.id,
        holding({ ...outs, pendingAction: "approve" }, await renews().catch(() => undefined)),
      );
    }
    if (inputs.breakGlass && outs.state !== "approved") {
      // An emergency that waits for a person is no break-glass: closed, and every later `up`
      // fails the same way until the inputs change (as for a ticket opened narrower than asked).
      const why = `the flow "${inputs.flow}" did not let this identity approve every level (still waiting at level ${outs.approvalStep})`;
      outs = { ...outs, pendingAction: "close", mismatch: why };
      try {
        await closeAnyway(client, ticket.id, applicant.id);
        outs = { ...outs, state: "closed", status: "closed", currentApprovers: [] };
      } catch {
        // the next update closes it
      }
      throw new InitError(
        `break-glass ticket ${ticket.serialNum || ticket.id} was closed: ${why}; a break-glass flow names the pipeline's identity as its approver at every level`,
        ticket.id,
        outs,
      );
    }
  }
  if (inputs.breakGlass) {
    warn(
      `AssetAccessTicket ${outs.serialNum || ticket.id}: BREAK-GLASS access granted to ${applicant.username} until ${inputs.dateExpired} (${inputs.breakGlass.reason}); ratify it with a reviewed change (ratified: true), or the first \`pulumi up\` after ${ratifyBy(outs.openedAt)} revokes it`,
    );
  }
  if (outs.state !== "approved") outs = holding(outs, await renews());
  return { id: ticket.id, outs: plain(outs) };
}

export async function read(
  id: string,
  props: TicketOutputs,
): Promise<{ id: string; props: TicketOutputs; inputs: TicketInputs }> {
  const client = currentClient();
  let next: TicketOutputs;
  const t = await visibleTicket(client, id);
  if (t) {
    next = {
      ...outputsFrom(props, t, props),
      pendingAction: props.pendingAction ?? "",
      ...(props.mismatch ? { mismatch: props.mismatch } : {}),
      ...(props.predecessor ? { predecessor: props.predecessor } : {}),
    };
    // A closed ticket can't change: the approved grant, once recorded whole, is kept, so an odd
    // answer (fields missing) can't move the drift baseline. A hollow one (recorded from such an
    // answer by an older version) is read again.
    if (
      next.state === "approved" &&
      props.approvedGrant &&
      hollowParts(props.approvedGrant).length === 0
    )
      next = { ...next, approvedGrant: props.approvedGrant };
  } else {
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
  if (next.state === "approved" && next.approvedGrant) {
    const grant = await liveGrant(client, id, next.orgId);
    if (grant) next = { ...next, grant };
  }
  // A renewal in flight: the kept grant goes once this ticket is approved, or at its own end. A
  // read never writes (it runs at `preview --refresh`): it notes the work, the next update does it.
  next = await settle(client, id, next, false);
  // The marker the live ticket carries goes back into the inputs: the next check chains from it.
  // So does the live grant, beside the approved one: the next preview shows what drifted.
  const inputs = {
    ...pickInputs(props),
    ...(props.requestId ? { requestId: props.requestId } : {}),
    ...(next.approvedGrant && next.grant
      ? { approvedGrant: next.approvedGrant, grant: next.grant }
      : {}),
  };
  return { id, props: plain(next), inputs: plain(inputs) };
}

/** The ticket from the process's list when it could be taken (absent there: not visible), else a GET. */
async function visibleTicket(
  client: JumpServerClient,
  id: string,
): Promise<LiveTicket | undefined> {
  const listed = await listedTickets(client, id);
  if (listed) return listed.get(id.toLowerCase());
  try {
    return await getTicket(client, id);
  } catch (e) {
    if (e instanceof JumpServerError && e.isNotFound) return undefined;
    throw e;
  }
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
  const due = dueNow(olds, news, configuredGuardrails());
  if (due) return { outs: plain(await actOnDeadline(client, id, due, outs)) };
  const wantsApproval =
    ((news.approve && !olds.approve) || olds.pendingAction === "approve") && !olds.timedOutAt;
  if (wantsApproval && news.approve) {
    const me = await client.profile();
    assertNotOwn(news, configuredGuardrails(), olds.applicantId === me.id);
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
    // The grant the program declares, resolved again (cached lookups), never the live ticket's.
    const { assetIds, nodeIds } = await patiently(() => resolveAsked(client, news));
    const declared = declaredGrant(news, assetIds, nodeIds);
    const approved = await approveWhileAssignee(client, t, me.id, askOf(declared));
    outs = { ...outputsFrom({ ...olds, ...pickInputs(news) }, approved, olds), ...kept(olds) };
  } else if (outs.predecessor && outs.state === "pending") {
    // A renewal in flight: approved by a person since? Then the kept grant goes (settle below).
    const t = await visibleTicket(client, id).catch(() => undefined);
    if (t && t.state !== "pending")
      outs = { ...outputsFrom({ ...olds, ...pickInputs(news) }, t, olds), ...kept(olds) };
    else if (!t) {
      // Hidden from this identity (opened on behalf): its status, as read does.
      const s = await getSuperStatus(client, id).catch(() => undefined);
      if (s && s.state !== "pending")
        outs = { ...outs, state: s.state, status: s.status, currentApprovers: [] };
    }
  }
  const drift = driftOf(outs);
  if (drift.length > 0 && !needsNewTicket(drift) && outs.approvedGrant) {
    const grant = await restoreGrant(client, id, outs.orgId, outs.approvedGrant);
    outs = { ...outs, grant };
  }
  outs = await settle(client, id, outs, true);
  return { outs: plain({ ...outs, pendingAction: "" }) };
}

export async function remove(id: string, props: TicketOutputs): Promise<void> {
  if (takenOverHere().has(id.toLowerCase())) {
    // `up --replace`: the replacement took this very ticket over (see recovery.ts); it stays.
    warn(
      `AssetAccessTicket ${props.serialNum || id}: the replacement holds this same ticket, so its access is kept, not revoked`,
    );
    return;
  }
  const client = currentClient();
  // The grant this ticket kept alive goes with it, unless a newer ticket took it over (renewal.ts).
  await revokeKept(client, id, props);
  const holder = heldByAnother(id, id);
  if (holder) {
    // A renewal waiting for a person: the successor's state holds this permission now.
    warn(
      `AssetAccessTicket ${props.serialNum || id}: its grant is kept for the renewal (ticket ${holder}), until that ticket is approved or until the grant's own end; not revoked now`,
    );
    return;
  }
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

/**
 * Whether a renewal's successor, pending in the state, has been approved since (one read, only
 * for tickets that keep an earlier grant alive). An unclear answer is "no": nothing is revoked.
 */
async function approvedSince(id: string, olds: TicketOutputs): Promise<boolean> {
  if (!olds.predecessor || olds.state !== "pending" || !id) return false;
  try {
    return (await currentState(currentClient(), id)) === "approved";
  } catch {
    return false;
  }
}

/** The grant the program declares, as ids: what a ticket is opened with and all its approvals may send. */
function declaredGrant(inputs: TicketInputs, assetIds: string[], nodeIds: string[]): GrantBody {
  return {
    org_id: inputs.orgId,
    apply_assets: assetIds,
    apply_nodes: nodeIds,
    apply_accounts: inputs.accounts,
    apply_actions: inputs.actions,
    apply_date_start: inputs.dateStart,
    apply_date_expired: inputs.dateExpired,
  };
}

function outputsFrom(
  inputs: TicketInputs,
  t: LiveTicket,
  extra: Pick<TicketOutputs, "requestId" | "marker" | "resolvedIds" | "applicantId"> &
    Partial<Pick<TicketOutputs, "openedAt" | "timedOutAt" | "revokedAt">>,
): TicketOutputs {
  const step = t.steps.find((s) => s.level === t.approvalStep);
  const open = t.state === "pending" && t.status !== "closed";
  // Until a read compares it with the permission, the grant is taken to be what was approved.
  const approvedGrant: Grant | undefined =
    t.state === "approved" ? approvedGrantOf(t, extra.applicantId) : undefined;
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
    ...(extra.marker ? { marker: extra.marker } : {}),
    resolvedIds: extra.resolvedIds ?? {},
    pendingAction: "",
    ...(approvedGrant ? { approvedGrant, grant: approvedGrant } : {}),
    ...expiry(t.dateExpired || inputs.dateExpired),
    openedAt: openedAtOf(extra.openedAt, t.raw.date_created, Date.now()),
    ...(extra.timedOutAt ? { timedOutAt: extra.timedOutAt } : {}),
    ...(extra.revokedAt ? { revokedAt: extra.revokedAt } : {}),
  };
}

/** What the next `up` does about a passed deadline, as preview says it. */
function dueInWords(olds: TicketOutputs, due: Deadline): string {
  const name = `AssetAccessTicket ${olds.serialNum || olds.ticketId}`;
  return due.kind === "timeout"
    ? `${name}: nobody approved it within ${due.source} of its opening (${olds.openedAt}): \`pulumi up\` closes the request`
    : `${name}: break-glass grant not ratified within ${due.source} of its opening (${olds.openedAt}): \`pulumi up\` revokes it`;
}

/** When an unratified break-glass grant opened at `openedAt` is revoked, in words. */
function ratifyBy(openedAt: string | undefined): string {
  const deadline = openedAt
    ? deadlineOf(
        { state: "approved", status: "closed", openedAt, breakGlass: { reason: "" } },
        {},
        configuredGuardrails(),
      )
    : undefined;
  return deadline
    ? new Date(deadline.at).toISOString().replace(/\.\d{3}Z$/, "Z")
    : "its ratify window";
}

/**
 * A passed deadline, acted on: the request nobody approved is closed; the break-glass grant nobody
 * ratified is revoked (whatever revokeOnDelete says). A state that moved meanwhile is read again:
 * a request approved in time stays approved.
 */
async function actOnDeadline(
  client: JumpServerClient,
  id: string,
  due: Deadline,
  outs: TicketOutputs,
): Promise<TicketOutputs> {
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const name = `AssetAccessTicket ${outs.serialNum || id}`;
  if (due.kind === "revoke") {
    await deletePermission(client, id, outs.orgId);
    warn(
      `${name}: break-glass grant revoked: not ratified within ${due.source} of its opening (${outs.openedAt}); a new ticket (changed inputs) asks again`,
    );
    return { ...outs, revokedAt: at, grant: "deleted", pendingAction: "" };
  }
  try {
    await closeFor(client, id, outs.applicantId);
  } catch (e) {
    if (!(e instanceof JumpServerError)) throw e;
    if (!e.isAlreadyProcessed && !e.ambiguous && e.status !== 400 && e.status !== 409) throw e;
    const state = await currentState(client, id);
    if (state === "pending") await closeAnyway(client, id, outs.applicantId);
    else {
      warn(`${name}: its request timed out, but it was ${state} meanwhile; left as it is`);
      const t = await visibleTicket(client, id);
      return t ? { ...outputsFrom(outs, t, outs), pendingAction: "" } : { ...outs, state };
    }
  }
  warn(
    `${name}: request closed: nobody approved it within ${due.source} of its opening (${outs.openedAt}); change the request to ask again`,
  );
  return {
    ...outs,
    state: "closed",
    status: "closed",
    currentApprovers: [],
    timedOutAt: at,
    pendingAction: "",
  };
}

/** The earlier grant a renewal keeps alive, carried from one state to the next. */
const kept = (o: TicketOutputs) => (o.predecessor ? { predecessor: o.predecessor } : {});

/** Whether the inputs still ask for the same ticket (names and ids as the check spelled them). */
function sameAsk(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  // Keys in any order: the engine's Structs hand objects back with their keys sorted.
  return REPLACING_KEYS.every((k) => canonical(olds[k]) === canonical(news[k]));
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b)))
      : x,
  );
}

function pickInputs(x: TicketInputs): TicketInputs {
  const out = {} as Record<string, unknown>;
  for (const k of [...TICKET_INPUT_KEYS, "instanceKey"]) {
    const v = (x as unknown as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as unknown as TicketInputs;
}

/** Once the identity is known: approving a ticket it applied for is approving its own. */
function assertNotOwn(inputs: TicketInputs, guardrails: Guardrails, own: boolean): void {
  const source = selfApprovalForbiddenBy(guardrails, inputs.guardrails);
  if (inputs.approve && own && source) {
    const why = `the applicant ${JSON.stringify(inputs.applicant ?? "")} is the provider's own identity`;
    throw new GuardrailError([{ property: "approve", reason: selfApproval(why, source) }]);
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
