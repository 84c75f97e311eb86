// TicketFlow and AssetAccessTicket through the real Pulumi CLI (Automation API), offline, as a
// user runs them: a scratch Pulumi project installs the packed package from its tarball, and
// every step goes through the engine against a sandbox (JumpServer v4.10.19) in this process.
// One stack walks the whole life: create, no-op runs, drift caught and healed, a replacement,
// an approval made in JumpServer, the state file, destroy. The steps depend on each other.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { Stack } from "@pulumi/pulumi/automation";
import type { Sandbox } from "../../sandbox";
import { client, sandbox, user, approveAs } from "../support/sandbox";
import { adminStack, offlineEnv, requirePulumiCli, setAllConfig } from "./pulumiCli";
import { createScratchProject, ScratchProject } from "./scratchProject";
import { daysFromNow } from "../support/clock";

const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";
const ROOT_ORG = "00000000-0000-0000-0000-000000000000";
const FLOWS = "/api/v1/tickets/flows/";
/** The CLI's exit code for "changes expected" (`--expect-no-changes` found some). */
const EXIT_CHANGES = 7;
// The ticket's window, fixed for the whole run: the program's inputs must not change between `up`s.
const START = daysFromNow(30);
const END = daysFromNow(37);

// Stack config picks the variant, so one project serves every step: `levels` one = the admin
// alone, two = the admin then `approver`; `title` is the ticket's (changing it replaces it).
// The admin rule differs from the global default flow's, so a restore on destroy is visible.
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { AssetAccessTicket, TicketFlow } from "pulumi-jumpserver-tickets";

const config = new pulumi.Config();
const DEFAULT_ORG = "${DEFAULT_ORG}";
const admin = { strategy: "custom_user" as const, assignees: ["admin"] };
const approver = { strategy: "custom_user" as const, assignees: ["approver"] };

const flow = new TicketFlow("flow", {
  orgId: DEFAULT_ORG,
  rules: config.require("levels") === "two" ? [admin, approver] : [admin],
  // Each level names one user, as the steps below expect: the self-approval guardrail that
  // refuses such a level is waived on this flow.
  guardrails: { forbidSelfApproval: false },
});
const ticket = new AssetAccessTicket(
  "access",
  {
    title: config.require("title"),
    orgId: DEFAULT_ORG,
    applicant: "requester",
    assets: ["web-01"],
    actions: ["connect"],
    dateStart: "${START}",
    dateExpired: "${END}",
    approve: true,
  },
  { dependsOn: [flow] },
);

export const flowId = flow.flowId;
export const ticketId = ticket.id;
export const state = ticket.state;
export const approvalStep = ticket.approvalStep;
export const permissionId = ticket.permissionId;
`;

const run = promisify(execFile);

/** The text of every file under `dir`. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), "utf8"));
}

interface Resource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** JSON with object keys sorted, so equal data gives equal text whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Who may approve at each level, without display fields. */
function ruleShape(rules: any[]): string {
  return canonical(
    [...rules].sort((a, b) => a.level - b.level).map((r) => ({ level: r.level, users: r.users })),
  );
}

/** The CLI's own exit code of a failed Automation API command, and its output. */
function cliFailure(e: any): { exitCode?: number; stdout: string } {
  return { exitCode: e?.commandResult?.err?.exitCode, stdout: e?.commandResult?.err?.stdout ?? "" };
}

describe("e2e: TicketFlow and AssetAccessTicket through the Pulumi CLI", function () {
  // A cold step compiles the program with ts-node and starts the provider host: ~3-8 s each.
  this.timeout(300_000);

  let sb: Sandbox;
  let binDir: string;
  let project: ScratchProject | undefined;
  let stack: Stack | undefined;
  let globalRules: string;
  const timings: string[] = [];
  /** What earlier steps created, for later checks. */
  const seen: { flowId?: string; firstTicket?: string; secondTicket?: string } = {};

  async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await run();
    } finally {
      timings.push(`${label} ${((Date.now() - started) / 1000).toFixed(1)}s`);
    }
  }

  const admin = () => client(sb, "admin", "privateToken");
  const defaultFlow = async () => admin().get<any>(`${FLOWS}${seen.flowId}/`, { org: DEFAULT_ORG });
  const permission = (id: string) =>
    admin()
      .get<any>(`/api/v1/perms/asset-permissions/${id}/`, { org: DEFAULT_ORG })
      .catch((e) => (e.status === 404 ? undefined : Promise.reject(e)));
  const outputs = async () =>
    Object.fromEntries(Object.entries(await stack!.outputs()).map(([k, v]) => [k, v.value]));

  before(async function () {
    binDir = requirePulumiCli(this);
    sb = await sandbox();
    const global = await admin().list<any>(FLOWS, { org: ROOT_ORG });
    globalRules = ruleShape(global.find((f) => f.org_id === ROOT_ORG).rules);
    project = await timed("pack + install", () =>
      createScratchProject({ program: PROGRAM, name: "jms-e2e" }),
    );
    const workDir = project.dir;
    stack = await adminStack("e2e", workDir, binDir, sb, {
      levels: { value: "one" },
      title: { value: "e2e: requester on web-01 (first)" },
    });
  });

  after(async function () {
    if (timings.length > 0) console.log(`    e2e resources timings: ${timings.join(", ")}`);
    if (stack) {
      // A failed step may leave resources: try to put the sandbox back, then drop the stack.
      await stack.destroy().catch(() => undefined);
      await stack.workspace.removeStack("e2e", { force: true }).catch(() => undefined);
    }
    project?.cleanup();
    await sb?.close();
  });

  it("up creates the flow and an approved ticket", async function () {
    const r = await timed("up", () => stack!.up());
    assert.deepEqual(r.summary.resourceChanges, { create: 3 });
    const out = await outputs();
    assert.equal(out.state, "approved");
    assert.equal(out.permissionId, out.ticketId, "the approval's permission has the ticket's id");
    seen.flowId = out.flowId;
    seen.firstTicket = out.ticketId;
    const perm = await permission(out.ticketId);
    assert.deepEqual(
      perm?.assets.map((a: any) => a.name ?? a),
      ["web-01"],
    );
    const flow = await defaultFlow();
    assert.equal(flow.org_id, DEFAULT_ORG);
    assert.deepEqual(
      flow.rules.map((r: any) => r.users),
      [{ type: "ids", ids: [user(sb, "admin").id] }],
    );
  });

  it("a second up and preview --expect-no-changes plan nothing (no ~__provider churn)", async function () {
    const r = await timed("up again", () => stack!.up());
    assert.deepEqual(r.summary.resourceChanges, { same: 3 });
    const p = await timed("preview", () => stack!.preview({ expectNoChanges: true }));
    assert.deepEqual(p.changeSummary, { same: 3 });
  });

  it("`up --replace` of an unchanged approved ticket keeps it and its grant (the replacement takes it over)", async function () {
    // A forced replacement is checked with no old inputs, so its create can't be told from a
    // run killed before its state was saved: it finds the same ticket by its marker. The old
    // resource's delete must then leave that ticket's grant alone, or state would say
    // "approved" over a permission that is gone.
    const state = await stack!.exportStack();
    const urn = (state.deployment.resources as Resource[]).find((x) =>
      x.type.endsWith(":AssetAccessTicket"),
    )!.urn;
    const r = await timed("up --replace", () => stack!.up({ replace: [urn] }));
    assert.equal(r.summary.resourceChanges?.replace, 1);
    const out = await outputs();
    assert.equal(out.state, "approved");
    assert.equal(out.ticketId, seen.firstTicket, "the same ticket, held by the replacement");
    assert.ok(await permission(String(out.ticketId)), "its grant is still there");
    const p = await timed("preview", () => stack!.preview({ expectNoChanges: true }));
    assert.deepEqual(p.changeSummary, { same: 3 });
  });

  it("a hand edit fails `preview --refresh --expect-no-changes` with exit 7, naming rules", async function () {
    const flow = await defaultFlow();
    await admin().request("PATCH", `${FLOWS}${flow.id}/`, {
      org: DEFAULT_ORG,
      body: {
        approval_level: 1,
        rules: [{ users: { type: "ids", ids: [user(sb, "orgadmin").id] } }],
      },
    });
    const failure = await timed("drift gate", () =>
      stack!
        .preview({ refresh: true, expectNoChanges: true, diff: true })
        .then(
          () => assert.fail("the drift gate passed although the flow was edited by hand"),
          cliFailure,
        ),
    );
    assert.equal(failure.exitCode, EXIT_CHANGES, failure.stdout);
    // The planned step (after the refresh section): an update of the flow that sets rules back.
    const plan = failure.stdout.slice(failure.stdout.lastIndexOf("pulumi:pulumi:Stack: (same)"));
    assert.match(
      plan,
      /~ pulumi-nodejs:dynamic\/jumpserver:TicketFlow: \(update\)/,
      failure.stdout,
    );
    assert.match(plan, /^\s+~ rules\s+:/m, failure.stdout);
    assert.doesNotMatch(plan, /AssetAccessTicket: \((update|replace)/, failure.stdout);
    assert.match(failure.stdout, /~ 1 to update/);
  });

  it("up --refresh heals it, and the drift gate passes again", async function () {
    const r = await timed("up --refresh", () => stack!.up({ refresh: true }));
    assert.deepEqual(r.summary.resourceChanges, { same: 2, update: 1 });
    const flow = await defaultFlow();
    assert.deepEqual(
      flow.rules.map((x: any) => x.users),
      [{ type: "ids", ids: [user(sb, "admin").id] }],
    );
    const p = await timed("drift gate", () =>
      stack!.preview({ refresh: true, expectNoChanges: true }),
    );
    assert.deepEqual(p.changeSummary, { same: 3 });
  });

  it("a hand-widened grant fails the drift gate naming `grant`, and up --refresh puts it back", async function () {
    const id = seen.firstTicket!;
    const web02 = sb.seed.assets.find((a) => a.name === "web-02")!.id;
    const web01 = sb.seed.assets.find((a) => a.name === "web-01")!.id;
    await admin().request("PATCH", `/api/v1/perms/asset-permissions/${id}/`, {
      org: DEFAULT_ORG,
      body: { assets: [web01, web02] },
    });
    const failure = await timed("grant drift gate", () =>
      stack!
        .preview({ refresh: true, expectNoChanges: true, diff: true })
        .then(
          () => assert.fail("the drift gate passed although the grant was widened"),
          cliFailure,
        ),
    );
    assert.equal(failure.exitCode, EXIT_CHANGES, failure.stdout);
    const plan = failure.stdout.slice(failure.stdout.lastIndexOf("pulumi:pulumi:Stack: (same)"));
    assert.match(plan, /~ pulumi-nodejs:dynamic\/jumpserver:AssetAccessTicket: \(update\)/, plan);
    assert.match(plan, /~ grant\s*:/, plan);
    assert.match(plan, /assets/, plan);
    assert.match(plan, new RegExp(web02), plan);
    const r = await timed("up --refresh (grant)", () => stack!.up({ refresh: true }));
    assert.deepEqual(r.summary.resourceChanges, { same: 2, update: 1 });
    assert.deepEqual(
      (await permission(id))?.assets.map((a: any) => a.id),
      [web01],
      "the approved grant is back",
    );
    const p = await timed("drift gate", () =>
      stack!.preview({ refresh: true, expectNoChanges: true }),
    );
    assert.deepEqual(p.changeSummary, { same: 3 });
  });

  it("preview names access that ends within jumpserver:expiryWarningDays", async function () {
    // The ticket ends in 37 days: a window of 40 days takes it in.
    await stack!.setConfig("jumpserver:expiryWarningDays", { value: "40" });
    try {
      const p = await timed("preview (expiry)", () => stack!.preview());
      assert.match(
        p.stdout,
        new RegExp(`AssetAccessTicket "access": access ends ${END} \\((3[5-7]) days left`),
        p.stdout,
      );
    } finally {
      await stack!.removeConfig("jumpserver:expiryWarningDays");
    }
    const quiet = await stack!.preview();
    assert.doesNotMatch(quiet.stdout, /access ends/);
  });

  it("changing a ticket input replaces it: a new ticket is opened, and the old access stays while it waits for a person (a renewal)", async function () {
    await setAllConfig(stack!, {
      levels: { value: "two" },
      title: { value: "e2e: requester on web-01 (second)" },
    });
    const r = await timed("up (replace)", () => stack!.up());
    assert.deepEqual(r.summary.resourceChanges, { same: 1, update: 1, replace: 1 });
    const out = await outputs();
    seen.secondTicket = out.ticketId;
    assert.notEqual(out.ticketId, seen.firstTicket);
    // Only the title changed, so the new ticket renews the old grant (docs/access-over-time.md):
    // that grant stays until the new ticket is approved.
    assert.ok(await permission(seen.firstTicket!), "the old grant is kept for the renewal");
    // Two levels now: the pipeline approved the first, `approver` holds the second.
    assert.equal(out.state, "pending");
    assert.equal(out.approvalStep, 2);
    assert.equal(await permission(out.ticketId), undefined);
  });

  it("an approval made in JumpServer is recorded by a refresh, which writes nothing; up then revokes the renewed grant", async function () {
    const id = seen.secondTicket!;
    // As JumpServer's UI does it: the approver sends the full grant.
    await approveAs(sb, "approver", id);
    assert.ok(await permission(id), "the approval granted the access");
    // The drift gate reads only: the renewal's old grant is still there, and its revoke is the
    // one change it shows (the ticket itself did not drift).
    const gate = await timed("drift gate", () =>
      stack!
        .preview({ refresh: true, expectNoChanges: true })
        .then(() => assert.fail("the gate passed although up has a grant to revoke"), cliFailure),
    );
    assert.equal(gate.exitCode, EXIT_CHANGES, gate.stdout);
    assert.match(gate.stdout, /~ 1 to update/, gate.stdout);
    assert.ok(await permission(seen.firstTicket!), "preview --refresh revoked nothing");
    const r = await timed("refresh", () => stack!.refresh());
    assert.equal(r.summary.result, "succeeded");
    const state = await stack!.exportStack();
    const ticket = (state.deployment.resources as Resource[]).find((x) =>
      x.type.endsWith(":AssetAccessTicket"),
    )!;
    assert.equal(ticket.id, id);
    assert.equal(ticket.outputs!.state, "approved");
    assert.equal(ticket.outputs!.permissionId, id);
    // The refresh recorded the renewal approved, and revoked nothing: up does that.
    assert.ok(await permission(seen.firstTicket!), "a refresh writes nothing");
    assert.equal(
      (ticket.outputs!.predecessor as { ticketId?: string })?.ticketId,
      seen.firstTicket,
    );
    const u = await timed("up (revoke the renewed grant)", () => stack!.up());
    assert.deepEqual(u.summary.resourceChanges, { same: 2, update: 1 });
    assert.equal(await permission(seen.firstTicket!), undefined, "the old grant is revoked");
    const after = ((await stack!.exportStack()).deployment.resources as Resource[]).find((x) =>
      x.type.endsWith(":AssetAccessTicket"),
    )!;
    assert.equal(after.outputs!.predecessor, undefined, "and forgotten");
    const quiet = await timed("drift gate", () =>
      stack!.preview({ refresh: true, expectNoChanges: true }),
    );
    assert.deepEqual(quiet.changeSummary, { same: 3 });
  });

  it("stack export holds no credential in plaintext and a small __provider, the same per type", async function () {
    // The CLI's own `pulumi stack export`, as a user runs it (the Automation API's exportStack
    // adds --show-secrets), plus every file of the state backend and the stack's config file.
    const exported = await timed("stack export", () =>
      run(path.join(binDir, "pulumi"), ["stack", "export", "--stack", "e2e"], {
        cwd: project!.dir,
        env: { ...process.env, ...offlineEnv(project!.dir, binDir) },
        maxBuffer: 64 * 1024 * 1024,
      }),
    );
    const state = JSON.parse(exported.stdout);
    const stored = [exported.stdout, ...filesUnder(path.join(project!.dir, ".pulumi-backend"))];
    stored.push(fs.readFileSync(path.join(project!.dir, "Pulumi.e2e.yaml"), "utf8"));
    const credentials = sb.seed.users.flatMap((u) => [
      [`${u.username}'s access key secret`, u.accessKey.secret],
      [`${u.username}'s private token`, u.privateToken],
      [`${u.username}'s password`, u.password],
    ]);
    for (const [what, value] of credentials) {
      assert.ok(!stored.some((text) => text.includes(value)), `${what} is stored in plaintext`);
    }
    // The search looks where a leak would be: with --show-secrets the secret is right there.
    const revealed = JSON.stringify(await stack!.exportStack());
    assert.ok(revealed.includes(user(sb, "admin").accessKey.secret));
    const resources = state.deployment.resources as Resource[];
    const defaultProvider = resources.find((x) => x.type === "pulumi:providers:pulumi-nodejs")!;
    assert.ok(
      (defaultProvider.inputs!["jumpserver:accessKeySecret"] as any)?.ciphertext,
      "the secret config is stored encrypted",
    );
    const providers = new Map<string, Set<string>>();
    for (const x of resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"))) {
      for (const code of [x.inputs!.__provider, x.outputs!.__provider]) {
        assert.equal(typeof code, "string", `${x.urn}: __provider is not plaintext code`);
        const size = Buffer.byteLength(code as string);
        assert.ok(size < 8 * 1024, `${x.urn}: __provider is ${size} bytes`);
        // The thin shim: a require of the installed package, not a copy of the logic.
        assert.match(code as string, /require\("pulumi-jumpserver-tickets\/dist\/provider\//);
        providers.set(x.type, (providers.get(x.type) ?? new Set()).add(code as string));
      }
    }
    assert.deepEqual([...providers.keys()].sort(), [
      "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket",
      "pulumi-nodejs:dynamic/jumpserver:TicketFlow",
    ]);
    for (const [type, texts] of providers) assert.equal(texts.size, 1, `${type}: several texts`);
  });

  it("destroy restores the flow and revokes the access", async function () {
    const r = await timed("destroy", () => stack!.destroy());
    assert.deepEqual(r.summary.resourceChanges, { delete: 3 });
    const flow = await defaultFlow();
    assert.equal(flow.org_id, DEFAULT_ORG, "the org keeps its own copy (flows can't be deleted)");
    assert.equal(ruleShape(flow.rules), globalRules, "the rules are the global default's again");
    assert.equal(await permission(seen.secondTicket!), undefined, "the access is revoked");
    const state = await stack!.exportStack();
    assert.deepEqual(state.deployment.resources ?? [], []);
  });
});
