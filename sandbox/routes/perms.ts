// /api/v1/perms/asset-permissions/: the grants final approvals create (id = ticket id) and those
// admins make by hand, in the current org (the root org sees every org); org admins create, read,
// edit and delete them. The list
// renders member counts only; members come from the relation routes, one per kind.
import type { Ctx, Reply } from "../http/context";
import { bodyObject, ok } from "../http/context";
import { exactFilters, paginate, searchFilter } from "../http/lists";
import { ApiError, notFound } from "../errors";
import { DATE_FORMAT_ERROR, parseDate } from "../dates";
import { newId, type PermissionRec } from "../model/state";
import { ROOT_ORG_ID } from "../seed";
import { inOrg } from "../render/assets";
import {
  RELATION_KINDS,
  RelationKind,
  RelationRow,
  renderPermission,
  renderPermissionRow,
  renderRelation,
} from "../render/permissions";
import { ALL_ACTIONS } from "../model/model";
import { UUID_RE, actionBits, pkOf, pythonType, requireOrgAdmin, requireUuid } from "./common";

function visible(ctx: Ctx) {
  return ctx.model.state.permissions.filter((p) => inOrg(ctx.orgId, p.orgId));
}

export function listPermissions(ctx: Ctx): Reply {
  requireOrgAdmin(ctx);
  let perms = [...visible(ctx)].sort((a, b) => a.name.localeCompare(b.name));
  perms = exactFilters(ctx, perms, {
    id: (p) => p.id,
    name: (p) => p.name,
    from_ticket: (p) => (p.fromTicket !== false ? "true" : "false"),
  });
  const ids = ctx.query.get("ids");
  if (ids) {
    const wanted = new Set(ids.split(",").map((i) => i.trim().toLowerCase()));
    perms = perms.filter((p) => wanted.has(p.id));
  }
  perms = searchFilter(ctx, perms, (p) => [p.name]);
  return ok(
    paginate(ctx, perms, (p) =>
      renderPermissionRow(ctx.model.state, p, ctx.profile, ctx.model.now()),
    ),
  );
}

function find(ctx: Ctx) {
  requireOrgAdmin(ctx);
  const id = requireUuid(ctx, ctx.params.id);
  const perm = visible(ctx).find((p) => p.id === id);
  if (!perm) throw notFound(ctx.profile, "AssetPermission");
  return perm;
}

export function getPermission(ctx: Ctx): Reply {
  return ok(renderPermission(ctx.model.state, find(ctx), ctx.profile, ctx.model.now()));
}

/** The writable fields of a body (perms/serializers/permission.py): what they set, and the field errors. */
function writableFields(ctx: Ctx, body: Record<string, unknown>) {
  const p = ctx.profile;
  const errors: Record<string, unknown> = {};
  const next: Partial<PermissionRec> = {};
  const state = ctx.model.state;
  const members = [
    ["users", "userIds", (id: string) => state.users.some((u) => u.id === id)],
    ["user_groups", "userGroupIds", () => false],
    ["assets", "assetIds", (id: string) => state.assets.some((a) => a.id === id)],
    ["nodes", "nodeIds", (id: string) => state.nodes.some((n) => n.id === id)],
  ] as const;
  for (const [field, key, exists] of members) {
    const raw = body[field];
    if (raw === undefined) continue;
    if (!Array.isArray(raw)) {
      errors[field] = [`Expected a list of items but got type "${pythonType(raw)}".`];
      continue;
    }
    const ids = raw.map((x) => pkOf(x).toLowerCase());
    const bad = ids.find((id) => !exists(id));
    if (bad !== undefined) errors[field] = [p.messages.invalidPk(bad)];
    else next[key] = [...new Set(ids)];
  }
  if (body.accounts !== undefined) next.accounts = body.accounts;
  if (body.actions !== undefined) {
    if (!Array.isArray(body.actions)) errors.actions = [p.messages.actionsNotList];
    else {
      const { bits, unknown } = actionBits(body.actions);
      if (unknown !== undefined) errors.actions = [p.messages.invalidChoice(unknown)];
      next.actions = bits;
    }
  }
  for (const [field, key] of [
    ["date_start", "dateStart"],
    ["date_expired", "dateExpired"],
  ] as const) {
    if (body[field] === undefined) continue;
    const ms = parseDate(body[field]);
    if (ms === null) errors[field] = [DATE_FORMAT_ERROR];
    else next[key] = ms;
  }
  if (body.is_active !== undefined) {
    if (typeof body.is_active !== "boolean") errors.is_active = ["Must be a valid boolean."];
    else next.isActive = body.is_active;
  }
  if (typeof body.comment === "string") next.comment = body.comment;
  return { next, errors };
}

/** PATCH (partial) or PUT: what an admin's hand edit in the UI sends. */
export function updatePermission(ctx: Ctx): Reply {
  const perm = find(ctx);
  const { next, errors } = writableFields(ctx, bodyObject(ctx));
  if (Object.keys(errors).length > 0) throw new ApiError(400, errors);
  Object.assign(perm, next);
  ctx.mutated = true;
  return ok(renderPermission(ctx.model.state, perm, ctx.profile, ctx.model.now()));
}

/** ASSET_PERMISSION_DEFAULT_EXPIRED_DAYS (common/utils/django.py): a hand-made grant lasts 70 years unless told. */
const DEFAULT_EXPIRED_DAYS = 25550;

/**
 * POST: a permission made by hand, as an admin makes one in the UI (or a script, bypassing tickets).
 * Checked on real v4.10.19 (2026-12-07): `from_ticket` and `created_by` are read-only (ignored in
 * the body; `created_by` is the requester's name, cut to 30), but `id` is writable, so a hand-made
 * permission may carry any id, a ticket's included. Defaults: every action, no accounts, from now
 * for 70 years. A name is unique per org; the root org can't hold one.
 */
export function createPermission(ctx: Ctx): Reply {
  requireOrgAdmin(ctx);
  const body = bodyObject(ctx);
  const p = ctx.profile;
  const state = ctx.model.state;
  if (ctx.orgId === ROOT_ORG_ID) {
    throw new ApiError(400, [
      p.namedFlows ? "Please select an organization before saving" : "Please save in a org",
    ]);
  }
  const { next, errors } = writableFields(ctx, body);
  const name = typeof body.name === "string" ? body.name.trim() : "";
  if (body.name === undefined || body.name === null) errors.name = ["This field is required."];
  else if (name === "") errors.name = ["This field may not be blank."];
  else if (state.permissions.some((x) => x.orgId === ctx.orgId && x.name === name)) {
    errors.name = ["Field must be unique"];
  }
  let id = newId();
  if (body.id !== undefined) {
    if (typeof body.id !== "string" || !UUID_RE.test(body.id)) {
      errors.id = ["Must be a valid UUID."];
    } else if (state.permissions.some((x) => x.id === (body.id as string).toLowerCase())) {
      errors.id = ["asset permission with this id already exists."];
    } else id = (body.id as string).toLowerCase();
  }
  if (Object.keys(errors).length > 0) throw new ApiError(400, errors);
  const now = ctx.model.now();
  const perm: PermissionRec = {
    id,
    name,
    orgId: ctx.orgId,
    userIds: [],
    userGroupIds: [],
    assetIds: [],
    nodeIds: [],
    accounts: [],
    actions: ALL_ACTIONS,
    dateStart: now,
    dateExpired: now + DEFAULT_EXPIRED_DAYS * 86_400_000,
    isActive: true,
    dateCreated: now,
    createdBy: ctx.user.name.slice(0, 30),
    comment: "",
    ...next,
    fromTicket: false,
  };
  state.permissions.push(perm);
  ctx.mutated = true;
  return ok(renderPermission(state, perm, p, now), 201);
}

export function deletePermission(ctx: Ctx): Reply {
  const perm = find(ctx);
  const all = ctx.model.state.permissions;
  all.splice(all.indexOf(perm), 1);
  ctx.mutated = true;
  return { status: 204 };
}

/** `perms/asset-permissions-<kind>-relations/`: one row per (permission, member) of the current org's permissions. */
export function listRelations(kind: RelationKind) {
  return (ctx: Ctx): Reply => {
    requireOrgAdmin(ctx);
    const { field, ids } = RELATION_KINDS[kind];
    // Row ids number every relation of the server in creation order, as the through table does.
    let seq = 0;
    let rows: RelationRow[] = [];
    for (const perm of ctx.model.state.permissions) {
      for (const member of ids(perm)) {
        seq += 1;
        // RelationMixin filters by the current org's id, and the root org's is an id too: from the
        // root, no row (perms/api/asset_permission_relation.py).
        if (perm.orgId === ctx.orgId) rows.push({ id: seq, member, perm });
      }
    }
    rows = exactFilters(ctx, rows, {
      id: (r) => String(r.id),
      [field]: (r) => r.member,
      assetpermission: (r) => r.perm.id,
    });
    return ok(paginate(ctx, rows, (r) => renderRelation(ctx.model.state, kind, r)));
  };
}
