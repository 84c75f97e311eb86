// The jms-sandbox command: ready line, request log on stderr, --state across restarts, SIGTERM.
import { strict as assert } from "node:assert";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { SeedInfo } from "../../sandbox";
import { parseArgs } from "../../sandbox/cli";
import { call } from "./http";

const ROOT = path.join(__dirname, "..", "..");

interface Running {
  child: ChildProcess;
  seed: SeedInfo;
  stdoutLines: string[];
  stderr: () => string;
}

function startCli(args: string[]): Promise<Running> {
  const child = spawn(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "sandbox/cli.ts", ...args],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line; stderr: ${err}`)), 20_000);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) {
        clearTimeout(timer);
        const lines = out.split("\n").filter(Boolean);
        resolve({
          child,
          seed: JSON.parse(lines[0]) as SeedInfo,
          stdoutLines: lines,
          stderr: () => err,
        });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}: ${err}`));
    });
  });
}

function stop(r: Running): Promise<number | null> {
  return new Promise((resolve) => {
    r.child.removeAllListeners("exit");
    r.child.on("exit", (code) => resolve(code));
    r.child.kill("SIGTERM");
  });
}

describe("jms-sandbox CLI", function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jms-sandbox-cli-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("prints exactly one JSON ready line, logs requests to stderr without credentials, exits 0 on SIGTERM", async () => {
    const r = await startCli(["--port", "0", "--dialect", "strategy", "--log"]);
    assert.match(r.seed.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(r.seed.dialect, "strategy");
    assert.deepEqual(Object.keys(r.seed).sort(), [
      "assets",
      "dialect",
      "errors",
      "nodes",
      "orgs",
      "url",
      "users",
      "version",
    ]);
    assert.deepEqual(
      r.seed.users.map((u) => u.username),
      ["admin", "orgadmin", "approver", "requester"],
    );
    assert.deepEqual(Object.keys(r.seed.users[0]).sort(), [
      "accessKey",
      "id",
      "name",
      "password",
      "privateToken",
      "role",
      "username",
    ]);
    assert.deepEqual(
      r.seed.assets.map((a) => a.name),
      ["web-01", "web-02", "db-01", "ops-bastion"],
    );
    assert.ok(r.seed.nodes.some((n) => n.fullValue === "/Default/probe-servers"));
    const admin = r.seed.users[0];
    const res = await call(r.seed.url, "GET", "/api/v1/users/profile/", {
      auth: { accessKey: admin.accessKey },
    });
    assert.equal(res.status, 200);
    await call(r.seed.url, "GET", "/api/v1/users/profile/", {
      auth: { privateToken: admin.privateToken },
    });
    await call(r.seed.url, "POST", "/api/v1/authentication/auth/", {
      body: { username: "admin", password: admin.password },
    });
    const code = await stop(r);
    assert.equal(code, 0);
    assert.equal(r.stdoutLines.length, 1);
    const log = r.stderr();
    assert.match(log, /GET \/api\/v1\/users\/profile\/ 200 \d+ms admin/);
    for (const secret of [admin.accessKey.secret, admin.privateToken, admin.password])
      assert.ok(!log.includes(secret));
  });

  it("keeps state across restarts with --state", async () => {
    const file = path.join(dir, "state.json");
    const a = await startCli(["--port", "0", "--state", file]);
    const requester = a.seed.users.find((u) => u.username === "requester");
    assert.ok(requester);
    const start = new Date();
    const open = await call(a.seed.url, "POST", "/api/v1/tickets/apply-asset-tickets/open/", {
      auth: { accessKey: requester.accessKey },
      body: {
        title: "cli-persisted",
        org_id: "00000000-0000-0000-0000-000000000002",
        apply_assets: [a.seed.assets[0].id],
        apply_accounts: ["@ALL"],
        apply_actions: ["connect"],
        apply_date_start: start.toISOString(),
        apply_date_expired: new Date(start.getTime() + 3600_000).toISOString(),
      },
    });
    assert.equal(open.status, 201);
    assert.equal(await stop(a), 0);
    const b = await startCli(["--port", "0", "--state", file]);
    const list = await call(b.seed.url, "GET", "/api/v1/tickets/tickets/?title=cli-persisted", {
      auth: { accessKey: requester.accessKey },
    });
    assert.equal((list.json as unknown[]).length, 1);
    assert.equal(await stop(b), 0);
  });

  it("refuses bad options with a message naming the option and exit code 2", async () => {
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "sandbox/cli.ts", "--dialect", "nope"],
      { cwd: ROOT },
    );
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    assert.equal(code, 2);
    assert.match(err, /--dialect must be strategy or selector/);
  });

  it("reads options as node:util parseArgs does, each refusal naming the option", () => {
    assert.deepEqual(parseArgs(["--port=0", "--open-race", "mysql", "--log"]), {
      port: 0,
      openRace: "mysql",
      log: true,
    });
    assert.deepEqual(parseArgs(["-h"]), { port: 8080, help: true });
    for (const [args, message] of [
      [["--prot", "1"], /Unknown option '--prot'/],
      [["--port"], /--port <value>' argument missing/],
      [["--port", "70000"], /--port must be 0-65535, got "70000"/],
      [["--errors", "x"], /--errors must be legacy or conflict, got "x"/],
      [["--open-race", "x"], /--open-race must be postgres, mysql or off, got "x"/],
      [["--tls-cert", "a.pem"], /--tls-cert and --tls-key go together/],
    ] as const) {
      assert.throws(() => parseArgs([...args]), message, args.join(" "));
    }
  });
});
