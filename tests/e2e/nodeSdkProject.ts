// A TypeScript program's project with the provider plugin through the generated Node.js SDK,
// installed as a user installs a provider (docs/sdks.md): the SDK's npm tarball (`npm run release`
// builds it) with npm, and the plugin with `pulumi plugin install resource jumpserver <version>
// --file <tarball>` into the project's PULUMI_HOME: no `plugins:` entry, nothing on PATH. Used by
// the sandbox suite (tests/e2e/pluginNodeSdk.test.ts) and the real layer
// (tests/real/pluginSdks.test.ts).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PLUGIN_NAME, VERSION, buildPluginTarball, packNodeSdk } from "../../scripts/release";
import { LanguageProject } from "./languageProject";
import type { LifeProgram } from "./pluginLife";
import { packThisPackage } from "./scratchProject";

// Shared with `npm start`: npm's cache first, the registry only for what it lacks.
const { npmInstall } = require("../../scripts/lib/scratch.js") as {
  npmInstall(dir: string): Promise<"offline" | "prefer-offline">;
};

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The life program (pluginLife.ts) in TypeScript. */
export function nodeSdkProgram(p: LifeProgram): string {
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(", ")}]`;
  const rule =
    p.dialect === "strategy"
      ? `{ strategy: "custom_user", assignees: ${list(p.approvers)} }`
      : `{ users: { type: "ids", ids: ${list(p.approvers)} } }`;
  const guardrails = p.waiveSelfApproval ? "\n  guardrails: { forbidSelfApproval: false }," : "";
  return `import * as jumpserver from "@pulumi-jumpserver-tickets/sdk";

const flow = new jumpserver.TicketFlow("flow", {
  orgId: "${p.orgId}",
  rules: [${rule}],${guardrails}
});
const access = new jumpserver.AssetAccessTicket(
  "access",
  {
    title: ${JSON.stringify(p.title)},
    orgId: "${p.orgId}",
    applicant: ${JSON.stringify(p.applicant)},
    assets: ${list(p.assets)},
    actions: ["connect"],
    dateStart: "${p.dateStart}",
    dateExpired: "${p.dateExpired}",
    approve: true,
  },
  { dependsOn: [flow] },
);
export const flowId = flow.flowId;
export const ticketId = access.id;
export const state = access.state;
`;
}

function pinned(name: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
  return pkg.devDependencies[name] ?? pkg.dependencies[name];
}

/**
 * The project, made as a user makes one. Skips `context` (printing `SKIP <layer>: …`) when the
 * CLI's folder has no Node.js language host.
 */
export async function makeNodeSdkProject(
  context: Mocha.Context,
  binDir: string,
  layer: string,
  program: string,
  /** "tarball": `pulumi plugin install --file` (a user's way; ~70 s to build); "path": `plugins:`. */
  plugin: "tarball" | "path" = "tarball",
): Promise<LanguageProject> {
  if (!fs.existsSync(path.join(binDir, "pulumi-language-nodejs"))) {
    console.log(`SKIP ${layer}: no pulumi-language-nodejs next to the Pulumi CLI in ${binDir}`);
    context.skip();
  }
  const project = new LanguageProject(binDir, "nodesdk");
  const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-artifacts-"));
  try {
    const tarball =
      plugin === "tarball" ? await buildPluginTarball(await packThisPackage(), artifacts) : "";
    const sdk = await packNodeSdk(artifacts);
    const sdkTarball = path.join(project.dir, path.basename(sdk));
    fs.copyFileSync(sdk, sdkTarball);
    project.write({
      "Pulumi.yaml":
        "name: jms-nodesdk\nruntime: nodejs\n" +
        (plugin === "path"
          ? `plugins:\n  providers:\n    - { name: ${PLUGIN_NAME}, path: ${JSON.stringify(path.join(REPO_ROOT, "bin"))} }\n`
          : ""),
      "package.json": JSON.stringify(
        {
          name: "jms-nodesdk",
          private: true,
          main: "index.ts",
          dependencies: {
            "@pulumi/pulumi": pinned("@pulumi/pulumi"),
            "@pulumi-jumpserver-tickets/sdk": `file:./${path.basename(sdkTarball)}`,
          },
          devDependencies: {
            "@types/node": pinned("@types/node"),
            "ts-node": pinned("ts-node"),
            typescript: pinned("typescript"),
          },
        },
        null,
        2,
      ),
      "tsconfig.json": JSON.stringify({
        compilerOptions: { strict: true, target: "ES2022", module: "commonjs" },
      }),
      "index.ts": program,
    });
    await npmInstall(project.dir);
    if (plugin === "path") return project;
    await project.expect(
      0,
      "plugin",
      "install",
      "resource",
      PLUGIN_NAME,
      VERSION,
      "--file",
      tarball,
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
}
