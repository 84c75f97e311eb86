// A Pulumi project of any language run through the real CLI offline (the same environment as
// every e2e suite: tests/e2e/pulumiCli.ts), with extra folders first on PATH: a Python program's
// venv, since the offline Python host ignores `virtualenv:` (docs/sdks.md).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Sandbox } from "../../sandbox";
import { user } from "../support/sandbox";
import { offlineEnv } from "./pulumiCli";
import { type CliResult, expectExit, runPulumi } from "./yamlProject";

export class LanguageProject {
  readonly dir: string;
  private pathFirst: string[] = [];

  constructor(
    private binDir: string,
    name: string,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `pjt-${name}-`));
  }

  /** Writes `files` (paths relative to the project). */
  write(files: Record<string, string>): void {
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
      fs.writeFileSync(path.join(this.dir, file), text);
    }
  }

  /** Puts `dir` first on the PATH of every later command. */
  prependPath(dir: string): void {
    this.pathFirst.unshift(dir);
  }

  env(): Record<string, string> {
    const env = { ...process.env, ...offlineEnv(this.dir, this.binDir) } as Record<string, string>;
    env.PATH = [...this.pathFirst, env.PATH].join(path.delimiter);
    return env;
  }

  /** Runs `pulumi <args>` in the project; never throws on a non-zero exit. */
  async pulumi(...args: string[]): Promise<CliResult> {
    return runPulumi(this.binDir, this.dir, this.env(), args);
  }

  /** Like `pulumi`, but fails with the CLI's output when the exit code is not `want`. */
  async expect(want: number, ...args: string[]): Promise<CliResult> {
    return expectExit(await this.pulumi(...args), want, args);
  }

  /** `stack init` and the sandbox admin's config (the secret half as a secret), as a pipeline's stack. */
  async initStack(sb: Sandbox, name: string, extra: [string, string][] = []): Promise<void> {
    await this.expect(0, "stack", "init", name);
    const admin = user(sb, "admin");
    await this.expect(0, "config", "set", "jumpserver:url", sb.url);
    await this.expect(0, "config", "set", "jumpserver:accessKeyId", admin.accessKey.id);
    await this.expect(
      0,
      "config",
      "set",
      "--secret",
      "jumpserver:accessKeySecret",
      admin.accessKey.secret,
    );
    for (const [k, v] of extra) await this.expect(0, "config", "set", k, v);
  }

  /** `stack init` and any config (the keys in `secret` as secrets), e.g. a real server's (tests/real/targets.ts configFor). */
  async init(stack: string, config: Record<string, string>, secret: string[] = []): Promise<void> {
    await this.expect(0, "stack", "init", stack);
    for (const [k, v] of Object.entries(config))
      await this.expect(0, "config", "set", ...(secret.includes(k) ? ["--secret"] : []), k, v);
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
