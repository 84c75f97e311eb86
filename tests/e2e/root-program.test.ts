// `pulumi up` at the repository root (after `npm ci`, which builds the package and links it into
// node_modules) runs the quickstart (Pulumi.yaml's `main`) against the JumpServer in stack config.
// Stack config goes to a file outside the repository, so the run leaves the working tree as it was.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { Sandbox } from "../../sandbox";
import { client, sandbox, user } from "../support/sandbox";
import { offlineEnv, requirePulumiCli } from "./pulumiCli";
import { daysFromNow } from "../support/clock";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const run = promisify(execFile);

describe("e2e: `pulumi up` at the repository root runs the quickstart", function () {
  this.timeout(300_000);
  let binDir: string;
  let work: string;
  let sb: Sandbox;

  before(async function () {
    binDir = requirePulumiCli(this);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-root-program-"));
    sb = await sandbox();
  });
  after(async () => {
    await sb?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("ups, outputs an approved ticket, destroys, and leaves the working tree untouched", async () => {
    const before = (await run("git", ["status", "--porcelain"], { cwd: REPO_ROOT })).stdout;
    const env = { ...process.env, ...offlineEnv(work, binDir) };
    const configFile = path.join(work, "Pulumi.dev.yaml");
    const pulumi = (...args: string[]) =>
      run(path.join(binDir, "pulumi"), [...args, "--non-interactive"], {
        cwd: REPO_ROOT,
        env,
        maxBuffer: 16 << 20,
      });
    const admin = user(sb, "admin");
    await pulumi("stack", "init", "dev");
    const set = (key: string, value: string, secret = false) =>
      pulumi(
        "config",
        "set",
        ...(secret ? ["--secret"] : []),
        key,
        value,
        "--config-file",
        configFile,
      );
    await set("jumpserver:url", sb.url);
    await set("jumpserver:accessKeyId", admin.accessKey.id);
    await set("jumpserver:accessKeySecret", admin.accessKey.secret, true);
    await set("accessFrom", daysFromNow(1, 8));
    await pulumi("up", "--yes", "--config-file", configFile);
    const outputs = JSON.parse((await pulumi("stack", "output", "--json")).stdout) as Record<
      string,
      string
    >;
    assert.equal(outputs.state, "approved");
    const permission = `/api/v1/perms/asset-permissions/${outputs.permissionId}/`;
    await client(sb, "admin").get(permission, { org: "00000000-0000-0000-0000-000000000002" });
    assert.ok(!fs.readFileSync(configFile, "utf8").includes(admin.accessKey.secret));
    await pulumi("destroy", "--yes", "--config-file", configFile);
    await assert.rejects(
      client(sb, "admin").get(permission, { org: "00000000-0000-0000-0000-000000000002" }),
      (e: { status?: number }) => e.status === 404,
      "destroy revoked the access",
    );
    await pulumi("stack", "rm", "--yes", "dev");
    const after = (await run("git", ["status", "--porcelain"], { cwd: REPO_ROOT })).stdout;
    assert.equal(after, before, "no file of the repository was written");
  });
});
