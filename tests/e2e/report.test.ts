// `pulumi stack export | jms-tickets report` as a user runs it: a real stack made by the real
// Pulumi CLI against a sandbox (JumpServer v4.10.19), exported by the CLI, piped into the
// package's installed `jms-tickets` bin. The Markdown is compared with a golden file
// (tests/e2e/report.golden.md; ids, dates, serial numbers and the URL normalised; regenerate with
// UPDATE_GOLDEN=1), then a hand edit must show as drift in Problems. Every run is read-only
// (the sandbox counts the requests) and prints no credential.
import * as assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { Stack } from "@pulumi/pulumi/automation";
import type { Sandbox } from "../../sandbox";
import { approveAs, client, sandbox, user } from "../support/sandbox";
import { adminStack, offlineEnv, requirePulumiCli } from "./pulumiCli";
import { createScratchProject, ScratchProject } from "./scratchProject";

const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";
const ROOT_ORG = "00000000-0000-0000-0000-000000000000";
const GOLDEN = path.join(__dirname, "report.golden.md");
const DAY = 86_400_000;

// Two flows (Default's and the global one), a ticket the test approves (ending in 3 days: "expiring"), and one left
// waiting for its second level. The dates come from config, so that days left are stable.
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { AssetAccessTicket, TicketFlow } from "pulumi-jumpserver-tickets";

const config = new pulumi.Config();
const flow = new TicketFlow("default-flow", {
  orgId: "${DEFAULT_ORG}",
  rules: [
    { strategy: "custom_user", assignees: ["admin"] },
    { strategy: "custom_user", assignees: ["approver"] },
  ],
  // One approver a level keeps the report's golden table short; the guardrail is waived here.
  guardrails: { forbidSelfApproval: false },
});
// The global flow (the root org's), after Default has its own copy.
new TicketFlow("global-flow", { orgId: "${ROOT_ORG}", rules: [{ strategy: "super_admin" }] }, { dependsOn: [flow] });
const common = {
  orgId: "${DEFAULT_ORG}",
  applicant: "requester",
  dateStart: config.require("dateStart"),
  approve: true,
};
new AssetAccessTicket(
  "web-access",
  { ...common, title: "web-01 for the release", assets: ["web-01"], actions: ["connect"], dateExpired: config.require("soon") },
  { dependsOn: [flow] },
);
new AssetAccessTicket(
  "db-access",
  { ...common, title: "db-01 and probe-servers", assets: ["db-01"], nodes: ["probe-servers"], actions: ["connect", "upload"], dateExpired: config.require("later") },
  { dependsOn: [flow] },
);
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Ids, dates, serial numbers and the sandbox URL vary between runs; the rest must not. */
export function normalise(markdown: string, url: string): string {
  return markdown
    .split(url)
    .join("<url>")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<id>")
    .replace(/\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}Z?)?/g, "<date>")
    .replace(/#(\u2060?)\d+/g, "#$1<serial>"); // (a word joiner follows a #: no issue reference)
}

describe("e2e: jms-tickets report on a real stack", function () {
  this.timeout(300_000);

  let sb: Sandbox;
  let binDir: string;
  let project: ScratchProject | undefined;
  let stack: Stack | undefined;
  /** Every output of every report run, searched for credentials at the end. */
  const printed: string[] = [];

  const exportState = async (...flags: string[]) =>
    (
      await promisify(execFile)(
        path.join(binDir, "pulumi"),
        ["stack", "export", "--stack", "report", ...flags],
        {
          cwd: project!.dir,
          env: { ...process.env, ...offlineEnv(project!.dir, binDir) },
          maxBuffer: 64 * 1024 * 1024,
        },
      )
    ).stdout;

  /** The installed bin, in its own process, with only the settings the docs name. */
  function report(args: string[], input: string, settings?: Record<string, string>): Promise<Run> {
    const a = user(sb, "admin");
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...(settings ?? {
        JUMPSERVER_URL: sb.url,
        JUMPSERVER_ACCESS_KEY_ID: a.accessKey.id,
        JUMPSERVER_ACCESS_KEY_SECRET: a.accessKey.secret,
      }),
    };
    const bin = path.join(project!.dir, "node_modules", ".bin", "jms-tickets");
    return new Promise((resolve, reject) => {
      const child = spawn(bin, args, { cwd: project!.dir, env });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => {
        printed.push(stdout, stderr);
        resolve({ code, stdout, stderr });
      });
      child.stdin.end(input);
    });
  }

  /** The report's requests, by route: a read-only report sends GETs and nothing else. */
  async function readOnly<T>(run: () => Promise<T>): Promise<T> {
    sb.resetStats();
    const out = await run();
    const writes = Object.keys(sb.stats().byRoute).filter((k) => !k.startsWith("GET "));
    assert.deepEqual(writes, [], "the report sent a request that is not a GET");
    assert.ok(sb.stats().total > 0, "the report read nothing from JumpServer");
    return out;
  }

  const ticketId = async (name: string) =>
    (await stack!.exportStack()).deployment.resources.find((r: { urn: string }) =>
      r.urn.endsWith(`::${name}`),
    ).id as string;

  before(async function () {
    binDir = requirePulumiCli(this);
    sb = await sandbox();
    project = await createScratchProject({ program: PROGRAM, name: "jms-report" });
    // Half a day past whole days, so that "days left" holds for the whole run.
    const at = (days: number) => new Date(Date.now() + days * DAY + DAY / 2).toISOString();
    stack = await adminStack("report", project.dir, binDir, sb, {
      dateStart: { value: new Date(Date.now() - DAY).toISOString() },
      soon: { value: at(3) },
      later: { value: at(30) },
    });
    const up = await stack.up();
    assert.deepEqual(up.summary.resourceChanges, { create: 5 });
    // The second level's approver approves web-access in JumpServer; db-access keeps waiting.
    await approveAs(sb, "approver", await ticketId("web-access"));
  });

  after(async function () {
    if (stack) {
      await stack.destroy().catch(() => undefined);
      await stack.workspace.removeStack("report", { force: true }).catch(() => undefined);
    }
    project?.cleanup();
    await sb?.close();
  });

  it("writes the Markdown of the golden file, reading only", async function () {
    const state = await exportState();
    const run = await readOnly(() => report(["report"], state));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    const got = normalise(run.stdout, sb.url);
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(GOLDEN, got);
    assert.equal(got, fs.readFileSync(GOLDEN, "utf8"), "the report differs from report.golden.md");
  });

  it("--format json says the same, and --fail-on-problems exits 1", async function () {
    const state = await exportState();
    const run = await readOnly(() =>
      report(["report", "--format", "json", "--fail-on-problems"], state),
    );
    assert.equal(run.code, 1, run.stderr);
    const r = JSON.parse(run.stdout);
    assert.equal(r.stack, "jms-report/report");
    assert.deepEqual(
      r.problems.map((p: { kind: string; resource: string }) => `${p.kind} ${p.resource}`),
      ["expiring AssetAccessTicket web-access", "waitingForApproval AssetAccessTicket db-access"],
    );
    const web = r.access.find((x: { name: string }) => x.name === "web-access");
    assert.equal(web.state, "approved");
    assert.equal(web.daysLeft, 3);
    const flow = r.flows.find((x: { name: string }) => x.name === "default-flow");
    assert.deepEqual(flow.levels, [
      { level: 1, users: ["admin"], groups: [] },
      { level: 2, users: ["approver"], groups: [] },
    ]);
  });

  it("a flow edited by hand in JumpServer is drift, listed first", async function () {
    const flowId = await ticketId("default-flow");
    await client(sb, "admin", "privateToken").request("PATCH", `/api/v1/tickets/flows/${flowId}/`, {
      org: DEFAULT_ORG,
      body: {
        approval_level: 1,
        rules: [{ users: { type: "ids", ids: [user(sb, "orgadmin").id] } }],
      },
    });
    const run = await readOnly(async () => report(["report"], await exportState()));
    assert.equal(run.code, 0, run.stderr);
    const problems = run.stdout.slice(
      run.stdout.indexOf("### Problems"),
      run.stdout.indexOf("### Flows"),
    );
    const first = problems.split("\n").find((l) => l.startsWith("- "));
    assert.match(
      first ?? "",
      /^- \*\*drift\*\* · TicketFlow `default-flow`: changed in JumpServer: `rules`/,
    );
    // The live approver, by name.
    assert.match(run.stdout, /\| `default-flow` \| [^|]+ \| 1\. `orgadmin` \|/);
  });

  it("a permission changed, then deleted, by hand: the access row and Problems say so", async function () {
    const id = await ticketId("web-access");
    const asset = (name: string) => sb.seed.assets.find((a) => a.name === name)!.id;
    const perm = `/api/v1/perms/asset-permissions/${id}/`;
    const admin = client(sb, "admin", "privateToken");
    await admin.request("PATCH", perm, {
      org: DEFAULT_ORG,
      body: { assets: [asset("web-01"), asset("web-02")] },
    });
    const changed = await readOnly(async () => report(["report"], await exportState()));
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(
      changed.stdout,
      /^- \*\*access changed\*\* · AssetAccessTicket `web-access`: its asset permission was changed in JumpServer: `assets` differ/m,
    );
    assert.match(changed.stdout, /^\| `web-access`.*\| approved \| 3 \| permission: `assets` \|$/m);
    await admin.request("DELETE", perm, { org: DEFAULT_ORG });
    const run = await readOnly(async () => report(["report"], await exportState()));
    assert.equal(run.code, 0, run.stderr);
    const problems = run.stdout
      .slice(run.stdout.indexOf("### Problems"), run.stdout.indexOf("### Flows"))
      .split("\n")
      .filter((l) => l.startsWith("- "));
    assert.match(
      problems[0],
      /^- \*\*access removed\*\* · AssetAccessTicket `web-access`: its asset permission was deleted/,
    );
    assert.ok(!problems.some((l) => /expiring/.test(l)), "access that is gone does not expire");
    assert.match(
      run.stdout,
      /^\| `web-access`.*\| approved, \*\*removed\*\* \| {2}\| \*\*permission deleted\*\* \|$/m,
    );
  });

  it("what the identity cannot read is a problem, and the rest is still reported", async function () {
    const r = user(sb, "requester");
    const run = await readOnly(async () =>
      report(["report", "--format", "json"], await exportState(), {
        JUMPSERVER_URL: sb.url,
        JUMPSERVER_ACCESS_KEY_ID: r.accessKey.id,
        JUMPSERVER_ACCESS_KEY_SECRET: r.accessKey.secret,
      }),
    );
    assert.equal(run.code, 0, run.stderr);
    const report_ = JSON.parse(run.stdout);
    assert.equal(report_.identity, "requester");
    const unreadable = report_.problems
      .filter((p: { kind: string }) => p.kind === "unreadable")
      .map((p: { resource: string }) => p.resource);
    // Flows need a system administrator; so does reading the permission an approval created.
    assert.deepEqual(unreadable, [
      "TicketFlow default-flow",
      "TicketFlow global-flow",
      "AssetAccessTicket web-access",
    ]);
    // The refresh itself does not fail (a plain user may refresh its own tickets); the report
    // says the grant could not be compared.
    assert.match(report_.problems[2].message, /may not read asset permissions \(403\)/);
    // The state's last known approvers stay in the table.
    const flow = report_.flows.find((f: { name: string }) => f.name === "default-flow");
    assert.deepEqual(
      flow.levels.map((l: { users: string[] }) => l.users),
      [["admin"], ["approver"]],
    );
    assert.equal(report_.access.length, 2);
  });

  it("bad state input: one line on stderr, exit 2, nothing on stdout", async function () {
    const noResources = JSON.stringify({
      version: 3,
      deployment: {
        resources: [
          { urn: "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s", type: "pulumi:pulumi:Stack" },
        ],
      },
    });
    for (const [input, expected] of [
      ["not json", /not JSON/],
      ['{"hello": 1}', /not a Pulumi stack export/],
      [noResources, /no TicketFlow or AssetAccessTicket/],
    ] as const) {
      const run = await report(["report"], input);
      assert.equal(run.code, 2, `${input}: ${run.stderr}`);
      assert.equal(run.stdout, "");
      assert.match(run.stderr, /^jms-tickets: [^\n]+\n$/);
      assert.match(run.stderr, expected);
    }
  });

  it("settings and authentication errors: one line, exit 3, no credential", async function () {
    const state = await exportState();
    const missing = await report(["report"], state, {});
    assert.equal(missing.code, 3);
    assert.match(
      missing.stderr,
      /^jms-tickets: cannot read JumpServer: [^\n]*JUMPSERVER_URL[^\n]*\n$/,
    );
    const wrong = "0c7e8f2a-wrong-secret-5d1b9a";
    const refused = await report(["report"], state, {
      JUMPSERVER_URL: sb.url,
      JUMPSERVER_ACCESS_KEY_ID: user(sb, "admin").accessKey.id,
      JUMPSERVER_ACCESS_KEY_SECRET: wrong,
    });
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /^jms-tickets: cannot read JumpServer: [^\n]+\n$/);
    assert.ok(!refused.stderr.includes(wrong), refused.stderr);
  });

  it("never prints a credential, even from an export made with --show-secrets", async function () {
    const revealed = await exportState("--show-secrets");
    assert.ok(revealed.includes(user(sb, "admin").accessKey.secret), "the export holds the secret");
    for (const format of ["markdown", "json"]) {
      const run = await report(["report", "--format", format], revealed);
      assert.equal(run.code, 0, run.stderr);
    }
    const credentials = sb.seed.users.flatMap((u) => [
      u.accessKey.secret,
      u.privateToken,
      u.password,
    ]);
    for (const text of printed) {
      for (const c of credentials) assert.ok(!text.includes(c), "a report printed a credential");
      assert.ok(!text.includes("__provider"), "a report printed the serialized provider");
    }
  });
});
