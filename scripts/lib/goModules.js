// What scripts/ensure-pulumi-cli.js reads from Go: the wrapper modules' go.mod files (the
// versions they pin and the replaces they repeat), the upstream modules' go.mod, and the local Go.
"use strict";

const childProcess = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Why a CLI can't be had here (the caller prints it and skips, or fails with --require). */
class Unavailable extends Error {}

function run(file, args, options = {}) {
  return childProcess.spawnSync(file, args, { encoding: "utf8", timeout: 30_000, ...options });
}

/** The versions the wrapper modules pin (single source of truth: their go.mod files). */
function readWrapper(dir) {
  const text = fs.readFileSync(path.join(dir, "go.mod"), "utf8");
  const goLine = /^go\s+(\S+)/m.exec(text);
  const requires = {};
  for (const m of text.matchAll(
    /^\s*(?:require\s+)?(github\.com\/pulumi\/pulumi\/(?:pkg|sdk)\/v3)\s+(v\S+)/gm,
  )) {
    requires[m[1]] = m[2];
  }
  return { dir, go: goLine ? goLine[1] : "0", requires, replaces: parseReplaces(text) };
}

/** `replace` lines whose target is a module version (local paths are skipped, as Go does for dependencies). */
function parseReplaces(goModText) {
  const out = {};
  const lines = goModText.replace(/\/\/.*$/gm, "").split("\n");
  let inBlock = false;
  for (const raw of lines) {
    const line = raw.trim();
    if (/^replace\s*\($/.test(line)) {
      inBlock = true;
      continue;
    }
    if (inBlock && line === ")") {
      inBlock = false;
      continue;
    }
    const body = inBlock ? line : (/^replace\s+(.*)$/.exec(line) || [])[1];
    if (!body) continue;
    const m = /^(\S+)(?:\s+\S+)?\s+=>\s+(\S+)(?:\s+(\S+))?$/.exec(body);
    if (!m || !m[3]) continue; // `=> ../sdk` style: local, not repeatable
    out[m[1]] = `${m[2]} ${m[3]}`;
  }
  return out;
}

function compareVersions(a, b) {
  const pa = a
    .replace(/^v|^go/, "")
    .split(/[.-]/)
    .map(Number);
  const pb = b
    .replace(/^v|^go/, "")
    .split(/[.-]/)
    .map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d !== 0) return d;
  }
  return 0;
}

function goVersion() {
  const r = run("go", ["version"], { env: { ...process.env, GOTOOLCHAIN: "local" } });
  if (r.error) return undefined;
  const m = /go(\d+\.\d+(?:\.\d+)?)/.exec(r.stdout);
  return m ? m[1] : undefined;
}

function goEnv() {
  // GOTOOLCHAIN=local: never fetch another Go; GOFLAGS cleared so a user's -mod=vendor etc. cannot interfere.
  return {
    ...process.env,
    GOTOOLCHAIN: "local",
    CGO_ENABLED: "0",
    GOFLAGS: "-mod=mod",
    GOWORK: "off",
  };
}

/** go.mod text of a published module version (downloads it into the module cache, which the build needs anyway). */
function upstreamGoMod(modulePath, version) {
  const r = run("go", ["mod", "download", "-json", `${modulePath}@${version}`], {
    env: goEnv(),
    cwd: os.tmpdir(),
    timeout: 600_000,
  });
  let info;
  try {
    info = JSON.parse(r.stdout);
  } catch {
    throw new Unavailable(
      `go mod download ${modulePath}@${version} failed: ${tail(r.stderr || r.stdout, 5)}`,
    );
  }
  if (info.Error || !info.GoMod) {
    throw new Unavailable(
      `go mod download ${modulePath}@${version} failed: ${info.Error || "no go.mod"}`,
    );
  }
  return fs.readFileSync(info.GoMod, "utf8");
}

/** The wrapper must repeat every non-local replace of the modules it builds from (Go ignores dependencies' replaces). */
function checkReplaces(wrapper, upstreams) {
  const wanted = {};
  for (const [modulePath, version] of upstreams) {
    Object.assign(wanted, parseReplaces(upstreamGoMod(modulePath, version)));
  }
  const problems = Object.entries(wanted)
    .filter(([from, to]) => wrapper.replaces[from] !== to)
    .map(([from, to]) => `replace ${from} => ${to}`);
  if (problems.length > 0) {
    throw new Unavailable(
      `${path.relative(REPO_ROOT, wrapper.dir)}/go.mod must repeat the upstream replaces: ${problems.join("; ")}`,
    );
  }
}

function tail(text, lines) {
  return String(text || "")
    .trim()
    .split("\n")
    .slice(-lines)
    .join("\n");
}

module.exports = {
  Unavailable,
  readWrapper,
  parseReplaces,
  compareVersions,
  goVersion,
  goEnv,
  checkReplaces,
  tail,
};
