#!/usr/bin/env node
// Finds or builds the tools the provider plugin's languages need offline (docs/sdks.md), beside
// the CLI of scripts/ensure-pulumi-cli.js in ~/.cache/pulumi-jumpserver-tickets:
//
//   yaml    pulumi-language-yaml-v1.25.0/bin/pulumi-language-yaml
//   python  pulumi-language-python-v3.68.0/bin/pulumi-language-python{,-exec}
//   go      pulumi-language-go-v3.52.0/bin/pulumi-language-go
//   gensdk  gensdk-v3.276.0-<hash of scripts/gensdk>/bin/gensdk (the SDK generator)
//   venv    python-venv-<hash of python-requirements.txt>/ (PyPI pulumi and the SDK's imports)
//
//   node scripts/ensure-pulumi-tools.js [--require] [tool ...]   (default: all five)
//
// Each tool is cached or built on its own; one that can't be had (no Go, no python3, a refused
// download) is recorded with the reason and the others still come. Progress goes to stderr;
// stdout gets one line per available tool, `<tool> <dir>`. The outcome is merged into
// <cache>/tools.json for the tests (tests/e2e/pulumiTools.ts). Exit 0 even when some are missing,
// unless --require is given. Plain CommonJS on purpose: it runs before the build.
"use strict";

const childProcess = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const {
  Unavailable,
  parseReplaces,
  compareVersions,
  goVersion,
  goEnv,
  checkReplaces,
  tail,
} = require("./lib/goModules");
const {
  elapsed,
  isExecutable,
  embedsModule,
  goBuild,
  removeAbandonedBuilds,
  moveIntoPlace,
} = require("./lib/goBuild");

const TOOLS_DIR = path.join(__dirname, "pulumi-tools");
const GENSDK_DIR = path.join(__dirname, "gensdk");
const REQUIREMENTS = path.join(TOOLS_DIR, "python-requirements.txt");
const SDK = "github.com/pulumi/pulumi/sdk/v3";
const PKG = "github.com/pulumi/pulumi/pkg/v3";
const YAML = "github.com/pulumi/pulumi-yaml";
const SDK_VERSION_VAR = `${SDK}/go/common/version.Version`;

const CACHE_ROOT =
  process.env.PULUMI_JUMPSERVER_TICKETS_CACHE ||
  path.join(os.homedir(), ".cache", "pulumi-jumpserver-tickets");

function log(message) {
  process.stderr.write(`[pulumi-tools] ${message}\n`);
}

/** The version `modulePath` is required at in the go.mod of `moduleDir` (the single place it is pinned). */
function requiredVersion(moduleDir, modulePath) {
  const text = fs.readFileSync(path.join(moduleDir, "go.mod"), "utf8");
  const escaped = modulePath.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const m = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, "m").exec(text);
  if (!m) throw new Error(`${moduleDir}/go.mod does not require ${modulePath}`);
  return m[1];
}

function goLine(moduleDir) {
  const m = /^go\s+(\S+)/m.exec(fs.readFileSync(path.join(moduleDir, "go.mod"), "utf8"));
  return m ? m[1] : "0";
}

function shortHash(...files) {
  const h = crypto.createHash("sha256");
  for (const f of files) h.update(fs.readFileSync(f));
  return h.digest("hex").slice(0, 10);
}

// ---- the Go-built tools ----------------------------------------------------

/**
 * A Go-built tool: `binaries` maps each output name to the Go package it is built from (or to
 * `{ copyFrom }`, a file of the module `module` copied as an executable).
 */
function goTools() {
  const yamlDir = path.join(TOOLS_DIR, "language-yaml");
  const pythonDir = path.join(TOOLS_DIR, "language-python");
  const goDir = path.join(TOOLS_DIR, "language-go");
  const yamlVersion = requiredVersion(yamlDir, YAML);
  const pythonVersion = requiredVersion(pythonDir, SDK);
  const goVersionPinned = requiredVersion(goDir, SDK);
  const pkgVersion = requiredVersion(GENSDK_DIR, PKG);
  const gensdkFiles = fs
    .readdirSync(GENSDK_DIR)
    .filter((n) => n === "go.mod" || n === "go.sum" || n.endsWith(".go"))
    .sort()
    .map((n) => path.join(GENSDK_DIR, n));
  return {
    yaml: {
      moduleDir: yamlDir,
      module: YAML,
      version: yamlVersion,
      dirName: `pulumi-language-yaml-${yamlVersion}`,
      ldflags: [`-X ${YAML}/pkg/version.Version=${yamlVersion}`],
      binaries: { "pulumi-language-yaml": `${YAML}/cmd/pulumi-language-yaml` },
      cold: "~2.5 min",
    },
    python: {
      moduleDir: pythonDir,
      module: SDK,
      version: pythonVersion,
      dirName: `pulumi-language-python-${pythonVersion}`,
      ldflags: [`-X ${SDK_VERSION_VAR}=${pythonVersion}`],
      binaries: {
        "pulumi-language-python": `${SDK}/python/cmd/pulumi-language-python`,
        "pulumi-language-python-exec": { copyFrom: "python/cmd/pulumi-language-python-exec" },
      },
      cold: "~0.5 min",
    },
    go: {
      moduleDir: goDir,
      module: SDK,
      version: goVersionPinned,
      dirName: `pulumi-language-go-${goVersionPinned}`,
      ldflags: [`-X ${SDK_VERSION_VAR}=${goVersionPinned}`],
      binaries: { "pulumi-language-go": `${SDK}/go/pulumi-language-go` },
      cold: "~1 min",
    },
    gensdk: {
      moduleDir: GENSDK_DIR,
      module: PKG,
      version: pkgVersion,
      // Keyed by its sources too: an edit of main.go or go.mod must rebuild it.
      dirName: `gensdk-${pkgVersion}-${shortHash(...gensdkFiles)}`,
      ldflags: [],
      binaries: { gensdk: "." },
      cold: "~2.5 min",
    },
  };
}

/** Why the build at `dir` is not usable, or undefined when it is. */
function checkGoTool(tool, dir) {
  if (!fs.existsSync(dir)) return "not built yet";
  for (const [name, from] of Object.entries(tool.binaries)) {
    const file = path.join(dir, "bin", name);
    if (!isExecutable(file)) return `${name} is missing`;
    if (typeof from === "string" && !embedsModule(file, tool.module, tool.version))
      return `${name} is not built from ${tool.module} ${tool.version}`;
  }
  return undefined;
}

/** Where Go keeps `modulePath@version` (downloading it if needed): for the files copied from it. */
function moduleDirOf(modulePath, version) {
  const r = childProcess.spawnSync("go", ["mod", "download", "-json", `${modulePath}@${version}`], {
    encoding: "utf8",
    env: goEnv(),
    cwd: os.tmpdir(),
    timeout: 600_000,
  });
  let info;
  try {
    info = JSON.parse(r.stdout);
  } catch {
    throw new Unavailable(`go mod download ${modulePath}@${version} failed: ${tail(r.stderr, 5)}`);
  }
  if (info.Error || !info.Dir) throw new Unavailable(`go mod download: ${info.Error || "no Dir"}`);
  return info.Dir;
}

async function buildGoTool(name, tool, finalDir) {
  const have = goVersion();
  if (!have) throw new Unavailable("no Go toolchain (`go` not on PATH)");
  if (compareVersions(have, goLine(tool.moduleDir)) < 0) {
    throw new Unavailable(`Go ${have} is too old: ${name} needs Go >= ${goLine(tool.moduleDir)}`);
  }
  log(`building ${name} from ${tool.module} ${tool.version} with Go ${have} (cold: ${tool.cold})`);
  checkReplaces({ replaces: wrapperReplaces(tool.moduleDir) }, upstreamsOf(tool));
  const started = Date.now();
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  removeAbandonedBuilds(CACHE_ROOT, log);
  const workDir = fs.mkdtempSync(path.join(CACHE_ROOT, ".build-"));
  try {
    const stage = path.join(workDir, "out");
    const bin = path.join(stage, "bin");
    fs.mkdirSync(bin, { recursive: true });
    for (const [binary, from] of Object.entries(tool.binaries)) {
      const output = path.join(bin, binary);
      if (typeof from === "string") {
        await goBuild({
          moduleDir: tool.moduleDir,
          workDir,
          goPackage: from,
          ldflags: tool.ldflags,
          output,
          log,
        });
      } else {
        fs.copyFileSync(path.join(moduleDirOf(tool.module, tool.version), from.copyFrom), output);
        fs.chmodSync(output, 0o755);
      }
    }
    fs.writeFileSync(
      path.join(stage, "build.json"),
      JSON.stringify(
        {
          tool: name,
          from: `${tool.module} ${tool.version}`,
          go: have,
          builtAt: new Date().toISOString(),
          seconds: Math.round((Date.now() - started) / 1000),
        },
        null,
        2,
      ) + "\n",
    );
    const problem = checkGoTool(tool, stage);
    if (problem) throw new Unavailable(`the fresh build of ${name} is not usable: ${problem}`);
    moveIntoPlace(stage, finalDir, () => !checkGoTool(tool, finalDir));
    log(`${name} built in ${elapsed(started)}`);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

function wrapperReplaces(moduleDir) {
  return parseReplaces(fs.readFileSync(path.join(moduleDir, "go.mod"), "utf8"));
}

/** The modules whose non-local replaces the wrapper must repeat (Go ignores dependencies' replaces). */
function upstreamsOf(tool) {
  if (tool.module === PKG) {
    return [
      [PKG, tool.version],
      [SDK, tool.version],
    ];
  }
  return [[tool.module, tool.version]];
}

async function ensureGoTool(name) {
  const tool = goTools()[name];
  const dir = path.join(CACHE_ROOT, tool.dirName);
  const problem = checkGoTool(tool, dir);
  if (!problem) {
    log(`${name}: using the cached build in ${dir}`);
    return { binDir: path.join(dir, "bin"), source: "cache", version: tool.version };
  }
  log(`${name}: cached build in ${dir}: ${problem}`);
  await buildGoTool(name, tool, dir);
  return { binDir: path.join(dir, "bin"), source: "built", version: tool.version };
}

// ---- the Python venv -------------------------------------------------------

const MIN_PYTHON = "3.9";

function pythonVersionOf(python) {
  const r = childProcess.spawnSync(
    python,
    ["-c", "import sys, venv; print('%d.%d.%d' % sys.version_info[:3])"],
    { encoding: "utf8", timeout: 30_000 },
  );
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function pinnedPulumi() {
  const m = /^pulumi==(\S+)/m.exec(fs.readFileSync(REQUIREMENTS, "utf8"));
  if (!m) throw new Error(`${REQUIREMENTS} pins no pulumi`);
  return m[1];
}

/** A venv is only usable where it was made (its scripts name their path): built in place, marked when done. */
async function ensureVenv() {
  const version = pinnedPulumi();
  const dir = path.join(CACHE_ROOT, `python-venv-${version}-${shortHash(REQUIREMENTS)}`);
  const marker = path.join(dir, "ready.json");
  if (fs.existsSync(marker) && isExecutable(path.join(dir, "bin", "python"))) {
    log(`venv: using ${dir}`);
    return { binDir: path.join(dir, "bin"), source: "cache", version };
  }
  const python = process.env.PULUMI_JUMPSERVER_TICKETS_PYTHON || "python3";
  const have = pythonVersionOf(python);
  if (!have) throw new Unavailable(`no usable ${python} (with its venv module) on PATH`);
  if (compareVersions(have, MIN_PYTHON) < 0)
    throw new Unavailable(`${python} is ${have}; PyPI pulumi ${version} needs >= ${MIN_PYTHON}`);
  log(`venv: creating ${dir} with Python ${have} and pip install -r ${REQUIREMENTS}`);
  const started = Date.now();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  const steps = [
    [python, ["-m", "venv", dir]],
    [
      path.join(dir, "bin", "python"),
      [
        "-m",
        "pip",
        "install",
        "--no-input",
        "--disable-pip-version-check",
        "--prefer-binary",
        "-r",
        REQUIREMENTS,
      ],
    ],
  ];
  for (const [file, args] of steps) {
    const r = childProcess.spawnSync(file, args, { encoding: "utf8", timeout: 600_000 });
    if (r.status !== 0) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Unavailable(
        `${path.basename(file)} ${args.slice(0, 3).join(" ")} failed: ${tail(r.stderr || r.stdout || String(r.error), 5)}`,
      );
    }
  }
  fs.writeFileSync(
    marker,
    JSON.stringify({ python: have, pulumi: version, builtAt: new Date().toISOString() }) + "\n",
  );
  log(`venv: ready in ${elapsed(started)}`);
  return { binDir: path.join(dir, "bin"), source: "built", version };
}

// ---- main ------------------------------------------------------------------

const ALL = ["yaml", "python", "go", "gensdk", "venv"];

function recordResults(results) {
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  const file = path.join(CACHE_ROOT, "tools.json");
  let previous = {};
  try {
    previous = JSON.parse(fs.readFileSync(file, "utf8")).tools || {};
  } catch {
    // first run
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ tools: { ...previous, ...results } }, null, 2) + "\n");
  fs.renameSync(tmp, file);
}

async function main() {
  const args = process.argv.slice(2);
  const requireAll = args.includes("--require");
  const wanted = args.filter((a) => !a.startsWith("--"));
  const unknown = wanted.filter((t) => !ALL.includes(t));
  if (unknown.length > 0) {
    log(`unknown tool(s) ${unknown.join(", ")}; known: ${ALL.join(", ")}`);
    return 2;
  }
  const names = wanted.length > 0 ? wanted : ALL;
  const results = {};
  for (const name of names) {
    try {
      const found = name === "venv" ? await ensureVenv() : await ensureGoTool(name);
      results[name] = { ok: true, ...found, checkedAt: new Date().toISOString() };
    } catch (e) {
      // Disk full, permissions...: still "unavailable", never a crash of `npm test`.
      const reason =
        e instanceof Unavailable ? e.message : `failed: ${e && e.message ? e.message : e}`;
      log(`${name}: not available: ${reason}`);
      results[name] = { ok: false, reason, checkedAt: new Date().toISOString() };
    }
  }
  recordResults(results);
  for (const [name, r] of Object.entries(results)) {
    if (r.ok) process.stdout.write(`${name} ${r.binDir}\n`);
  }
  const missing = names.filter((n) => !results[n].ok);
  if (missing.length > 0) {
    log(`missing: ${missing.join(", ")}; tests needing them will be skipped (docs/sdks.md)`);
    return requireAll ? 1 : 0;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    log(`unexpected failure: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
