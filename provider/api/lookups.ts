// Names to ids. One request per distinct name (cached per client for the process); an unknown or
// ambiguous name is an error that names it. Ids are passed through (the server checks them).
import { JumpServerClient } from "../client/client";
import { ProviderError } from "../errors";
import { UUID } from "../settings";
import { checkedEach } from "./answers";
import { inOrg, rootOrg } from "../client/orgScope";

export interface UserRef {
  id: string;
  username: string;
  name: string;
}

export interface AssetRef {
  id: string;
  name: string;
  orgId: string;
}

export interface NodeRef {
  id: string;
  value: string;
  /** "/DEFAULT/probe-servers" ("" when the server does not say). */
  fullValue: string;
  orgId: string;
}

export class LookupError extends ProviderError {
  constructor(message: string) {
    super(message, "LookupError");
  }
}

/** Memoised per client (clients live for the provider process), so each name costs one request. */
function cached<T>(client: JumpServerClient, key: string, load: () => Promise<T>): Promise<T> {
  const c = client.memo;
  let p = c.get(key) as Promise<T> | undefined;
  if (!p) {
    p = load();
    p.catch(() => c.delete(key));
    c.set(key, p);
  }
  return p;
}

/**
 * Resolves a username or a user id to a user reference, in the org the user is named for (a
 * ticket's, a flow's): where orgs are scoped (JumpServer Enterprise), a user who is only in Ops is
 * invisible to the users list asked in any other org but Ops and the root org.
 */
export function resolveUser(
  client: JumpServerClient,
  nameOrId: string,
  property: string,
  orgId: string,
): Promise<UserRef> {
  return cached(client, `user:${orgId}:${nameOrId}`, async () => {
    const byId = UUID.test(nameOrId);
    const rows = checkedEach(
      "row",
      await client.list<Record<string, unknown>>("/api/v1/users/users/", {
        query: byId ? { id: nameOrId } : { username: nameOrId },
        org: inOrg(orgId),
      }),
      "the users list",
    );
    const matches = rows.filter((r) => (byId ? r.id === nameOrId : r.username === nameOrId));
    return one(matches, property, "user", nameOrId, (r) => ({
      id: String(r.id),
      username: String(r.username),
      name: String(r.name ?? r.username),
    }));
  });
}

/** Resolves an asset name or id, checking it belongs to `orgId` (other orgs' assets are dropped silently by the server). */
export async function resolveAsset(
  client: JumpServerClient,
  nameOrId: string,
  orgId: string,
  property: string,
): Promise<AssetRef> {
  // Per org: two orgs may each have their own "db-01".
  const ref = await cached(client, `asset:${orgId}:${nameOrId}`, async () => {
    const byId = UUID.test(nameOrId);
    // The root org sees every org's assets (X-JMS-ORG naming another org is ignored by community editions).
    const rows = checkedEach(
      "row",
      await client.list<Record<string, unknown>>("/api/v1/assets/assets/", {
        query: byId ? { id: nameOrId } : { name: nameOrId },
        org: rootOrg,
      }),
      "the assets list",
    );
    const matches = rows.filter((r) => (byId ? r.id === nameOrId : r.name === nameOrId));
    const inOrg = matches.filter((r) => r.org_id === orgId);
    return one(inOrg.length > 0 ? inOrg : matches, property, "asset", nameOrId, (r) => ({
      id: String(r.id),
      name: String(r.name),
      orgId: String(r.org_id ?? ""),
    }));
  });
  if (ref.orgId && ref.orgId !== orgId) {
    throw new LookupError(
      `${property}: asset "${nameOrId}" belongs to org ${ref.orgId}, not to the ticket's org ${orgId}; JumpServer would drop it silently`,
    );
  }
  return ref;
}

/** Resolves a node by value (e.g. "probe-servers"), full value ("/DEFAULT/probe-servers") or id. */
export async function resolveNode(
  client: JumpServerClient,
  nameOrId: string,
  orgId: string,
  property: string,
): Promise<NodeRef> {
  const ref = await cached(client, `node:${orgId}:${nameOrId}`, async () => {
    const byId = UUID.test(nameOrId);
    const full = nameOrId.startsWith("/");
    const value = full ? (nameOrId.split("/").filter(Boolean).pop() ?? nameOrId) : nameOrId;
    const rows = checkedEach(
      "row",
      await client.list<Record<string, unknown>>("/api/v1/assets/nodes/", {
        query: byId ? { id: nameOrId } : { value },
        org: rootOrg,
      }),
      "the nodes list",
    );
    const matches = rows.filter((r) =>
      byId ? r.id === nameOrId : full ? r.full_value === nameOrId : r.value === value,
    );
    const inOrg = matches.filter((r) => r.org_id === orgId);
    return one(inOrg.length > 0 ? inOrg : matches, property, "node", nameOrId, (r) => ({
      id: String(r.id),
      value: String(r.value),
      fullValue: String(r.full_value ?? ""),
      orgId: String(r.org_id ?? ""),
    }));
  });
  if (ref.orgId && ref.orgId !== orgId) {
    throw new LookupError(
      `${property}: node "${nameOrId}" belongs to org ${ref.orgId}, not to the ticket's org ${orgId}`,
    );
  }
  return ref;
}

function one<T>(
  rows: Record<string, unknown>[],
  property: string,
  kind: string,
  nameOrId: string,
  map: (r: Record<string, unknown>) => T,
): T {
  if (rows.length === 0)
    throw new LookupError(`${property}: no ${kind} named "${nameOrId}" exists in JumpServer`);
  if (rows.length > 1) {
    throw new LookupError(
      `${property}: ${rows.length} ${kind}s match "${nameOrId}" (ids ${rows.map((r) => r.id).join(", ")}); use the id`,
    );
  }
  return map(rows[0]);
}
