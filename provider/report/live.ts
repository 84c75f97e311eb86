// The report's view of JumpServer: each resource of the state is read by its lifecycle's own
// `read` and compared by its own `diff`, exactly as `pulumi preview --refresh` would, so the
// report and the drift gate never disagree. Reads only: no lifecycle write is called here.
import { JumpServerClient } from "../client/client";
import { resolveUser } from "../api/lookups";
import { configuredGuardrails, currentClient } from "../lifecycle/context";
import { deadlineOf } from "../model/deadlines";
import { GUARDRAIL_KEYS } from "../model/guardrails";
import { processState } from "../client/processState";
import * as flowLifecycle from "../lifecycle/ticketFlow";
import * as ticketLifecycle from "../lifecycle/assetAccessTicket";
import { driftOf as grantDriftOf } from "../lifecycle/ticketGrants";
import { redirectWarnings } from "../lifecycle/warn";
import { settleDue } from "../lifecycle/renewal";
import { differs, InputSpec } from "../model/fields";
import { FLOW_INPUTS, FLOW_INPUT_KEYS } from "../model/flowFields";
import { TICKET_INPUTS, TICKET_INPUT_KEYS } from "../model/ticketFields";
import { expiry } from "../model/grants";
import { normalizeDate } from "../model/dates";
import { approverLevels, idsIn } from "./approvers";
import { listEveryPermission } from "../api/permissions";
import { findTickets } from "../api/tickets";
import { classify, madeByTicket, PermissionEntry, TicketFacts } from "./inventory";
import {
  AccessEntry,
  FlowEntry,
  Report,
  accessProblems,
  flowProblems,
  permissionProblems,
  sortProblems,
} from "./model";
import { StackState, StateResource } from "./state";

type Flow = flowLifecycle.TicketFlowOutputs;
type Ticket = ticketLifecycle.TicketOutputs;

export interface ReportOptions {
  /** Fractional when the window was given in hours. */
  expiryWarningDays: number;
  now?: number;
  /** `--all`: list every asset permission of the server too. */
  all?: boolean;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The input properties on which `olds` differs from `news`, by the field tables diff uses. */
function inputDrift(
  specs: Record<string, InputSpec>,
  keys: readonly string[],
  olds: object,
  news: object,
  ids: Record<string, string>,
): string[] {
  const o = olds as Record<string, unknown>;
  const n = news as Record<string, unknown>;
  return keys.filter((k) => differs(specs[k], k, o, n, ids));
}

/** Runs `fn` with warnings collected instead of logged (a read warns when it can't see something). */
async function collecting<T>(fn: () => Promise<T>): Promise<{ value: T; warnings: string[] }> {
  const warnings: string[] = [];
  const previous = redirectWarnings((m) => warnings.push(m));
  try {
    return { value: await fn(), warnings };
  } finally {
    redirectWarnings(previous);
  }
}

/** A username → id map turned around. */
const byId = (ids: Record<string, string>) =>
  Object.fromEntries(Object.entries(ids).map(([name, id]) => [id.toLowerCase(), name]));

/** Usernames of user ids (of an org), from what the state already knows, then one lookup per unknown id. */
async function usernames(
  client: JumpServerClient,
  ids: string[],
  known: Record<string, string>,
  orgId: string,
): Promise<Record<string, string>> {
  const names = byId(known);
  for (const id of new Set(ids.map((i) => i.toLowerCase()))) {
    if (names[id]) continue;
    names[id] = await resolveUser(client, id, "approver", orgId).then(
      (u) => u.username,
      () => id, // deleted or not visible: the id says which user
    );
  }
  return names;
}

async function flowEntry(client: JumpServerClient, r: StateResource): Promise<FlowEntry> {
  const state = r.outputs as unknown as Flow;
  const inputs = r.inputs as unknown as flowLifecycle.TicketFlowInputs;
  const entry = (props: Flow): FlowEntry => ({
    name: r.name,
    id: r.id,
    org: props.orgName || props.orgId,
    orgId: props.orgId,
    ...(props.name ? { flowName: props.name } : {}),
    // The state's last known approvers, until the live ones are read.
    levels: approverLevels(props.appliedRules ?? [], byId(props.userIds ?? {})),
    ...(props.ccUsers ? { ccUsers: props.ccUsers } : {}),
    drift: [],
    replaces: [],
    changes: false,
    deleted: false,
    ...(props.pendingAction ? { pendingAction: props.pendingAction } : {}),
  });
  let read: Awaited<ReturnType<typeof flowLifecycle.read>>;
  try {
    const { value, warnings } = await collecting(() => flowLifecycle.read(r.id, state));
    if (warnings.length > 0) return { ...entry(state), unreadable: warnings.join("; ") };
    read = value;
  } catch (e) {
    return { ...entry(state), unreadable: message(e) };
  }
  if (!read.id || !read.props) return { ...entry(state), deleted: true, changes: true };
  const props = read.props;
  const d = await flowLifecycle.diff(r.id, props, inputs);
  const names = await usernames(
    client,
    idsIn(props.appliedRules ?? []),
    props.userIds ?? {},
    props.orgId,
  );
  const cc = props.appliedCcUsers?.map((i) => names[i.toLowerCase()] ?? i);
  return {
    ...entry(props),
    ...(props.ccUsers !== undefined && cc ? { ccUsers: cc } : {}),
    levels: approverLevels(props.appliedRules ?? [], names),
    drift: inputDrift(FLOW_INPUTS, FLOW_INPUT_KEYS, props, inputs, props.userIds ?? {}),
    replaces: d.replaces,
    changes: d.changes,
  };
}

async function accessEntry(
  client: JumpServerClient,
  r: StateResource,
  now: number,
): Promise<AccessEntry> {
  const inputs = r.inputs as unknown as ticketLifecycle.TicketOutputs;
  let props = r.outputs as unknown as Ticket;
  let unreadable: string | undefined;
  let changes = false;
  let replaces: string[] = [];
  try {
    // Reads only (as every read): a renewal's kept grant that is due is shown, revoked by `up`.
    const { value, warnings } = await collecting(() => ticketLifecycle.read(r.id, props));
    props = value.props;
    if (warnings.length > 0) unreadable = warnings.join("; ");
    // (diff's own warnings are preview's words; the report has its own.)
    const { value: d } = await collecting(() => ticketLifecycle.diff(r.id, props, inputs));
    changes = d.changes;
    replaces = d.replaces;
  } catch (e) {
    unreadable = message(e);
  }
  const grant = props.grant;
  const approved = props.approvedGrant;
  const until =
    (typeof grant === "object" ? grant.dateExpired : undefined) ??
    approved?.dateExpired ??
    props.dateExpired;
  const names = await usernames(client, props.currentApprovers ?? [], {}, props.orgId);
  return {
    name: r.name,
    id: r.id,
    serialNum: props.serialNum ?? "",
    title: props.title,
    org: props.orgName || props.orgId,
    applicant: props.applicantDisplay || props.applicant || "",
    assets: props.assets ?? [],
    nodes: props.nodes ?? [],
    accounts: props.accounts ?? [],
    actions: props.actions ?? ["all"],
    dateStart: normalizeDate(props.dateStart) ?? props.dateStart,
    dateExpired: normalizeDate(until) ?? until,
    state: props.state,
    status: props.status,
    approvalStep: props.approvalStep,
    currentApprovers: (props.currentApprovers ?? []).map((i) => names[i.toLowerCase()] ?? i),
    ...expiry(until, now),
    drift: unreadable
      ? []
      : inputDrift(TICKET_INPUTS, TICKET_INPUT_KEYS, props, inputs, props.resolvedIds ?? {}),
    replaces,
    changes,
    // The lifecycle's own rule: approved, not expired, live against approved.
    grantDrift: unreadable ? [] : grantDriftOf(props, now),
    ...(props.pendingAction ? { pendingAction: props.pendingAction } : {}),
    ...(props.mismatch ? { mismatch: props.mismatch } : {}),
    ...(unreadable ? { unreadable } : {}),
    ...(props.predecessor
      ? {
          renewal: {
            predecessor: props.predecessor.serialNum || props.predecessor.ticketId,
            until: normalizeDate(props.predecessor.dateExpired) ?? props.predecessor.dateExpired,
            due: settleDue(props, now),
          },
        }
      : {}),
    ...(props.breakGlass
      ? {
          breakGlass: props.breakGlass,
          ratified: inputs.ratified === true || props.ratified === true,
        }
      : {}),
    ...(props.openedAt ? { openedAt: props.openedAt } : {}),
    ...(props.timedOutAt ? { timedOutAt: props.timedOutAt } : {}),
    ...(props.revokedAt ? { revokedAt: props.revokedAt } : {}),
    ...deadlineEntry(props, inputs),
  };
}

/** The ticket's next deadline, as `up` would judge it (the stack's guardrails: see buildReport). */
function deadlineEntry(props: Ticket, inputs: Ticket): Pick<AccessEntry, "deadline"> {
  let d;
  try {
    d = deadlineOf(props, inputs, configuredGuardrails());
  } catch {
    return {}; // a bad guardrail setting: the diff above already failed on it, and says so
  }
  if (!d) return {};
  const at = new Date(d.at).toISOString().replace(/\.\d{3}Z$/, "Z");
  return { deadline: { kind: d.kind, at, source: d.source } };
}

/**
 * Reads every resource of the state in JumpServer (settings from the environment, as the
 * provider reads them without stack config) and builds the report. Throws when JumpServer can't
 * be reached or refuses the identity: the report would be nothing but that error.
 */
export async function buildReport(state: StackState, options: ReportOptions): Promise<Report> {
  // The stack's guardrails as its last run recorded them (timeouts, ratify windows), so deadlines
  // are judged as `up` judges them; the environment still gives the connection and credentials.
  const recorded = state.guardrailConfig ?? {};
  const guardrailKeys = new Set<string>(Object.values(GUARDRAIL_KEYS).map((k) => k.config));
  const previous = processState().config;
  processState().config = {
    get: (key) => (guardrailKeys.has(key) ? recorded[key] : previous?.get(key)),
  };
  try {
    return await reportOf(state, options);
  } finally {
    processState().config = previous;
  }
}

async function reportOf(state: StackState, options: ReportOptions): Promise<Report> {
  const now = options.now ?? Date.now();
  const client = currentClient();
  const me = await client.profile();
  const flows: FlowEntry[] = [];
  const access: AccessEntry[] = [];
  // One resource at a time: the request budget is shared anyway, and warnings stay attributable.
  for (const r of state.resources) {
    if (r.kind === "TicketFlow") flows.push(await flowEntry(client, r));
    else access.push(await accessEntry(client, r, now));
  }
  // A stable order, whatever order the engine wrote the state in: flows per org, then by name.
  flows.sort((a, b) => a.org.localeCompare(b.org) || a.name.localeCompare(b.name));
  access.sort((a, b) => a.name.localeCompare(b.name));
  const inventory = options.all ? await readInventory(client, state, now) : undefined;
  const problems = sortProblems([
    ...state.interrupted.map((op) => ({
      kind: "interrupted" as const,
      resource: "stack",
      message: `a run was interrupted during \`${op}\`; run \`pulumi refresh\`, then \`pulumi up\``,
    })),
    ...flows.flatMap(flowProblems),
    ...access.flatMap((a) => accessProblems(a, options.expiryWarningDays, now)),
    ...(inventory?.permissions ?? []).flatMap(permissionProblems),
  ]);
  return {
    stack: state.stack,
    generatedAt: new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z"),
    server: client.settings.url,
    identity: String(me.username),
    expiryWarningDays: options.expiryWarningDays,
    problems,
    flows,
    access,
    ...(inventory ? { permissions: inventory.permissions, scope: inventory.scope } : {}),
  };
}

/** A value of the generic ticket serializer's `{id, name}` or a plain string. */
const nameOf = (v: unknown): string =>
  v && typeof v === "object" ? String((v as { name?: unknown }).name ?? "") : String(v ?? "");

/**
 * `--all`: every permission the identity can see, classified. Reads pages only: the permission
 * list, its member-relation lists, and (when some permission was made by a ticket) the list of
 * approved tickets, for their serial numbers and titles.
 */
async function readInventory(
  client: JumpServerClient,
  state: StackState,
  now: number,
): Promise<{ permissions: PermissionEntry[]; scope: string }> {
  const { permissions, scope } = await listEveryPermission(client, client.settings.orgId);
  const fromTickets = new Set(permissions.filter(madeByTicket).map((p) => p.id));
  const tickets = new Map<string, TicketFacts>();
  if (fromTickets.size > 0) {
    for (const row of await findTickets(client, { type: "apply_asset", state: "approved" })) {
      const id = String(row.id).toLowerCase();
      if (!fromTickets.has(id)) continue;
      tickets.set(id, {
        serialNum: String(row.serial_num ?? ""),
        title: String(row.title ?? ""),
        applicant: nameOf(row.applicant),
      });
    }
  }
  return { permissions: classify(permissions, state.managed, tickets, state.names, now), scope };
}
