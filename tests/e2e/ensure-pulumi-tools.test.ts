// How scripts/ensure-pulumi-tools.js decides, with a scratch cache and a PATH built per case
// (fake `go` scripts stand in for toolchains that are missing or too old). The real builds run
// in `npm test` and .ci/run, which call the script before mocha.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const SCRIPT = path.resolve(__dirname, "..", "..", "scripts", "ensure-pulumi-tools.js");
const NODE_DIR = path.dirname(process.execPath);

interface Recorded {
  ok: boolean;
  binDir?: string;
  reason?: string;
  source?: string;
}

describe("scripts/ensure-pulumi-tools.js", function () {
  this.timeout(60_000);

  let scratch: string;
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-tools-"));
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  before(function () {
    if (fs.existsSync(path.join(NODE_DIR, "go"))) {
      console.log(`SKIP e2e: go lives next to node in ${NODE_DIR}; cannot hide it`);
      this.skip();
    }
  });

  function toolDir(name: string, scripts: Record<string, string>): string {
    const dir = path.join(scratch, name);
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, body] of Object.entries(scripts)) {
      fs.writeFileSync(path.join(dir, file), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    }
    return dir;
  }

  function ensure(pathDirs: string[], args: string[] = []) {
    const cache = path.join(scratch, "cache");
    const r = spawnSync(process.execPath, [SCRIPT, ...args], {
      encoding: "utf8",
      env: {
        HOME: scratch,
        PATH: [...pathDirs, NODE_DIR].join(path.delimiter),
        PULUMI_JUMPSERVER_TICKETS_CACHE: cache,
        // python3 may sit beside node; a name that exists nowhere stands for "no Python".
        PULUMI_JUMPSERVER_TICKETS_PYTHON: "python3-absent",
      },
    });
    const file = path.join(cache, "tools.json");
    const recorded = fs.existsSync(file)
      ? (JSON.parse(fs.readFileSync(file, "utf8")) as { tools: Record<string, Recorded> }).tools
      : {};
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, recorded, cache };
  }

  it("without Go or Python: exits 0, prints no tool and records each reason", function () {
    const out = ensure([]);
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stdout, "");
    for (const tool of ["yaml", "python", "go", "gensdk"]) {
      assert.equal(out.recorded[tool]?.ok, false, tool);
      assert.match(out.recorded[tool]!.reason!, /no Go toolchain/, tool);
    }
    assert.match(out.recorded.venv!.reason!, /no usable python3-absent/);
    assert.match(out.stderr, /missing: yaml, python, go, gensdk, venv/);
  });

  it("with --require: exits 1 when a tool is missing", function () {
    const out = ensure([], ["--require", "yaml"]);
    assert.equal(out.status, 1);
    assert.deepEqual(Object.keys(out.recorded), ["yaml"]);
  });

  it("names the Go version a wrapper module needs when the local one is too old", function () {
    const oldGo = toolDir("old-go", { go: 'echo "go version go1.20.1 linux/amd64"' });
    const out = ensure([oldGo], ["yaml"]);
    assert.equal(out.status, 0);
    assert.match(out.recorded.yaml!.reason!, /Go 1\.20\.1 is too old: yaml needs Go >= 1\.24\.7/);
  });

  it("refuses an unknown tool name", function () {
    const out = ensure([], ["ruby"]);
    assert.equal(out.status, 2);
    assert.match(out.stderr, /unknown tool\(s\) ruby/);
  });

  it("keeps what an earlier run recorded for the tools it was not asked about", function () {
    ensure([], ["yaml"]);
    const out = ensure([], ["venv"]);
    assert.deepEqual(Object.keys(out.recorded).sort(), ["venv", "yaml"]);
  });

  it("never trusts a cached host that was not built from the pinned module", function () {
    const cache = path.join(scratch, "cache");
    const bin = path.join(cache, "pulumi-language-yaml-v1.25.0", "bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, "pulumi-language-yaml"), "#!/bin/sh\n", { mode: 0o755 });
    const out = ensure([], ["yaml"]);
    assert.match(
      out.stderr,
      /pulumi-language-yaml is not built from github\.com\/pulumi\/pulumi-yaml v1\.25\.0/,
    );
    assert.equal(out.recorded.yaml!.ok, false);
  });
});
