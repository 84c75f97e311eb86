// The approvals example (examples/approvals) through the real Pulumi CLI (Automation API), offline,
// as a user runs it: a scratch project holds the example's index.ts and its approvals.json, and
// installs the packed package. People open tickets in the sandbox (JumpServer v4.10.19) as in the
// UI; the review's preview refuses a widening grant, `up` decides, a changed decision fails at
// preview, destroy revokes. The steps depend on each other.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Stack } from "@pulumi/pulumi/automation";
import type { Sandbox } from "../../sandbox";
import { client, openAsPerson, sandbox, SYSTEM_ADMINS } from "../support/sandbox";
import { adminStack, requirePulumiCli } from "./pulumiCli";
import { createScratchProject, ScratchProject } from "./scratchProject";
import { daysFromNow } from "../support/clock";

const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";
const FLOWS = "/api/v1/tickets/flows/";
const EXAMPLE = path.resolve(__dirname, "..", "..", "examples", "approvals", "index.ts");

describe("e2e: the approvals example through the Pulumi CLI", function () {
  this.timeout(300_000);

  let sb: Sandbox;
  let project: ScratchProject | undefined;
  let stack: Stack | undefined;
  const asked = { web: { id: "", serialNum: "" }, db: { id: "", serialNum: "" } };
  /** What a review of each ticket pins as `reviewed`: the ask as the requester opened it. */
  const pins: Record<string, Record<string, unknown>> = {};

  const admin = () => client(sb, "admin");
  const permission = (id: string) =>
    admin()
      .get<any>(`/api/v1/perms/asset-permissions/${id}/`, { org: DEFAULT_ORG })
      .catch((e) => (e.status === 404 ? undefined : Promise.reject(e)));
  const state = async (id: string) =>
    (await admin().get<any>(`/api/v1/tickets/tickets/${id}/`, { org: null })).state.value;
  /** The review file a pull request edits. */
  const review = (reviews: Record<string, unknown>) =>
    fs.writeFileSync(path.join(project!.dir, "approvals.json"), JSON.stringify(reviews, null, 2));
  const outputs = async () =>
    Object.fromEntries(Object.entries(await stack!.outputs()).map(([k, v]) => [k, v.value]));
  const failureOf = (e: any): string =>
    `${e?.commandResult?.err?.stdout ?? ""}${e?.commandResult?.err?.stderr ?? ""}${e?.message ?? ""}`;

  before(async function () {
    const binDir = requirePulumiCli(this);
    sb = await sandbox();
    // Two levels, both the pipeline's (system admins): it approves both.
    const flows = await admin().list<any>(FLOWS, { org: DEFAULT_ORG });
    await admin().request("PATCH", `${FLOWS}${(flows.find((f) => !f.name) ?? flows[0]).id}/`, {
      org: DEFAULT_ORG,
      body: {
        type: "apply_asset",
        rules: [{ users: SYSTEM_ADMINS }, { users: SYSTEM_ADMINS }],
        approval_level: 2,
      },
    });
    const requester = client(sb, "requester");
    const ask = {
      orgId: DEFAULT_ORG,
      dateStart: daysFromNow(30),
      dateExpired: daysFromNow(37),
    };
    const pin = (assets: string[], actions: string[]) => ({
      assets,
      nodes: [],
      accounts: ["@ALL"],
      actions,
      dateStart: ask.dateStart,
      dateExpired: ask.dateExpired,
    });
    pins.web = pin(["web-01", "web-02"], ["connect", "upload"]);
    pins.db = pin(["db-01"], ["all"]);
    asked.web = await openAsPerson(requester, sb.seed, {
      ...ask,
      title: "web servers for the rollout",
      assets: ["web-01", "web-02"],
      actions: ["connect", "upload"],
    });
    asked.db = await openAsPerson(requester, sb.seed, {
      ...ask,
      title: "db-01 for a migration",
      assets: ["db-01"],
    });
    project = await createScratchProject({
      program: fs.readFileSync(EXAMPLE, "utf8"),
      name: "approvals",
      files: { "approvals.json": "{}\n" },
    });
    stack = await adminStack("approvals", project.dir, binDir, sb);
  });

  after(async function () {
    if (stack) {
      await stack.destroy().catch(() => undefined);
      await stack.workspace.removeStack("approvals", { force: true }).catch(() => undefined);
    }
    project?.cleanup();
    await sb?.close();
  });

  it("lists the tickets awaiting review; the review's preview asks for the pin, then refuses a widening grant", async () => {
    await stack!.up();
    assert.deepEqual(
      [...((await outputs()).awaitingReview as string[])].sort(),
      [
        `${asked.db.serialNum} db-01 for a migration`,
        `${asked.web.serialNum} web servers for the rollout`,
      ].sort(),
    );
    // An approval without the ask it reviewed: the preview prints the ask to pin.
    review({ web: { ticket: asked.web.serialNum, decision: "approve" } });
    const unpinned = await stack!
      .preview()
      .then(() => assert.fail("the unpinned preview passed"), failureOf);
    assert.match(unpinned, /reviewed.*add reviewed: \{\\?"assets\\?":\[\\?"web-0[12]/s);
    review({
      web: {
        ticket: asked.web.serialNum,
        decision: "approve",
        reviewed: pins.web,
        grant: { assets: ["web-01", "db-01"] },
      },
    });
    const failure = await stack!
      .preview()
      .then(() => assert.fail("the widening preview passed"), failureOf);
    assert.match(
      failure,
      /grant\.assets\[1\].*"db-01" is not among the assets the ticket asked for/,
    );
    assert.equal(await state(asked.web.id), "pending");
  });

  it("merging approves both levels with the narrowed grant, and rejects", async () => {
    review({
      web: {
        ticket: asked.web.serialNum,
        decision: "approve",
        reviewed: pins.web,
        grant: { assets: ["web-01"], actions: ["connect"] },
      },
      db: { ticket: asked.db.serialNum, decision: "reject" },
    });
    const r = await stack!.up();
    assert.equal(r.summary.resourceChanges?.create, 2);
    const out = (await outputs()).decided as Record<string, any>;
    assert.equal(out.web.state, "approved");
    assert.equal(out.web.permissionId, asked.web.id);
    assert.deepEqual([...out.web.asked.assets].sort(), ["web-01", "web-02"]);
    assert.equal(out.db.state, "rejected");
    const perm = await permission(asked.web.id);
    assert.deepEqual(
      perm.assets.map((a: any) => a.name),
      ["web-01"],
    );
    assert.deepEqual(
      perm.actions.map((a: any) => a.value),
      ["connect"],
    );
    const p = await stack!.preview({ expectNoChanges: true });
    assert.deepEqual(p.changeSummary, { same: 3 });
  });

  it("a changed decision fails at preview, naming the property", async () => {
    review({
      web: { ticket: asked.web.serialNum, decision: "reject" },
      db: { ticket: asked.db.serialNum, decision: "reject" },
    });
    const failure = await stack!
      .preview()
      .then(() => assert.fail("the changed decision passed"), failureOf);
    assert.match(failure, /decision.*a decision can't be undone/s);
  });

  it("removing the approval revokes its permission and leaves the ticket approved", async () => {
    review({ db: { ticket: asked.db.serialNum, decision: "reject" } });
    const r = await stack!.up();
    assert.equal(r.summary.resourceChanges?.delete, 1);
    assert.equal(await permission(asked.web.id), undefined);
    assert.equal(await state(asked.web.id), "approved");
  });
});
