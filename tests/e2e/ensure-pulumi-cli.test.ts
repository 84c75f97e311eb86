// How scripts/ensure-pulumi-cli.js decides, with a scratch cache and a PATH
// built per case (fake `go`/`pulumi` scripts stand in for toolchains that are
// missing, too old or incomplete). The real build is exercised by `npm test`
// itself, which runs the script before mocha.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const SCRIPT = path.resolve(__dirname, "..", "..", "scripts", "ensure-pulumi-cli.js");
const NODE_DIR = path.dirname(process.execPath);
const WANTED = /github\.com\/pulumi\/pulumi\/pkg\/v3 (v\S+)/.exec(
  fs.readFileSync(
    path.resolve(__dirname, "..", "..", "scripts", "pulumi-cli", "cli", "go.mod"),
    "utf8",
  ),
)![1];

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
  recorded: { ok: boolean; binDir?: string; reason?: string; source?: string };
}

describe("scripts/ensure-pulumi-cli.js", function () {
  this.timeout(60_000);

  let scratch: string;
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-ensure-"));
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  /** A folder of executables; `scripts` maps a name to a shell script body. */
  function toolDir(name: string, scripts: Record<string, string>): string {
    const dir = path.join(scratch, name);
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, body] of Object.entries(scripts)) {
      fs.writeFileSync(path.join(dir, file), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    }
    return dir;
  }

  function ensure(
    pathDirs: string[],
    args: string[] = [],
    extraEnv: Record<string, string> = {},
  ): Outcome {
    const cache = path.join(scratch, "cache");
    const r = spawnSync(process.execPath, [SCRIPT, ...args], {
      encoding: "utf8",
      env: {
        HOME: scratch,
        PATH: [...pathDirs, NODE_DIR].join(path.delimiter),
        PULUMI_JUMPSERVER_TICKETS_CACHE: cache,
        ...extraEnv,
      },
    });
    const recorded = JSON.parse(
      fs.readFileSync(path.join(cache, "cli.json"), "utf8"),
    ) as Outcome["recorded"];
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, recorded };
  }

  before(function () {
    // The cases below assume neither tool sits beside node.
    for (const tool of ["go", "pulumi"]) {
      if (fs.existsSync(path.join(NODE_DIR, tool))) {
        console.log(
          `SKIP e2e: ${tool} lives next to node in ${NODE_DIR}; cannot hide it from the script`,
        );
        this.skip();
      }
    }
  });

  it("without pulumi or Go: exits 0, prints nothing on stdout and records why", function () {
    const out = ensure([]);
    assert.equal(out.status, 0);
    assert.equal(out.stdout, "");
    assert.equal(out.recorded.ok, false);
    assert.match(out.recorded.reason ?? "", /no Go toolchain/);
    assert.match(out.stderr, /no Pulumi CLI available: no Go toolchain/);
  });

  it("with --require: exits 1 with the reason", function () {
    const out = ensure([], ["--require"]);
    assert.equal(out.status, 1);
    assert.equal(out.stdout, "");
    assert.match(out.stderr, /no Go toolchain/);
  });

  it("names both versions when Go is too old for the pinned Pulumi modules", function () {
    const fakeGo = toolDir("oldgo", { go: 'echo "go version go1.22.5 linux/amd64"' });
    const out = ensure([fakeGo]);
    assert.equal(out.status, 0);
    assert.equal(out.recorded.ok, false);
    assert.match(out.recorded.reason ?? "", /Go 1\.22\.5 is too old: .* needs Go >= 1\.2\d/);
  });

  it("ignores a pulumi on PATH that lacks the Node.js language host, and says so", function () {
    const partial = toolDir("partial", { pulumi: 'echo "v3.276.0"' });
    const out = ensure([partial]);
    assert.match(
      out.stderr,
      /not pulumi-language-nodejs or pulumi-resource-pulumi-nodejs next to it or on PATH; ignoring it/,
    );
    assert.equal(out.recorded.ok, false);
  });

  it("uses a complete pulumi on PATH without building anything", function () {
    const full = toolDir("full", {
      pulumi: 'echo "v3.999.0"',
      "pulumi-language-nodejs": "exit 0",
      "pulumi-resource-pulumi-nodejs": "exit 0",
    });
    const out = ensure([full]);
    assert.equal(out.status, 0);
    assert.equal(out.stdout, `${full}\n`);
    assert.deepEqual(
      { ok: out.recorded.ok, binDir: out.recorded.binDir, source: out.recorded.source },
      { ok: true, binDir: full, source: "path" },
    );
  });

  it("never trusts a cached build whose pulumi reports another version", function () {
    const bin = path.join(scratch, "cache", `pulumi-cli-${WANTED}`, "bin");
    fs.mkdirSync(bin, { recursive: true });
    for (const name of ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"]) {
      fs.writeFileSync(path.join(bin, name), '#!/bin/sh\necho "v3.1.0"\n', { mode: 0o755 });
    }
    const out = ensure([]);
    assert.ok(out.stderr.includes(`pulumi reports v3.1.0, wanted ${WANTED}`), out.stderr);
    assert.equal(out.recorded.ok, false);
    assert.equal(out.stdout, "");
  });

  it("reports a failed build with Go's own words and leaves no half-built cache", function () {
    const go = spawnSync("sh", ["-c", "command -v go"], { encoding: "utf8" }).stdout.trim();
    if (!go) {
      console.log("SKIP e2e: no Go toolchain to fail a build with");
      this.skip();
    }
    const modCache = spawnSync(go, ["env", "GOMODCACHE"], { encoding: "utf8" }).stdout.trim();
    // No network (GOPROXY=off) and an impossible target: the build fails at
    // `go mod download` when the Pulumi modules are not cached on this machine,
    // else at `go build`, after the script has created its temp build dir.
    const out = ensure([path.dirname(fs.realpathSync(go))], [], {
      GOPROXY: "off",
      GOARCH: "nosucharch",
      GOMODCACHE: modCache,
      GOCACHE: path.join(scratch, "gocache"),
    });
    assert.equal(out.status, 0);
    assert.equal(out.stdout, "");
    assert.equal(out.recorded.ok, false);
    if (/too old/.test(out.recorded.reason ?? "")) {
      console.log(`SKIP e2e: ${out.recorded.reason}`);
      this.skip();
    }
    assert.match(
      out.recorded.reason ?? "",
      /go build of \S+ failed \(exit \d+\); last lines:\n.*unsupported GOOS\/GOARCH pair linux\/nosucharch|go mod download \S+ failed: .*GOPROXY=off/s,
    );
    const left = fs.readdirSync(path.join(scratch, "cache")).filter((f) => f !== "cli.json");
    assert.deepEqual(left, [], "the temp build dir is removed and nothing is moved into place");
  });
});
