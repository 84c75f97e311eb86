// The fault scenario of issue #9, at any size: TicketFlows, then AssetAccessTickets with
// `approve: true` that depend on them, applied through the provider host against a sandbox that
// injects reproducible faults and writes its state to a file; then verified as an administrator
// over the API, and again after restarting the sandbox from that file (read + diff of every
// resource must plan nothing). tests/reliability/faults.test.ts runs it small; scripts/soak.ts
// runs the full size and prints the figures.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Sandbox, SandboxOptions } from "../../sandbox";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { ProviderHost, Props } from "../support/providerHost";
import { client, sandbox, stackConfig } from "../support/sandbox";
import { applyAll, ApplyReport } from "./apply";
import { daysFromNow } from "../support/clock";

export const FLOW_TYPE = "pulumi-nodejs:dynamic/jumpserver:TicketFlow";
export const TICKET_TYPE = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
export const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";
export const ROOT_ORG = "00000000-0000-0000-0000-000000000000";
const SYSTEM_ADMIN_ROLE = "00000000-0000-0000-0000-000000000001";

export interface ScenarioOptions {
  tickets: number;
  /** 2 (Default's flow and the global flow) on any version; 3–4 add named flows (v4.10.19 only). */
  flows: number;
  parallelism: number;
  /** Sandbox options for the faulty run (dialect, errors, faults, rateLimit). */
  sandbox: SandboxOptions;
  /** Extra stack config for both providers (e.g. jumpserver:requestsPerMinute). */
  config?: Record<string, string>;
  /** Title prefix, so runs are recognisable in the sandbox. */
  label: string;
}

export interface ScenarioResult {
  flows: ApplyReport;
  tickets: ApplyReport;
  /** Wall time of the apply (flows then tickets), ms. */
  applyMs: number;
  /** What the sandbox counted during the apply. */
  requests: number;
  byStatus: Record<string, number>;
  /** Tickets the administrator sees, before and after the restart. */
  ticketsFound: number;
  ticketsFoundAfterRestart: number;
  /** Every problem found; empty means the run held. */
  problems: string[];
}

const adminsOnly = () => [
  {
    users: {
      type: "attrs",
      attrs: [{ name: "system_roles", match: "m2m", value: [SYSTEM_ADMIN_ROLE] }],
    },
  },
];
const adminById = () => [{ users: { type: "ids", ids: ["admin"] } }];
// A level whose only approver is the pipeline's identity, which approves every ticket itself
// here: the self-approval guardrail that refuses such a level is waived on these flows.
const oneApprover = { forbidSelfApproval: false };

function declaredFlows(n: number): Props[] {
  const flows: Props[] = [
    { orgId: DEFAULT_ORG, rules: adminsOnly() }, // copy-on-write of the global flow
    { orgId: ROOT_ORG, rules: adminById(), guardrails: oneApprover }, // the global flow, edited in place
    { orgId: DEFAULT_ORG, name: "soak-a", rules: adminById(), guardrails: oneApprover }, // named: created by POST
    {
      orgId: DEFAULT_ORG,
      name: "soak-b",
      rules: [...adminsOnly(), ...adminById()],
      guardrails: oneApprover,
    },
  ];
  if (n < 1 || n > flows.length) throw new Error(`flows: 1..${flows.length}, got ${n}`);
  return flows.slice(0, n);
}

/** One approved request for web-01 on behalf of requester: the unit the throttle and bench runs apply. */
export function approvedTicket(title: string): Props {
  return {
    title,
    orgId: DEFAULT_ORG,
    applicant: "requester",
    assets: ["web-01"],
    accounts: ["@ALL"],
    actions: ["connect"],
    dateStart: daysFromNow(30),
    dateExpired: daysFromNow(31),
    approve: true,
  };
}

const ASSET_SETS = [["web-01"], ["web-02"], ["db-01"], ["web-01", "web-02"]];

function declaredTickets(
  n: number,
  label: string,
  flowChoices: Array<string | undefined>,
): Props[] {
  return Array.from({ length: n }, (_, i) => {
    const t: Props = {
      title: `${label} ticket ${i}`,
      orgId: DEFAULT_ORG,
      applicant: "requester",
      assets: ASSET_SETS[i % ASSET_SETS.length],
      accounts: ["@ALL"],
      actions: ["connect", "upload", "download"],
      dateStart: daysFromNow(30),
      dateExpired: daysFromNow(61),
      approve: true,
    };
    const flow = flowChoices[i % flowChoices.length];
    if (flow) t.flow = flow;
    return t;
  });
}

export async function runFaultScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-faults-"));
  const stateFile = path.join(dir, "sandbox-state.json");
  const problems: string[] = [];
  let sb: Sandbox | undefined;
  let flowHost: ProviderHost | undefined;
  let ticketHost: ProviderHost | undefined;
  try {
    sb = await sandbox({ ...o.sandbox, state: stateFile });
    const config = { ...stackConfig(sb, "admin"), ...(o.config ?? {}) };
    flowHost = await ProviderHost.start(ticketFlowProvider, FLOW_TYPE, config);
    ticketHost = await ProviderHost.start(assetAccessTicketProvider, TICKET_TYPE, config);
    sb.resetStats();
    const started = Date.now();
    // Tickets depend on the flows (dependsOn), so the engine applies the flows first.
    const flows = await applyAll(flowHost, declaredFlows(o.flows), {
      parallelism: o.parallelism,
    });
    // With named flows in Default, every open there must say which flow it uses.
    const named = flows.resources.some((f) => f.declared.name);
    const defaultFlow = flows.resources.find(
      (f) => f.declared.orgId === DEFAULT_ORG && !f.declared.name,
    );
    const choices: Array<string | undefined> = named
      ? [defaultFlow?.id, "soak-a", "soak-b"].filter((x, i) => i === 0 || o.flows > i + 1)
      : [undefined];
    const tickets = await applyAll(ticketHost, declaredTickets(o.tickets, o.label, choices), {
      parallelism: o.parallelism,
    });
    const applyMs = Date.now() - started;
    const stats = sb.stats();
    if (flows.unfinished)
      problems.push(`${flows.unfinished} flow(s) unfinished: ${flows.errors.join(" | ")}`);
    if (tickets.unfinished)
      problems.push(
        `${tickets.unfinished} ticket(s) unfinished: ${tickets.errors.slice(-5).join(" | ")}`,
      );

    // Verify as an administrator over the API (patient retries: the faults still apply).
    const patient = { "jumpserver:maxRetries": "12" };
    const ticketsFound = await verify(sb, patient, o, flows, tickets, problems, "");

    // Restart from the state file (no faults) and refresh every resource: nothing changes.
    await flowHost.close();
    await ticketHost.close();
    flowHost = ticketHost = undefined;
    await sb.close();
    sb = await sandbox({ dialect: o.sandbox.dialect, errors: o.sandbox.errors, state: stateFile });
    const config2 = { ...stackConfig(sb, "admin"), ...(o.config ?? {}) };
    flowHost = await ProviderHost.start(ticketFlowProvider, FLOW_TYPE, config2);
    ticketHost = await ProviderHost.start(assetAccessTicketProvider, TICKET_TYPE, config2);
    const ticketsFoundAfterRestart = await verify(
      sb,
      {},
      o,
      flows,
      tickets,
      problems,
      "after restart: ",
    );
    for (const [host, applied] of [
      [flowHost, flows],
      [ticketHost, tickets],
    ] as const) {
      for (const r of applied.resources) {
        const read = await host.read(r.id, r.outs);
        if (read.id !== r.id)
          problems.push(`after restart: read of ${r.id} returned id "${read.id}"`);
        const d = await host.diff(r.id, read.props, r.inputs);
        if (d.changes !== "none")
          problems.push(
            `after restart: ${r.id} plans a change (${d.replaces.join(", ") || "update"})`,
          );
      }
    }
    return {
      flows,
      tickets,
      applyMs,
      requests: stats.total,
      byStatus: stats.byStatus,
      ticketsFound,
      ticketsFoundAfterRestart,
      problems,
    };
  } finally {
    await flowHost?.close();
    await ticketHost?.close();
    await sb?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Checks the live server against what was applied; returns the number of tickets found. */
async function verify(
  sb: Sandbox,
  extra: Record<string, string>,
  o: ScenarioOptions,
  flows: ApplyReport,
  tickets: ApplyReport,
  problems: string[],
  when: string,
): Promise<number> {
  const admin = client(sb, "admin", "accessKey", extra);
  const live = await admin.list<Record<string, any>>("/api/v1/tickets/tickets/", {
    query: { type: "apply_asset" },
    org: null,
  });
  if (live.length !== o.tickets)
    problems.push(`${when}${live.length} tickets exist, expected ${o.tickets}`);
  const titles = new Map<string, number>();
  for (const t of live) titles.set(t.title, (titles.get(t.title) ?? 0) + 1);
  const dupes = [...titles].filter(([, n]) => n > 1);
  if (dupes.length)
    problems.push(`${when}duplicated titles: ${dupes.map(([t, n]) => `${t} ×${n}`).join(", ")}`);
  for (let i = 0; i < o.tickets; i++) {
    if (!titles.has(`${o.label} ticket ${i}`)) problems.push(`${when}ticket ${i} is missing`);
  }
  const byId = new Map(live.map((t) => [String(t.id), t]));
  for (const r of tickets.resources) {
    const t = byId.get(r.id);
    if (!t) {
      problems.push(`${when}ticket ${r.id} in state is not on the server`);
      continue;
    }
    const marker = String(r.outs.marker);
    const occurrences = String(t.comment ?? "").split(marker).length - 1;
    if (occurrences !== 1)
      problems.push(`${when}ticket ${r.id} carries its marker ${occurrences} times`);
    const state = typeof t.state === "object" ? t.state?.value : t.state;
    if (state !== "approved") problems.push(`${when}ticket ${r.id} is ${state}, not approved`);
    if (r.outs.state !== "approved")
      problems.push(`${when}ticket ${r.id} is recorded as ${r.outs.state}`);
  }
  const ids = Object.fromEntries(sb.seed.users.map((u) => [u.username, u.id]));
  for (const f of flows.resources) {
    const liveFlow = await admin.get<Record<string, any>>(`/api/v1/tickets/flows/${f.id}/`, {
      org: f.declared.orgId,
    });
    const got = [...(liveFlow.rules as Array<Record<string, any>>)]
      .sort((a, b) => a.level - b.level)
      .map((r) => r.users);
    // The declared selectors with usernames replaced by ids: what the server must hold.
    const want = (f.declared.rules as Array<{ users: Record<string, any> }>).map(({ users }) =>
      users.type === "ids" ? { ...users, ids: users.ids.map((n: string) => ids[n] ?? n) } : users,
    );
    const level = liveFlow.approval_level?.value ?? liveFlow.approval_level;
    if (JSON.stringify(got) !== JSON.stringify(want) || level !== want.length)
      problems.push(
        `${when}flow ${f.id}: approval_level ${level}, rules ${JSON.stringify(got)}; declared ${JSON.stringify(want)}`,
      );
  }
  return live.length;
}
