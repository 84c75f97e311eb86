// Access over time through the real Pulumi CLI and the installed `jms-tickets` bin, on the
// sandbox as JumpServer v4.10.19 (named flows): a request that nobody approves times out, one
// break-glass grant is ratified by a later change and stays, another is not and is revoked. The
// windows are a minute and a half long, so time passes for real; `preview`, the drift gate, `up`
// and the report each say what they see.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { Stack } from "@pulumi/pulumi/automation";
import type { Sandbox } from "../../sandbox";
import { client, sandbox, user } from "../support/sandbox";
import { adminStack, requirePulumiCli } from "./pulumiCli";
import { createScratchProject, ScratchProject } from "./scratchProject";

const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";
const HOUR = 3_600_000;
const WINDOW_MS = 90_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { AssetAccessTicket, TicketFlow } from "pulumi-jumpserver-tickets";

const config = new pulumi.Config();
// The flow meant for emergencies: the pipeline's identity (admin) approves it, alone.
const breakGlassFlow = new TicketFlow("break-glass-flow", {
  orgId: "${DEFAULT_ORG}",
  name: "break-glass",
  rules: [{ users: { type: "ids", ids: ["admin"] } }],
  guardrails: { forbidSelfApproval: false },
});
// Everyday requests: people approve them.
const peopleFlow = new TicketFlow("people-flow", {
  orgId: "${DEFAULT_ORG}",
  name: "people",
  rules: [{ users: { type: "ids", ids: ["approver", "orgadmin"] } }],
});
new AssetAccessTicket("waiting", {
  title: "web-02 for a migration",
  orgId: "${DEFAULT_ORG}",
  applicant: "requester",
  assets: ["web-02"],
  actions: ["connect"],
  dateStart: config.require("start"),
  dateExpired: config.require("end"),
  flow: "people",
  guardrails: { pendingTimeoutDays: config.requireNumber("pendingTimeoutDays") },
}, { dependsOn: [peopleFlow] });
const emergency = (name: string, incident: string, ratified: boolean) =>
  new AssetAccessTicket(name, {
    title: \`break-glass: \${incident}\`,
    orgId: "${DEFAULT_ORG}",
    applicant: "requester",
    assets: ["db-01"],
    actions: ["connect"],
    dateStart: config.require("start"),
    dateExpired: config.require("emergencyEnd"),
    approve: true,
    flow: "break-glass",
    breakGlass: { reason: "payments database down", incident },
    ...(ratified ? { ratified: true } : {}),
  }, { dependsOn: [breakGlassFlow] });
emergency("emergency-reviewed", "INC-1", config.getBoolean("ratify") ?? false);
emergency("emergency-forgotten", "INC-2", false);
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe("e2e: access over time through the CLI (timeouts, break-glass, warnings in hours)", function () {
  this.timeout(600_000);

  let sb: Sandbox;
  let binDir: string;
  let project: ScratchProject | undefined;
  let stack: Stack | undefined;

  const resource = async (name: string) =>
    (await stack!.exportStack()).deployment.resources.find((r: { urn: string }) =>
      r.urn.endsWith(`::${name}`),
    ) as { id: string; outputs: Record<string, unknown> };

  function report(args: string[], input: string): Promise<Run> {
    const a = user(sb, "admin");
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      JUMPSERVER_URL: sb.url,
      JUMPSERVER_ACCESS_KEY_ID: a.accessKey.id,
      JUMPSERVER_ACCESS_KEY_SECRET: a.accessKey.secret,
    };
    const bin = path.join(project!.dir, "node_modules", ".bin", "jms-tickets");
    return new Promise((resolve, reject) => {
      const child = spawn(bin, args, { cwd: project!.dir, env });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(input);
    });
  }
  const problems = async () => {
    const state = JSON.stringify(await stack!.exportStack());
    const run = await report(["report", "--format", "json"], state);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout).problems as Array<{
      kind: string;
      resource: string;
      message: string;
    }>;
  };
  const permissionExists = async (id: string) =>
    client(sb, "admin")
      .get(`/api/v1/perms/asset-permissions/${id}/`, { org: DEFAULT_ORG })
      .then(
        () => true,
        (e: { status?: number }) => {
          if (e.status === 404) return false;
          throw e;
        },
      );

  before(async function () {
    binDir = requirePulumiCli(this);
    sb = await sandbox({ dialect: "selector", errors: "conflict" });
    project = await createScratchProject({ program: PROGRAM, name: "jms-over-time" });
    const now = Date.now();
    stack = await adminStack("over-time", project.dir, binDir, sb, {
      start: { value: iso(now - 60_000) },
      end: { value: iso(now + 2 * 24 * HOUR) },
      emergencyEnd: { value: iso(now + 3 * HOUR) },
      pendingTimeoutDays: { value: String(WINDOW_MS / 86_400_000) },
      "jumpserver:breakGlassApplicants": { value: "requester" },
      "jumpserver:breakGlassRatifyHours": { value: String(WINDOW_MS / HOUR) },
      "jumpserver:expiryWarningHours": { value: "5h" },
    });
  });

  after(async function () {
    if (stack) {
      await stack.destroy().catch(() => undefined);
      await stack.workspace.removeStack("over-time", { force: true }).catch(() => undefined);
    }
    project?.cleanup();
    await sb?.close();
  });

  it("up opens the request and grants both emergencies at once, loudly; the report lists them first", async () => {
    const up = await stack!.up();
    assert.deepEqual(up.summary.resourceChanges, { create: 6 });
    assert.match(
      up.stdout,
      /BREAK-GLASS access granted to requester until .* \(payments database down\)/,
    );
    for (const name of ["emergency-reviewed", "emergency-forgotten"]) {
      const r = await resource(name);
      assert.equal(r.outputs.state, "approved", name);
      assert.equal(await permissionExists(r.id), true, name);
    }
    assert.equal((await resource("waiting")).outputs.state, "pending");
    const p = await problems();
    assert.deepEqual(
      p
        .slice(0, 2)
        .map((x) => `${x.kind} ${x.resource}`)
        .sort(),
      [
        "breakGlass AssetAccessTicket emergency-forgotten",
        "breakGlass AssetAccessTicket emergency-reviewed",
      ],
    );
  });

  it("preview warns in hours of grants ending within jumpserver:expiryWarningHours", async () => {
    const p = await stack!.preview();
    assert.match(
      p.stdout,
      /AssetAccessTicket "emergency-reviewed": access ends .* \((2|3) hours left; jumpserver:expiryWarningHours is 5h\)/,
    );
    assert.doesNotMatch(p.stdout, /AssetAccessTicket "waiting": access ends/);
  });

  it("a later change ratifies one grant in place; it leaves the report's problems", async () => {
    await stack!.setConfig("ratify", { value: "true" });
    const up = await stack!.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 5, update: 1 });
    const p = await problems();
    assert.ok(!p.some((x) => x.resource.endsWith("emergency-reviewed") && x.kind === "breakGlass"));
    assert.ok(p.some((x) => x.resource.endsWith("emergency-forgotten") && x.kind === "breakGlass"));
  });

  it("past the windows: the drift gate fails, the report says what `up` will do, and `up` does it", async () => {
    const opened = Date.parse(String((await resource("emergency-forgotten")).outputs.openedAt));
    const waitingOpened = Date.parse(String((await resource("waiting")).outputs.openedAt));
    const wait = Math.max(opened, waitingOpened) + WINDOW_MS + 2_000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));

    await assert.rejects(
      stack!.preview({ refresh: true, expectNoChanges: true }),
      /no changes were expected but changes were proposed|expect-no-changes/i,
    );
    const preview = await stack!.preview();
    assert.deepEqual(preview.changeSummary, { same: 4, update: 2 });
    assert.match(
      preview.stdout,
      /nobody approved it within guardrails\.pendingTimeoutDays .*: `pulumi up` closes the request/,
    );
    assert.match(
      preview.stdout,
      /break-glass grant not ratified within jumpserver:breakGlassRatifyHours .*: `pulumi up` revokes it/,
    );
    const p = await problems();
    const about = (name: string) => p.filter((x) => x.resource === `AssetAccessTicket ${name}`);
    assert.match(
      about("emergency-forgotten")[0].message,
      /not ratified within jumpserver:breakGlassRatifyHours .*: the next `pulumi up` revokes it/,
    );
    assert.ok(
      about("waiting").some(
        (x) => x.kind === "timedOut" && /the next `pulumi up` closes it/.test(x.message),
      ),
      JSON.stringify(about("waiting")),
    );

    const up = await stack!.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 4, update: 2 });
    assert.match(
      up.stdout,
      /request closed: nobody approved it within guardrails\.pendingTimeoutDays/,
    );
    assert.match(
      up.stdout,
      /break-glass grant revoked: not ratified within jumpserver:breakGlassRatifyHours/,
    );
    const forgotten = await resource("emergency-forgotten");
    const reviewed = await resource("emergency-reviewed");
    const waiting = await resource("waiting");
    assert.equal(await permissionExists(forgotten.id), false, "the unratified grant is gone");
    assert.equal(await permissionExists(reviewed.id), true, "the ratified grant stays");
    assert.equal(waiting.outputs.state, "closed");
    assert.ok(waiting.outputs.timedOutAt);
  });

  it("then nothing is reopened and nothing fails, until the program changes the request", async () => {
    sb.resetStats();
    const gate = await stack!.preview({ refresh: true, expectNoChanges: true });
    assert.deepEqual(gate.changeSummary, { same: 6 });
    const up = await stack!.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 6 });
    const writes = Object.keys(sb.stats().byRoute).filter((k) => !k.startsWith("GET "));
    assert.deepEqual(writes, [], "nothing was opened, approved, closed or revoked");
    const p = await problems();
    const kinds = p.map((x) => `${x.kind} ${x.resource}`);
    assert.ok(kinds.includes("timedOut AssetAccessTicket waiting"), JSON.stringify(kinds));
    assert.ok(
      kinds.includes("notGranted AssetAccessTicket emergency-forgotten"),
      JSON.stringify(kinds),
    );
    assert.ok(!kinds.some((k) => k.startsWith("breakGlass")), JSON.stringify(kinds));
  });
});
