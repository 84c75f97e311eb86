// Where the end-to-end suites get their Pulumi CLI, and the environment that
// keeps every Pulumi command offline. The CLI itself is found or built by
// scripts/ensure-pulumi-cli.js (run by `npm test` before mocha), which records
// its answer in <cache>/cli.json; reading that file costs nothing, so every
// suite can ask without re-running the check.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigMap, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import type { Sandbox } from "../../sandbox";
import { user } from "../support/sandbox";

// Shared with `npm start` (scripts/start.js), which runs before any TypeScript is built.
const scratch = require("../../scripts/lib/scratch.js") as {
  offlineEnv(workDir: string, binDir: string, passphrase: string): Record<string, string>;
  setAllConfig(stack: Stack, config: ConfigMap): Promise<void>;
};

/** `stack.setAllConfig`, with secret values kept out of a failure's message. */
export const setAllConfig = scratch.setAllConfig;

/**
 * Stack `stackName` of the project in `workDir`, offline, configured as the sandbox's admin (its
 * access key, the secret half as a secret) plus `extra`, as a pipeline's stack would be.
 */
export async function adminStack(
  stackName: string,
  workDir: string,
  binDir: string,
  sb: Sandbox,
  extra: ConfigMap = {},
): Promise<Stack> {
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName, workDir },
    { envVars: offlineEnv(workDir, binDir), pulumiCommand: await pulumiCommand(binDir) },
  );
  const admin = user(sb, "admin");
  await setAllConfig(stack, {
    "jumpserver:url": { value: sb.url },
    "jumpserver:accessKeyId": { value: admin.accessKey.id },
    "jumpserver:accessKeySecret": { value: admin.accessKey.secret, secret: true },
    ...extra,
  });
  return stack;
}

export type PulumiCli = { binDir: string } | { reason: string };

/** Same default and override as scripts/ensure-pulumi-cli.js. */
export const CACHE_ROOT =
  process.env.PULUMI_JUMPSERVER_TICKETS_CACHE ??
  path.join(os.homedir(), ".cache", "pulumi-jumpserver-tickets");

const ENSURE = "node scripts/ensure-pulumi-cli.js";

/** The CLI recorded by the last `ensure-pulumi-cli.js` run, or why there is none. */
export function findPulumiCli(): PulumiCli {
  const file = path.join(CACHE_ROOT, "cli.json");
  let recorded: { ok?: unknown; binDir?: unknown; reason?: unknown };
  try {
    recorded = JSON.parse(fs.readFileSync(file, "utf8")) as typeof recorded;
  } catch {
    return { reason: `no Pulumi CLI check recorded in ${file}; run \`${ENSURE}\` (npm test does)` };
  }
  if (recorded.ok !== true || typeof recorded.binDir !== "string") {
    return { reason: typeof recorded.reason === "string" ? recorded.reason : `unreadable ${file}` };
  }
  // The cache may have been cleaned since the check.
  if (!fs.existsSync(path.join(recorded.binDir, "pulumi"))) {
    return {
      reason: `${recorded.binDir}/pulumi has gone since the last check; run \`${ENSURE}\` again`,
    };
  }
  return { binDir: recorded.binDir };
}

/**
 * For a mocha `before`: returns the bin dir, or prints why and skips the suite
 * (a skip must be visible, never a silent pass).
 */
export function requirePulumiCli(context: Mocha.Context): string {
  const cli = findPulumiCli();
  if ("reason" in cli) {
    console.log(`SKIP e2e: ${cli.reason}`);
    context.skip();
  }
  return (cli as { binDir: string }).binDir;
}

/** Fixed, not secret: it only encrypts throwaway scratch stacks. */
export const E2E_PASSPHRASE = "pulumi-jumpserver-tickets-e2e";

/**
 * Environment for running Pulumi offline in `workDir`: a local file backend
 * and a scratch PULUMI_HOME inside it, passphrase secrets, no update check,
 * no plugin or registry downloads, and the CLI's bin dir first on PATH (the
 * engine finds the language host and the dynamic-provider launcher there).
 */
export function offlineEnv(workDir: string, binDir?: string): Record<string, string> {
  return scratch.offlineEnv(workDir, binDir ?? binDirOrThrow(), E2E_PASSPHRASE);
}

/** The Automation API's handle on the CLI in `binDir` (it expects `<root>/bin/pulumi`). */
export async function pulumiCommand(binDir: string): Promise<PulumiCommand> {
  if (path.basename(binDir) === "bin") return PulumiCommand.get({ root: path.dirname(binDir) });
  // A CLI found on PATH in a folder not named bin: let the API take it from PATH.
  return PulumiCommand.get();
}

function binDirOrThrow(): string {
  const cli = findPulumiCli();
  if ("reason" in cli) throw new Error(`no Pulumi CLI: ${cli.reason}`);
  return cli.binDir;
}
