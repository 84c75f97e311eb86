#!/usr/bin/env node
// Finds a Pulumi CLI that can run this project's end-to-end suite offline, or
// builds one from the published Go modules (docs/pulumi-cli.md).
//
//   node scripts/ensure-pulumi-cli.js [--require]
//
// Order: `pulumi` on PATH (with its Node.js language host and dynamic-provider
// launcher), then the cached build, then a fresh build when Go is new enough.
// Progress goes to stderr; stdout gets one line: the bin dir, or nothing when
// no CLI is available. The outcome is also written to <cache>/cli.json for the
// tests (tests/e2e/pulumiCli.ts). Exit 0 even when unavailable, unless
// --require is given. Plain CommonJS on purpose: it runs before the build.
"use strict";

const childProcess = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const {
  Unavailable,
  readWrapper,
  compareVersions,
  goVersion,
  checkReplaces,
} = require("./lib/goModules");
const {
  elapsed,
  isExecutable,
  embedsModule,
  goBuild,
  removeAbandonedBuilds,
  moveIntoPlace,
} = require("./lib/goBuild");

const REPO_ROOT = path.resolve(__dirname, "..");
const WRAPPERS = path.join(__dirname, "pulumi-cli");
const CLI_MODULE = path.join(WRAPPERS, "cli");
const HOST_MODULE = path.join(WRAPPERS, "language-nodejs");
const PKG = "github.com/pulumi/pulumi/pkg/v3";
const SDK = "github.com/pulumi/pulumi/sdk/v3";
const CLI_PACKAGE = `${PKG}/cmd/pulumi`;
const HOST_PACKAGE = `${SDK}/nodejs/cmd/pulumi-language-nodejs`;
const VERSION_VAR = `${SDK}/go/common/version.Version`;
const LAUNCHER = "pulumi-resource-pulumi-nodejs";
// The launcher @pulumi/pulumi ships, used when node_modules is not there yet.
const FALLBACK_LAUNCHER = `#!/bin/sh
PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH=$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))")
if [ ! -z "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" ]; then
    node "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" $@
fi
`;

// Overridable so a test or CI can use a scratch cache; the default survives
// fresh clones, which is what makes the 6-minute build a one-off.
const CACHE_ROOT =
  process.env.PULUMI_JUMPSERVER_TICKETS_CACHE ||
  path.join(os.homedir(), ".cache", "pulumi-jumpserver-tickets");

function log(message) {
  process.stderr.write(`[pulumi-cli] ${message}\n`);
}

function run(file, args, options = {}) {
  return childProcess.spawnSync(file, args, { encoding: "utf8", timeout: 30_000, ...options });
}

function which(name, pathVar = process.env.PATH || "") {
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function pulumiVersion(pulumiPath) {
  const r = run(pulumiPath, ["version"], {
    env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
  });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout.trim();
}

// ---- 1. pulumi on PATH ----------------------------------------------------

function fromPath() {
  const pulumi = which("pulumi");
  if (!pulumi) {
    log("no `pulumi` on PATH");
    return undefined;
  }
  const version = pulumiVersion(pulumi);
  if (!version) {
    log(`${pulumi} does not answer \`pulumi version\`; ignoring it`);
    return undefined;
  }
  // The engine looks for bundled plugins next to its own (resolved) executable, then on PATH.
  const ownDir = path.dirname(fs.realpathSync(pulumi));
  const missing = ["pulumi-language-nodejs", LAUNCHER].filter(
    (name) => !isExecutable(path.join(ownDir, name)) && !which(name),
  );
  if (missing.length > 0) {
    log(
      `${pulumi} (${version}) found, but not ${missing.join(" or ")} next to it or on PATH; ignoring it`,
    );
    return undefined;
  }
  log(`using ${pulumi} (${version}) from PATH`);
  return { binDir: path.dirname(pulumi), source: "path", pulumiVersion: version };
}

// ---- 2. the cached build -------------------------------------------------

function cacheDirFor(cli) {
  return path.join(CACHE_ROOT, `pulumi-cli-${cli.requires[PKG]}`);
}

/** Why the build at `dir` is not usable, or undefined when it is. */
function checkBuild(dir, cli, host) {
  const bin = path.join(dir, "bin");
  if (!fs.existsSync(dir)) return "not built yet";
  for (const name of ["pulumi", "pulumi-language-nodejs", LAUNCHER]) {
    if (!isExecutable(path.join(bin, name))) return `${name} is missing`;
  }
  const version = pulumiVersion(path.join(bin, "pulumi"));
  if (version !== cli.requires[PKG])
    return `pulumi reports ${version || "nothing"}, wanted ${cli.requires[PKG]}`;
  if (!embedsModule(path.join(bin, "pulumi-language-nodejs"), SDK, host.requires[SDK])) {
    return `pulumi-language-nodejs is not built from ${SDK} ${host.requires[SDK]}`;
  }
  return undefined;
}

// ---- 3. building ---------------------------------------------------------

function launcherText() {
  try {
    const pkgJson = require.resolve("@pulumi/pulumi/package.json", { paths: [REPO_ROOT] });
    return fs.readFileSync(path.join(path.dirname(pkgJson), LAUNCHER), "utf8");
  } catch {
    return FALLBACK_LAUNCHER;
  }
}

async function build(cli, host, finalDir) {
  const have = goVersion();
  if (!have) throw new Unavailable("no Go toolchain (`go` not on PATH) and no `pulumi` on PATH");
  const need = [cli.go, host.go].sort(compareVersions).pop();
  if (compareVersions(have, need) < 0) {
    throw new Unavailable(
      `Go ${have} is too old: building Pulumi ${cli.requires[PKG]} needs Go >= ${need}`,
    );
  }
  log(
    `building Pulumi ${cli.requires[PKG]} with Go ${have} (cold: ~6-7 min and ~311 MiB from the Go module proxy)`,
  );
  const started = Date.now();
  checkReplaces(cli, [
    [PKG, cli.requires[PKG]],
    [SDK, cli.requires[SDK]],
  ]);
  checkReplaces(host, [[SDK, host.requires[SDK]]]);

  // Everything happens in a temp dir beside the final one; only a complete,
  // verified build is renamed into place, so a half-built cache never exists.
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  removeAbandonedBuilds(CACHE_ROOT, log);
  const workDir = fs.mkdtempSync(path.join(CACHE_ROOT, ".build-"));
  try {
    const stage = path.join(workDir, "out");
    const bin = path.join(stage, "bin");
    fs.mkdirSync(bin, { recursive: true });
    await goBuild({
      moduleDir: host.dir,
      workDir,
      goPackage: HOST_PACKAGE,
      ldflags: [`-X ${VERSION_VAR}=${host.requires[SDK]}`],
      output: path.join(bin, "pulumi-language-nodejs"),
      log,
    });
    await goBuild({
      moduleDir: cli.dir,
      workDir,
      goPackage: CLI_PACKAGE,
      ldflags: [`-X ${VERSION_VAR}=${cli.requires[PKG]}`],
      output: path.join(bin, "pulumi"),
      log,
    });
    fs.writeFileSync(path.join(bin, LAUNCHER), launcherText(), { mode: 0o755 });
    fs.writeFileSync(
      path.join(stage, "build.json"),
      JSON.stringify(
        {
          pulumi: cli.requires[PKG],
          languageHost: `${SDK} ${host.requires[SDK]}`,
          go: have,
          builtAt: new Date().toISOString(),
          seconds: Math.round((Date.now() - started) / 1000),
        },
        null,
        2,
      ) + "\n",
    );
    const problem = checkBuild(stage, cli, host);
    if (problem) throw new Unavailable(`the fresh build is not usable: ${problem}`);
    moveIntoPlace(stage, finalDir, () => !checkBuild(finalDir, cli, host));
    log(`build done in ${elapsed(started)}`);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

// ---- main ----------------------------------------------------------------

function writeResult(result) {
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  const file = path.join(CACHE_ROOT, "cli.json");
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(
    tmp,
    JSON.stringify({ ...result, checkedAt: new Date().toISOString() }, null, 2) + "\n",
  );
  fs.renameSync(tmp, file);
}

async function ensure() {
  const found = fromPath();
  if (found) return found;

  const cli = readWrapper(CLI_MODULE);
  const host = readWrapper(HOST_MODULE);
  const dir = cacheDirFor(cli);
  const problem = checkBuild(dir, cli, host);
  if (!problem) {
    log(`using the cached build in ${dir}`);
    return { binDir: path.join(dir, "bin"), source: "cache", pulumiVersion: cli.requires[PKG] };
  }
  log(`cached build in ${dir}: ${problem}`);
  try {
    await build(cli, host, dir);
  } catch (e) {
    // Disk full, permissions...: still "unavailable", never a crash of `npm test`.
    if (e instanceof Unavailable) throw e;
    throw new Unavailable(`building failed: ${e && e.message ? e.message : e}`);
  }
  return { binDir: path.join(dir, "bin"), source: "built", pulumiVersion: cli.requires[PKG] };
}

async function main() {
  const requireCli = process.argv.includes("--require");
  let result;
  try {
    result = { ok: true, ...(await ensure()) };
  } catch (e) {
    if (!(e instanceof Unavailable)) throw e;
    result = { ok: false, reason: e.message };
  }
  writeResult(result);
  if (result.ok) {
    process.stdout.write(`${result.binDir}\n`);
    return 0;
  }
  log(`no Pulumi CLI available: ${result.reason}`);
  log("the end-to-end tests will be skipped; see docs/pulumi-cli.md");
  return requireCli ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    log(`unexpected failure: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
