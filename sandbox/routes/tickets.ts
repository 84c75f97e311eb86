// Tickets: open on the typed route, read, list, approve (typed only), reject, close, the generic
// route's refusals and the super-ticket status routes. Validation follows each version's order.
import type { Ctx, Reply } from "../http/context";
import { bodyObject, ok } from "../http/context";
import { ordered, paginate, searchFilter } from "../http/lists";
import {
  ApiError,
  methodNotAllowed,
  notFound,
  permissionDenied,
  REQUIRED,
  serverError,
} from "../errors";
import { DATE_FORMAT_ERROR, parseDate } from "../dates";
import { ACTION_BITS } from "../model/model";
import type { TicketRec, UserRec } from "../model/state";
import type { GrantInput, TicketQuery } from "../model/tickets";
import { findOrg, isSystemAdmin } from "../model/users";
import { renderApplyAssetTicket, renderSuperTicketStatus, renderTicket } from "../render/tickets";
import { actionBits, pkOf, pythonType, requireSystemAdmin, requireUuid } from "./common";

type Kind = "generic" | "typed";
const MODEL_WORD: Record<Kind, string> = { generic: "Ticket", typed: "ApplyAssetTicket" };

/** `list`: rendered in a list, serialized in the request's org (renderApplyAssetTicket). */
function render(ctx: Ctx, t: TicketRec, kind: Kind, list = false) {
  return kind === "typed"
    ? renderApplyAssetTicket(ctx.model.state, t, ctx.profile, list ? ctx.orgId : undefined)
    : renderTicket(ctx.model.state, t, ctx.profile);
}

/** Detail routes only see tickets the caller is related to; others are 404. */
function visibleTicket(ctx: Ctx, kind: Kind): TicketRec {
  const id = requireUuid(ctx, ctx.params.id);
  const t = ctx.model.state.tickets.find((x) => x.id === id);
  if (!t || !ctx.model.tickets.isRelated(t, ctx.user.id))
    throw notFound(ctx.profile, MODEL_WORD[kind]);
  return t;
}

// ---- reads ------------------------------------------------------------------------------------

export const getTicket =
  (kind: Kind) =>
  (ctx: Ctx): Reply =>
    ok(render(ctx, visibleTicket(ctx, kind), kind));

export const listTickets =
  (kind: Kind) =>
  (ctx: Ctx): Reply => {
    const q = ctx.query;
    const text = (param: string) => q.get(param) ?? undefined;
    const int = (param: string) => {
      const v = q.get(param);
      return v === null || v === "" ? undefined : Number.parseInt(v, 10);
    };
    const query: TicketQuery = {
      id: text("id"),
      type: text("type"),
      title: text("title"),
      serialNum: text("serial_num"),
      state: text("state"),
      status: text("status"),
      applicant: text("applicant"),
      orgId: text("org_id"),
      orgIdIn: q.get("org_id__in")?.split(",") || undefined,
      assignee: text("assignees__id"),
      orgName: text("org_name"),
      days: int("days"),
      daysLt: int("days__lt"),
      applicantUsernameName: text("applicant_username_name"),
    };
    let items = ctx.model.tickets.find(ctx.user.id, query, kind === "typed");
    items = searchFilter(ctx, items, (t) => [t.title, t.type, t.status]);
    items = ordered(
      ctx,
      items,
      {
        title: (t) => t.title,
        serial_num: (t) => t.serialNum,
        state: (t) => t.state,
        status: (t) => t.status,
        type: (t) => t.type,
        applicant: (t) => t.applicantId,
      },
      (t) => t.seq,
      "-date_created",
    );
    return ok(paginate(ctx, items, (t) => render(ctx, t, kind, true)));
  };

// ---- refusals of the generic viewset ----------------------------------------------------------

/** Ticket create/update/delete: RBAC says 403 first; superusers reach the view's 405. */
export const refuse =
  (action: string) =>
  (ctx: Ctx): Reply => {
    if (!ctx.user.isSuperuser) throw permissionDenied();
    throw methodNotAllowed(action);
  };

export function genericApprove(_ctx: Ctx): Reply {
  throw methodNotAllowed("approve");
}

/** POST tickets/open/ on the generic model has no flow handling: the real server answers 500. */
export function genericOpen(ctx: Ctx): Reply {
  ctx.hazard(
    "generic-open",
    "type",
    "Open apply-asset tickets at /api/v1/tickets/apply-asset-tickets/open/",
  );
  throw serverError();
}

// ---- grant fields (shared by open and approve) ------------------------------------------------

interface Grant {
  errors: Record<string, unknown>;
  assets?: string[];
  nodes?: string[];
  accounts?: unknown;
  actions?: number;
  dateStart?: number | null;
  dateExpired?: number | null;
}

function parseGrant(ctx: Ctx, body: Record<string, unknown>): Grant {
  const p = ctx.profile;
  const g: Grant = { errors: {} };
  if (body.apply_actions !== undefined) {
    const raw = body.apply_actions;
    if (!Array.isArray(raw)) g.errors.apply_actions = [p.messages.actionsNotList];
    else {
      const { bits, unknown } = actionBits(raw);
      if (unknown !== undefined) g.errors.apply_actions = [p.messages.invalidChoice(unknown)];
      g.actions = bits;
    }
  }
  for (const [field, kind] of [
    ["apply_assets", "assets"],
    ["apply_nodes", "nodes"],
  ] as const) {
    const raw = body[field];
    if (raw === undefined) continue;
    if (!Array.isArray(raw)) {
      g.errors[field] = [`Expected a list of items but got type "${pythonType(raw)}".`];
      continue;
    }
    const ids = raw.map(pkOf);
    const known = kind === "assets" ? ctx.model.state.assets : ctx.model.state.nodes;
    const bad = ids.find((id) => !known.some((o) => o.id === id.toLowerCase()));
    if (bad !== undefined) g.errors[field] = [p.messages.invalidPk(bad)];
    else g[kind] = [...new Set(ids.map((id) => id.toLowerCase()))];
  }
  if (body.apply_accounts !== undefined) g.accounts = body.apply_accounts;
  for (const [field, key] of [
    ["apply_date_start", "dateStart"],
    ["apply_date_expired", "dateExpired"],
  ] as const) {
    const raw = body[field];
    if (raw === undefined) continue;
    if (raw === null) {
      g.errors[field] = ["This field may not be null."];
      continue;
    }
    const ms = parseDate(raw);
    if (ms === null) g.errors[field] = [DATE_FORMAT_ERROR];
    else g[key] = ms;
  }
  return g;
}

function checkOrgId(
  ctx: Ctx,
  body: Record<string, unknown>,
  errors: Record<string, unknown>,
): string | undefined {
  if (body.org_id === undefined || body.org_id === null) {
    errors.org_id = [body.org_id === null ? "This field may not be null." : REQUIRED];
    return undefined;
  }
  const value = typeof body.org_id === "string" ? body.org_id : String(body.org_id);
  const org = findOrg(ctx.model.state, value.toLowerCase());
  if (!org) {
    errors.org_id = [`The organization \`${value}\` does not exist`];
    return undefined;
  }
  return org.id;
}

// ---- open -------------------------------------------------------------------------------------

export function openTicket(ctx: Ctx): Reply {
  const p = ctx.profile;
  const m = ctx.model;
  const body = bodyObject(ctx);
  const grant = parseGrant(ctx, body);
  const errors = grant.errors;

  const title = body.title;
  if (title === undefined || title === null)
    errors.title = [title === null ? "This field may not be null." : REQUIRED];
  else if (typeof title === "object") errors.title = ["Not a valid string."];
  else if (String(title).trim() === "") errors.title = ["This field may not be blank."];
  else if (String(title).length > 256)
    errors.title = ["Ensure this field has no more than 256 characters."];
  if (body.comment !== undefined && body.comment !== null && typeof body.comment === "object")
    errors.comment = ["Not a valid string."];
  const orgId = checkOrgId(ctx, body, errors);

  let applicant: UserRec = ctx.user;
  if (
    body.applicant !== undefined &&
    body.applicant !== null &&
    body.applicant !== "" &&
    isSystemAdmin(ctx.user)
  ) {
    const who = m.user(pkOf(body.applicant).toLowerCase());
    if (!who) errors.applicant = [p.messages.invalidPk(pkOf(body.applicant))];
    else applicant = who;
  }
  if (p.datesRequired)
    for (const f of ["apply_date_start", "apply_date_expired"])
      if (body[f] === undefined) errors[f] = [REQUIRED];
  if (Object.keys(errors).length) throw new ApiError(400, errors);

  // Older servers read both dates in validate() without a default: KeyError, 500.
  for (const f of ["apply_date_start", "apply_date_expired"])
    if (body[f] === undefined) {
      ctx.hazard("open-without-dates", f, REQUIRED);
      throw serverError();
    }
  m.tickets.checkDateOrder(grant.dateStart, grant.dateExpired);
  const flowId = body.flow_id === undefined || body.flow_id === null ? "" : String(body.flow_id);
  const flow = m.tickets.chooseFlow(orgId as string, flowId);
  // The serial-number collision surfaces at save, after validation; the transaction rolls back.
  if (ctx.openRaceLost)
    throw ctx.openRaceLost === "mysql"
      ? new ApiError(400, { code: "please_try_again", detail: "Please try again" })
      : serverError();

  const ticket = m.tickets.open({
    title: String(title),
    orgId: orgId as string,
    applicant,
    flow,
    assets: m.tickets.inOrg(grant.assets, "assets", orgId as string) ?? [],
    nodes: m.tickets.inOrg(grant.nodes, "nodes", orgId as string) ?? [],
    accounts: grant.accounts ?? [],
    actions: grant.actions ?? ACTION_BITS.connect,
    dateStart: grant.dateStart ?? null,
    dateExpired: grant.dateExpired ?? null,
    comment: body.comment === undefined || body.comment === null ? "" : String(body.comment),
  });
  ctx.mutated = true;
  return ok(renderApplyAssetTicket(m.state, ticket, p), 201);
}

// ---- approve / reject / close -----------------------------------------------------------------

export function approveTicket(ctx: Ctx): Reply {
  const p = ctx.profile;
  const m = ctx.model;
  const t = visibleTicket(ctx, "typed");
  m.tickets.checkCanProcess(t, ctx.user);
  // v4.10.19 locks the row and checks the state before validating; older versions after.
  if (p.errors === "conflict" && t.status === "closed") throw m.tickets.alreadyClosed();

  const body = bodyObject(ctx);
  const grant = parseGrant(ctx, body);
  const errors = grant.errors;
  const orgId = checkOrgId(ctx, body, errors);
  const final = m.tickets.isFinalStep(t);
  if (p.datesRequired)
    for (const f of ["apply_date_start", "apply_date_expired"])
      if (body[f] === undefined) errors[f] = [REQUIRED];
  const accounts = grant.accounts ?? [];
  if (final && (!Array.isArray(accounts) || accounts.length === 0) && !errors.apply_accounts)
    errors.apply_accounts = [REQUIRED];
  if (Object.keys(errors).length) throw new ApiError(400, errors);

  // The body is the grant: anything left out is not "unchanged" but reset (or a crash).
  const missing = [
    "apply_date_start",
    "apply_date_expired",
    "apply_accounts",
    "apply_actions",
  ].filter((f) => body[f] === undefined);
  if (body.apply_assets === undefined && body.apply_nodes === undefined)
    missing.push("apply_assets");
  if (missing.length) {
    ctx.hazard(
      "approve-partial-grant",
      missing[0],
      `The approve body is the grant: send ${missing.join(", ")} too`,
    );
    if (body.apply_date_start === undefined || body.apply_date_expired === undefined)
      throw serverError();
  }
  m.tickets.checkDateOrder(grant.dateStart, grant.dateExpired);
  const assets = m.tickets.inOrg(grant.assets, "assets", orgId as string);
  const nodes = m.tickets.inOrg(grant.nodes, "nodes", orgId as string);
  m.tickets.checkFinalGrant(t, assets, nodes);
  if (t.status === "closed") throw m.tickets.alreadyClosed();

  const input: GrantInput = {
    orgId: orgId as string,
    assets,
    nodes,
    accounts,
    actions: grant.actions ?? ACTION_BITS.connect,
    dateStart: grant.dateStart ?? null,
    dateExpired: grant.dateExpired ?? null,
  };
  m.tickets.applyGrant(t, input, ctx.orgId);
  m.tickets.approve(t, ctx.user);
  ctx.mutated = true;
  return ok("ok");
}

export const rejectTicket =
  (kind: Kind) =>
  (ctx: Ctx): Reply => {
    const t = visibleTicket(ctx, kind);
    ctx.model.tickets.checkCanProcess(t, ctx.user);
    if (t.status === "closed") throw ctx.model.tickets.alreadyClosed();
    ctx.model.tickets.reject(t, ctx.user);
    ctx.mutated = true;
    return ok("ok");
  };

export const closeTicket =
  (kind: Kind) =>
  (ctx: Ctx): Reply => {
    const t = visibleTicket(ctx, kind);
    ctx.model.tickets.checkCanClose(t, ctx.user);
    if (t.status === "closed") throw ctx.model.tickets.alreadyClosed();
    ctx.model.tickets.close(t);
    ctx.mutated = true;
    return ok("ok");
  };

// ---- super tickets (system admins and components) ---------------------------------------------

function superTicket(ctx: Ctx): TicketRec {
  requireSystemAdmin(ctx);
  const id = requireUuid(ctx, ctx.params.id);
  const t = ctx.model.state.tickets.find((x) => x.id === id);
  if (!t) throw notFound(ctx.profile, "Ticket");
  return t;
}

export function getSuperTicket(ctx: Ctx): Reply {
  return ok(renderSuperTicketStatus(ctx.model.state, superTicket(ctx), ctx.profile));
}

export function deleteSuperTicket(ctx: Ctx): Reply {
  const t = superTicket(ctx);
  if (t.status === "closed") throw ctx.model.tickets.alreadyClosed();
  ctx.model.tickets.close(t);
  ctx.mutated = true;
  return { status: 204 };
}
