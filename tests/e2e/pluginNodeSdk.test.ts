// The provider plugin from a TypeScript program through the generated Node.js SDK, installed as a
// user installs a provider (docs/sdks.md): the SDK's npm tarball (`npm run release` builds it) with
// npm, and the plugin with `pulumi plugin install resource jumpserver <version> --file <tarball>`
// into the project's PULUMI_HOME: no `plugins:` entry, nothing on PATH. Then the life of
// tests/e2e/pluginLife.ts.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PLUGIN_NAME, VERSION, buildPluginTarball } from "../../scripts/release";
import { DEFAULT_ORG, describePluginLife, lifeProgramShape } from "./pluginLife";
import { packThisPackage } from "./scratchProject";
import { nodeSdkProject } from "./sdkProjects";

const { dateStart, dateExpired, title } = lifeProgramShape;

const PROGRAM = `import * as jumpserver from "@pulumi-jumpserver-tickets/sdk";

const flow = new jumpserver.TicketFlow("flow", {
  orgId: "${DEFAULT_ORG}",
  rules: [{ users: { type: "ids", ids: ["admin"] } }],
  guardrails: { forbidSelfApproval: false },
});
const access = new jumpserver.AssetAccessTicket(
  "access",
  {
    title: "${title("nodejs")}",
    orgId: "${DEFAULT_ORG}",
    applicant: "requester",
    assets: ["web-01"],
    actions: ["connect"],
    dateStart: "${dateStart}",
    dateExpired: "${dateExpired}",
    approve: true,
  },
  { dependsOn: [flow] },
);
export const flowId = flow.flowId;
export const ticketId = access.id;
export const state = access.state;
`;

describePluginLife("TypeScript (Node.js SDK)", async (_context, binDir) => {
  const project = await nodeSdkProject(binDir, "jms-nodesdk", PROGRAM, false);
  const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-artifacts-"));
  try {
    const plugin = await buildPluginTarball(await packThisPackage(), artifacts);
    await project.expect(
      0,
      "plugin",
      "install",
      "resource",
      PLUGIN_NAME,
      VERSION,
      "--file",
      plugin,
    );
    const listed = await project.expect(0, "plugin", "ls", "--json");
    assert.ok(
      (JSON.parse(listed.stdout) as { name: string; version: string }[]).some(
        (p) => p.name === PLUGIN_NAME && p.version === VERSION,
      ),
      `the plugin is not in the project's plugin cache: ${listed.stdout}`,
    );
    return project;
  } finally {
    fs.rmSync(artifacts, { recursive: true, force: true });
  }
});
