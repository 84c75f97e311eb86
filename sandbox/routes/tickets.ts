// Tickets: open on the typed route, read, list, approve (typed only), reject, close, the generic
// route's refusals and the super-ticket status routes. Validation follows each version's order.
import type { Ctx, Reply } from "../http/context";
import { bodyObject, ok } from "../http/context";
import { paginate, searchFilter } from "../http/lists";
import {
  ApiError,
  methodNotAllowed,
  notFound,
  permissionDenied,
  REQUIRED,
  serverError,
} from "../errors";
import { DATE_FORMAT_ERROR, parseDate } from "../dates";
import { ACTION_BITS, ALL_ACTIONS, GrantInput } from "../model/model";
import type { FlowRec, TicketRec, UserRec } from "../model/state";
import { findOrg, isSystemAdmin } from "../model/users";
import { renderApplyAssetTicket, renderSuperTicketStatus, renderTicket } from "../render/tickets";
import { pkOf, pythonType, requireSystemAdmin, requireUuid } from "./common";

type Kind = "generic" | "typed";
const MODEL_WORD: Record<Kind, string> = { generic: "Ticket", typed: "ApplyAssetTicket" };

function render(ctx: Ctx, t: TicketRec, kind: Kind) {
  return kind === "typed"
    ? renderApplyAssetTicket(ctx.model.state, t, ctx.profile)
    : renderTicket(ctx.model.state, t, ctx.profile);
}

/** Detail routes only see tickets the caller is related to; others are 404. */
function visibleTicket(ctx: Ctx, kind: Kind): TicketRec {
  const id = requireUuid(ctx, ctx.params.id);
  const t = ctx.model.state.tickets.find((x) => x.id === id);
  if (!t || !ctx.model.isRelated(t, ctx.user.id)) throw notFound(ctx.profile, MODEL_WORD[kind]);
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
    const m = ctx.model;
    const q = ctx.query;
    let items = m.state.tickets.filter((t) => m.isRelated(t, ctx.user.id));
    // Before v4.10.19 the typed lists only filter by id; the generic list has the full set.
    const fullFilters = kind === "generic" || ctx.profile.namedFlows;
    const eq = (param: string, get: (t: TicketRec) => string, ci = false) => {
      const want = q.get(param);
      if (want === null || want === "") return;
      items = items.filter((t) =>
        ci ? get(t).toLowerCase() === want.toLowerCase() : get(t) === want,
      );
    };
    eq("id", (t) => t.id);
    if (fullFilters) {
      const type = q.get("type");
      if (
        type &&
        type !== "apply_asset" &&
        !["general", "login_confirm", "command_confirm", "login_asset_confirm"].includes(type)
      )
        throw new ApiError(400, {
          type: [`Select a valid choice. ${type} is not one of the available choices.`],
        });
      eq("type", (t) => t.type);
      eq("title", (t) => t.title, ctx.profile.namedFlows);
      eq("serial_num", (t) => t.serialNum);
      if (q.get("state") !== "all") eq("state", (t) => t.state);
      eq("status", (t) => t.status);
      eq("applicant", (t) => t.applicantId);
      if (ctx.profile.version !== "v3.10.23") {
        eq("org_id", (t) => t.orgId);
        const inList = q.get("org_id__in");
        if (inList) items = items.filter((t) => inList.split(",").includes(t.orgId));
      }
      const assignee = q.get("assignees__id");
      if (assignee)
        items = items.filter((t) => m.currentStep(t)?.assignees.includes(assignee) ?? false);
      const orgName = q.get("org_name");
      if (orgName !== null)
        items = items.filter((t) =>
          (findOrg(m.state, t.orgId)?.name ?? "").toLowerCase().includes(orgName.toLowerCase()),
        );
      // BaseFilterSet (v4): created within / before N days; a non-number matches nothing.
      if (ctx.profile.version !== "v3.10.23")
        for (const [param, within] of [
          ["days", true],
          ["days__lt", false],
        ] as const) {
          const days = q.get(param);
          if (days === null || days === "") continue;
          const since = m.now() - Number.parseInt(days, 10) * 86_400_000;
          items = Number.isNaN(since)
            ? []
            : items.filter((t) => (within ? t.dateCreated >= since : t.dateCreated < since));
        }
      const who = q.get("applicant_username_name");
      if (who) {
        items = items.filter((t) => {
          const u = m.user(t.applicantId);
          return !!u && (u.username + " " + u.name).toLowerCase().includes(who.toLowerCase());
        });
      }
    }
    items = searchFilter(ctx, items, (t) => [t.title, t.type, t.status]);
    const order = q.get("order") ?? "-date_created";
    const desc = order.startsWith("-");
    const field = desc ? order.slice(1) : order;
    const key = (t: TicketRec): string | number =>
      field === "title"
        ? t.title
        : field === "serial_num"
          ? t.serialNum
          : field === "state"
            ? t.state
            : field === "status"
              ? t.status
              : field === "type"
                ? t.type
                : field === "applicant"
                  ? t.applicantId
                  : t.seq;
    items = [...items].sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const c = x < y ? -1 : x > y ? 1 : a.seq - b.seq;
      return desc ? -c : c;
    });
    return ok(paginate(ctx, items, (t) => render(ctx, t, kind)));
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
      let bits = 0;
      for (const item of raw) {
        const name =
          item && typeof item === "object"
            ? String((item as Record<string, unknown>).value)
            : String(item);
        if (name === "all") bits |= ALL_ACTIONS;
        else if (ACTION_BITS[name] !== undefined) bits |= ACTION_BITS[name];
        else {
          g.errors.apply_actions = [p.messages.invalidChoice(name)];
          break;
        }
      }
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

/** Assets and nodes of other orgs are dropped silently (filter_many_to_many_field). */
function inOrg(ctx: Ctx, ids: string[] | undefined, kind: "assets" | "nodes", orgId: string) {
  if (ids === undefined) return undefined;
  const known = kind === "assets" ? ctx.model.state.assets : ctx.model.state.nodes;
  return ids.filter((id) => known.find((o) => o.id === id)?.orgId === orgId);
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

function checkDateOrder(
  ctx: Ctx,
  start: number | null | undefined,
  end: number | null | undefined,
) {
  // Compared at second resolution; equal is refused too.
  if (typeof start === "number" && typeof end === "number" && end <= start)
    throw new ApiError(400, { apply_date_expired: [ctx.profile.messages.dateOrder] });
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
  checkDateOrder(ctx, grant.dateStart, grant.dateExpired);
  const flow = chooseFlow(ctx, orgId as string, body.flow_id);
  // The serial-number collision surfaces at save, after validation; the transaction rolls back.
  if (ctx.openRaceLost)
    throw ctx.openRaceLost === "mysql"
      ? new ApiError(400, { code: "please_try_again", detail: "Please try again" })
      : serverError();

  const ticket = m.openTicket({
    title: String(title),
    orgId: orgId as string,
    applicant,
    flow,
    assets: inOrg(ctx, grant.assets, "assets", orgId as string) ?? [],
    nodes: inOrg(ctx, grant.nodes, "nodes", orgId as string) ?? [],
    accounts: grant.accounts ?? [],
    actions: grant.actions ?? ACTION_BITS.connect,
    dateStart: grant.dateStart ?? null,
    dateExpired: grant.dateExpired ?? null,
    comment: body.comment === undefined || body.comment === null ? "" : String(body.comment),
  });
  ctx.mutated = true;
  return ok(renderApplyAssetTicket(m.state, ticket, p), 201);
}

function chooseFlow(ctx: Ctx, orgId: string, flowId: unknown): FlowRec {
  const p = ctx.profile;
  const candidates = ctx.model.visibleFlows(orgId).filter((f) => f.type === "apply_asset");
  if (p.namedFlows && flowId !== undefined && flowId !== null && flowId !== "") {
    const chosen = candidates.find((f) => f.id === String(flowId).toLowerCase());
    if (!chosen) throw new ApiError(400, { flow_id: [p.messages.wrongFlow] });
    return chosen;
  }
  if (candidates.length === 0)
    throw new ApiError(400, { non_field_errors: ["The ticket flow `apply_asset` does not exist"] });
  if (p.namedFlows && candidates.length > 1)
    throw new ApiError(400, { flow_id: [p.messages.noFlowSelected] });
  return candidates[0];
}

// ---- approve / reject / close -----------------------------------------------------------------

export function approveTicket(ctx: Ctx): Reply {
  const p = ctx.profile;
  const m = ctx.model;
  const t = visibleTicket(ctx, "typed");
  m.checkCanProcess(t, ctx.user);
  // v4.10.19 locks the row and checks the state before validating; older versions after.
  if (p.errors === "conflict" && t.status === "closed") throw m.alreadyClosed();

  const body = bodyObject(ctx);
  const grant = parseGrant(ctx, body);
  const errors = grant.errors;
  const orgId = checkOrgId(ctx, body, errors);
  const final = t.approvalStep >= t.steps.length;
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
  checkDateOrder(ctx, grant.dateStart, grant.dateExpired);
  const assets = inOrg(ctx, grant.assets, "assets", orgId as string);
  const nodes = inOrg(ctx, grant.nodes, "nodes", orgId as string);
  if (final && !(assets && assets.length) && !(nodes && nodes.length)) {
    const msg = ["Select at least one asset or node"];
    throw new ApiError(400, { apply_nodes: msg, apply_assets: msg });
  }
  if (t.status === "closed") throw m.alreadyClosed();

  const input: GrantInput = {
    orgId: orgId as string,
    assets,
    nodes,
    accounts,
    actions: grant.actions ?? ACTION_BITS.connect,
    dateStart: grant.dateStart ?? null,
    dateExpired: grant.dateExpired ?? null,
  };
  m.applyGrant(t, input);
  m.approve(t, ctx.user);
  ctx.mutated = true;
  return ok("ok");
}

export const rejectTicket =
  (kind: Kind) =>
  (ctx: Ctx): Reply => {
    const t = visibleTicket(ctx, kind);
    ctx.model.checkCanProcess(t, ctx.user);
    if (t.status === "closed") throw ctx.model.alreadyClosed();
    ctx.model.reject(t, ctx.user);
    ctx.mutated = true;
    return ok("ok");
  };

export const closeTicket =
  (kind: Kind) =>
  (ctx: Ctx): Reply => {
    const t = visibleTicket(ctx, kind);
    ctx.model.checkCanClose(t, ctx.user);
    if (t.status === "closed") throw ctx.model.alreadyClosed();
    ctx.model.close(t);
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
  if (t.status === "closed") throw ctx.model.alreadyClosed();
  ctx.model.close(t);
  ctx.mutated = true;
  return { status: 204 };
}
