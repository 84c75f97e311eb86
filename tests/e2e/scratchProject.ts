// A scratch Pulumi project that uses this package the way a user's does: the
// package is built, packed with `npm pack` and installed from the tarball
// with npm, so its code lives under node_modules. That matters: Pulumi
// serializes a dynamic provider's methods by value unless they come from a
// module under node_modules, so only an installed package shows the thin
// `__provider` shim users get (docs/performance.md, "The serialized provider").
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

// The install step is shared with `npm start` (scripts/lib/scratch.js): offline first, then let
// npm fetch only what its cache lacks.
const { npmInstall } = require("../../scripts/lib/scratch.js") as {
  npmInstall(dir: string): Promise<"offline" | "prefer-offline">;
};

const run = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface ScratchProjectOptions {
  /** index.ts of the Pulumi program. */
  program: string;
  /** Pulumi project name (default `jms-e2e`). */
  name?: string;
  /** Extra files to write, by path relative to the project dir. */
  files?: Record<string, string>;
}

export interface ScratchProject {
  dir: string;
  tarball: string;
  /** How npm got the packages: from its cache alone, or allowed to fall back to the registry. */
  install: "offline" | "prefer-offline";
  cleanup(): void;
}

let packed: Promise<string> | undefined;

/** Builds and packs this package once per process; returns the tarball path. */
export function packThisPackage(): Promise<string> {
  packed ??= withPackLock(async () => {
    await npm(["run", "build"], REPO_ROOT);
    const dest = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-pack-"));
    // Every suite of this process may install the same tarball; drop it at exit.
    process.once("exit", () => fs.rmSync(dest, { recursive: true, force: true }));
    const { stdout } = await npm(["pack", "--json", "--pack-destination", dest], REPO_ROOT);
    const [info] = JSON.parse(stdout) as { filename: string }[];
    return path.join(dest, info.filename);
  });
  return packed;
}

/**
 * One build-and-pack of this repo at a time across processes (.ci/run runs the real layer's
 * community and multi-org servers in two processes): a build rewriting dist/ while another
 * process packs it could put a half-written file in the tarball. A lock older than 5 minutes is
 * a dead process's.
 */
async function withPackLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = path.join(
    os.tmpdir(),
    `pjt-pack-${Buffer.from(REPO_ROOT).toString("hex").slice(-24)}.lock`,
  );
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const age =
        Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 5 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** The exact versions this repo was tested with, so the scratch project matches it. */
export function pinnedVersion(name: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const version = pkg.devDependencies?.[name] ?? pkg.dependencies?.[name];
  if (!version) throw new Error(`package.json pins no version of ${name}`);
  return version;
}

export async function createScratchProject(
  options: ScratchProjectOptions,
): Promise<ScratchProject> {
  const tarball = await packThisPackage();
  const name = options.name ?? "jms-e2e";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-scratch-"));
  const files: Record<string, string> = {
    "Pulumi.yaml": `name: ${name}\nruntime: nodejs\ndescription: scratch project of the pulumi-jumpserver-tickets e2e suite\n`,
    "package.json":
      JSON.stringify(
        {
          name,
          private: true,
          main: "index.ts",
          dependencies: {
            "@pulumi/pulumi": pinnedVersion("@pulumi/pulumi"),
            "pulumi-jumpserver-tickets": `file:${tarball}`,
          },
          devDependencies: {
            "@types/node": pinnedVersion("@types/node"),
            "ts-node": pinnedVersion("ts-node"),
            typescript: pinnedVersion("typescript"),
          },
        },
        null,
        2,
      ) + "\n",
    "tsconfig.json":
      JSON.stringify(
        {
          compilerOptions: {
            strict: true,
            target: "ES2022",
            module: "commonjs",
            moduleResolution: "node",
          },
        },
        null,
        2,
      ) + "\n",
    "index.ts": options.program,
    ...options.files,
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }

  const install = await npmInstall(dir);
  return { dir, tarball, install, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function npm(args: string[], cwd: string): Promise<{ stdout: string }> {
  try {
    return await run("npm", args, {
      cwd,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, CI: "true" },
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    const detail = String(err.stderr ?? "")
      .trim()
      .split("\n")
      .slice(-10)
      .join("\n");
    throw new Error(`npm ${args.join(" ")} (in ${cwd}) failed:\n${detail || err.message}`);
  }
}
