// Proves the offline Pulumi toolchain works end to end before the resources'
// own e2e suite relies on it: the real CLI, the Node.js language host, the
// dynamic-provider launcher and the Automation API drive one trivial dynamic
// resource through up, a clean preview, and destroy, with no network.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { offlineEnv, pulumiCommand, requirePulumiCli } from "./pulumiCli";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

// The provider returns an id derived from its input, so the test can see the
// engine really ran it (and a broken chain cannot pass by accident).
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { label: string }) {
    return { id: "smoke-" + inputs.label, outs: { label: inputs.label, pid: process.pid } };
  },
};

class Smoke extends pulumi.dynamic.Resource {
  // \`declare\`: with target ES2022 a plain field would reset the output to undefined after super().
  declare public readonly label: pulumi.Output<string>;
  declare public readonly pid: pulumi.Output<number>;
  constructor(name: string, label: string) {
    super(provider, name, { label, pid: undefined }, {});
  }
}

const smoke = new Smoke("smoke", "hello");
export const id = smoke.id;
export const label = smoke.label;
export const providerPid = smoke.pid;
export const programPid = process.pid;
`;

function writeProject(dir: string): void {
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    "name: cli-smoke\nruntime: nodejs\ndescription: offline Pulumi CLI smoke test\n",
  );
  fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM);
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "cli-smoke", private: true, main: "index.ts" }, null, 2) + "\n",
  );
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify(
      { compilerOptions: { strict: true, target: "ES2022", module: "commonjs" } },
      null,
      2,
    ) + "\n",
  );
  // This repo's node_modules, linked: @pulumi/pulumi and ts-node at the pinned
  // versions, nothing fetched at test time.
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
}

describe("e2e: offline Pulumi CLI smoke", function () {
  // A cold `up` compiles the program with ts-node and starts the provider host.
  this.timeout(300_000);

  let binDir: string;
  let workDir: string;
  let stack: Stack;
  const timings: string[] = [];

  async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const result = await step();
    timings.push(`${label} ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return result;
  }

  before(async function () {
    binDir = requirePulumiCli(this);
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-cli-smoke-"));
    writeProject(workDir);
    stack = await timed("stack init", async () =>
      LocalWorkspace.createOrSelectStack(
        { stackName: "smoke", workDir },
        { envVars: offlineEnv(workDir, binDir), pulumiCommand: await pulumiCommand(binDir) },
      ),
    );
  });

  after(async function () {
    if (timings.length > 0) console.log(`    cli smoke timings: ${timings.join(", ")}`);
    if (stack) await stack.workspace.removeStack("smoke", { force: true }).catch(() => undefined);
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("up creates the dynamic resource through the real engine", async function () {
    const result = await timed("up", () => stack.up());
    assert.equal(result.summary.result, "succeeded");
    assert.equal(result.summary.resourceChanges?.create, 2, "the stack and the dynamic resource");
    assert.equal(result.outputs.id.value, "smoke-hello");
    assert.equal(result.outputs.label.value, "hello");
    // The provider ran in its own process (the launcher), not in the program.
    assert.equal(typeof result.outputs.providerPid.value, "number");
    assert.notEqual(result.outputs.providerPid.value, result.outputs.programPid.value);
  });

  it("a second preview plans no changes (expectNoChanges)", async function () {
    const result = await timed("preview", () => stack.preview({ expectNoChanges: true }));
    assert.deepEqual(result.changeSummary, { same: 2 });
  });

  it("destroy deletes it and leaves an empty stack", async function () {
    const result = await timed("destroy", () => stack.destroy());
    assert.equal(result.summary.result, "succeeded");
    assert.equal(result.summary.resourceChanges?.delete, 2);
    const state = await stack.exportStack();
    assert.deepEqual((state.deployment as { resources?: unknown[] }).resources ?? [], []);
  });
});
