// Flow, ticket, permission and super-ticket shapes of each version (golden flows-*, tickets-*).
import type { FlowRec, State, TicketRec, UserRec } from "../model/state";
import type { Profile } from "../versions";
import { formatDate, pythonUtc } from "../dates";
import { ACTION_BITS } from "../model/model";
import { displayName, resolveRule } from "../model/users";
import { orgName } from "./assets";
import { ROOT_ORG_ID } from "../seed";

const choice = (value: unknown, label: string) => ({ value, label });
/** A flow's or ticket's type; only `general` (a copy-on-write without `type`) is not apply-asset. */
const typeChoice = (type: string, p: Profile) =>
  choice(type, type === "general" ? "General" : p.labels.type);

const userOf = (state: State, id: string): UserRec | undefined =>
  state.users.find((u) => u.id === id);
const shown = (state: State, id: string): string => {
  const u = userOf(state, id);
  return u ? displayName(u) : "";
};

export function renderActions(bits: number, p: Profile) {
  return Object.entries(ACTION_BITS)
    .filter(([, bit]) => (bits & bit) === bit)
    .map(([name]) => choice(name, p.labels.actions[name]));
}

function renderRule(state: State, flow: FlowRec, rule: FlowRec["rules"][number], p: Profile) {
  if (p.dialect === "strategy") {
    const strategy = rule.strategy ?? "super_admin";
    return {
      level: rule.level,
      strategy: choice(strategy, p.labels.strategy[strategy] ?? strategy),
      assignees_read_only:
        strategy === "custom_user" ? (rule.assignees ?? []).filter((id) => userOf(state, id)) : [],
      assignees_display: resolveRule(state, rule, flow.orgId).map(displayName),
    };
  }
  let users = rule.users ?? {};
  if (users && typeof users === "object" && (users as { type?: string }).type === "ids") {
    const sel = users as { type: string; ids: string[] };
    users = { ...sel, ids: sel.ids.filter((id) => userOf(state, id)) };
  }
  return { level: rule.level, users };
}

export function renderFlow(state: State, f: FlowRec, p: Profile): Record<string, unknown> {
  const type = typeChoice(f.type, p);
  const level = choice(f.approvalLevel, p.labels.level(f.approvalLevel));
  const rules = f.rules.map((r) => renderRule(state, f, r, p));
  const dates = {
    date_created: formatDate(f.dateCreated),
    date_updated: formatDate(f.dateUpdated),
  };
  if (p.dialect === "strategy")
    return {
      id: f.id,
      type,
      approval_level: level,
      created_by: f.createdBy,
      org_id: f.orgId,
      org_name: orgName(state, f.orgId),
      // v3 returns rules in no particular order (golden #20: level 2 first); clients must sort.
      rules: rules.reverse(),
      ...dates,
    };
  return {
    id: f.id,
    ...(p.namedFlows ? { name: f.name } : {}),
    type,
    approval_level: level,
    org_id: f.orgId,
    org_name: orgName(state, f.orgId),
    rules,
    ...(p.namedFlows ? { cc_users: renderCcUsers(state, f.ccUserIds) } : {}),
    ...dates,
    created_by: f.createdBy,
  };
}

export function renderCcUsers(state: State, ids: string[]) {
  return ids
    .map((id) => userOf(state, id))
    .filter((u): u is UserRec => !!u)
    .map((u) => ({ id: u.id, name: u.name, username: u.username }));
}

/** `/flows/options/` items (v4.10.19). */
export function renderFlowOption(state: State, f: FlowRec, p: Profile) {
  return {
    id: f.id,
    name: f.name,
    type: typeChoice(f.type, p),
    approval_level: choice(f.approvalLevel, p.labels.level(f.approvalLevel)),
    cc_users: renderCcUsers(state, f.ccUserIds),
  };
}

function processMap(state: State, t: TicketRec) {
  return [...t.steps]
    .sort((a, b) => a.level - b.level)
    .map((s) => ({
      state: s.state,
      assignees: s.assignees,
      processor: s.processor,
      approval_level: s.level,
      assignees_display: s.assignees.map((id) => shown(state, id)),
      approval_date: pythonUtc(s.dateUpdated),
      processor_display: s.processor ? shown(state, s.processor) : "",
    }));
}

function relSnapshot(state: State, t: TicketRec, p: Profile) {
  return {
    applicant: shown(state, t.applicantId),
    ...(p.namedFlows ? { cc_users: t.ccUserIds.map((id) => shown(state, id)) } : {}),
    apply_nodes: t.applyNodes.map((id) => state.nodes.find((n) => n.id === id)?.value ?? id),
    apply_assets: t.applyAssets.map((id) => {
      const a = state.assets.find((x) => x.id === id);
      return a ? `${a.name}(${a.address})` : id;
    }),
  };
}

function flowRef(state: State, t: TicketRec) {
  const f = state.flows.find((x) => x.id === t.flowId);
  return f ? { id: f.id, name: f.name } : null;
}

/** The generic `/tickets/tickets/` serializer: `applicant` is `{id, name}`. */
export function renderTicket(state: State, t: TicketRec, p: Profile): Record<string, unknown> {
  const applicant = userOf(state, t.applicantId);
  const v3 = p.version === "v3.10.23";
  return {
    id: t.id,
    title: t.title,
    org_id: t.orgId,
    ...(v3 ? { comment: t.comment } : {}),
    ...(p.namedFlows
      ? { flow: flowRef(state, t), cc_users: renderCcUsers(state, t.ccUserIds) }
      : {}),
    serial_num: t.serialNum,
    process_map: processMap(state, t),
    approval_step: choice(t.approvalStep, p.labels.level(t.approvalStep)),
    type: choice(t.type, p.labels.type),
    state: choice(t.state, p.labels.state[t.state]),
    applicant: applicant ? { id: applicant.id, name: applicant.name } : null,
    status: choice(t.status, p.labels.status[t.status]),
    org_name: orgName(state, t.orgId),
    rel_snapshot: relSnapshot(state, t, p),
    date_created: formatDate(t.dateCreated),
    date_updated: formatDate(t.dateUpdated),
    ...(v3 ? {} : { comment: t.comment }),
  };
}

/**
 * The apply-asset serializer: `applicant` is the string "Name(username)", plus the grant.
 * `serializedIn` is the org a list is serialized in (the request's): `apply_assets` and
 * `apply_nodes` go through org-scoped managers, so a ticket of another org renders them empty
 * unless that org is the root org (kit README, "Multi-org mode"). Detail reads omit it: full.
 */
export function renderApplyAssetTicket(
  state: State,
  t: TicketRec,
  p: Profile,
  serializedIn?: string,
): Record<string, unknown> {
  const scoped =
    serializedIn !== undefined && serializedIn !== ROOT_ORG_ID && serializedIn !== t.orgId;
  const v3 = p.version === "v3.10.23";
  const ref = (kind: "assets" | "nodes", id: string) => {
    if (kind === "assets") {
      const a = state.assets.find((x) => x.id === id);
      return { id, name: a?.name ?? "" };
    }
    const n = state.nodes.find((x) => x.id === id);
    return { id, name: n?.value ?? "" };
  };
  return {
    id: t.id,
    title: t.title,
    org_id: t.orgId,
    ...(v3 ? { comment: t.comment } : {}),
    ...(p.namedFlows
      ? { flow: flowRef(state, t), cc_users: renderCcUsers(state, t.ccUserIds) }
      : {}),
    type: choice(t.type, p.labels.type),
    apply_nodes: scoped ? [] : t.applyNodes.map((id) => ref("nodes", id)),
    apply_assets: scoped ? [] : t.applyAssets.map((id) => ref("assets", id)),
    apply_accounts: t.applyAccounts,
    apply_actions: renderActions(t.applyActions, p),
    serial_num: t.serialNum,
    process_map: processMap(state, t),
    approval_step: choice(t.approvalStep, p.labels.level(t.approvalStep)),
    state: choice(t.state, p.labels.state[t.state]),
    applicant: shown(state, t.applicantId),
    status: choice(t.status, p.labels.status[t.status]),
    org_name: orgName(state, t.orgId),
    rel_snapshot: relSnapshot(state, t, p),
    apply_permission_name: t.permissionName,
    apply_date_start: t.dateStart === null ? null : formatDate(t.dateStart),
    apply_date_expired: t.dateExpired === null ? null : formatDate(t.dateExpired),
    date_created: formatDate(t.dateCreated),
    date_updated: formatDate(t.dateUpdated),
    ...(v3 ? {} : { comment: t.comment }),
  };
}

export function renderSuperTicketStatus(state: State, t: TicketRec, p: Profile) {
  // `Ticket.processor` is the current step's first assignee who acted: a close changes no
  // assignee's state, so a closed ticket has none (tickets/models/ticket/general.py).
  const step = t.steps.find((s) => s.level === t.approvalStep);
  const processed = step && (step.state === "approved" || step.state === "rejected") ? step : null;
  return {
    id: t.id,
    status: choice(t.status, p.labels.status[t.status]),
    state: choice(t.state, p.labels.state[t.state]),
    processor: processed ? shown(state, processed.processor) : "",
  };
}
