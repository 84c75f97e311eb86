// /api/v1/perms/asset-permissions/: the grants final approvals create (id = ticket id), in the
// current org; org admins read and delete them.
import type { Ctx, Reply } from "../http/context";
import { ok } from "../http/context";
import { exactFilters, paginate, searchFilter } from "../http/lists";
import { notFound } from "../errors";
import { inOrg } from "../render/assets";
import { renderPermission } from "../render/tickets";
import { requireOrgAdmin, requireUuid } from "./common";

function visible(ctx: Ctx) {
  return ctx.model.state.permissions.filter((p) => inOrg(ctx.orgId, p.orgId));
}

export function listPermissions(ctx: Ctx): Reply {
  requireOrgAdmin(ctx);
  let perms = [...visible(ctx)].sort((a, b) => a.name.localeCompare(b.name));
  perms = exactFilters(ctx, perms, { id: (p) => p.id, name: (p) => p.name });
  perms = searchFilter(ctx, perms, (p) => [p.name]);
  return ok(paginate(ctx, perms, (p) => renderPermission(ctx.model.state, p, ctx.profile)));
}

function find(ctx: Ctx) {
  requireOrgAdmin(ctx);
  const id = requireUuid(ctx, ctx.params.id);
  const perm = visible(ctx).find((p) => p.id === id);
  if (!perm) throw notFound(ctx.profile, "AssetPermission");
  return perm;
}

export function getPermission(ctx: Ctx): Reply {
  return ok(renderPermission(ctx.model.state, find(ctx), ctx.profile));
}

export function deletePermission(ctx: Ctx): Reply {
  const perm = find(ctx);
  const all = ctx.model.state.permissions;
  all.splice(all.indexOf(perm), 1);
  ctx.mutated = true;
  return { status: 204 };
}
