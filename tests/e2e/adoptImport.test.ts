// Adopting through the real Pulumi CLI: on a sandbox seeded with every kind of permission,
// `jms-tickets report --all --adopt ticket --import-file` (the built CLI) reads a new stack's
// export and writes the import document; `pulumi import --file` with the provider plugin
// (YAML program, offline) brings the ticket-made permission's ticket into the stack without a
// write to JumpServer; the code it generates previews clean; and the next `report --all` counts
// that permission as managed by the stack.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Sandbox } from "../../sandbox";
import { client, sandbox, user } from "../support/sandbox";
import { FourKinds, seedFourKinds } from "../support/permissionKinds";
import { requirePulumiCli } from "./pulumiCli";
import { YamlProject, findYamlHost } from "./yamlProject";

const CLI = path.resolve(__dirname, "..", "..", "dist", "provider", "report", "cli.js");

/** Requests the sandbox saw that are not reads. */
const writes = (sb: Sandbox) =>
  Object.entries(sb.stats().byRoute).filter(([route]) => !route.startsWith("GET "));

describe("e2e: report --all, then pulumi import --file with the provider plugin", function () {
  this.timeout(300_000);
  let sb: Sandbox;
  let kinds: FourKinds;
  let project: YamlProject | undefined;

  /** The built report CLI, settings from the environment only; stdout, or a failure with stderr. */
  function report(args: string[], input: string): Promise<string> {
    const a = user(sb, "admin");
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      JUMPSERVER_URL: sb.url,
      JUMPSERVER_ACCESS_KEY_ID: a.accessKey.id,
      JUMPSERVER_ACCESS_KEY_SECRET: a.accessKey.secret,
      JUMPSERVER_REQUESTS_PER_MINUTE: "0",
    };
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: project!.dir, env });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) =>
        code === 0 ? resolve(stdout) : reject(new Error(`report exited ${code}: ${stderr}`)),
      );
      child.stdin.on("error", () => undefined);
      child.stdin.end(input);
    });
  }

  before(async function () {
    const binDir = requirePulumiCli(this);
    const host = findYamlHost();
    if ("reason" in host) {
      console.log(`SKIP e2e adopt (YAML): ${host.reason}`);
      this.skip();
    }
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    sb = await sandbox({ dialect: "selector", errors: "conflict" });
    kinds = await seedFourKinds(sb);
    project = new YamlProject(binDir, (host as { dir: string }).dir, "adopt");
    project.write("resources: {}\n");
    await project.expect(0, "stack", "init", "adopt");
    const a = user(sb, "admin");
    for (const [k, v] of [
      ["jumpserver:url", sb.url],
      ["jumpserver:accessKeyId", a.accessKey.id],
      ["jumpserver:requestsPerMinute", "0"],
    ])
      await project.expect(0, "config", "set", k, v);
    await project.expect(
      0,
      "config",
      "set",
      "--secret",
      "jumpserver:accessKeySecret",
      a.accessKey.secret,
    );
  });

  after(async function () {
    if (project) {
      // Imported resources are protected; forget them rather than revoke the access they describe.
      await project.pulumi("stack", "rm", "--force", "--yes");
      project.cleanup();
    }
    await sb?.close();
  });

  it("imports the tickets of the ticket-made permissions, reading only, and the code previews clean", async function () {
    const file = path.join(project!.dir, "adopt.json");
    const empty = (await project!.expect(0, "stack", "export")).stdout;
    sb.resetStats();
    await report(["report", "--all", "--adopt", "ticket", "--import-file", file], empty);
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    const name = `ticket-${kinds.ticket.serialNum}`;
    // This new stack manages nothing: the other stack's approved ticket (the fixture's "managed"
    // one) is, from here, a ticket-made permission too. Hand-made and expired ones never are.
    const serialOf = async (id: string) =>
      (
        await client(sb, "admin").get<{ serial_num: string }>(`/api/v1/tickets/tickets/${id}/`, {
          org: null,
        })
      ).serial_num;
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    assert.deepEqual(
      [...doc.resources].sort(byId),
      [
        { type: "jumpserver:index:AssetAccessTicket", name, id: kinds.ticket.id },
        {
          type: "jumpserver:index:AssetAccessTicket",
          name: `ticket-${await serialOf(kinds.managed.id)}`,
          id: kinds.managed.id,
        },
      ].sort(byId),
    );
    const code = path.join(project!.dir, "imported.yaml");
    await project!.expect(0, "import", "--file", file, "--yes", "--out", code);
    assert.deepEqual(writes(sb), [], "report or import wrote to JumpServer");
    const state = JSON.parse((await project!.expect(0, "stack", "export")).stdout);
    const imported = state.deployment.resources.find(
      (r: { type: string; id: string }) =>
        r.type === "jumpserver:index:AssetAccessTicket" && r.id === kinds.ticket.id,
    );
    assert.equal(imported.id, kinds.ticket.id);
    assert.ok(imported.urn.endsWith(`::${name}`), imported.urn);
    assert.equal(imported.outputs.state, "approved");
    // The generated program previews clean against the imported state.
    const generated = fs.readFileSync(code, "utf8");
    const resources = /(^|\n)resources:\n([\s\S]*?)(?=\n\S|$)/.exec(generated);
    assert.ok(resources, `no resources in the generated code:\n${generated}`);
    project!.write(`resources:\n${resources[2].replace(/\n+$/, "")}\n`);
    const clean = await project!.pulumi("preview", "--expect-no-changes", "--diff");
    assert.equal(clean.code, 0, `${generated}\n${clean.stdout}${clean.stderr}`);
    assert.deepEqual(writes(sb), []);
  });

  it("after the import, report --all counts it as managed by the stack", async function () {
    const exported = (await project!.expect(0, "stack", "export")).stdout;
    sb.resetStats();
    const r = JSON.parse(await report(["report", "--all", "--format", "json"], exported));
    const adopted = r.permissions.find((p: { id: string }) => p.id === kinds.ticket.id);
    assert.equal(adopted.kind, "managed");
    assert.equal(adopted.managedBy, `AssetAccessTicket ticket-${kinds.ticket.serialNum}`);
    assert.deepEqual(
      r.problems.filter((p: { kind: string }) => p.kind === "unmanagedAccess"),
      [],
    );
    assert.deepEqual(writes(sb), []);
  });
});
