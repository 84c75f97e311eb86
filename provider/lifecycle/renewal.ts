// Renewal without a lapse (docs/access-over-time.md). Pulumi replaces a ticket create-before-delete,
// all in one process: `diff` sees the old resource and its state, the new resource's `create` comes
// next, the old one's `delete` last. So:
// - `diff` notes the replacement in process memory (the engine gives `create` no old state);
// - `create`, when the new ticket waits for a person and only extends or narrows the old approved
//   grant, records that grant as its `predecessor` (in its own state, from then on);
// - the old resource's `delete` leaves a permission that a successor's state holds in place;
// - every later read, update or delete of the successor settles it: revoked once the successor is
//   approved, or once its own end has passed, and always with the successor's delete.
// A killed run between the create and the delete leaves the old resource pending deletion: the
// next run deletes it after the program's resources were diffed, and the successor's diff has
// noted that its state holds the permission by then. Without such a note (a fresh `destroy`, or a
// targeted `up --replace`, which the engine does not diff) the old permission is revoked, as
// before: a lapse at worst, never a permission that no state records.
import type { JumpServerClient } from "../client/client";
import { deletePermission, getGrant } from "../api/permissions";
import { Grant, expiry, normalGrant } from "../model/grants";
import {
  Predecessor,
  RenewalAsk,
  beyondRenewal,
  earlierEnd,
  predecessorEnded,
  widenedBeyond,
} from "../model/renewal";
import { isUnknown } from "../model/unknown";
import { processMemory } from "./recovery";
import { currentState } from "./ticketDecisions";
import { warn } from "./warn";

/** What renewal needs of a ticket's state (TicketOutputs without the import cycle). */
export interface RenewalState {
  ticketId?: string;
  /** An emergency grant is never kept for a renewal: it ends by its own rules (breakGlass.ts). */
  breakGlass?: unknown;
  serialNum?: string;
  title: string;
  orgId: string;
  state: string;
  status?: string;
  applicant?: string;
  applicantId?: string;
  assets?: string[];
  nodes?: string[];
  assetIds?: string[];
  nodeIds?: string[];
  dateStart?: string;
  accounts?: string[];
  actions?: string[];
  dateExpired: string;
  revokeOnDelete?: boolean;
  approvedGrant?: Grant;
  grant?: Grant | "deleted";
  resolvedIds?: Record<string, string>;
  instanceKey?: string;
  predecessor?: Predecessor;
}

interface Replaced {
  id: string;
  olds: RenewalState;
}

/** instanceKey → the resource a replacement planned in this process replaces. */
function replacedHere(): Map<string, Replaced> {
  return processMemory<Map<string, Replaced>>("renewal-replaced", () => new Map());
}

/** Kept permission id → the ticket id of the successor whose state holds it (seen in this process). */
function keptHere(): Map<string, string> {
  return processMemory<Map<string, string>>("renewal-kept", () => new Map());
}

const label = (s: { serialNum?: string; ticketId?: string }, id?: string) =>
  s.serialNum || s.ticketId || id || "";

/** `AssetAccessTicket "name"` (from the resource's instanceKey, project/stack/name), else by ticket. */
const resourceOf = (s: RenewalState, id?: string) => {
  const name = s.instanceKey?.split("/").slice(2).join("/");
  return name ? `AssetAccessTicket "${name}"` : `AssetAccessTicket ${label(s, id)}`;
};

/** `diff`: remember what a replacement replaces, and which permissions this state holds. */
export function noteDiff(id: string, olds: RenewalState, replacing: boolean): void {
  if (olds.predecessor) keptHere().set(olds.predecessor.ticketId.toLowerCase(), id.toLowerCase());
  if (replacing && olds.instanceKey) replacedHere().set(olds.instanceKey, { id, olds });
}

/** `read`/`update`: a state that still holds a permission says so, for deletes later in the process. */
export function noteHeld(id: string, props: RenewalState): void {
  if (props.predecessor) keptHere().set(props.predecessor.ticketId.toLowerCase(), id.toLowerCase());
}

/** Whether a successor's state (other than `selfId`'s) holds this permission. */
export function heldByAnother(permissionId: string, selfId: string): string | undefined {
  const holder = keptHere().get(permissionId.toLowerCase());
  return holder && holder !== selfId.toLowerCase() ? holder : undefined;
}

const alive = (olds: RenewalState, now: number) =>
  olds.revokeOnDelete !== false && !olds.breakGlass && !expiry(olds.dateExpired, now).expired;

/**
 * `create`: the grant the new ticket keeps alive while it waits, if the replacement this process
 * planned for `instanceKey` only extends or narrows an approved grant. The old ticket's state may
 * be stale (approved by a person since the last refresh): it is read again. Its permission is read
 * too: gone or disabled, nothing is kept; an earlier end read there is taken, a later one never.
 */
export async function predecessorFor(
  client: JumpServerClient,
  instanceKey: string | undefined,
  ask: RenewalAsk,
  now = Date.now(),
): Promise<Predecessor | undefined> {
  const replaced = instanceKey ? replacedHere().get(instanceKey) : undefined;
  if (!replaced) return undefined;
  const { id, olds } = replaced;
  if (!alive(olds, now)) return undefined;
  // Pending in the state: a person may have approved it since. Unsure: not kept (as before).
  const approved =
    olds.state === "approved" || (await currentState(client, id).catch(() => "")) === "approved";
  if (!approved) return handOver(olds, ask, now);
  let live: Grant | undefined | "unsure";
  try {
    live = await getGrant(client, id, olds.orgId);
  } catch {
    // Unsure whether it is still there: keep tracking it with the approved end (revoking it
    // later is harmless if it is gone; dropping it now could leave it untracked).
    live = "unsure";
  }
  if (!live || (live !== "unsure" && !live.active)) return handOver(olds, ask, now);
  // Widened in JumpServer since the approval: not kept a moment longer than before (revoked now).
  const approvedAs = olds.approvedGrant ?? declaredOf(olds);
  if (live !== "unsure" && widenedBeyond(live, approvedAs).length > 0) {
    warn(
      `${resourceOf(olds, id)}: its asset permission grants more ${widenedBeyond(live, approvedAs).join(", ")} than was approved (edited in JumpServer), so it is not kept for the renewal: it is revoked now`,
    );
    return handOver(olds, ask, now);
  }
  // The yardstick is what was approved (or, when the state never saw the approval, what was
  // declared); the live permission can only narrow it, never widen it.
  const yardstick = olds.approvedGrant ?? declaredOf(olds);
  const beyond = beyondRenewal(ask, yardstick, olds.orgId);
  if (live !== "unsure")
    for (const b of beyondRenewal(ask, live, olds.orgId)) if (!beyond.includes(b)) beyond.push(b);
  const candidate: Predecessor = {
    ticketId: id,
    serialNum: olds.serialNum ?? "",
    title: olds.title,
    orgId: olds.orgId,
    dateExpired: earlierEnd(
      earlierEnd(yardstick.dateExpired, olds.dateExpired),
      live === "unsure" ? undefined : live.dateExpired,
    ),
    grant: yardstick,
  };
  if (predecessorEnded(candidate, now)) return undefined;
  if (beyond.length > 0) {
    warn(
      `${resourceOf(olds, id)}: the new ticket asks for other ${beyond.join(", ")} than the approved grant, so it is not a renewal: the current access is revoked now and the new one starts once approved`,
    );
    return undefined;
  }
  return candidate;
}

/** The grant an old state declared, as ids (its state never saw the approval's own values). */
function declaredOf(olds: RenewalState): Grant {
  return normalGrant({
    users: olds.applicantId ? [olds.applicantId] : [],
    userGroups: [],
    assets: olds.assetIds ?? [],
    nodes: olds.nodeIds ?? [],
    accounts: olds.accounts ?? ["@ALL"],
    actions: olds.actions ?? ["all"],
    dateStart: olds.dateStart ?? "",
    dateExpired: olds.dateExpired,
    active: true,
  });
}

/** A pending or refused old ticket that itself kept an earlier grant alive passes it on. */
function handOver(olds: RenewalState, ask: RenewalAsk, now: number): Predecessor | undefined {
  const p = olds.predecessor;
  if (!p || predecessorEnded(p, now)) return undefined;
  return beyondRenewal(ask, p.grant, p.orgId).length === 0 ? p : undefined;
}

/** `create`: from now on the successor's state holds the permission. */
export function keep(p: Predecessor, successorId: string, successor: RenewalState): void {
  keptHere().set(p.ticketId.toLowerCase(), successorId.toLowerCase());
  warn(
    `${resourceOf(successor, successorId)}: renewal: the current grant (ticket ${p.serialNum || p.ticketId}) stays until this ticket is approved, or until ${p.dateExpired}, whichever comes first`,
  );
}

/**
 * `read`, `update`: the successor's kept grant, settled. Once the successor is approved, or the
 * kept grant's own end has passed, the permission is revoked and the state forgets it; an
 * unclear answer to that revoke keeps it in the state (the next run tries again). While the
 * renewal is in flight, the permission is read: deleted by hand, it is forgotten; an earlier end
 * is taken, a later one (edited in JumpServer) never; widened or disabled by hand, it is kept no
 * longer (revoked). `writes: false` (every read: a refresh, `preview --refresh`, the report) only
 * reads, and notes what the next update must do (`settleDue`).
 */
export async function settle<T extends RenewalState>(
  client: JumpServerClient,
  id: string,
  props: T,
  writes: boolean,
  now = Date.now(),
): Promise<T> {
  const p = props.predecessor;
  if (!p) return props;
  const due = props.state === "approved" || predecessorEnded(p, now);
  if (!due) {
    noteHeld(id, props);
    let live: Grant | undefined;
    try {
      live = await getGrant(client, p.ticketId, p.orgId);
    } catch {
      return props; // unsure: keep it, as it was
    }
    if (!live) return forget(id, props);
    const wider = live.active ? widenedBeyond(live, p.grant) : ["active"];
    if (wider.length === 0) {
      const end = earlierEnd(p.dateExpired, live.dateExpired);
      return end === p.dateExpired ? props : { ...props, predecessor: { ...p, dateExpired: end } };
    }
    // Widened (or disabled) in JumpServer while kept: it is kept no longer. A read notes it, and
    // the next update revokes it.
    if (!writes) return { ...props, predecessor: { ...p, widened: wider } };
    if (live.active)
      warn(
        `${resourceOf(props, id)}: the earlier grant (ticket ${p.serialNum || p.ticketId}) grants more ${wider.join(", ")} than was approved (edited in JumpServer); revoking it now`,
      );
  }
  if (!writes) return props;
  try {
    await deletePermission(client, p.ticketId, p.orgId);
  } catch (e) {
    warn(
      `${resourceOf(props, id)}: revoking the earlier grant (ticket ${p.serialNum || p.ticketId}) failed (${e instanceof Error ? e.message : String(e)}); it stays recorded here and the next run revokes it`,
    );
    noteHeld(id, props);
    return props;
  }
  return forget(id, props);
}

function forget<T extends RenewalState>(id: string, props: T): T {
  const { predecessor, ...rest } = props;
  if (predecessor && keptHere().get(predecessor.ticketId.toLowerCase()) === id.toLowerCase())
    keptHere().delete(predecessor.ticketId.toLowerCase());
  return rest as T;
}

/** `delete` of a successor: the grant it kept alive goes with it, unless a newer successor holds it now. */
export async function revokeKept(
  client: JumpServerClient,
  id: string,
  props: RenewalState,
): Promise<void> {
  const p = props.predecessor;
  if (!p || heldByAnother(p.ticketId, id)) return;
  await deletePermission(client, p.ticketId, p.orgId);
  forget(id, props);
}

/** Whether there is work for an update: the successor is known approved, the kept grant ended, or it was widened. */
export function settleDue(props: RenewalState, now = Date.now()): boolean {
  const p = props.predecessor;
  return (
    !!p && (props.state === "approved" || predecessorEnded(p, now) || (p.widened ?? []).length > 0)
  );
}

/**
 * `diff` at `preview`: what a planned replacement of an approved grant does to the current access,
 * in words. Names are mapped to ids through the old state's lookups; a value not known until `up`
 * leaves the answer open.
 */
export function previewRenewal(
  olds: RenewalState,
  news: Partial<RenewalState> & Record<string, unknown>,
  now = Date.now(),
): string | undefined {
  const who = resourceOf(olds);
  if (olds.state !== "approved" || !alive(olds, now)) {
    if (olds.predecessor && !predecessorEnded(olds.predecessor, now))
      return `${who}: renewal: the earlier grant (ticket ${olds.predecessor.serialNum || olds.predecessor.ticketId}) passes to the new ticket if it only extends or narrows that grant, and stays until the new ticket is approved, or until ${olds.predecessor.dateExpired}, whichever comes first`;
    return undefined;
  }
  const ids = olds.resolvedIds ?? {};
  const unknown = Object.values(news).some(
    (v) => isUnknown(v) || (Array.isArray(v) && v.some(isUnknown)),
  );
  const map = (kind: string, xs: unknown) =>
    (Array.isArray(xs) ? xs : []).map((x) => ids[`${kind}:${String(x)}`] ?? String(x));
  const applicant =
    news.applicant === olds.applicant
      ? (olds.applicantId ?? "")
      : (ids[`applicant:${String(news.applicant)}`] ?? String(news.applicant ?? ""));
  const ask: RenewalAsk = {
    orgId: String(news.orgId ?? olds.orgId),
    applicantId: applicant,
    assetIds: map("assets", news.assets),
    nodeIds: map("nodes", news.nodes),
    accounts: Array.isArray(news.accounts) ? news.accounts.map(String) : ["@ALL"],
    actions: Array.isArray(news.actions) ? news.actions.map(String) : ["all"],
  };
  // A ticket hidden from this identity was recorded approved without its grant: what it declared.
  const approved = olds.approvedGrant ?? declaredOf(olds);
  const end = earlierEnd(
    earlierEnd(approved.dateExpired, olds.dateExpired),
    olds.grant && olds.grant !== "deleted" ? olds.grant.dateExpired : undefined,
  );
  const keeps = `the current grant (ticket ${label(olds)}) stays until the new ticket is approved (at once where this pipeline approves every level), or until ${end}, whichever comes first`;
  if (unknown)
    return `${who}: renewal: if the new ticket only extends or narrows the approved grant, ${keeps}; otherwise it is revoked in this update`;
  const beyond = beyondRenewal(ask, approved, olds.orgId);
  if (beyond.length > 0)
    return `${who}: not a renewal (the new ticket asks for other ${beyond.join(", ")}): the current grant is revoked in this update, and the new access starts once the new ticket is approved`;
  return `${who}: renewal: ${keeps}`;
}
