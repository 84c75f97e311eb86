// /api/v1/tickets/flows/: list, read, create, update (copy-on-write), refusals, and the
// v4.10.19 options/cc-users helpers. Parsing reproduces each dialect's validation errors.
import type { Ctx, Reply } from "../http/context";
import { bodyObject, ok } from "../http/context";
import { exactFilters, paginate, searchFilter } from "../http/lists";
import { ApiError, methodNotAllowed, notFound, REQUIRED, serverError } from "../errors";
import type { FlowInput } from "../model/flows";
import type { FlowRec, RuleRec } from "../model/state";
import { renderCcUsers, renderFlow, renderFlowOption } from "../render/tickets";
import { ROOT_ORG_ID } from "../seed";
import { pkOf, pythonType, requireSystemAdmin, requireUuid, UUID_RE } from "./common";
import { resolveSelector } from "../model/users";

const TICKET_TYPES = [
  "general",
  "apply_asset",
  "login_confirm",
  "command_confirm",
  "login_asset_confirm",
];
const STRATEGIES = ["super_admin", "org_admin", "super_org_admin", "custom_user"];
const SELECTOR_SHAPE =
  'Invalid JSON data for JSONManyToManyField, should be like {"type": "all"} or {"type": "ids", "ids": []} or {"type": "attrs", "attrs": []}';

export function listFlows(ctx: Ctx): Reply {
  requireSystemAdmin(ctx);
  let flows = ctx.model.flows.visible(ctx.orgId);
  flows = exactFilters(ctx, flows, {
    id: (f) => f.id,
    type: (f) => f.type,
    ...(ctx.profile.namedFlows ? { name: (f: FlowRec) => f.name } : {}),
  });
  flows = searchFilter(ctx, flows, (f) => [
    f.id,
    f.type,
    ...(ctx.profile.namedFlows ? [f.name] : []),
  ]);
  return ok(paginate(ctx, flows, (f) => renderFlow(ctx.model.state, f, ctx.profile)));
}

/** The flow a detail URL names, as the current org sees it (v4.10.19 also accepts a name). */
function findFlow(ctx: Ctx): FlowRec {
  const raw = ctx.params.id;
  const visible = ctx.model.flows.visible(ctx.orgId);
  if (ctx.profile.namedFlows && !UUID_RE.test(raw)) {
    const named = visible.find((f) => f.name === raw);
    if (!named) throw notFound(ctx.profile, "TicketFlow");
    return named;
  }
  const id = requireUuid(ctx, raw);
  const flow = visible.find((f) => f.id === id);
  if (!flow) throw notFound(ctx.profile, "TicketFlow");
  return flow;
}

export function getFlow(ctx: Ctx): Reply {
  requireSystemAdmin(ctx);
  return ok(renderFlow(ctx.model.state, findFlow(ctx), ctx.profile));
}

export function deleteFlow(ctx: Ctx): Reply {
  // RBAC runs first: no role holds tickets.delete_ticketflow, superusers reach the view's refusal.
  requireSystemAdmin(ctx);
  if (!ctx.user.isSuperuser)
    throw new ApiError(403, {
      detail: "You do not have permission to perform this action.",
      code: "permission_denied",
    });
  findFlow(ctx);
  throw methodNotAllowed("destroy");
}

export function createFlow(ctx: Ctx): Reply {
  requireSystemAdmin(ctx);
  const input = parseFlow(ctx, "create", null);
  const flow = ctx.model.flows.add(ctx.orgId, input, ctx.user);
  ctx.mutated = true;
  return ok(renderFlow(ctx.model.state, flow, ctx.profile), 201);
}

export function updateFlow(ctx: Ctx): Reply {
  requireSystemAdmin(ctx);
  const flow = findFlow(ctx);
  const input = parseFlow(ctx, ctx.method === "PUT" ? "put" : "patch", flow);
  const updated = ctx.model.flows.update(flow, ctx.orgId, input, ctx.user);
  ctx.mutated = true;
  return ok(renderFlow(ctx.model.state, updated, ctx.profile));
}

/** v4.10.19: flows an applicant may choose for (type, org). Any authenticated user. */
export function flowOptions(ctx: Ctx): Reply {
  const candidates = candidatesFor(ctx);
  return ok(candidates.map((f) => renderFlowOption(ctx.model.state, f, ctx.profile)));
}

export function flowCcUsers(ctx: Ctx): Reply {
  const candidates = candidatesFor(ctx);
  const flowId = ctx.query.get("flow_id");
  const chosen = flowId
    ? candidates.find((f) => f.id === flowId)
    : candidates.length === 1
      ? candidates[0]
      : undefined;
  return ok(chosen ? renderCcUsers(ctx.model.state, chosen.ccUserIds) : []);
}

function candidatesFor(ctx: Ctx): FlowRec[] {
  if (!ctx.profile.namedFlows) throw notFound(ctx.profile, "TicketFlow");
  const type = ctx.query.get("type");
  const orgId = ctx.query.get("org_id");
  if (!type || !orgId) return [];
  return ctx.model.flows.choices(type, orgId);
}

// ---- parsing ----------------------------------------------------------------------------------

type Mode = "create" | "put" | "patch";

function parseFlow(ctx: Ctx, mode: Mode, existing: FlowRec | null): FlowInput {
  const body = bodyObject(ctx);
  const p = ctx.profile;
  const full = mode !== "patch";
  const errors: Record<string, unknown> = {};
  const input: FlowInput = {};

  if (p.namedFlows) {
    if (body.name === undefined) {
      if (full) errors.name = [REQUIRED];
    } else if (typeof body.name !== "string") errors.name = ["Not a valid string."];
    else if (body.name.length > 128)
      errors.name = ["Ensure this field has no more than 128 characters."];
    else {
      const orgId = existing && existing.orgId !== ROOT_ORG_ID ? existing.orgId : ctx.orgId;
      const clash = ctx.model.state.flows.some(
        (f) =>
          f.orgId === orgId &&
          f !== existing &&
          f.type === "apply_asset" &&
          f.name.toLowerCase() === (body.name as string).toLowerCase(),
      );
      if (clash) errors.name = [p.messages.duplicateFlowName];
      else input.name = body.name;
    }
  } else {
    const t = body.type;
    const value =
      t && typeof t === "object" && !Array.isArray(t) ? (t as Record<string, unknown>).value : t;
    if (value === undefined) {
      if (full) errors.type = [REQUIRED];
    } else if (!TICKET_TYPES.includes(String(value)))
      errors.type = [`"${String(value)}" is not a valid choice.`];
    else if (
      // validate_type: a type the current org already has a flow of (other than this one's)
      (!existing || existing.type !== value) &&
      ctx.model.state.flows.some((f) => f.orgId === ctx.orgId && f.type === value)
    )
      errors.type = ["The current organization type already exists"];
    else input.type = String(value);
  }

  const rawLevel = body.approval_level;
  const levelValue =
    rawLevel && typeof rawLevel === "object" && !Array.isArray(rawLevel)
      ? (rawLevel as Record<string, unknown>).value
      : rawLevel;
  if (levelValue === undefined) {
    if (full && !p.namedFlows) errors.approval_level = [REQUIRED];
    else if (full) input.approvalLevel = 1;
  } else {
    const n = Number(levelValue);
    if (!Number.isInteger(n) || n < 1 || n > p.maxLevels || typeof levelValue === "boolean")
      errors.approval_level = [`"${String(levelValue)}" is not a valid choice.`];
    else input.approvalLevel = n;
  }

  let crash: string | null = null;
  if (body.rules === undefined) {
    if (full) errors.rules = [REQUIRED];
  } else if (!Array.isArray(body.rules)) {
    errors.rules = [`Expected a list of items but got type "${pythonType(body.rules)}".`];
  } else {
    const perRule: Array<Record<string, unknown>> = [];
    const rules: RuleRec[] = [];
    body.rules.forEach((raw, i) => {
      const r = parseRule(ctx, raw, i, full);
      perRule.push(r.errors);
      if (r.crash && !crash) crash = r.crash;
      if (r.rule) rules.push(r.rule);
    });
    if (perRule.some((e) => Object.keys(e).length)) errors.rules = perRule;
    else input.rules = rules;
  }

  if (body.cc_users !== undefined && p.namedFlows) {
    if (!Array.isArray(body.cc_users))
      errors.cc_users = [`Expected a list of items but got type "${pythonType(body.cc_users)}".`];
    else {
      const ids = body.cc_users.map(pkOf);
      const bad = ids.find((id) => !ctx.model.user(id));
      if (bad !== undefined) errors.cc_users = [p.messages.invalidPk(bad)];
      else input.ccUserIds = ids;
    }
  }

  // A malformed selector or a rule the server cannot save crashes it before any 400 is built.
  if (crash) {
    ctx.hazard("flow-rule-incomplete", "rules", crash);
    throw serverError();
  }
  if (
    input.rules &&
    (input.approvalLevel !== undefined || mode !== "patch") &&
    input.rules.length !== (input.approvalLevel ?? 1) &&
    !errors.rules
  ) {
    ctx.hazard(
      "approval-level-mismatch",
      "approval_level",
      `approval_level (${input.approvalLevel ?? 1}) must equal the number of rules (${input.rules.length})`,
    );
    if (p.namedFlows) errors.rules = [p.messages.ruleCount];
  }
  if (Object.keys(errors).length) throw new ApiError(400, errors);

  if (!input.rules || input.rules.length === 0)
    ctx.hazard(
      "flow-zero-rules",
      "rules",
      "This update would leave the flow without rules (every update replaces all rules; send them all)",
    );
  return input;
}

interface ParsedRule {
  rule?: RuleRec;
  errors: Record<string, unknown>;
  crash?: string;
}

function parseRule(ctx: Ctx, raw: unknown, i: number, full: boolean): ParsedRule {
  const where = `rules[${i}]`;
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    return {
      errors: {
        non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonType(raw)}.`],
      },
    };
  const r = raw as Record<string, unknown>;
  return ctx.profile.dialect === "strategy"
    ? parseStrategyRule(ctx, r, where, full)
    : parseSelectorRule(ctx, r, where, full);
}

function parseStrategyRule(
  ctx: Ctx,
  r: Record<string, unknown>,
  where: string,
  full: boolean,
): ParsedRule {
  const sv =
    r.strategy && typeof r.strategy === "object"
      ? (r.strategy as Record<string, unknown>).value
      : r.strategy;
  if (sv === undefined) {
    if (full) return { errors: { strategy: [REQUIRED] } };
    return { errors: {}, crash: `${where}: a rule needs "strategy" and "assignees" (even [])` };
  }
  if (typeof sv !== "string" || !STRATEGIES.includes(sv))
    return { errors: { strategy: [`"${String(sv)}" is not a valid choice.`] } };
  if (r.assignees === undefined) {
    if (sv === "custom_user") return { errors: { assignees: ["Please select the Assignees"] } };
    return {
      errors: {},
      crash: `${where}: "assignees" is required in every rule (send [] for ${sv})`,
    };
  }
  if (!Array.isArray(r.assignees))
    return {
      errors: {
        assignees: [`Expected a list of items but got type "${pythonType(r.assignees)}".`],
      },
    };
  const ids = r.assignees.map(pkOf);
  const bad = ids.find((id) => !ctx.model.user(id));
  if (bad !== undefined) return { errors: { assignees: [ctx.profile.messages.invalidPk(bad)] } };
  if (sv === "custom_user" && ids.length === 0)
    return { errors: { assignees: ["Please select the Assignees"] } };
  return { errors: {}, rule: { level: 0, strategy: sv, assignees: ids } };
}

function parseSelectorRule(
  ctx: Ctx,
  r: Record<string, unknown>,
  where: string,
  full: boolean,
): ParsedRule {
  const users = r.users;
  const incomplete = `${where}.users: every rule needs a complete selector ({"type":"all"}, {"type":"ids","ids":[...]} or {"type":"attrs","attrs":[...]})`;
  if (users === undefined) {
    if (full) return { errors: { users: [REQUIRED] } };
    // PATCH stores a missing selector as {} = "anyone in the org may approve".
    ctx.hazard("flow-rule-incomplete", "rules", incomplete);
    return { errors: {}, rule: { level: 0, users: {} } };
  }
  if (users === null) return { errors: { users: ["This field may not be null."] } };
  const empty =
    (Array.isArray(users) && users.length === 0) ||
    users === "" ||
    (typeof users === "object" &&
      !Array.isArray(users) &&
      Object.keys(users as object).length === 0);
  if (empty) {
    ctx.hazard("flow-rule-incomplete", "rules", incomplete);
    return { errors: {}, rule: { level: 0, users: {} } };
  }
  if (typeof users !== "object" || Array.isArray(users))
    return { errors: { users: [SELECTOR_SHAPE] } };
  const sel = users as Record<string, unknown>;
  if (sel.type === undefined) return { errors: {}, crash: incomplete };
  if (sel.type === "all") return { errors: {}, rule: { level: 0, users: { type: "all" } } };
  if (sel.type !== "ids" && sel.type !== "attrs")
    return { errors: { users: ['Invalid type, should be "all", "ids" or "attrs"'] } };
  const key = sel.type;
  const list = sel[key];
  if (list === undefined) return { errors: {}, crash: incomplete };
  if (!Array.isArray(list) || list.length === 0) return { errors: { users: [REQUIRED] } };
  const selector =
    key === "ids" ? { type: "ids", ids: list.map(pkOf) } : { type: "attrs", attrs: list };
  // v4.10.19 refuses a selector that matches nobody in the org.
  if (ctx.profile.namedFlows && resolveSelector(ctx.model.state, selector, ctx.orgId).length === 0)
    return { errors: { users: ["No approvers matched. Please update the approval rule"] } };
  return { errors: {}, rule: { level: 0, users: selector } };
}
