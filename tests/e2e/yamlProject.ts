// Pulumi YAML programs that use the provider plugin through the real CLI, offline: the YAML
// language host (github.com/pulumi/pulumi-yaml v1.25.0, built with its own go.mod pins into the
// cache by scripts/ensure-pulumi-tools.js, or by hand), and the plugin found through the project's
// `plugins: providers: [{name: jumpserver, path: <repo>/bin}]` (docs/provider-plugin.md).
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { CACHE_ROOT, offlineEnv } from "./pulumiCli";
import { packThisPackage, pinnedVersion } from "./scratchProject";

const { npmInstall } = require("../../scripts/lib/scratch.js") as {
  npmInstall(dir: string): Promise<"offline" | "prefer-offline">;
};

const run = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, "..", "..");

export const YAML_HOST_DIR = path.join(CACHE_ROOT, "pulumi-language-yaml-v1.25.0", "bin");

/** The YAML host's folder, or why there is none (the suite then skips, saying so). */
export function findYamlHost(): { dir: string } | { reason: string } {
  if (fs.existsSync(path.join(YAML_HOST_DIR, "pulumi-language-yaml")))
    return { dir: YAML_HOST_DIR };
  const ensure = path.join(REPO_ROOT, "scripts", "ensure-pulumi-tools.js");
  return {
    reason: `no pulumi-language-yaml in ${YAML_HOST_DIR}; build it with ${
      fs.existsSync(ensure)
        ? "`node scripts/ensure-pulumi-tools.js`"
        : "`GOBIN=" +
          YAML_HOST_DIR +
          " go install github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v1.25.0`"
    }`,
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class YamlProject {
  readonly dir: string;
  /** Where Pulumi.yaml points `plugins: providers:` (default this repository's bin/). */
  private pluginPath = path.join(REPO_ROOT, "bin");
  constructor(
    private binDir: string,
    private hostDir: string,
    name: string,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `pjt-yaml-${name}-`));
  }

  /** Writes Pulumi.yaml: the project's header (plugins found by path) and `body` (resources…). */
  write(body: string): void {
    const header = [
      "name: jms-yaml",
      "runtime: yaml",
      "plugins:",
      "  providers:",
      `    - { name: jumpserver, path: ${JSON.stringify(this.pluginPath)} }`,
      "  languages:",
      `    - { name: yaml, path: ${JSON.stringify(this.hostDir)} }`,
      "",
    ].join("\n");
    fs.writeFileSync(path.join(this.dir, "Pulumi.yaml"), header + body);
  }

  /** Runs `pulumi <args>` in the project; never throws on a non-zero exit. */
  async pulumi(...args: string[]): Promise<CliResult> {
    return runPulumi(
      this.binDir,
      this.dir,
      { ...process.env, ...offlineEnv(this.dir, this.binDir) },
      args,
    );
  }

  /** Like `pulumi`, but fails with the CLI's output when the exit code is not `want`. */
  async expect(want: number, ...args: string[]): Promise<CliResult> {
    return expectExit(await this.pulumi(...args), want, args);
  }

  /**
   * Installs this package as a user does (packed, from the tarball, with its peer @pulumi/pulumi)
   * into the project's node_modules, and points `plugins: providers:` there by a relative path,
   * as docs/provider-plugin.md says. Call before `write`.
   */
  async installPackage(): Promise<void> {
    const tarball = await packThisPackage();
    const pkg = {
      name: "jms-yaml",
      private: true,
      dependencies: {
        "@pulumi/pulumi": pinnedVersion("@pulumi/pulumi"),
        "pulumi-jumpserver-tickets": `file:${tarball}`,
      },
    };
    fs.writeFileSync(path.join(this.dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
    await npmInstall(this.dir);
    this.pluginPath = "./node_modules/pulumi-jumpserver-tickets/bin";
  }

  /** `pulumi stack init <name>` and its config (`secret` keys set with --secret). */
  async init(stack: string, config: Record<string, string>, secret: string[] = []): Promise<void> {
    await this.expect(0, "stack", "init", stack);
    for (const [k, v] of Object.entries(config))
      await this.expect(0, "config", "set", ...(secret.includes(k) ? ["--secret"] : []), k, v);
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs `pulumi <args>` in `dir`; never throws on a non-zero exit. */
export async function runPulumi(
  binDir: string,
  dir: string,
  env: NodeJS.ProcessEnv,
  args: string[],
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(path.join(binDir, "pulumi"), args, {
      cwd: dir,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof err.code === "number" ? err.code : -1,
      stdout: err.stdout ?? "",
      stderr: err.stderr ?? "",
    };
  }
}

/** `r`, or an error with the CLI's output when its exit code is not `want`. */
export function expectExit(r: CliResult, want: number, args: string[]): CliResult {
  if (r.code !== want)
    throw new Error(
      `pulumi ${args.join(" ")} exited ${r.code}, expected ${want}:\n${r.stdout}\n${r.stderr}`,
    );
  return r;
}
