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

/** One asset permission of the server as a list reads it: its scalars and who/what it names. */
export interface ListedPermission {
  id: string;
  /** Free text a person may set: shown, never trusted. */
  name: string;
  orgId: string;
  orgName: string;
  /**
   * `from_ticket` and `created_by`: read-only through the API (perms/serializers/permission.py),
   * set only by a ticket's final approval (tickets/handlers/apply_asset.py) and checked as such
   * on real v4.10.19 (a POST that sends them is answered with `false` and the requester's name).
   */
  fromTicket: boolean;
  createdBy: string;
  active: boolean;
  dateStart: string;
  dateExpired: string;
  accounts: string[];
  actions: string[];
  /** Members as the relation lists display them ("Name(username)", "web-01(10.0.0.11)", node value). */
  users: string[];
  userGroups: string[];
  assets: string[];
  nodes: string[];
  /** The list's member counts, where the relation rows did not add up to them (a community edition's second org). */
  unsureMembers?: Record<string, number>;
}

/**
 * Every asset permission the identity can see, in pages: the list from the root org (every org),
 * then each member-relation list per org that has permissions. Pages, not a request per
 * permission. An identity the root org refuses (an org admin) gets its own org's list instead,
 * and `scope` says so.
 */
export async function listEveryPermission(
  client: JumpServerClient,
  ownOrgId: string,
): Promise<{ permissions: ListedPermission[]; scope: "every org" | string }> {
  let rows: Record<string, unknown>[];
  let scope: "every org" | string = "every org";
  try {
    rows = await client.list<Record<string, unknown>>(PERMISSIONS, { org: rootOrg });
  } catch (e) {
    if (!(e instanceof JumpServerError && e.status === 403)) throw e;
    rows = await client.list<Record<string, unknown>>(PERMISSIONS, { org: inOrg(ownOrgId) });
    scope = ownOrgId;
  }
  const byId = new Map<string, ListedPermission>();
  const amounts = new Map<string, Record<string, number | undefined>>();
  /** org → the member kinds some permission of it has (a kind none has is not listed). */
  const needed = new Map<string, Set<string>>();
  for (const r of checkedEach("row", rows, "the asset permissions list")) {
    const id = String(r.id).toLowerCase();
    const orgId = String(r.org_id ?? "").toLowerCase();
    const kinds = needed.get(orgId) ?? new Set<string>();
    needed.set(orgId, kinds);
    const s = scalars(r);
    byId.set(id, {
      id,
      name: String(r.name ?? ""),
      orgId,
      orgName: String(r.org_name ?? ""),
      fromTicket: r.from_ticket === true,
      createdBy: String(r.created_by ?? ""),
      active: s.active,
      dateStart: s.dateStart,
      dateExpired: s.dateExpired,
      accounts: s.accounts,
      actions: s.actions,
      users: [],
      userGroups: [],
      assets: [],
      nodes: [],
    });
    const counts: Record<string, number | undefined> = {};
    for (const k of MEMBER_KINDS) {
      const n = typeof r[k.amount] === "number" ? (r[k.amount] as number) : undefined;
      counts[k.key] = n;
      if (n === undefined || n > 0) kinds.add(k.key);
    }
    amounts.set(id, counts);
  }
  for (const [org, kinds] of needed) {
    for (const kind of MEMBER_KINDS.filter((k) => kinds.has(k.key))) {
      const path = `/api/v1/perms/asset-permissions-${kind.route}-relations/`;
      const relations = await client.list<Record<string, unknown>>(path, { org: inOrg(org) });
      for (const row of checkedEach("relation", relations, `the permission ${kind.route} list`)) {
        const p = byId.get(String(row.assetpermission).toLowerCase());
        // A community edition answers a second org's header with Default's rows: keep the asked org's.
        if (!p || p.orgId !== org) continue;
        const display = row[`${kind.field}_display`];
        p[kind.key].push(
          typeof display === "string" && display !== "" ? display : relatedId(row[kind.field]),
        );
      }
    }
  }
  for (const [id, p] of byId) {
    const counts = amounts.get(id)!;
    const off = MEMBER_KINDS.filter(
      (k) => counts[k.key] !== undefined && counts[k.key] !== p[k.key].length,
    );
    if (off.length > 0) {
      p.unsureMembers = Object.fromEntries(off.map((k) => [k.key, counts[k.key] as number]));
    }
  }
  return { permissions: [...byId.values()], scope };
}
