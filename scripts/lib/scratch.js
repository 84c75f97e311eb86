// A scratch copy of an example Pulumi project that uses this package the way a user's project
// does: the package is packed with `npm pack` and installed from the tarball, so its code lives
// under node_modules and Pulumi serializes the thin `__provider` shim users get (design.md, "Keep
// the serialized provider a thin shim"). Same approach as tests/e2e/scratchProject.ts, in plain
// JS for `npm start`, which runs without ts-node.
"use strict";

const childProcess = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { promisify } = require("node:util");

const execFile = promisify(childProcess.execFile);
const REPO_ROOT = path.resolve(__dirname, "..", "..");
const PACKAGE_NAME = "pulumi-jumpserver-tickets";

/** Runs npm; on failure throws with npm's last lines (its own messages never hold our secrets). */
async function npm(args, cwd) {
  try {
    return await execFile("npm", args, {
      cwd,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, CI: "true" },
    });
  } catch (e) {
    const detail = String(e.stderr || "")
      .trim()
      .split("\n")
      .slice(-10)
      .join("\n");
    throw new Error(`npm ${args.join(" ")} (in ${cwd}) failed:\n${detail || e.message}`);
  }
}

/** Packs the already built package (dist/) into `destDir`; returns the tarball's path. */
async function packPackage(destDir) {
  if (!fs.existsSync(path.join(REPO_ROOT, "dist", "index.js"))) {
    throw new Error("dist/ is missing: run `npm run build` first");
  }
  const { stdout } = await npm(["pack", "--json", "--pack-destination", destDir], REPO_ROOT);
  const [info] = JSON.parse(stdout);
  return path.join(destDir, info.filename);
}

/**
 * Copies `exampleDir` (without node_modules or stack files) to `destDir` and points its
 * dependency on this package at `tarball` instead of the repository folder.
 */
function copyExample(exampleDir, destDir, tarball) {
  fs.mkdirSync(destDir, { recursive: true });
  for (const entry of fs.readdirSync(exampleDir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || /^Pulumi\..+\.yaml$/.test(entry.name)) continue;
    fs.cpSync(path.join(exampleDir, entry.name), path.join(destDir, entry.name), {
      recursive: true,
    });
  }
  const pkgFile = path.join(destDir, "package.json");
  const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8"));
  if (!pkg.dependencies || !pkg.dependencies[PACKAGE_NAME]) {
    throw new Error(`${exampleDir}/package.json does not depend on ${PACKAGE_NAME}`);
  }
  pkg.dependencies[PACKAGE_NAME] = `file:${tarball}`;
  fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + "\n");
}

/**
 * npm install from npm's cache alone; if something is not cached yet, lets npm fetch just that
 * from the registry. Returns how it went: "offline" or "prefer-offline".
 */
async function npmInstall(dir) {
  const common = ["install", "--no-audit", "--no-fund", "--loglevel=error"];
  try {
    await npm([...common, "--offline"], dir);
    return "offline";
  } catch {
    await npm([...common, "--prefer-offline"], dir);
    return "prefer-offline";
  }
}

/**
 * Environment that keeps every Pulumi command offline and inside `workDir` (the same settings as
 * tests/e2e/pulumiCli.ts offlineEnv): a local file backend, a scratch PULUMI_HOME, passphrase
 * secrets, no update check, no plugin or registry downloads, the CLI's bin dir first on PATH.
 */
function offlineEnv(workDir, binDir, passphrase) {
  const backend = path.join(workDir, ".pulumi-backend");
  const home = path.join(workDir, ".pulumi-home");
  fs.mkdirSync(backend, { recursive: true });
  fs.mkdirSync(home, { recursive: true });
  return {
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_HOME: home,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PATH: `${binDir}${path.delimiter}${process.env.PATH || ""}`,
  };
}

/**
 * `stack.setAllConfig`, except that a failure's message names secret keys without their values:
 * the Automation API's error holds the whole command line, `--secret key=value` included.
 */
async function setAllConfig(stack, config) {
  try {
    await stack.setAllConfig(config);
  } catch (err) {
    let message = String((err && err.message) || err);
    for (const { value, secret } of Object.values(config))
      if (secret && value) message = message.split(value).join("[secret]");
    throw new Error(message);
  }
}

module.exports = { REPO_ROOT, packPackage, copyExample, npmInstall, offlineEnv, setAllConfig };
