// A scratch Pulumi project with the program the real layer and `npm run bench -- --real` run:
// one TicketFlow for an org (Default unless `orgId` is set) and `count` approved tickets that depend on it, all shaped by stack
// config. The package comes from its packed tarball, as users install it.
import * as path from "node:path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { offlineEnv, pulumiCommand, setAllConfig } from "../e2e/pulumiCli";
import { createScratchProject } from "../e2e/scratchProject";
import { ReadyFile, userOf } from "./targets";
import { daysFromNow } from "../support/clock";

const DEFAULT = "00000000-0000-0000-0000-000000000002";
// The tickets' windows, fixed when the module loads: a program's inputs must not change between `up`s.
const START = daysFromNow(30);
const END = daysFromNow(37);
const LATER_START = daysFromNow(61);
const LATER_END = daysFromNow(68);

// Stack config picks the shape: `rules` (JSON) for the flow, `count` tickets approved by the
// pipeline, titled with `prefix`. With `computed`, the ticket's title, assets and dates and the
// flow rule's approver come from another resource's outputs, which are unknown at preview, as
// they are in most real programs.
export const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { AssetAccessTicket, FlowRuleArgs, TicketFlow } from "pulumi-jumpserver-tickets";

const config = new pulumi.Config();
const DEFAULT_ORG = config.get("orgId") || "${DEFAULT}";
// The org's assets the tickets take turns asking for, and who applies (Default's by default).
const assetNames = config.getObject<string[]>("assets") ?? ["web-02", "web-01"];
const applicant = config.get("applicant") || "requester";
const prefix = config.require("prefix");

// A resource created in the same run: its outputs are unknown until \`up\` creates it.
const laterProvider: pulumi.dynamic.ResourceProvider = {
  async create() {
    return {
      id: "later",
      outs: { start: "${LATER_START}", end: "${LATER_END}", asset: assetNames[assetNames.length - 1], who: "admin" },
    };
  },
};
class Later extends pulumi.dynamic.Resource {
  declare readonly start: pulumi.Output<string>;
  declare readonly end: pulumi.Output<string>;
  declare readonly asset: pulumi.Output<string>;
  declare readonly who: pulumi.Output<string>;
  constructor(name: string) {
    super(laterProvider, name, { start: undefined, end: undefined, asset: undefined, who: undefined });
  }
}
const later = config.getBoolean("computed") ? new Later("later") : undefined;

const rules: pulumi.Input<FlowRuleArgs>[] = later
  ? [
      config.require("dialect") === "strategy"
        ? { strategy: "custom_user", assignees: [later.who] }
        : { users: { type: "ids", ids: [later.who] } },
    ]
  : config.requireObject<FlowRuleArgs[]>("rules");
// The suites' flows name one approver at a level (the pipeline's identity, or \`approver\`), as
// their checks expect: the self-approval guardrail that refuses such a level is waived here.
// \`flow: false\`: the org's flow is managed elsewhere (stacks run side by side share one).
const flow =
  config.getBoolean("flow") === false
    ? undefined
    : new TicketFlow("flow", {
        orgId: DEFAULT_ORG,
        rules,
        guardrails: { forbidSelfApproval: false },
      });
// Resource names are \`<names>-<i>\`; \`aliasOf\` renames them from \`<aliasOf>-<i>\`.
const names = config.get("names") || "access";
const aliasOf = config.get("aliasOf");
const comment = config.getSecret("comment");
const tickets: AssetAccessTicket[] = [];
for (let i = 0; i < config.requireNumber("count"); i++) {
  tickets.push(
    new AssetAccessTicket(
      \`\${names}-\${i}\`,
      {
        title: later ? pulumi.interpolate\`\${prefix} \${i} (\${later.id})\` : \`\${prefix} \${i}\`,
        orgId: DEFAULT_ORG,
        applicant,
        assets: [later ? later.asset : assetNames[i % assetNames.length]],
        actions: ["connect"],
        dateStart: later ? later.start : "${START}",
        dateExpired: later ? later.end : "${END}",
        approve: true,
        comment,
      },
      { dependsOn: flow ? [flow] : [], aliases: aliasOf ? [{ name: \`\${aliasOf}-\${i}\` }] : [] },
    ),
  );
}
export const flowId = flow?.flowId;
export const states = tickets.map((t) => t.state);
export const steps = tickets.map((t) => t.approvalStep);
export const ticketIds = tickets.map((t) => t.id);
`;

export interface StackShape {
  /** The flow's rules, in either dialect. */
  rules: unknown[];
  count: number;
  /** Ticket titles are `<prefix> <i>`. */
  prefix: string;
  /** More `jumpserver:*` settings. */
  providerConfig?: Record<string, string>;
  /** Take the rule's approver and the tickets' title, asset and dates from another resource. */
  computed?: { dialect: string };
  /** Resource names `<names>-<i>` (default "access"), renamed from `<aliasOf>-<i>`. */
  names?: string;
  aliasOf?: string;
  /** A comment for every ticket, set as a secret. */
  secretComment?: string;
  /** No TicketFlow in the stack (the org's flow is set by someone else). Default: one. */
  withoutFlow?: boolean;
  /** Use the admin's private token instead of its access key. */
  privateToken?: boolean;
  /** The org of the flow and the tickets (default Default), the assets they ask for, the applicant. */
  org?: { id: string; assets: string[]; applicant: string };
}

export interface RealStack {
  stack: Stack;
  /** The scratch project (the stack's config, the backend and the lock files live there). */
  dir: string;
  /** The CLI and the environment a hand-run `pulumi` command needs for this stack. */
  cli: { bin: string; env: Record<string, string> };
  configure(shape: StackShape): Promise<void>;
  /** Destroys what is left, removes the stack and the project. */
  dispose(): Promise<void>;
}

/** A stack of the program, talking to `url` as the ready file's admin (its access key). */
export async function realStack(binDir: string, ready: ReadyFile, url: string): Promise<RealStack> {
  const project = await createScratchProject({ program: PROGRAM, name: "jms-real" });
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "real", workDir: project.dir },
    { envVars: offlineEnv(project.dir, binDir), pulumiCommand: await pulumiCommand(binDir) },
  );
  const admin = userOf(ready, "admin");
  return {
    stack,
    dir: project.dir,
    cli: { bin: path.join(binDir, "pulumi"), env: offlineEnv(project.dir, binDir) },
    async configure(shape) {
      // One credential at a time: config holding two auth modes is refused.
      for (const key of ["accessKeyId", "accessKeySecret", "privateToken"])
        await stack.removeConfig(`jumpserver:${key}`).catch(() => undefined);
      await stack.removeConfig("comment").catch(() => undefined);
      const credential: Record<string, { value: string; secret?: boolean }> = shape.privateToken
        ? { "jumpserver:privateToken": { value: admin.privateToken, secret: true } }
        : {
            "jumpserver:accessKeyId": { value: admin.accessKey.id },
            "jumpserver:accessKeySecret": { value: admin.accessKey.secret, secret: true },
          };
      await setAllConfig(stack, {
        "jumpserver:url": { value: url },
        ...credential,
        names: { value: shape.names ?? "access" },
        aliasOf: { value: shape.aliasOf ?? "" },
        ...(shape.secretComment ? { comment: { value: shape.secretComment, secret: true } } : {}),
        ...Object.fromEntries(
          Object.entries(shape.providerConfig ?? {}).map(([k, value]) => [k, { value }]),
        ),
        flow: { value: String(!shape.withoutFlow) },
        rules: { value: JSON.stringify(shape.rules) },
        count: { value: String(shape.count) },
        prefix: { value: shape.prefix },
        computed: { value: String(!!shape.computed) },
        dialect: { value: shape.computed?.dialect ?? "" },
        orgId: { value: shape.org?.id ?? "" },
        assets: { value: JSON.stringify(shape.org?.assets ?? ["web-02", "web-01"]) },
        applicant: { value: shape.org?.applicant ?? "" },
      });
    },
    async dispose() {
      await stack.destroy().catch(() => undefined);
      await stack.workspace.removeStack("real", { force: true }).catch(() => undefined);
      project.cleanup();
    },
  };
}
