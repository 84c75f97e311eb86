// What the kill test does after a SIGKILL mid-save, on a real file backend through the real CLI:
// an empty metadata sidecar (what a kill between gocloud's attrs write and its rename leaves;
// seen on CI, where it took 11 program tests down in a row) makes every command fail with "failed
// to load checkpoint: EOF", and removeTornSidecars makes the stack readable again.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { removeTornSidecars } from "../real/kill";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { offlineEnv, pulumiCommand, requirePulumiCli, setAllConfig } from "./pulumiCli";

const run = promisify(execFile);

describe("a checkpoint torn by a kill mid-save (file backend, real CLI)", function () {
  this.timeout(120_000);
  let binDir: string;
  let dir: string;
  let backend: string;
  let checkpoint: string;

  const pulumi = (...args: string[]) =>
    run(path.join(binDir, "pulumi"), [...args, "--stack", "torn", "--non-interactive"], {
      cwd: dir,
      env: { ...process.env, ...offlineEnv(dir, binDir) },
    });

  before(function () {
    binDir = requirePulumiCli(this);
  });

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-torn-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: torn\nruntime: nodejs\n");
    await run(path.join(binDir, "pulumi"), ["stack", "init", "torn", "--non-interactive"], {
      cwd: dir,
      env: { ...process.env, ...offlineEnv(dir, binDir) },
    });
    backend = path.join(dir, ".pulumi-backend", ".pulumi");
    checkpoint = path.join(backend, "stacks", "torn", "torn.json");
    assert.ok(fs.existsSync(`${checkpoint}.attrs`), "the backend keeps a sidecar");
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("an empty metadata sidecar fails every command, and is mended", async () => {
    fs.writeFileSync(`${checkpoint}.attrs`, "");
    await assert.rejects(pulumi("stack", "export"), /failed to load checkpoint: EOF/);
    assert.deepEqual(removeTornSidecars(backend), [path.join("stacks", "torn", "torn.json.attrs")]);
    const state = JSON.parse((await pulumi("stack", "export")).stdout);
    assert.equal(state.version, 3);
  });

  it("a config set-all that then fails names the secret key, not its value", async () => {
    const stack = await LocalWorkspace.selectStack(
      { stackName: "torn", workDir: dir },
      { envVars: offlineEnv(dir, binDir), pulumiCommand: await pulumiCommand(binDir) },
    );
    fs.writeFileSync(`${checkpoint}.attrs`, "");
    const secret = "sEcReT-value-for-the-redaction-test";
    await assert.rejects(
      setAllConfig(stack, { "jumpserver:accessKeySecret": { value: secret, secret: true } }),
      (err: Error) => {
        assert.match(err.message, /failed to load checkpoint: EOF/);
        assert.match(err.message, /jumpserver:accessKeySecret=\[secret\]/);
        assert.ok(!err.message.includes(secret), err.message);
        return true;
      },
    );
  });

  it("leaves a readable backend alone", () => {
    assert.deepEqual(removeTornSidecars(backend), []);
  });
});
