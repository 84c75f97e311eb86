// Builds what a release would publish, into release/ (nothing is published; docs/sdks.md):
//
//   npm run release
//
//   pulumi-jumpserver-tickets-<v>.tgz              npm package: dynamic resources, report CLI, plugin in bin/
//   pulumi-jumpserver-tickets-sdk-<v>.tgz          npm package @pulumi-jumpserver-tickets/sdk (from sdk/nodejs)
//   pulumi_jumpserver_tickets-<v>-py3-none-any.whl pip package (from sdk/python)
//   pulumi-resource-jumpserver-v<v>.tar.gz         for `pulumi plugin install resource jumpserver <v> --file …`
//
// Needs `npm run build` first (the npm package packs dist/), and a Python with pip for the wheel.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { findTool } from "../tests/e2e/pulumiTools";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..");
const SDK = path.join(ROOT, "sdk");
export const RELEASE_DIR = path.join(ROOT, "release");
export const PLUGIN_NAME = "jumpserver";
const PLUGIN_BINARY = `pulumi-resource-${PLUGIN_NAME}`;

export const VERSION: string = JSON.parse(
  fs.readFileSync(path.join(ROOT, "package.json"), "utf8"),
).version;

async function runQuiet(file: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(file, args, {
      cwd,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, CI: "true" },
    });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    const detail = String(err.stderr || err.stdout || "")
      .trim()
      .split("\n")
      .slice(-10)
      .join("\n");
    throw new Error(
      `${path.basename(file)} ${args.join(" ")} (in ${cwd}) failed:\n${detail || err.message}`,
    );
  }
}

async function npmPack(dir: string, dest: string): Promise<string> {
  // No lifecycle scripts: the package is built already (`npm run release` builds first).
  const out = await runQuiet(
    "npm",
    ["pack", "--json", "--ignore-scripts", "--pack-destination", dest],
    dir,
  );
  const [info] = JSON.parse(out) as { filename: string }[];
  return path.join(dest, info.filename);
}

/** The npm package itself, as `npm publish` would send it (dist/ must be built). */
export async function packPackage(dest: string): Promise<string> {
  if (!fs.existsSync(path.join(ROOT, "dist", "schema.json")))
    throw new Error("dist/ is missing or incomplete: run `npm run build` first");
  return npmPack(ROOT, dest);
}

/**
 * The Node.js SDK as Pulumi's providers publish theirs: sdk/nodejs compiled (its own tsconfig,
 * this repo's TypeScript and @pulumi/pulumi), package.json and README beside the JavaScript.
 */
export async function packNodeSdk(dest: string): Promise<string> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-nodesdk-"));
  try {
    const out = path.join(work, "package");
    await runQuiet(
      process.execPath,
      [
        require.resolve("typescript/bin/tsc"),
        "-p",
        path.join(SDK, "nodejs", "tsconfig.json"),
        "--outDir",
        out,
      ],
      ROOT,
    );
    for (const f of ["package.json", "README.md"])
      fs.copyFileSync(path.join(SDK, "nodejs", f), path.join(out, f));
    return await npmPack(out, dest);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The Python SDK as a wheel, built from a copy (setuptools writes build/ beside its sources). */
export async function buildPythonWheel(dest: string, python = "python3"): Promise<string> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-pysdk-"));
  try {
    const src = path.join(work, "python");
    fs.cpSync(path.join(SDK, "python"), src, { recursive: true });
    const wheels = path.join(work, "wheels");
    await runQuiet(
      python,
      ["-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-input", "-w", wheels, src],
      work,
    );
    const [wheel] = fs.readdirSync(wheels).filter((f) => f.endsWith(".whl"));
    if (!wheel) throw new Error(`pip wheel wrote no wheel into ${wheels}`);
    fs.copyFileSync(path.join(wheels, wheel), path.join(dest, wheel));
    return path.join(dest, wheel);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The plugin tarball `pulumi plugin install resource jumpserver <v> --file <it>` unpacks into the
 * plugin cache: a launcher named pulumi-resource-jumpserver at its root, and the npm package
 * installed with its production dependencies only (no devDependencies: the tarball carries
 * node_modules, which is most of its size).
 */
export async function buildPluginTarball(packageTarball: string, dest: string): Promise<string> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-plugin-"));
  try {
    const pinned = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"))
      .devDependencies["@pulumi/pulumi"] as string;
    fs.writeFileSync(
      path.join(work, "package.json"),
      JSON.stringify(
        {
          name: `${PLUGIN_BINARY}-plugin`,
          private: true,
          // @pulumi/pulumi is the package's peer: the plugin runs on the version it is tested with.
          dependencies: {
            "@pulumi/pulumi": pinned,
            "pulumi-jumpserver-tickets": `file:${packageTarball}`,
          },
        },
        null,
        2,
      ) + "\n",
    );
    const install = ["install", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"];
    await runQuiet("npm", [...install, "--offline"], work).catch(() =>
      runQuiet("npm", [...install, "--prefer-offline"], work),
    );
    fs.writeFileSync(
      path.join(work, PLUGIN_BINARY),
      [
        "#!/bin/sh",
        "# Launcher of the jumpserver provider plugin (pulumi-jumpserver-tickets); needs node on PATH.",
        'exec node "$(dirname "$0")/node_modules/pulumi-jumpserver-tickets/bin/pulumi-resource-jumpserver" "$@"',
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
    // The install's own lock and manifest are not part of the plugin.
    fs.rmSync(path.join(work, "package-lock.json"), { force: true });
    const file = path.join(dest, `${PLUGIN_BINARY}-v${VERSION}.tar.gz`);
    await runQuiet("tar", ["-czf", file, "-C", work, ...fs.readdirSync(work).sort()], work);
    return file;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** A Python whose setuptools builds wheels: the tools' venv (ensure-pulumi-tools.js), else python3. */
function releasePython(): string {
  if (process.env.PULUMI_JUMPSERVER_TICKETS_PYTHON)
    return process.env.PULUMI_JUMPSERVER_TICKETS_PYTHON;
  const venv = findTool("venv");
  return "binDir" in venv ? path.join(venv.binDir, "python") : "python3";
}

async function main(): Promise<void> {
  fs.rmSync(RELEASE_DIR, { recursive: true, force: true });
  fs.mkdirSync(RELEASE_DIR, { recursive: true });
  const pkg = await packPackage(RELEASE_DIR);
  const made = [
    pkg,
    await packNodeSdk(RELEASE_DIR),
    await buildPythonWheel(RELEASE_DIR, releasePython()),
    await buildPluginTarball(pkg, RELEASE_DIR),
  ];
  for (const f of made) {
    const mib = (fs.statSync(f).size / 1024 / 1024).toFixed(1);
    console.log(`${path.relative(process.cwd(), f)} (${mib} MiB)`);
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
