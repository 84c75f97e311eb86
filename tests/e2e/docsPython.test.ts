// Every Python example in docs/ runs against the committed Python SDK (sdk/python), under Pulumi's
// mocks: a renamed class or argument, or an example for a field that is gone, fails here.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { buildPythonWheel } from "../../scripts/release";
import { requireTools } from "./pulumiTools";

const run = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, "..", "..");
const DOCS = path.join(REPO_ROOT, "docs");

/** Each ```python block of docs/*.md that uses the SDK, by page. */
function examples(): { page: string; code: string }[] {
  const out: { page: string; code: string }[] = [];
  for (const page of fs.readdirSync(DOCS).filter((f) => f.endsWith(".md"))) {
    const text = fs.readFileSync(path.join(DOCS, page), "utf8");
    for (const m of text.matchAll(/```python\n([\s\S]*?)```/g))
      if (m[1].includes("pulumi_jumpserver_tickets")) out.push({ page, code: m[1] });
  }
  return out;
}

// A program runs each example as its own module; `flow` stands for the flow an example's ticket
// depends on. pulumi.export needs a stack, which mocks don't make: a no-op stands in.
const RUNNER = `
import json, sys
import pulumi

class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        return [args.name + "-id", args.inputs]
    def call(self, args):
        return {}

pulumi.runtime.set_mocks(Mocks(), project="docs", stack="docs", preview=False)
pulumi.export = lambda *args, **kwargs: None
import pulumi_jumpserver_tickets as jumpserver

flow = jumpserver.TicketFlow("flow", rules=[jumpserver.FlowRuleArgs(strategy="org_admin")])
for i, example in enumerate(json.load(sys.stdin)):
    exec(compile(example["code"], f"{example['page']} (example {i + 1})", "exec"), {"flow": flow, "__name__": "__main__"})
print("ran", i + 1)
`;

describe("docs: the Python examples", function () {
  this.timeout(120_000);

  it("run against the committed SDK", async function () {
    const tools = requireTools(this, "docs (Python)", ["venv"]);
    const found = examples();
    assert.ok(
      found.length >= 4,
      `expected a Python example per resource page and sdks.md, got ${found.length}`,
    );
    // The SDK reads its own version from its installed metadata: install the wheel aside.
    const python = path.join(tools.venv, "python");
    const site = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-docs-py-"));
    after(() => fs.rmSync(site, { recursive: true, force: true }));
    const wheel = await buildPythonWheel(site, python);
    await run(python, ["-m", "pip", "install", "-q", "--no-deps", "--target", site, wheel]);
    const child = run(python, ["-c", RUNNER], { env: { ...process.env, PYTHONPATH: site } });
    child.child.stdin!.end(JSON.stringify(found));
    const { stdout } = await child.catch((e: { stderr?: string }) => {
      throw new Error(`a docs example failed:\n${e.stderr}`);
    });
    assert.equal(stdout.trim(), `ran ${found.length}`);
  });
});
