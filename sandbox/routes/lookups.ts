// Who am I, and names to ids: profile, users, assets, nodes and the ticket app's suggestions.
import type { Ctx, Reply } from "../http/context";
import { ok } from "../http/context";
import { exactFilters, paginate, searchFilter } from "../http/lists";
import { notFound } from "../errors";
import { renderUser } from "../render/users";
import { inOrg, renderAsset, renderNode, renderSuggestion } from "../render/assets";
import { membersOf } from "../model/users";
import { requireOrgAdmin, requireUuid } from "./common";

export function profile(ctx: Ctx): Reply {
  return ok(renderUser(ctx.user, ctx.profile, true));
}

function visibleUsers(ctx: Ctx) {
  return [...membersOf(ctx.model.state, ctx.orgId)].sort((a, b) =>
    a.username.localeCompare(b.username),
  );
}

export function listUsers(ctx: Ctx): Reply {
  requireOrgAdmin(ctx);
  let users = visibleUsers(ctx);
  users = exactFilters(ctx, users, {
    id: (u) => u.id,
    username: (u) => u.username,
    name: (u) => u.name,
    email: (u) => u.email,
  });
  users = searchFilter(ctx, users, (u) => [u.username, u.name, u.email]);
  return ok(paginate(ctx, users, (u) => renderUser(u, ctx.profile)));
}

export function getUser(ctx: Ctx): Reply {
  requireOrgAdmin(ctx);
  const id = requireUuid(ctx, ctx.params.id);
  const u = visibleUsers(ctx).find((x) => x.id === id);
  if (!u) throw notFound(ctx.profile, "User");
  return ok(renderUser(u, ctx.profile));
}

function visibleAssets(ctx: Ctx) {
  return ctx.model.state.assets
    .filter((a) => inOrg(ctx.orgId, a.orgId))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function listAssets(ctx: Ctx): Reply {
  requireOrgAdmin(ctx);
  let assets = visibleAssets(ctx);
  assets = exactFilters(ctx, assets, {
    id: (a) => a.id,
    name: (a) => a.name,
    address: (a) => a.address,
    node: (a) => a.nodeIds,
    node_id: (a) => a.nodeIds,
  });
  assets = searchFilter(ctx, assets, (a) => [a.name, a.address]);
  return ok(paginate(ctx, assets, (a) => renderAsset(ctx.model.state, a, ctx.profile)));
}

export function getAsset(ctx: Ctx): Reply {
  requireOrgAdmin(ctx);
  const id = requireUuid(ctx, ctx.params.id);
  const a = visibleAssets(ctx).find((x) => x.id === id);
  if (!a) throw notFound(ctx.profile, "Asset");
  return ok(renderAsset(ctx.model.state, a, ctx.profile));
}

function visibleNodes(ctx: Ctx) {
  return ctx.model.state.nodes
    .filter((n) => inOrg(ctx.orgId, n.orgId))
    .sort((a, b) => a.key.localeCompare(b.key, "en", { numeric: true }));
}

export function listNodes(ctx: Ctx): Reply {
  requireOrgAdmin(ctx);
  let nodes = visibleNodes(ctx);
  nodes = exactFilters(ctx, nodes, { id: (n) => n.id, value: (n) => n.value, key: (n) => n.key });
  nodes = searchFilter(ctx, nodes, (n) => [n.value]);
  return ok(paginate(ctx, nodes, (n) => renderNode(ctx.model.state, n)));
}

export function getNode(ctx: Ctx): Reply {
  requireOrgAdmin(ctx);
  const id = requireUuid(ctx, ctx.params.id);
  const n = visibleNodes(ctx).find((x) => x.id === id);
  if (!n) throw notFound(ctx.profile, "Node");
  return ok(renderNode(ctx.model.state, n));
}

/** Any user may search the current org's assets when applying; at most 10 come back. */
export function suggestions(ctx: Ctx): Reply {
  const assets = searchFilter(ctx, visibleAssets(ctx), (a) => [a.name, a.address]);
  return ok(assets.slice(0, 10).map((a) => renderSuggestion(a, ctx.profile)));
}
