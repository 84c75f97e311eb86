// Guardrails through the real Pulumi CLI: with limits in stack config, `pulumi preview` of a
// program that breaks them fails, naming each resource, its property, the rule and its limit,
// and JumpServer (the sandbox) sees no request. Raising a limit in the program (`guardrails`)
// lets the same preview pass.
import * as assert from "node:assert/strict";
import { Stack } from "@pulumi/pulumi/automation";
import type { Sandbox } from "../../sandbox";
import { sandbox } from "../support/sandbox";
import { adminStack, requirePulumiCli } from "./pulumiCli";
import { createScratchProject, ScratchProject } from "./scratchProject";
import { daysFromNow } from "../support/clock";

const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";

// The limits are project config in Pulumi.yaml, as in examples/guardrails (a list included);
// `override` (stack config) switches on the program's own, visible, exceptions.
const PROJECT = `name: jms-guardrails
runtime: nodejs
config:
  jumpserver:maxAccessDays: 30
  jumpserver:minApprovalLevels: 2
  jumpserver:allowedActions:
    - connect
`;
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { AssetAccessTicket, TicketFlow } from "pulumi-jumpserver-tickets";

const config = new pulumi.Config();
const override = config.getBoolean("override") ?? false;
// The engine stops at the first resource whose check fails: \`part\` declares one, or all.
const part = config.get("part") ?? "all";
if (part === "flow" || part === "all") new TicketFlow("one-level-flow", {
  orgId: "${DEFAULT_ORG}",
  rules: [{ strategy: "super_admin" }],
  ...(override ? { guardrails: { minApprovalLevels: 1 } } : {}),
});
// jumpserver:forbidSelfApproval is true by default: a level whose only approver is one user
// would let that user approve their own tickets.
if (part === "sole" || part === "all") new TicketFlow("sole-approver-flow", {
  orgId: "${DEFAULT_ORG}",
  name: "db-access",
  rules: [{ strategy: "super_admin" }, { users: { type: "ids", ids: ["approver"] } }],
  ...(override ? { guardrails: { forbidSelfApproval: false } } : {}),
});
if (part === "ticket" || part === "all") new AssetAccessTicket("long-access", {
  title: "requester: a long stay on web-01",
  orgId: "${DEFAULT_ORG}",
  applicant: "requester",
  assets: ["web-01"],
  actions: ["connect", "upload"],
  comment: "migration",
  dateStart: "${daysFromNow(30)}",
  dateExpired: "${daysFromNow(75)}",
  ...(override ? { guardrails: { maxAccessDays: 60, allowedActions: ["connect", "upload"] } } : {}),
});
`;

describe("e2e: guardrails fail `pulumi preview` through the CLI", function () {
  this.timeout(300_000);

  let sb: Sandbox;
  let project: ScratchProject | undefined;
  let stack: Stack | undefined;

  before(async function () {
    const binDir = requirePulumiCli(this);
    sb = await sandbox();
    project = await createScratchProject({
      program: PROGRAM,
      name: "jms-guardrails",
      files: { "Pulumi.yaml": PROJECT },
    });
    stack = await adminStack("guardrails", project.dir, binDir, sb);
  });

  after(async function () {
    if (stack) await stack.workspace.removeStack("guardrails", { force: true }).catch(() => {});
    project?.cleanup();
    await sb?.close();
  });

  /** The output of a preview that must fail. */
  const failedPreview = () =>
    stack!.preview().then(
      () => assert.fail("preview passed despite the guardrails"),
      (e: unknown) => String((e as Error).message ?? e),
    );

  it("names the flow, its property, the rule and its limit, and sends no request", async () => {
    await stack!.setConfig("part", { value: "flow" });
    sb.resetStats();
    assert.match(
      await failedPreview(),
      /TicketFlow resource 'one-level-flow': property rules value .* has a problem: 1 approval level is fewer than jumpserver:minApprovalLevels \(2\)/,
    );
    assert.equal(sb.stats().total, 0, "preview asked JumpServer nothing");
  });

  it("names a flow level whose only approver is one user (forbidSelfApproval, on by default)", async () => {
    await stack!.setConfig("part", { value: "sole" });
    sb.resetStats();
    assert.match(
      await failedPreview(),
      /TicketFlow resource 'sole-approver-flow': property rules\[1\]\.users\.ids value .* has a problem: "approver" is this level's only approver, and JumpServer lets a level's only approver approve their own tickets, which jumpserver:forbidSelfApproval \(true\) forbids/,
    );
    assert.equal(sb.stats().total, 0, "preview asked JumpServer nothing");
  });

  it("names the ticket and every limit it breaks, the list from project config included", async () => {
    await stack!.setConfig("part", { value: "ticket" });
    sb.resetStats();
    const failure = await failedPreview();
    assert.match(
      failure,
      /AssetAccessTicket resource 'long-access': property dateExpired value .* has a problem: 45 days of access is longer than jumpserver:maxAccessDays \(30\)/,
    );
    assert.match(
      failure,
      /AssetAccessTicket resource 'long-access': property actions value .* has a problem: "upload" is not in jumpserver:allowedActions \(connect\)/,
    );
    assert.equal(sb.stats().total, 0, "preview asked JumpServer nothing");
  });

  it("passes once the program itself raises the limits (where review sees it)", async () => {
    await stack!.setConfig("part", { value: "all" });
    await stack!.setConfig("override", { value: "true" });
    const p = await stack!.preview();
    assert.deepEqual(p.changeSummary, { create: 4 });
    assert.equal(sb.stats().total, 0);
  });
});
