// `jms-tickets import-code` through the real CLI, offline, against the sandbox: a flow, a ticket
// whose title is an injection attempt (quotes, a newline, `${…}`) and its approval, made in
// JumpServer by hand, are `pulumi import`ed into a Python project and a TypeScript project (the
// generated SDKs); the built `jms-tickets import-code` turns each stack's export into the program;
// `pulumi preview --expect-no-changes` passes, and the sandbox sees nothing but GETs.
// One project per language; the sandbox and its tickets are shared.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Sandbox } from "../../sandbox";
import { approveAs, client, openAsPerson, sandbox, user } from "../support/sandbox";
import { daysFromNow } from "../support/clock";
import type { LanguageProject } from "./languageProject";
import { requirePulumiCli } from "./pulumiCli";
import { makeNodeSdkProject } from "./nodeSdkProject";
import { makePythonProject } from "./pythonProject";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

const CLI = path.join(REPO_ROOT, "dist", "provider", "report", "cli.js");
const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";
/** What a requester could type as a ticket's title in JumpServer. */
const HOSTILE_TITLE =
  'web-01 "now"\n${process.exit(3)} """ \\ \') + __import__("os").system("id") #';

/** Requests the sandbox saw that are not reads. */
const writes = (sb: Sandbox) =>
  Object.entries(sb.stats().byRoute).filter(([route]) => !route.startsWith("GET "));

/** The built CLI with `input` on stdin; stdout, or a failure with its stderr. */
function importCode(language: string, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "import-code", "--language", language], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`import-code exited ${code}: ${stderr}`)),
    );
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}

describe("e2e: pulumi import, then jms-tickets import-code (Python, TypeScript) previews clean", function () {
  this.timeout(600_000);
  let sb: Sandbox;
  let binDir: string;
  let importFile: string;
  const projects: LanguageProject[] = [];

  before(async function () {
    binDir = requirePulumiCli(this);
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    sb = await sandbox({ dialect: "selector", errors: "conflict" });
    const admin = client(sb, "admin", "privateToken");
    // The org's own flow, as an admin sets it in the UI; then a requester's ticket under it.
    // (an edit of the global flow from the org gives the org its copy).
    const flows = await admin.get<{ results?: { id: string }[] } | { id: string }[]>(
      "/api/v1/tickets/flows/?type=apply_asset",
      { org: DEFAULT_ORG },
    );
    const [global] = Array.isArray(flows) ? flows : (flows.results ?? []);
    await admin.request("PATCH", `/api/v1/tickets/flows/${global.id}/`, {
      org: DEFAULT_ORG,
      body: { approval_level: 1, rules: [{ users: { type: "ids", ids: [user(sb, "admin").id] } }] },
    });
    const ticket = await openAsPerson(client(sb, "requester"), sb.seed, {
      title: HOSTILE_TITLE,
      orgId: DEFAULT_ORG,
      assets: ["web-01"],
      actions: ["connect"],
      dateStart: daysFromNow(30),
      dateExpired: daysFromNow(32),
      comment: "for the ${migration}\nsecond line",
    });
    await approveAs(sb, "admin", ticket.id);
    importFile = JSON.stringify({
      resources: [
        { type: "jumpserver:index:TicketFlow", name: "flow", id: `${DEFAULT_ORG}/apply_asset` },
        { type: "jumpserver:index:AssetAccessTicket", name: "access", id: ticket.serialNum },
        { type: "jumpserver:index:TicketApproval", name: "approval", id: ticket.id },
      ],
    });
  });

  after(async function () {
    for (const p of projects) {
      // Imported resources are protected; forget them rather than destroy what they describe.
      await p.pulumi("stack", "rm", "--force", "--yes");
      p.cleanup();
    }
    await sb?.close();
  });

  /** Imports the three into `project`, writes import-code's program, previews it. */
  async function importAndPreview(project: LanguageProject, language: string, program: string) {
    projects.push(project);
    await project.initStack(sb, "imported", [
      ["jumpserver:requestsPerMinute", "0"],
      ["jumpserver:forbidSelfApproval", "false"],
    ]);
    fs.writeFileSync(path.join(project.dir, "import.json"), importFile);
    sb.resetStats();
    await project.expect(0, "import", "--file", "import.json", "--yes", "--generate-code=false");
    const exported = (await project.expect(0, "stack", "export")).stdout;
    const code = await importCode(language, exported);
    assert.match(code, /protect/);
    fs.writeFileSync(path.join(project.dir, program), code);
    const preview = await project.pulumi("preview", "--expect-no-changes", "--diff");
    assert.equal(preview.code, 0, `${program}:\n${code}\n${preview.stdout}${preview.stderr}`);
    assert.match(preview.stdout, /4 unchanged/, preview.stdout);
    assert.deepEqual(writes(sb), [], "import or preview wrote to JumpServer");
    const state = JSON.parse((await project.expect(0, "stack", "export")).stdout);
    const access = state.deployment.resources.find(
      (r: { type: string }) => r.type === "jumpserver:index:AssetAccessTicket",
    );
    assert.equal(access.inputs.title, HOSTILE_TITLE, "the title survived the round trip");
  }

  it("Python: the printed program, through pulumi_jumpserver_tickets", async function () {
    const project = await makePythonProject(
      this,
      binDir,
      "e2e import-code (Python)",
      "import pulumi\n",
    );
    await importAndPreview(project, "python", "__main__.py");
  });

  it("TypeScript: the printed program, through @pulumi-jumpserver-tickets/sdk", async function () {
    const project = await makeNodeSdkProject(
      this,
      binDir,
      "e2e import-code (TypeScript)",
      "export {};\n",
      "path",
    );
    await importAndPreview(project, "typescript", "index.ts");
  });
});
