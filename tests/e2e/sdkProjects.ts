// Projects whose program uses a generated SDK, set up as a user sets them up (docs/sdks.md):
// Python with the SDK's wheel pip-installed into the program's own venv, TypeScript with the SDK's
// npm tarball. Shared by the plugin's language suites and the import-code suite.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { buildPythonWheel, packNodeSdk } from "../../scripts/release";
import { LanguageProject } from "./languageProject";
import { requireTools } from "./pulumiTools";

// Shared with `npm start`: npm's cache first, the registry only for what it lacks.
const { npmInstall } = require("../../scripts/lib/scratch.js") as {
  npmInstall(dir: string): Promise<"offline" | "prefer-offline">;
};

const run = promisify(execFile);
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** The plugin as a project's `plugins: providers:` entry finds it (this checkout's bin/). */
const PLUGIN_ENTRY = `  providers:\n    - { name: jumpserver, path: ${JSON.stringify(path.join(REPO_ROOT, "bin"))} }`;

async function python(file: string, args: string[]): Promise<string> {
  const { stdout } = await run(file, args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/**
 * A Python project (`name`, program `__main__.py`) on the offline Python host, the plugin by its
 * `plugins:` path. Skips the suite, saying why, when the host or the venv is missing.
 */
export async function pythonSdkProject(
  context: Mocha.Context,
  layer: string,
  binDir: string,
  name: string,
  program: string,
): Promise<LanguageProject> {
  const tools = requireTools(context, layer, ["python", "venv"]);
  const project = new LanguageProject(binDir, name);
  const runtime = path.join(tools.venv, "python");
  // The program's own venv, as a user makes one; PyPI pulumi comes from the cached venv (a .pth
  // line), so nothing is downloaded per run.
  const venv = path.join(project.dir, "venv");
  await python(runtime, ["-m", "venv", venv]);
  const sitePackages = (py: string) =>
    python(py, ["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]);
  fs.writeFileSync(
    path.join(await sitePackages(path.join(venv, "bin", "python")), "pulumi-runtime.pth"),
    (await sitePackages(runtime)) + "\n",
  );
  const wheel = await buildPythonWheel(project.dir, runtime);
  await python(path.join(venv, "bin", "python"), [
    "-m",
    "pip",
    "install",
    "--no-deps",
    "--no-input",
    "--disable-pip-version-check",
    wheel,
  ]);
  project.prependPath(path.join(venv, "bin"));
  project.write({
    "Pulumi.yaml": [
      `name: ${name}`,
      "runtime: python",
      "plugins:",
      PLUGIN_ENTRY,
      "  languages:",
      `    - { name: python, path: ${JSON.stringify(tools.python)} }`,
      "",
    ].join("\n"),
    "__main__.py": program,
  });
  return project;
}

function pinned(name: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
  return pkg.devDependencies[name] ?? pkg.dependencies[name];
}

/**
 * A TypeScript project (`name`, program `index.ts`) with the Node.js SDK's tarball installed by
 * npm. `pluginByPath`: the project's `plugins:` entry finds the plugin; else the caller installs it.
 */
export async function nodeSdkProject(
  binDir: string,
  name: string,
  program: string,
  pluginByPath: boolean,
): Promise<LanguageProject> {
  const project = new LanguageProject(binDir, name);
  const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-artifacts-"));
  try {
    const sdk = await packNodeSdk(artifacts);
    const sdkTarball = path.join(project.dir, path.basename(sdk));
    fs.copyFileSync(sdk, sdkTarball);
    project.write({
      "Pulumi.yaml": `name: ${name}\nruntime: nodejs\n${pluginByPath ? `plugins:\n${PLUGIN_ENTRY}\n` : ""}`,
      "package.json": JSON.stringify(
        {
          name,
          private: true,
          main: "index.ts",
          dependencies: {
            "@pulumi/pulumi": pinned("@pulumi/pulumi"),
            "@pulumi-jumpserver-tickets/sdk": `file:./${path.basename(sdkTarball)}`,
          },
          devDependencies: {
            "@types/node": pinned("@types/node"),
            "ts-node": pinned("ts-node"),
            typescript: pinned("typescript"),
          },
        },
        null,
        2,
      ),
      "tsconfig.json": JSON.stringify({
        compilerOptions: { strict: true, target: "ES2022", module: "commonjs" },
      }),
      "index.ts": program,
    });
    await npmInstall(project.dir);
    return project;
  } finally {
    fs.rmSync(artifacts, { recursive: true, force: true });
  }
}
