// Exactly once across runs. A CI job that is cancelled kills the CLI and the provider mid-`up`;
// the next `up` (or `refresh --clear-pending-creates` and `up`) calls create again for every
// resource whose create never reached state. So the marker a ticket is opened with must be the
// same in that next run, and create must look for it before opening.
//
// The marker (`requestId`) is derived in `check`, where the resource's old inputs are at hand:
// hash(the resource's project/stack/name, what the ticket asks for, the previous requestId). The
// same resource asking for the same ticket after a kill gets the same marker. A replacement,
// forced or not, chains from the previous one, so it never matches the ticket it replaces.
import { createHash } from "crypto";
import type { JumpServerClient } from "../client/client";
import { JumpServerError } from "../client/errors";
import { getGrant } from "../api/permissions";
import { LiveTicket, findTickets, getTicket } from "../api/tickets";
import { REPLACING_KEYS, TicketInputs } from "../model/ticketInputs";

/** How far back the first create of a process looks for tickets an interrupted run opened. */
export const RECOVERY_DAYS = 30;

/** A UUID-shaped marker, stable for one resource asking for one ticket (see above). */
export function requestIdFor(
  instanceKey: string,
  inputs: TicketInputs,
  previous: string | undefined,
): string {
  const asks = REPLACING_KEYS.map((k) => (inputs as unknown as Record<string, unknown>)[k]);
  const h = createHash("sha256")
    .update(JSON.stringify([instanceKey, asks, previous ?? ""]))
    .digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The ticket an interrupted run opened with this marker, if it is still this resource's to take:
 * pending, or approved with its grant in place. A closed or rejected one, or an approved one whose
 * permission is gone, belonged to an earlier life of the resource (destroyed since) and is left
 * alone. One list of the identity's recent apply-asset tickets per process serves every create.
 */
export async function openedEarlier(
  client: JumpServerClient,
  requestId: string,
): Promise<LiveTicket | undefined> {
  const row = (await recentMarkers(client)).get(requestId);
  if (!row) return undefined;
  let t: LiveTicket;
  try {
    t = await getTicket(client, row);
  } catch (e) {
    if (e instanceof JumpServerError && e.isNotFound) return undefined;
    throw e;
  }
  if (t.state === "pending" && t.status !== "closed") return t;
  if (t.state === "approved" && (await getGrant(client, t.id, t.orgId))) return t;
  return undefined;
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
