// A scratch Pulumi project with the program the real layer and `npm run bench -- --real` run:
// one TicketFlow for Default and `count` approved tickets that depend on it, all shaped by stack
// config. The package comes from its packed tarball, as users install it.
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { offlineEnv, pulumiCommand } from "../e2e/pulumiCli";
import { createScratchProject } from "../e2e/scratchProject";
import { ReadyFile, userOf } from "./targets";

const DEFAULT = "00000000-0000-0000-0000-000000000002";

// Stack config picks the shape: `rules` (JSON) for the flow, `count` tickets approved by the
// pipeline, titled with `prefix`.
export const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { AssetAccessTicket, TicketFlow } from "pulumi-jumpserver-tickets";

const config = new pulumi.Config();
const DEFAULT_ORG = "${DEFAULT}";
const flow = new TicketFlow("flow", { orgId: DEFAULT_ORG, rules: config.requireObject("rules") });
const tickets: AssetAccessTicket[] = [];
for (let i = 0; i < config.requireNumber("count"); i++) {
  tickets.push(
    new AssetAccessTicket(
      \`access-\${i}\`,
      {
        title: \`\${config.require("prefix")} \${i}\`,
        orgId: DEFAULT_ORG,
        applicant: "requester",
        assets: [i % 2 ? "web-01" : "web-02"],
        actions: ["connect"],
        dateStart: "2031-03-01T00:00:00Z",
        dateExpired: "2031-03-08T00:00:00Z",
        approve: true,
      },
      { dependsOn: [flow] },
    ),
  );
}
export const flowId = flow.flowId;
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
}

export interface RealStack {
  stack: Stack;
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
    async configure(shape) {
      await stack.setAllConfig({
        "jumpserver:url": { value: url },
        "jumpserver:accessKeyId": { value: admin.accessKey.id },
        "jumpserver:accessKeySecret": { value: admin.accessKey.secret, secret: true },
        ...Object.fromEntries(
          Object.entries(shape.providerConfig ?? {}).map(([k, value]) => [k, { value }]),
        ),
        rules: { value: JSON.stringify(shape.rules) },
        count: { value: String(shape.count) },
        prefix: { value: shape.prefix },
      });
    },
    async dispose() {
      await stack.destroy().catch(() => undefined);
      await stack.workspace.removeStack("real", { force: true }).catch(() => undefined);
      project.cleanup();
    },
  };
}
