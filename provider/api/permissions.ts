// The asset permission a ticket's final approval creates (its id is the ticket id): read, put
// back and delete. The list renders member counts only, so a snapshot of every grant is the list
// plus one member-relation list per kind (perms/api/asset_permission_relation.py).
import { JumpServerClient } from "../client/client";
import { JumpServerError } from "../client/errors";
import { actionsFromServer } from "../model/actions";
import { Grant, normalGrant } from "../model/grants";
import { ROOT_ORG_ID } from "../settings";
import { checked, checkedEach, relatedId } from "./answers";
import { toIso } from "./tickets";
import { inOrg, rootOrg } from "../client/orgScope";

export const PERMISSIONS = "/api/v1/perms/asset-permissions/";

/** Member kinds: the grant's key, the relation route's kind and the row's member field. */
const MEMBER_KINDS = [
  { key: "users", route: "users", field: "user", amount: "users_amount" },
  { key: "userGroups", route: "user-groups", field: "usergroup", amount: "user_groups_amount" },
  { key: "assets", route: "assets", field: "asset", amount: "assets_amount" },
  { key: "nodes", route: "nodes", field: "node", amount: "nodes_amount" },
] as const;

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.map(relatedId) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** The permission's scalar fields, as the list and the detail both render them. */
function scalars(raw: Record<string, unknown>) {
  return {
    accounts: strings(raw.accounts),
    actions: actionsFromServer(raw.actions),
    dateStart: toIso(raw.date_start),
    dateExpired: toIso(raw.date_expired),
    active: raw.is_active !== false,
  };
}

export function parseGrant(answer: unknown): Grant {
  const raw = checked("permission", answer, "an asset permission request");
  return normalGrant({
    users: ids(raw.users),
    userGroups: ids(raw.user_groups),
    assets: ids(raw.assets),
    nodes: ids(raw.nodes),
    ...scalars(raw),
  });
}

/** The body that puts a grant back: every member and field, so nothing is left as the hand edit made it. */
export function grantBody(g: Grant): Record<string, unknown> {
  return {
    users: g.users,
    user_groups: g.userGroups,
    assets: g.assets,
    nodes: g.nodes,
    accounts: g.accounts,
    actions: g.actions,
    date_start: g.dateStart,
    date_expired: g.dateExpired,
  };
}

/**
 * Org headers to try for a ticket's permission: the ticket's org, then the root org, which sees
 * every org (a community edition reads any X-JMS-ORG but Default's and the root's as Default, so a
 * second org's permission is only reachable from the root).
 */
function orgsToAsk(orgId: string): string[] {
  return orgId === ROOT_ORG_ID ? [orgId] : [orgId, ROOT_ORG_ID];
}

/** The permission's grant, or undefined when it does not exist. */
export async function getGrant(
  client: JumpServerClient,
  ticketId: string,
  orgId: string,
): Promise<Grant | undefined> {
  for (const org of orgsToAsk(orgId)) {
    try {
      return parseGrant(await client.get(`${PERMISSIONS}${ticketId}/`, { org: inOrg(org) }));
    } catch (e) {
      if (!(e instanceof JumpServerError && e.isNotFound)) throw e;
    }
  }
  return undefined;
}

/** Puts the approved grant back (PATCH is idempotent: resent after a lost answer) and returns what the server now holds. */
export async function putGrantBack(
  client: JumpServerClient,
  ticketId: string,
  orgId: string,
  grant: Grant,
): Promise<Grant> {
  let last: unknown;
  for (const org of orgsToAsk(orgId)) {
    try {
      const raw = await client.request("PATCH", `${PERMISSIONS}${ticketId}/`, {
        body: grantBody(grant),
        org: inOrg(org),
        retry: "safe",
      });
      return parseGrant(raw);
    } catch (e) {
      if (!(e instanceof JumpServerError && e.isNotFound)) throw e;
      last = e;
    }
  }
  throw last;
}

/** Deletes the permission; false when it does not exist. */
export async function deletePermission(
  client: JumpServerClient,
  ticketId: string,
  orgId: string,
): Promise<boolean> {
  for (const org of orgsToAsk(orgId)) {
    try {
      await client.request("DELETE", `${PERMISSIONS}${ticketId}/`, {
        org: inOrg(org),
        retry: "safe",
      });
      return true;
    } catch (e) {
      if (!(e instanceof JumpServerError && e.isNotFound)) throw e;
    }
  }
  return false;
}

/** Grants by permission id, and the permissions whose members the lists could not vouch for. */
export interface ListedGrants {
  grants: Map<string, Grant>;
  /** Read these one by one: their member rows did not add up to the list's counts. */
  unsure: Set<string>;
}

/**
 * Every grant created from a ticket: the list from the root org (every org's permissions, with
 * their scalars and member counts), then each member-relation list per org, all pages. The
 * relation lists filter by the org in X-JMS-ORG (the root org's own, which holds none), and a
 * community edition answers a second org's header with Default's rows: so only rows of the asked
 * org's permissions are taken, and a permission whose rows don't add up to its counts is left to
 * a GET. Undefined when a list would cost more than `maxRows` rows (reads then ask per permission).
 */
export async function listGrants(
  client: JumpServerClient,
  maxRows: number,
): Promise<ListedGrants | undefined> {
  const rows = await client.listUpTo<Record<string, unknown>>(PERMISSIONS, maxRows, {
    query: { from_ticket: "true" },
    org: rootOrg,
  });
  if (!rows) return undefined;
  const grants = new Map<string, Grant>();
  const orgOf = new Map<string, string>();
  const counts = new Map<string, Record<string, number | undefined>>();
  /** org → the member kinds some permission of it has. */
  const needed = new Map<string, Set<string>>();
  for (const r of checkedEach("row", rows, "the asset permissions list")) {
    const id = String(r.id).toLowerCase();
    const org = String(r.org_id ?? "").toLowerCase();
    orgOf.set(id, org);
    const kinds = needed.get(org) ?? new Set<string>();
    needed.set(org, kinds);
    const amounts: Record<string, number | undefined> = {};
    for (const kind of MEMBER_KINDS) {
      const n = typeof r[kind.amount] === "number" ? (r[kind.amount] as number) : undefined;
      amounts[kind.key] = n;
      // A row without counts (an older server) needs every member list.
      if (n === undefined || n > 0) kinds.add(kind.key);
    }
    counts.set(id, amounts);
    grants.set(id, { users: [], userGroups: [], assets: [], nodes: [], ...scalars(r) });
  }
  for (const [org, kinds] of needed) {
    // A kind no permission of the org has members of (user groups, often nodes) is not listed.
    for (const kind of MEMBER_KINDS.filter((k) => kinds.has(k.key))) {
      const path = `/api/v1/perms/asset-permissions-${kind.route}-relations/`;
      const relations = await client.listUpTo<Record<string, unknown>>(path, maxRows, {
        org: inOrg(org),
      });
      if (!relations) return undefined;
      for (const row of checkedEach("relation", relations, `the permission ${kind.route} list`)) {
        const id = String(row.assetpermission).toLowerCase();
        if (orgOf.get(id) === org) grants.get(id)![kind.key].push(relatedId(row[kind.field]));
      }
    }
  }
  const unsure = new Set<string>();
  for (const [id, g] of grants) {
    const amounts = counts.get(id)!;
    if (
      MEMBER_KINDS.some((k) => amounts[k.key] === undefined || amounts[k.key] !== g[k.key].length)
    )
      unsure.add(id);
  }
  return { grants: new Map([...grants].map(([id, g]) => [id, normalGrant(g)])), unsure };
}
