// `npm run bench -- --only large [--large N]`: a large stack on the sandbox (v4.10.19 mode, whose
// named flows let one org have many; its open race on; no throttle) through the real Pulumi CLI:
// N approved tickets (default 2,000; `--quick`: 500) spread over 20 named flows of Default, each figure beside its floors from the same run:
//  - the HTTP floor: the requests the provider needs sent straight over signed axios (opens one at
//    a time, approves and deletes at the CLI's parallelism, the refresh's pages one after another);
//  - the engine floor: the same operation on a stack of as many do-nothing dynamic resources of
//    the same shape (what Pulumi itself costs at this size, whatever the provider does).
// Also the provider process's own CPU time per resource and its peak memory (scripts/lib/
// processWatch.ts reads them from /proc while the CLI runs it), and the sandbox's request count:
// a no-op `up` must send none. Asserts nothing.
import * as http from "node:http";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import axios from "axios";
import { startSandbox, Sandbox } from "../sandbox";
import { signatureHeader } from "../provider/client/signing";
import { offlineEnv, pulumiCommand, setAllConfig } from "../tests/e2e/pulumiCli";
import { createScratchProject } from "../tests/e2e/scratchProject";
import { pool } from "../tests/reliability/apply";
import { daysFromNow } from "../tests/support/clock";
import { CLI_PARALLELISM } from "./bench-real";
import { ProcessCost, watchProviderProcesses } from "./lib/processWatch";
import { table } from "./lib/table";

const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";
const ROOT_ORG = "00000000-0000-0000-0000-000000000000";
const APPLY = "/api/v1/tickets/apply-asset-tickets/";
export const FLOWS = 20;

// 20 named flows of Default (once an org has named flows, an open must name one); ticket i is
// opened under flow i % 20. With
// `trivial`, every resource is a do-nothing dynamic resource of the same names and dependencies.
export const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { AssetAccessTicket, FlowRuleArgs, TicketFlow } from "pulumi-jumpserver-tickets";

const config = new pulumi.Config();
const count = config.requireNumber("count");
const flows = config.requireNumber("flows");
const prefix = config.require("prefix");
const rules: FlowRuleArgs[] = [{ users: { type: "ids", ids: ["admin"] } }];

const nothing: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: inputs.name, outs: inputs };
  },
};
class Trivial extends pulumi.dynamic.Resource {
  constructor(name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) {
    super(nothing, name, { name, ...args }, opts);
  }
}
const trivial = config.getBoolean("trivial");

const flowOf: pulumi.Resource[] = [];
for (let f = 0; f < flows; f++) {
  const args = {
    orgId: "${DEFAULT_ORG}",
    name: \`\${prefix} flow \${f}\`,
    rules,
    guardrails: { forbidSelfApproval: false },
  };
  flowOf.push(trivial ? new Trivial(\`flow-\${f}\`, args) : new TicketFlow(\`flow-\${f}\`, args));
}
for (let i = 0; i < count; i++) {
  const f = i % flows;
  const args = {
    title: \`\${prefix} \${i}\`,
    orgId: "${DEFAULT_ORG}",
    flow: \`\${prefix} flow \${f}\`,
    applicant: "requester",
    assets: [i % 2 ? "web-01" : "web-02"],
    actions: ["connect"],
    dateStart: "${daysFromNow(30)}",
    dateExpired: "${daysFromNow(37)}",
    approve: true,
  };
  const opts = { dependsOn: [flowOf[f]] };
  if (trivial) new Trivial(\`access-\${i}\`, args, opts);
  else new AssetAccessTicket(\`access-\${i}\`, args, opts);
}
`;

interface Figure {
  operation: string;
  seconds: number;
  requests: number;
  httpFloorSeconds?: number;
  engineFloorSeconds: number;
  provider: ProcessCost;
}

export interface LargeStackResult {
  tickets: number;
  flows: number;
  server: string;
  figures: Figure[];
  /** The sandbox's requests of the refresh, by route. */
  refreshRoutes: Record<string, number>;
}

type Operation = "up" | "no-op up" | "preview --refresh" | "destroy";
const OPERATIONS: Operation[] = ["up", "no-op up", "preview --refresh", "destroy"];

async function runOperation(stack: Stack, op: Operation): Promise<void> {
  if (op === "up" || op === "no-op up") {
    const r = await stack.up();
    if (r.summary.result !== "succeeded") throw new Error(`${op} ended ${r.summary.result}`);
    if (op === "no-op up" && Object.keys(r.summary.resourceChanges ?? {}).some((k) => k !== "same"))
      throw new Error(
        `the no-op up changed something: ${JSON.stringify(r.summary.resourceChanges)}`,
      );
  } else if (op === "preview --refresh") {
    await stack.preview({ refresh: true });
  } else {
    await stack.destroy();
  }
}

/** Each operation on a stack of the program, timed, with the provider's cost and the requests. */
async function timedOperations(
  binDir: string,
  sb: Sandbox,
  n: number,
  trivial: boolean,
  prefix: string,
): Promise<
  Map<
    Operation,
    { seconds: number; requests: number; provider: ProcessCost; routes: Record<string, number> }
  >
> {
  const project = await createScratchProject({ program: PROGRAM, name: "jms-large" });
  const out = new Map<
    Operation,
    { seconds: number; requests: number; provider: ProcessCost; routes: Record<string, number> }
  >();
  try {
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "large", workDir: project.dir },
      { envVars: offlineEnv(project.dir, binDir), pulumiCommand: await pulumiCommand(binDir) },
    );
    const admin = sb.seed.users.find((u) => u.username === "admin")!;
    await setAllConfig(stack, {
      "jumpserver:url": { value: sb.url },
      "jumpserver:accessKeyId": { value: admin.accessKey.id },
      "jumpserver:accessKeySecret": { value: admin.accessKey.secret, secret: true },
      count: { value: String(n) },
      flows: { value: String(FLOWS) },
      prefix: { value: prefix },
      trivial: { value: String(trivial) },
    });
    for (const op of OPERATIONS) {
      sb.resetStats();
      const watch = watchProviderProcesses();
      const t0 = Date.now();
      let provider: ProcessCost;
      try {
        await runOperation(stack, op);
      } finally {
        provider = watch.stop();
      }
      const seconds = (Date.now() - t0) / 1000;
      const stats = sb.stats();
      console.error(
        `    [large ${n}${trivial ? " engine floor" : ""}] ${op}: ${seconds.toFixed(1)} s, ${stats.total} requests, provider CPU ${provider.cpuSeconds} s, peak ${provider.peakMb} MB`,
      );
      out.set(op, { seconds, requests: stats.total, provider, routes: stats.byRoute });
    }
  } finally {
    project.cleanup();
  }
  return out;
}

/** The provider's requests, straight over signed axios: the HTTP floor of each operation. */
async function httpFloor(
  sb: Sandbox,
  n: number,
  refreshRoutes: Record<string, number>,
  flowPrefix: string,
): Promise<Partial<Record<Operation, number>>> {
  const admin = sb.seed.users.find((u) => u.username === "admin")!;
  const requester = sb.seed.users.find((u) => u.username === "requester")!;
  const ax = axios.create({
    baseURL: sb.url,
    httpAgent: new http.Agent({ keepAlive: true }),
    validateStatus: () => true,
  });
  const send = async (method: string, url: string, body?: unknown, org = DEFAULT_ORG) => {
    const date = new Date().toUTCString();
    const headers: Record<string, string> = {
      Accept: "application/json",
      Date: date,
      "X-JMS-ORG": org,
      Authorization: signatureHeader(
        method,
        url,
        { accept: "application/json", date },
        admin.accessKey.id,
        admin.accessKey.secret,
      ),
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await ax.request({ method, url, headers, data: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status}`);
    return res.data as { id: string };
  };
  const asset = (name: string) => sb.seed.assets.find((a) => a.name === name)!.id;
  const grant = (i: number) => ({
    org_id: DEFAULT_ORG,
    apply_assets: [asset(i % 2 ? "web-01" : "web-02")],
    apply_nodes: [],
    apply_accounts: ["@ALL"],
    apply_actions: ["connect"],
    apply_date_start: daysFromNow(30),
    apply_date_expired: daysFromNow(37),
  });
  // The named flows the stack made (JumpServer keeps a flow once made): each open names one.
  const listed = (await send(
    "GET",
    "/api/v1/tickets/flows/?type=apply_asset",
  )) as unknown as Array<{
    id: string;
    name?: string;
  }>;
  const flowIds = listed.filter((f) => f.name?.startsWith(flowPrefix)).map((f) => f.id);
  if (flowIds.length === 0) throw new Error(`no flow named ${flowPrefix}…`);
  // up: the opens one at a time (they would collide), the approves at the CLI's parallelism.
  let t0 = Date.now();
  const opened: Array<{ id: string; i: number }> = [];
  for (let i = 0; i < n; i++) {
    const { id } = await send("POST", `${APPLY}open/`, {
      title: `floor ${i}`,
      applicant: requester.id,
      comment: "[pulumi:floor]",
      flow_id: flowIds[i % flowIds.length],
      ...grant(i),
    });
    opened.push({ id, i });
  }
  await pool(opened, CLI_PARALLELISM, (t) => send("PATCH", `${APPLY}${t.id}/approve/`, grant(t.i)));
  const up = (Date.now() - t0) / 1000;
  console.error(`    [large ${n} HTTP floor] up: ${up.toFixed(1)} s`);
  // preview --refresh: the pages the provider's refresh asked for, one after another.
  t0 = Date.now();
  for (const [route, pages] of Object.entries(refreshRoutes)) {
    if (!route.startsWith("GET ")) continue;
    const path = route.slice(4);
    for (let page = 0; page < pages; page++)
      await send("GET", `${path}?limit=200&offset=${page * 200}`, undefined, ROOT_ORG);
  }
  const refresh = (Date.now() - t0) / 1000;
  // destroy: a revoke (the grant's DELETE) per ticket at the CLI's parallelism.
  t0 = Date.now();
  await pool(opened, CLI_PARALLELISM, (t) =>
    send("DELETE", `/api/v1/perms/asset-permissions/${t.id}/`),
  );
  const destroy = (Date.now() - t0) / 1000;
  return { up, "no-op up": 0, "preview --refresh": refresh, destroy };
}

export async function largeStack(binDir: string, n: number): Promise<LargeStackResult> {
  const sb = await startSandbox({ dialect: "selector", errors: "conflict", rateLimit: "off" });
  try {
    const run = Date.now().toString(36);
    const real = await timedOperations(binDir, sb, n, false, `large ${run}`);
    const engine = await timedOperations(binDir, sb, n, true, `trivial ${run}`);
    const refreshRoutes = real.get("preview --refresh")!.routes;
    const floor = await httpFloor(sb, n, refreshRoutes, `large ${run} flow `).catch((e: Error) => {
      console.error(`    [large ${n}] the HTTP floor failed: ${e.message}`);
      return {} as Partial<Record<Operation, number>>;
    });
    return {
      tickets: n,
      flows: FLOWS,
      server: `sandbox ${sb.seed.version} (open race on, no throttle)`,
      refreshRoutes,
      figures: OPERATIONS.map((op) => ({
        operation: op,
        seconds: +real.get(op)!.seconds.toFixed(1),
        requests: real.get(op)!.requests,
        httpFloorSeconds: floor[op] === undefined ? undefined : +floor[op]!.toFixed(1),
        engineFloorSeconds: +engine.get(op)!.seconds.toFixed(1),
        provider: real.get(op)!.provider,
      })),
    };
  } finally {
    await sb.close();
  }
}

export function printLargeStack(r: LargeStackResult): void {
  const resources = r.tickets + r.flows;
  table(
    `Large stack: ${r.tickets} approved tickets and ${r.flows} flows, real Pulumi CLI, ${r.server}; floors from the same run`,
    [
      "operation",
      "seconds",
      "requests",
      "HTTP floor s",
      "engine floor s",
      "provider CPU s",
      "CPU ms/resource",
      "provider peak MB",
    ],
    r.figures.map((f) => [
      f.operation,
      f.seconds,
      f.requests,
      f.httpFloorSeconds ?? "-",
      f.engineFloorSeconds,
      f.provider.cpuSeconds,
      ((f.provider.cpuSeconds * 1000) / resources).toFixed(2),
      f.provider.peakMb,
    ]),
  );
  console.log(
    `  refresh requests by route: ${Object.entries(r.refreshRoutes)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );
}
