// `npm run bench -- --real <ready-file> [--tickets N] [--rpm N] [--side-by-side | --both]`: the first `pulumi up` of N
// approved tickets (default 100) against a real JumpServer, through the real CLI at its default
// parallelism, next to a floor measured in the same run on the same server: the same opens sent one
// at a time with axios (concurrent opens collide on JumpServer's serial number), then the approves
// at the same concurrency as the CLI (8). Prints both wall times and their ratio; asserts nothing.
// Both sides wait out a 429 (v4.10.16 allows 180 requests a minute per user).
// Before and after, a kit server is reset; on any other server the floor's grants are revoked and
// the stack is destroyed. `--side-by-side` measures four stacks side by side instead
// (bench-side-by-side.ts), `--both` the first `up` and then them.
import { execFile } from "node:child_process";
import * as http from "node:http";
import * as https from "node:https";
import { promisify } from "node:util";
import axios from "axios";
import { signatureHeader } from "../provider/client/signing";
import * as fs from "node:fs";
import * as path from "node:path";
import { findPulumiCli, setAllConfig } from "../tests/e2e/pulumiCli";
import { PROGRAM as LARGE_PROGRAM } from "./bench-large";
import { pool } from "../tests/reliability/apply";
import { usersRule } from "../tests/real/support";
import { realStack } from "../tests/real/stack";
import { ReadyFile, targetSpecs, TARGETS_ENV, userOf } from "../tests/real/targets";
import { printSideBySide, sideBySide } from "./bench-side-by-side";

const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";
const APPLY = "/api/v1/tickets/apply-asset-tickets/";
/** The Pulumi CLI's default `--parallel` on this 2-core machine (4 × CPUs). */
export const CLI_PARALLELISM = 8;

export interface RealBenchOptions {
  readyFile: string;
  tickets: number;
  /** `jumpserver:requestsPerMinute` for the provider; undefined = its default ("auto"). */
  rpm?: string;
}

export interface RealBenchResult {
  server: string;
  tickets: number;
  requestsPerMinute: string;
  upSeconds: number;
  floorSeconds: number;
  ratio: number;
  /** The same `up` of as many do-nothing dynamic resources, in the same run. */
  engineFloorSeconds: number;
}

export async function benchReal(o: RealBenchOptions): Promise<RealBenchResult> {
  const cli = findPulumiCli();
  if ("reason" in cli) throw new Error(`no Pulumi CLI: ${cli.reason}`);
  process.env[TARGETS_ENV] = JSON.stringify([o.readyFile]);
  const target = await targetSpecs()[0].open();
  await target.reset?.();
  const ready = target.ready;
  const real = await realStack(cli.binDir, ready, ready.url);
  const run = Date.now().toString(36);
  try {
    await real.configure({
      rules: [usersRule(ready.dialect, "admin")],
      count: o.tickets,
      prefix: `pjt-bench ${run} up`,
      providerConfig: o.rpm === undefined ? {} : { "jumpserver:requestsPerMinute": o.rpm },
    });
    const t0 = Date.now();
    const up = await real.stack.up();
    const upSeconds = (Date.now() - t0) / 1000;
    if (up.summary.result !== "succeeded") throw new Error(`up ended ${up.summary.result}`);
    await real.stack.destroy();
    const floorSeconds = await floor(ready, o.tickets, `pjt-bench ${run} floor`, !target.reset);
    // The engine floor: the same stack with as many do-nothing resources (what the CLI itself
    // costs on this machine now, whatever the provider does).
    fs.writeFileSync(path.join(real.dir, "index.ts"), LARGE_PROGRAM);
    await setAllConfig(real.stack, {
      count: { value: String(o.tickets) },
      flows: { value: "1" },
      trivial: { value: "true" },
    });
    const t1 = Date.now();
    await real.stack.up();
    const engineFloorSeconds = (Date.now() - t1) / 1000;
    return {
      server: target.label,
      tickets: o.tickets,
      requestsPerMinute: o.rpm ?? "auto (the default)",
      upSeconds: +upSeconds.toFixed(1),
      floorSeconds: +floorSeconds.toFixed(1),
      ratio: +(upSeconds / floorSeconds).toFixed(2),
      engineFloorSeconds: +engineFloorSeconds.toFixed(1),
    };
  } finally {
    await real.dispose();
    await target.reset?.();
    await target.close();
  }
}

/**
 * The floor: the provider's own two requests per ticket (open, approve with the full grant),
 * signed, over keep-alive axios, opens one at a time, approves at the CLI's parallelism. The
 * flow the `up` adopted was put back by its destroy, so the floor first gives Default the same
 * one-level flow with one PATCH.
 */
export async function floor(
  ready: ReadyFile,
  n: number,
  prefix: string,
  revokeAfter: boolean,
): Promise<number> {
  const admin = userOf(ready, "admin");
  const requester = userOf(ready, "requester");
  const web = (i: number) => ready.assets.find((a) => a.name === (i % 2 ? "web-01" : "web-02"))!;
  const send = signedSender(ready.url, admin);
  const flows = (await send("GET", "/api/v1/tickets/flows/?type=apply_asset")) as LiveFlow[];
  const own = flows.find((f) => f.org_id === DEFAULT_ORG && !f.name) ?? flows[0];
  const rule =
    ready.dialect === "strategy"
      ? { strategy: "custom_user", assignees: [admin.id] }
      : { users: { type: "ids", ids: [admin.id] } };
  await send("PATCH", `/api/v1/tickets/flows/${own.id}/`, {
    type: "apply_asset",
    rules: [rule],
    approval_level: 1,
  });
  const body = (i: number) => ({
    org_id: DEFAULT_ORG,
    apply_assets: [web(i).id],
    apply_nodes: [],
    apply_accounts: ["@ALL"],
    apply_actions: ["connect"],
    apply_date_start: "2031-03-01T00:00:00Z",
    apply_date_expired: "2031-03-08T00:00:00Z",
  });
  const started = Date.now();
  const opened: Array<{ id: string; i: number }> = [];
  for (let i = 0; i < n; i++) {
    const t = (await send("POST", `${APPLY}open/`, {
      title: `${prefix} ${i}`,
      applicant: requester.id,
      comment: "[pulumi:floor]",
      ...body(i),
    })) as { id: string };
    opened.push({ id: t.id, i });
  }
  await pool(opened, CLI_PARALLELISM, (t) => send("PATCH", `${APPLY}${t.id}/approve/`, body(t.i)));
  const seconds = (Date.now() - started) / 1000;
  if (revokeAfter) {
    for (const t of opened) await send("DELETE", `/api/v1/perms/asset-permissions/${t.id}/`);
    await send("PATCH", `/api/v1/tickets/flows/${own.id}/`, {
      type: "apply_asset",
      rules: own.rules.map(toWrite),
      approval_level: own.rules.length,
    });
  }
  return seconds;
}

interface LiveRule {
  strategy?: { value: string };
  assignees_read_only?: string[];
  users?: unknown;
}
interface LiveFlow {
  id: string;
  name?: string;
  org_id: string;
  rules: LiveRule[];
}

/** A rule as the server shows it, in the shape a PATCH writes it. */
function toWrite(r: LiveRule): unknown {
  if (r.strategy) {
    const strategy = r.strategy.value;
    return { strategy, assignees: strategy === "custom_user" ? (r.assignees_read_only ?? []) : [] };
  }
  return { users: r.users };
}

export function signedSender(url: string, user: ReadyFile["users"][number]) {
  const ax = axios.create({
    baseURL: url,
    httpAgent: new http.Agent({ keepAlive: true }),
    httpsAgent: new https.Agent({ keepAlive: true }),
    validateStatus: () => true,
  });
  return async (method: string, path: string, body?: unknown): Promise<unknown> => {
    for (;;) {
      const date = new Date().toUTCString();
      const headers: Record<string, string> = {
        Accept: "application/json",
        Date: date,
        "X-JMS-ORG": DEFAULT_ORG,
        Authorization: signatureHeader(
          method,
          path,
          { accept: "application/json", date },
          user.accessKey.id,
          user.accessKey.secret,
        ),
      };
      if (body !== undefined) headers["Content-Type"] = "application/json";
      const res = await ax.request({ method, url: path, headers, data: JSON.stringify(body) });
      if (res.status === 429) {
        const wait = Number(res.headers["retry-after"] ?? 1);
        await new Promise((r) => setTimeout(r, wait * 1000 + 100));
        continue;
      }
      if (res.status >= 300)
        throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.data)}`);
      return res.data;
    }
  };
}

export async function mainReal(argv: string[]): Promise<void> {
  const arg = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const readyFile = arg("--real")!;
  const tickets = Number(arg("--tickets") ?? 100);
  const rpms = arg("--rpm") ? [arg("--rpm")] : [undefined];
  const { stdout: nproc } = await promisify(execFile)("nproc");
  console.log(
    `real-server bench: ${tickets} approved tickets, ${readyFile}, ${nproc.trim()} CPUs, Node ${process.version}`,
  );
  // `--side-by-side`: only the four stacks side by side; `--both`: the first `up`, then them.
  const sbs = argv.includes("--side-by-side") || argv.includes("--both");
  if (!argv.includes("--side-by-side")) {
    for (const rpm of rpms) {
      const r = await benchReal({ readyFile, tickets, rpm });
      console.log(
        `  ${r.server}: requestsPerMinute ${r.requestsPerMinute}: pulumi up ${r.upSeconds} s, floor ${r.floorSeconds} s (opens one at a time, approves at ${CLI_PARALLELISM}), ratio ${r.ratio}×; engine floor (the same up of ${r.tickets + 1} do-nothing resources) ${r.engineFloorSeconds} s`,
      );
    }
  }
  if (sbs) {
    const cli = findPulumiCli();
    if ("reason" in cli) throw new Error(`no Pulumi CLI: ${cli.reason}`);
    process.env[TARGETS_ENV] = JSON.stringify([readyFile]);
    const target = await targetSpecs()[0].open();
    try {
      await target.reset?.();
      const r = await sideBySide(cli.binDir, () => target.ready, target.reset);
      printSideBySide(`${target.label}, requestsPerMinute auto (the default)`, r);
    } finally {
      await target.close();
    }
  }
}
