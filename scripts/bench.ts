// npm run bench [-- --quick]: the performance figures of issue #9 (against the sandbox).
// npm run bench -- --real <ready-file> [--tickets N] [--rpm N]: a first `pulumi up` against a real
// server next to its floor (scripts/bench-real.ts). Prints a table per section and
// writes the same figures to bench-results/bench.json (git-ignored). Asserts nothing.
//  1. HTTP requests per provider operation, counted by the sandbox, in each server mode;
//  2. the serialized provider (`__provider`) per resource when installed from the packed
//     package, and whether it stays byte-identical across a version whose provider logic changed;
//  3. wall time to apply N tickets (open + approve) through the provider host at parallelism 10,
//     against a raw-HTTP floor (the same requests sent straight with axios at the same concurrency);
//  4. sandbox throughput on loopback for signed GETs and ticket opens;
//  5. a refresh of 500 approved tickets on a throttled sandbox, against its floor (bench-refresh.ts);
//  6. four `pulumi up` side by side, 25 approved tickets each, against the floor of their 100
//     opens sent one at a time (bench-side-by-side.ts);
//  7. a large stack, 2,000 approved tickets and 20 flows, through the real CLI: first `up`, no-op
//     `up`, `preview --refresh`, `destroy`, each beside its floors (bench-large.ts).
import { execFile } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import axios from "axios";
import { startSandbox, Sandbox, SeedUser } from "../sandbox";
import { signatureHeader } from "../provider/client/signing";
import { measureRequestCounts } from "../tests/performance/requestCounts";
import { applyAll, pool } from "../tests/reliability/apply";
import { DEFAULT_ORG, TICKET_TYPE, approvedTicket } from "../tests/reliability/faultScenario";
import { ProviderHost } from "../tests/support/providerHost";
import { stackConfig } from "../tests/support/sandbox";
import { mainReal } from "./bench-real";
import { refreshTimes } from "./bench-refresh";
import { largeStack, printLargeStack } from "./bench-large";
import { printSideBySide, sideBySide } from "./bench-side-by-side";
import { findPulumiCli } from "../tests/e2e/pulumiCli";
import { serializedSize, withInstalledProvider } from "./lib/serializedSize";
import { table } from "./lib/table";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..");
const quick = process.argv.includes("--quick");
const results: Record<string, unknown> = {};

async function requestCounts(): Promise<void> {
  const modes = [
    { dialect: "strategy" as const },
    { dialect: "selector" as const, errors: "legacy" as const },
    { dialect: "selector" as const, errors: "conflict" as const },
  ];
  const all: Record<string, unknown> = {};
  for (const mode of modes) {
    const { version, rows } = await measureRequestCounts(mode);
    all[version] = rows.map(({ operation, requests, lookups, allowed }) => ({
      operation,
      requests,
      lookups,
      allowed,
    }));
    table(
      `Requests per operation, JumpServer ${version} (sandbox), fresh provider process`,
      ["operation", "requests", "of which lookups", "allowed"],
      rows.map((r) => [r.operation, r.requests, r.lookups, r.allowed]),
    );
  }
  results.requestsPerOperation = all;
}

function ticketInputs(n: number, label: string) {
  return Array.from({ length: n }, (_, i) => approvedTicket(`${label} ${i}`));
}

/** Signed requests straight over axios (keep-alive), as the raw-HTTP baselines send them. */
function signedAxios(sb: Sandbox) {
  const ax = axios.create({
    baseURL: sb.url,
    httpAgent: new http.Agent({ keepAlive: true }),
    validateStatus: () => true,
  });
  return (user: SeedUser, method: string, url: string, body?: unknown) => {
    const date = new Date().toUTCString();
    const headers: Record<string, string> = {
      Accept: "application/json",
      Date: date,
      "X-JMS-ORG": DEFAULT_ORG,
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    headers.Authorization = signatureHeader(
      method,
      url,
      { accept: headers.Accept, date },
      user.accessKey.id,
      user.accessKey.secret,
    );
    return ax.request({
      method,
      url,
      headers,
      data: body === undefined ? undefined : JSON.stringify(body),
    });
  };
}

/**
 * The same two requests per ticket the provider sends (open, approve with the full grant), signed,
 * over axios: the opens one at a time (concurrent opens collide on JumpServer's serial number, as
 * the sandbox reproduces), then the approves at `parallelism`.
 */
async function rawFloor(sb: Sandbox, n: number, parallelism: number): Promise<number> {
  const admin = sb.seed.users.find((u) => u.username === "admin")!;
  const requester = sb.seed.users.find((u) => u.username === "requester")!;
  const web01 = sb.seed.assets.find((a) => a.name === "web-01")!;
  const signed = signedAxios(sb);
  const send = async (method: string, url: string, body: unknown) => {
    const res = await signed(admin, method, url, body);
    if (res.status >= 300)
      throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.data)}`);
    return res.data as { id: string };
  };
  const grant = (t: ReturnType<typeof approvedTicket>) => ({
    org_id: DEFAULT_ORG,
    apply_assets: [web01.id],
    apply_nodes: [],
    apply_accounts: t.accounts,
    apply_actions: t.actions,
    apply_date_start: t.dateStart,
    apply_date_expired: t.dateExpired,
  });
  const started = Date.now();
  const opened: Array<{ id: string; t: ReturnType<typeof approvedTicket> }> = [];
  for (const t of ticketInputs(n, "raw")) {
    const { id } = await send("POST", "/api/v1/tickets/apply-asset-tickets/open/", {
      title: t.title,
      applicant: requester.id,
      comment: "[pulumi:raw]",
      ...grant(t),
    });
    opened.push({ id, t });
  }
  await pool(opened, parallelism, ({ id, t }) =>
    send("PATCH", `/api/v1/tickets/apply-asset-tickets/${id}/approve/`, grant(t)),
  );
  return Date.now() - started;
}

async function applyTimes(): Promise<void> {
  const rows: Array<Record<string, number>> = [];
  // Drive the provider as users get it: serialized in a project that installed the packed
  // package (one require() of the package), not the in-repo copy serialized by value.
  await withInstalledProvider(async (installed) => {
    for (const n of quick ? [50] : [50, 200, 500]) rows.push(await applyOnce(n, installed));
  });
  results.applyWallTime = {
    parallelism: 10,
    server: "sandbox v4.10.16, no throttle",
    provider: "serialized from the packed package installed in a scratch project",
    rows,
  };
  table(
    "Apply N tickets (open + approve) at parallelism 10, sandbox: provider host vs raw axios floor (opens one at a time, approves at 10; same run)",
    ["tickets", "provider ms", "requests", "raw floor ms", "requests", "ratio"],
    rows.map((r) => [
      r.tickets,
      r.providerMs,
      r.providerRequests,
      r.floorMs,
      r.floorRequests,
      `${r.ratio}×`,
    ]),
  );
}

async function applyOnce(
  n: number,
  installed: { text: string; cwd: string },
): Promise<Record<string, number>> {
  const sb = await startSandbox({ dialect: "selector", errors: "legacy", rateLimit: "off" });
  const host = await ProviderHost.start(installed, TICKET_TYPE, stackConfig(sb, "admin"));
  try {
    // Warm both paths (process start-up, the profile and name lookups, JIT) on a few tickets.
    await applyAll(host, ticketInputs(5, "warm"), { parallelism: 5, maxRuns: 1 });
    await rawFloor(sb, 5, 5);
    sb.resetStats();
    const t0 = Date.now();
    const report = await applyAll(host, ticketInputs(n, "bench"), {
      parallelism: 10,
      maxRuns: 1,
    });
    const providerMs = Date.now() - t0;
    const providerRequests = sb.stats().total;
    if (report.unfinished)
      throw new Error(`apply of ${n} left ${report.unfinished} unfinished: ${report.errors[0]}`);
    sb.resetStats();
    const floorMs = await rawFloor(sb, n, 10);
    const floorRequests = sb.stats().total;
    return {
      tickets: n,
      providerMs,
      providerRequests,
      floorMs,
      floorRequests,
      ratio: +(providerMs / floorMs).toFixed(2),
    };
  } finally {
    await host.close();
    await sb.close();
  }
}

async function sandboxThroughput(): Promise<void> {
  const seconds = quick ? 1 : 2;
  const sb = await startSandbox({ rateLimit: "off" });
  const admin = sb.seed.users.find((u) => u.username === "admin")!;
  const requester = sb.seed.users.find((u) => u.username === "requester")!;
  const send = signedAxios(sb);
  const signed = (user: typeof admin, method: string, url: string, body?: unknown) =>
    send(user, method, url, body).then((r) => r.status);
  let n = 0;
  const kinds: Array<[string, () => Promise<number>]> = [
    [
      "signed GET (flows page)",
      () => signed(admin, "GET", "/api/v1/tickets/flows/?limit=10&offset=0"),
    ],
    [
      "ticket open (signed POST)",
      () =>
        signed(requester, "POST", "/api/v1/tickets/apply-asset-tickets/open/", {
          title: `tp-${n++}`,
          org_id: DEFAULT_ORG,
          apply_assets: [sb.seed.assets[0].id],
          apply_accounts: ["@ALL"],
          apply_actions: ["connect"],
          apply_date_start: "2030-01-01T00:00:00Z",
          apply_date_expired: "2030-01-02T00:00:00Z",
        }),
    ],
  ];
  const rows: Array<{ kind: string; concurrency: number; perSecond: number; errors: number }> = [];
  for (const [kind, one] of kinds) {
    for (const concurrency of [1, 10]) {
      const until = Date.now() + seconds * 1000;
      let done = 0;
      let errors = 0;
      const t0 = Date.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (Date.now() < until) {
            const status = await one().catch(() => 0);
            if (status >= 200 && status < 300) done++;
            else errors++;
          }
        }),
      );
      rows.push({
        kind,
        concurrency,
        perSecond: Math.round((done / (Date.now() - t0)) * 1000),
        errors,
      });
    }
  }
  await sb.close();
  results.sandboxThroughput = { seconds, keepAlive: true, rows };
  table(
    `Sandbox throughput on loopback (${sb.seed.version}, keep-alive, ${seconds} s per figure)`,
    ["request", "concurrency", "requests/s", "errors"],
    rows.map((r) => [r.kind, r.concurrency, r.perSecond, r.errors]),
  );
}

function pulumiBinDir(): string {
  const cli = findPulumiCli();
  if ("reason" in cli) throw new Error(`no Pulumi CLI: ${cli.reason}`);
  return cli.binDir;
}

/** Issue #23: 2,000 tickets and 20 flows through the real CLI (`--large N` for another size). */
async function large(): Promise<void> {
  const arg = process.argv.indexOf("--large");
  const sizes = arg >= 0 ? process.argv[arg + 1].split(",").map(Number) : [quick ? 500 : 2000];
  const all = [];
  for (const n of sizes) {
    const r = await largeStack(pulumiBinDir(), n);
    printLargeStack(r);
    all.push(r);
  }
  results.largeStack = all;
}

/** Issue #23: four `pulumi up` side by side on the sandbox (its open race on). */
async function stacksSideBySide(): Promise<void> {
  let sb = await startSandbox({ dialect: "selector", errors: "conflict", rateLimit: "off" });
  try {
    const r = await sideBySide(
      pulumiBinDir(),
      () => sb.seed,
      async () => {
        await sb.close();
        sb = await startSandbox({ dialect: "selector", errors: "conflict", rateLimit: "off" });
      },
    );
    printSideBySide(`sandbox ${sb.seed.version} (open race on, no throttle)`, r);
    results.sideBySide = { server: `sandbox ${sb.seed.version}`, ...r };
  } finally {
    await sb.close();
  }
}

async function main(): Promise<void> {
  if (process.argv.includes("--real")) return mainReal(process.argv);
  const started = Date.now();
  const { stdout: nproc } = await run("nproc").catch(() => ({ stdout: String(os.cpus().length) }));
  results.machine = {
    nproc: Number(nproc.trim()),
    cpu: os.cpus()[0]?.model ?? "unknown",
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    date: new Date().toISOString(),
  };
  console.log(`pulumi-jumpserver-tickets bench on ${JSON.stringify(results.machine)}`);
  // `--only <part>` measures one part (requests, serialized, apply, sandbox, refresh,
  // side-by-side, large).
  const only = process.argv.includes("--only")
    ? process.argv[process.argv.indexOf("--only") + 1]
    : undefined;
  const parts: Array<[string, () => Promise<void>]> = [
    ["requests", requestCounts],
    ["serialized", async () => void (results.serializedProvider = await serializedSize())],
    ["apply", applyTimes],
    ["sandbox", sandboxThroughput],
    ["refresh", () => withInstalledProvider((p) => refreshTimes(results, quick, p))],
    ["side-by-side", stacksSideBySide],
    ["large", large],
  ];
  for (const [name, measure] of parts) if (!only || only === name) await measure();
  results.totalSeconds = Math.round((Date.now() - started) / 1000);
  const out = path.join(ROOT, "bench-results", "bench.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
  console.log(
    `\n${results.totalSeconds} s in all; figures written to ${path.relative(process.cwd(), out)}`,
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
