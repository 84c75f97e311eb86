// Asset-permission shapes of each version: the detail (with its users, groups, assets and nodes),
// the list (counts instead of members, as AssetPermissionListSerializer renders it) and the
// member-relation rows (perms/api/asset_permission_relation.py).
import type { PermissionRec, State } from "../model/state";
import type { Profile } from "../versions";
import { formatDate } from "../dates";
import { displayName } from "../model/users";
import { orgName } from "./assets";
import { renderActions } from "./tickets";

function members(state: State, perm: PermissionRec) {
  return {
    users: perm.userIds.map((id) => ({
      id,
      name: state.users.find((u) => u.id === id)?.name ?? "",
    })),
    user_groups: (perm.userGroupIds ?? []).map((id) => ({ id, name: "" })),
    assets: perm.assetIds.map((id) => ({
      id,
      name: state.assets.find((a) => a.id === id)?.name ?? "",
    })),
    nodes: perm.nodeIds.map((id) => ({
      id,
      name: state.nodes.find((n) => n.id === id)?.value ?? "",
    })),
  };
}

function amounts(perm: PermissionRec) {
  return {
    users_amount: perm.userIds.length,
    user_groups_amount: (perm.userGroupIds ?? []).length,
    assets_amount: perm.assetIds.length,
    nodes_amount: perm.nodeIds.length,
  };
}

function parts(state: State, perm: PermissionRec, p: Profile, now: number) {
  // perms/models/asset_permission.py: expired unless date_start < now < date_expired, so a grant
  // that has not started yet is "expired" too.
  const started = perm.dateStart === null || perm.dateStart <= now + 1000;
  const isExpired = (perm.dateExpired !== null && perm.dateExpired < now) || !started;
  return {
    grant: {
      accounts: perm.accounts,
      protocols: ["all"],
      actions: renderActions(perm.actions, p),
    },
    tail: {
      org_id: perm.orgId,
      org_name: orgName(state, perm.orgId),
      is_active: perm.isActive !== false,
      is_expired: isExpired,
      is_valid: perm.isActive !== false && !isExpired,
      from_ticket: perm.fromTicket !== false,
      date_created: formatDate(perm.dateCreated),
      date_start: perm.dateStart === null ? null : formatDate(perm.dateStart),
      date_expired: perm.dateExpired === null ? null : formatDate(perm.dateExpired),
    },
    about: { created_by: perm.createdBy, comment: perm.comment },
  };
}

export function renderPermission(state: State, perm: PermissionRec, p: Profile, now: number) {
  const { grant, tail, about } = parts(state, perm, p, now);
  const head = { id: perm.id, name: perm.name, ...members(state, perm), labels: [] };
  if (p.version === "v3.10.23") return { ...head, ...grant, ...about, ...tail };
  return { ...head, ...amounts(perm), ...grant, ...tail, ...about };
}

/** A list row: member counts, not members (v3 puts the counts after the comment). */
export function renderPermissionRow(state: State, perm: PermissionRec, p: Profile, now: number) {
  const { grant, tail, about } = parts(state, perm, p, now);
  const head = { id: perm.id, name: perm.name, labels: [] };
  if (p.version === "v3.10.23") return { ...head, ...grant, ...about, ...amounts(perm), ...tail };
  return { ...head, ...amounts(perm), ...grant, ...tail, ...about };
}

/** The member kinds with a relation route: `perms/asset-permissions-<kind>-relations/`. */
export const RELATION_KINDS = {
  users: { field: "user", ids: (p: PermissionRec) => p.userIds },
  "user-groups": { field: "usergroup", ids: (p: PermissionRec) => p.userGroupIds ?? [] },
  assets: { field: "asset", ids: (p: PermissionRec) => p.assetIds },
  nodes: { field: "node", ids: (p: PermissionRec) => p.nodeIds },
} as const;
export type RelationKind = keyof typeof RELATION_KINDS;

export interface RelationRow {
  id: number;
  member: string;
  perm: PermissionRec;
}

export function renderRelation(state: State, kind: RelationKind, row: RelationRow) {
  const field = RELATION_KINDS[kind].field;
  let display = "";
  if (kind === "users") {
    const u = state.users.find((x) => x.id === row.member);
    display = u ? displayName(u) : "";
  } else if (kind === "assets") {
    const a = state.assets.find((x) => x.id === row.member);
    display = a ? `${a.name}(${a.address})` : "";
  } else if (kind === "nodes") {
    display = state.nodes.find((x) => x.id === row.member)?.value ?? "";
  }
  return {
    id: row.id,
    [field]: row.member,
    [`${field}_display`]: display,
    assetpermission: row.perm.id,
    assetpermission_display: row.perm.name,
  };
}
