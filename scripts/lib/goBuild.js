// Building Go programs into the cache, shared by scripts/ensure-pulumi-cli.js and
// scripts/ensure-pulumi-tools.js: `go build` in a copy of a wrapper module, a temp dir beside the
// final one, and a rename into place only once the result checks out.
"use strict";

const childProcess = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { setInterval, clearInterval } = require("node:timers");
const { Unavailable, goEnv, tail } = require("./goModules");

function elapsed(since) {
  const s = Math.round((Date.now() - since) / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Go embeds its module list in every binary; reading it needs no Go toolchain and no execution. */
function embedsModule(binaryPath, modulePath, version) {
  try {
    return fs.readFileSync(binaryPath).includes(`\t${modulePath}\t${version}\t`);
  } catch {
    return false;
  }
}

/**
 * Runs `go build` of `goPackage` in a copy of the module in `moduleDir` (go.mod, go.sum and any
 * *.go files: Go rewrites go.mod while resolving, and the repo must stay untouched), with a
 * heartbeat on `log` while Go downloads and compiles.
 */
function goBuild({ moduleDir, workDir, goPackage, ldflags, output, log }) {
  const src = path.join(workDir, path.basename(moduleDir));
  fs.mkdirSync(src, { recursive: true });
  for (const name of fs.readdirSync(moduleDir)) {
    if (name === "go.mod" || name === "go.sum" || name.endsWith(".go"))
      fs.copyFileSync(path.join(moduleDir, name), path.join(src, name));
  }
  const args = [
    "build",
    "-mod=mod",
    "-trimpath",
    "-tags",
    "osusergo,grpcnotrace",
    "-ldflags",
    ["-s", "-w", ...ldflags].join(" "),
    "-o",
    output,
    goPackage,
  ];
  const started = Date.now();
  log(`go ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = childProcess.spawn("go", args, {
      cwd: src,
      env: goEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let outputText = "";
    let downloads = 0;
    const collect = (chunk) => {
      const text = chunk.toString();
      downloads += (text.match(/go: downloading /g) || []).length;
      outputText = (outputText + text).slice(-20_000);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const heartbeat = setInterval(
      () =>
        log(
          `  ... ${path.basename(output)}: ${elapsed(started)}, ${downloads} modules downloaded so far`,
        ),
      30_000,
    );
    child.on("error", (e) => {
      clearInterval(heartbeat);
      reject(new Unavailable(`could not run go: ${e.message}`));
    });
    child.on("close", (code, signal) => {
      clearInterval(heartbeat);
      if (code === 0) {
        log(
          `  built ${path.basename(output)} in ${elapsed(started)} (${downloads} modules downloaded)`,
        );
        resolve();
      } else {
        reject(
          new Unavailable(
            `go build of ${goPackage} failed (${signal || `exit ${code}`}); last lines:\n${tail(outputText, 15)}`,
          ),
        );
      }
    });
  });
}

/** Temp dirs of builds that were killed (a live build is far younger than this). */
function removeAbandonedBuilds(cacheRoot, log) {
  const cutoff = Date.now() - 2 * 60 * 60 * 1000;
  for (const name of fs.readdirSync(cacheRoot)) {
    const dir = path.join(cacheRoot, name);
    if (/^\.build-/.test(name) && fs.statSync(dir).mtimeMs < cutoff) {
      log(`removing the abandoned build ${dir}`);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

function moveIntoPlace(stage, finalDir, isGood) {
  if (fs.existsSync(finalDir)) {
    // Another run may have finished the same build meanwhile: keep a good one
    // (something may be using it); move a bad one aside (rename cannot replace
    // a non-empty dir).
    if (isGood()) return;
    const aside = `${finalDir}.old-${crypto.randomBytes(4).toString("hex")}`;
    fs.renameSync(finalDir, aside);
    fs.rmSync(aside, { recursive: true, force: true });
  }
  try {
    fs.renameSync(stage, finalDir);
  } catch (e) {
    // Lost a race with another run that renamed its build into place first.
    if (!fs.existsSync(finalDir) || !isGood()) throw e;
  }
}

module.exports = {
  elapsed,
  isExecutable,
  embedsModule,
  goBuild,
  removeAbandonedBuilds,
  moveIntoPlace,
};
