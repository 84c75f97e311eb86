// Reads answered from lists: a refresh of N resources costs pages, not resources. The first read
// of a kind in a process lists it (every page), and later reads of that kind are answered from
// that list, each resource once: a second read of the same resource (a second refresh in the same
// process, or `up --refresh` reading again before it updates) takes a new list. A snapshot also
// ends at the client's first write (what this process changed must not be read back stale), and a
// list longer than MAX_ROWS is not taken (reads then ask per resource, which is cheaper for a small
// stack on a busy server).
import type { JumpServerClient } from "../client/client";
import { FLOWS, LiveFlow, parseFlow } from "../api/flows";
import { ListedGrants, listGrants } from "../api/permissions";
import { APPLY_ASSET, LiveTicket, getTicket, parseTicket } from "../api/tickets";
import { JumpServerError } from "../client/errors";
import { inOrg, noOrgHeader, rootOrg } from "../client/orgScope";

/** 25 pages of 200: beyond that a list costs more than a few hundred per-resource reads. */
export const MAX_ROWS = 5000;

/** A list by id, or undefined when the list was too long to take. */
export type Listed<T> = Map<string, T> | undefined;

/** The list under `key` for reading `id`: the current one, unless it already answered for `id`. */
function snapshot<T>(
  client: JumpServerClient,
  key: string,
  id: string,
  build: () => Promise<T>,
): Promise<T> {
  // Kept on the client (one per settings and process), not in this module: Pulumi may load
  // several copies of this code in one provider process.
  const entry = client.snapshots.get(key);
  const who = id.toLowerCase();
  if (entry && entry.writes === client.writes && !entry.served.has(who)) {
    entry.served.add(who);
    return entry.value as Promise<T>;
  }
  const value = build();
  const fresh = { writes: client.writes, value, served: new Set([who]) };
  client.snapshots.set(key, fresh);
  // A failed list is not kept: the next read asks again (or per resource).
  value.catch(() => client.snapshots.get(key) === fresh && client.snapshots.delete(key));
  return value;
}

/** Rows that name no asset and no node are re-read one by one, up to this many; beyond, no list. */
export const MAX_REREADS = 10;

/**
 * Apply-asset tickets the identity is related to (tickets are not org-scoped: one list). The list
 * serializes `apply_assets`/`apply_nodes` in the request's org, so it is asked in the root org,
 * where every ticket is full (kit README, "Multi-org mode"; #18). A row that still names no asset
 * and no node (an identity the root header is refused to, or a server that answers otherwise) is
 * never taken as it stands: it is read by GET (always full), and left out when that is not found
 * (the read then asks per resource and keeps what it knew).
 */
export function listedTickets(client: JumpServerClient, id: string): Promise<Listed<LiveTicket>> {
  return snapshot(client, "tickets", id, async () => {
    const rows = await listTicketRows(client);
    if (!rows) return undefined;
    const out = new Map<string, LiveTicket>();
    const reread: string[] = [];
    for (const row of rows) {
      try {
        const t = parseTicket(row);
        if (t.assetIds.length === 0 && t.nodeIds.length === 0) reread.push(t.id);
        else out.set(t.id.toLowerCase(), t);
      } catch {
        // An unreadable row is left to the per-resource read, which names the problem.
      }
    }
    if (reread.length > MAX_REREADS) return undefined;
    for (const ticketId of reread) {
      try {
        const t = await getTicket(client, ticketId);
        out.set(t.id.toLowerCase(), t);
      } catch (e) {
        if (!(e instanceof JumpServerError && e.isNotFound)) throw e;
      }
    }
    return out;
  });
}

/** Every ticket row from the root org; an identity refused there (403) lists without a header. */
async function listTicketRows(client: JumpServerClient) {
  try {
    return await client.listUpTo<Record<string, unknown>>(APPLY_ASSET, MAX_ROWS, {
      org: rootOrg,
    });
  } catch (e) {
    if (!(e instanceof JumpServerError && e.status === 403)) throw e;
    return client.listUpTo<Record<string, unknown>>(APPLY_ASSET, MAX_ROWS, { org: noOrgHeader });
  }
}

/** The flows an org sees (its own and the global ones it has not overridden), as its reads would. */
export function listedFlows(
  client: JumpServerClient,
  orgId: string,
  id: string,
): Promise<Listed<LiveFlow>> {
  return snapshot(client, `flows|${orgId}`, id, async () => {
    const rows = await client.listUpTo<Record<string, unknown>>(FLOWS, MAX_ROWS, {
      org: inOrg(orgId),
    });
    if (!rows) return undefined;
    return new Map(rows.map((r) => parseFlow(r)).map((f) => [f.id.toLowerCase(), f]));
  });
}

/** Every grant created from a ticket, in every org (undefined when the identity can't list them). */
export function listedGrants(
  client: JumpServerClient,
  ticketId: string,
): Promise<ListedGrants | undefined> {
  return snapshot(client, "grants", ticketId, () => listGrants(client, MAX_ROWS));
}
