// Exactly once across runs. A CI job that is cancelled kills the CLI and the provider mid-`up`;
// the next `up` (or `refresh --clear-pending-creates` and `up`) calls create again for every
// resource whose create never reached state. So the marker a ticket is opened with must be the
// same in that next run, and create must look for it before opening.
//
// The `requestId` is derived in `check`, where the resource's old inputs are at hand:
// hash(the resource's project/stack/name, what the ticket asks for, the previous requestId). The
// same resource asking for the same ticket after a kill gets the same one. A replacement chains
// from the previous one, so it never matches the ticket it replaces (the engine checks a
// replacement again with no old inputs: `chainFor` remembers them for that second check). A forced
// one (`up --replace`) is checked with no old inputs only, so it finds and keeps the ticket it
// replaces (`takenOverHere`).
//
// Everything in the requestId is in the repository, and it shows in previews. So the marker the
// ticket carries is keyed with the identity's credential (HMAC): a requester can't open a ticket
// that the pipeline would take for its own. Adoption also needs the whole open body to match.
import { createHash, createHmac } from "crypto";
import type { JumpServerClient } from "../client/client";
import { JumpServerError } from "../client/errors";
import { getGrant } from "../api/permissions";
import { LiveTicket, findTickets, getTicket } from "../api/tickets";
import { REPLACING_KEYS, TicketInputs } from "../model/ticketInputs";
import { HASHED_WHEN_SET } from "../model/ticketFields";
import type { AuthSettings } from "../settings";
import { warn } from "./warn";

/** How far back the first create of a process looks for tickets an interrupted run opened. */
export const RECOVERY_DAYS = 30;

/** A UUID-shaped marker, stable for one resource asking for one ticket (see above). */
export function requestIdFor(
  instanceKey: string,
  inputs: TicketInputs,
  previous: string | undefined,
): string {
  const given = inputs as unknown as Record<string, unknown>;
  const asks = REPLACING_KEYS.filter(
    (k) => !HASHED_WHEN_SET.includes(k) || given[k] !== undefined,
  ).map((k) => given[k]);
  const h = createHash("sha256")
    .update(JSON.stringify([instanceKey, asks, previous ?? ""]))
    .digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The previous requestId a check chains from. The engine checks a replacement twice in one
 * process: first with the old inputs, then with none. The second check must chain from the same
 * previous requestId, or the replacement would find (and adopt) the very ticket it replaces.
 */
export function chainFor(instanceKey: string, olds: Record<string, unknown>): string | undefined {
  const chains = chainMemory();
  if (typeof olds.requestId === "string") {
    chains.set(instanceKey, olds.requestId);
    return olds.requestId;
  }
  return Object.keys(olds).length === 0 ? chains.get(instanceKey) : undefined;
}

function chainMemory(): Map<string, string> {
  return processMemory<Map<string, string>>("request-chains", () => new Map());
}

/**
 * Tickets a create of this process took over. `pulumi up --replace` checks the replacement with
 * no old inputs (pkg/resource/deploy/step_generator.go: a targeted replace ignores its old
 * state), so its create can't be told from a run killed before its state was saved: both find the
 * same ticket by its marker, and taking it over is the safe reading. The replaced resource's
 * delete comes later in the same process: it must then leave that ticket and its grant alone.
 */
export function takenOverHere(): Set<string> {
  return processMemory<Set<string>>("taken-over", () => new Set());
}

export function processMemory<T>(name: string, make: () => T): T {
  const g = globalThis as unknown as Record<symbol, T | undefined>;
  return (g[Symbol.for(`pulumi-jumpserver-tickets/${name}`)] ??= make());
}

/**
 * The marker an open carries in its comment, `[pulumi:<uuid>]`: the requestId keyed with the
 * identity's secret, so that nobody without the credential can make a ticket look like ours.
 */
export function markerFor(auth: AuthSettings, requestId: string): string {
  const secret =
    auth.kind === "accessKey"
      ? auth.secret
      : auth.kind === "password"
        ? `${auth.username}:${auth.password}`
        : auth.token;
  const h = createHmac("sha256", secret)
    .update(`pulumi-jumpserver-tickets marker ${requestId.toLowerCase()}`)
    .digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The ticket an interrupted run opened with this marker, if it is still this resource's to take:
 * it asks for exactly what the program declares (`mismatch` says where not), and is pending, or
 * approved with its grant in place. A closed or rejected one, or an approved one whose permission
 * is gone, belonged to an earlier life of the resource (destroyed since) and is left alone. One
 * list of the identity's recent apply-asset tickets per process serves every create.
 */
export async function openedEarlier(
  client: JumpServerClient,
  marker: string,
  mismatch: (t: LiveTicket) => string[],
): Promise<LiveTicket | undefined> {
  const row = (await recentMarkers(client)).get(marker);
  if (!row) return undefined;
  let t: LiveTicket;
  try {
    t = await getTicket(client, row);
  } catch (e) {
    if (e instanceof JumpServerError && e.isNotFound) return undefined;
    throw e;
  }
  const differs = mismatch(t);
  if (differs.length > 0) {
    warn(
      `ticket ${t.serialNum || t.id} carries this resource's marker but asks for other ${differs.join(", ")} than the program declares; it is not taken over, and a new ticket is opened`,
    );
    return undefined;
  }
  const mine =
    (t.state === "pending" && t.status !== "closed") ||
    (t.state === "approved" && !!(await getGrant(client, t.id, t.orgId)));
  if (!mine) return undefined;
  takenOverHere().add(t.id.toLowerCase());
  return t;
}

/** marker → ticket id, for the identity's apply-asset tickets of the last RECOVERY_DAYS days. */
function recentMarkers(client: JumpServerClient): Promise<Map<string, string>> {
  const key = "recent-ticket-markers";
  let p = client.memo.get(key) as Promise<Map<string, string>> | undefined;
  if (!p) {
    p = findTickets(client, { type: "apply_asset", days: String(RECOVERY_DAYS) }).then((rows) => {
      const out = new Map<string, string>();
      for (const r of rows) {
        const m = /\[pulumi:([0-9a-f-]{36})\]/i.exec(String(r.comment ?? ""));
        if (m) out.set(m[1].toLowerCase(), String(r.id));
      }
      return out;
    });
    p.catch(() => client.memo.delete(key));
    client.memo.set(key, p);
  }
  return p;
}
