#!/usr/bin/env node
// jms-sandbox: start the JumpServer sandbox and print one JSON ready line on stdout.
import * as fs from "node:fs";
import { parseArgs as parseCommandLine } from "node:util";
import { startSandbox } from "./server";
import type { SandboxOptions } from "./types";

const USAGE = `Usage: jms-sandbox [--port N] [--host ADDR] [--dialect strategy|selector] [--errors legacy|conflict]
                   [--orgs community|enterprise]
                   [--faults SPEC] [--state FILE] [--rate-limit N/SECONDS|off]
                   [--open-race postgres|mysql|off] [--tls-cert FILE --tls-key FILE] [--strict] [--log]
                   [--now ISO-8601]

Modes: --dialect strategy = JumpServer v3.10.23; --dialect selector --errors legacy = v4.10.16;
--dialect selector (--errors conflict, the default) = v4.10.19.
--orgs enterprise scopes every request to the org X-JMS-ORG names (JumpServer Enterprise); the
default, community, reads any org but Default and the root org as Default.
--now starts the sandbox's clock at that instant (it then runs on), e.g. to replay a recording.
Prints one JSON line (url, seed users with credentials, assets, nodes) once it accepts requests.`;

/** The options, as `node:util` parseArgs reads them; the checks below give each its message. */
const OPTIONS = {
  help: { type: "boolean", short: "h" },
  port: { type: "string" },
  host: { type: "string" },
  dialect: { type: "string" },
  errors: { type: "string" },
  orgs: { type: "string" },
  faults: { type: "string" },
  state: { type: "string" },
  "rate-limit": { type: "string" },
  "open-race": { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  strict: { type: "boolean" },
  log: { type: "boolean" },
  now: { type: "string" },
} as const;

function oneOf<T extends string>(
  flag: string,
  v: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) {
    const list =
      allowed.length === 2
        ? allowed.join(" or ")
        : `${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}`;
    throw new Error(`--${flag} must be ${list}, got "${v}"`);
  }
  return v as T;
}

export function parseArgs(argv: string[]): SandboxOptions & { help?: boolean } {
  let values;
  try {
    ({ values } = parseCommandLine({ args: argv, options: OPTIONS, strict: true }));
  } catch (e) {
    // node's own wording, e.g. "Unknown option '--prot'" or "Option '--port <value>' argument missing"
    throw new Error((e as Error).message.split(". ")[0]);
  }
  const opts: SandboxOptions & { help?: boolean } = { port: 8080 };
  if (values.help) opts.help = true;
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535)
      throw new Error(`--port must be 0-65535, got "${values.port}"`);
    opts.port = Number(values.port);
  }
  if (values.host !== undefined) opts.host = values.host;
  const dialect = oneOf("dialect", values.dialect, ["strategy", "selector"] as const);
  const errors = oneOf("errors", values.errors, ["legacy", "conflict"] as const);
  const openRace = oneOf("open-race", values["open-race"], ["postgres", "mysql", "off"] as const);
  if (dialect) opts.dialect = dialect;
  if (errors) opts.errors = errors;
  const orgs = oneOf("orgs", values.orgs, ["community", "enterprise"] as const);
  if (orgs) opts.orgs = orgs;
  if (openRace) opts.openRace = openRace;
  if (values.faults !== undefined) opts.faults = values.faults;
  if (values.state !== undefined) opts.state = values.state;
  if (values["rate-limit"] !== undefined) opts.rateLimit = values["rate-limit"];
  if (values.strict) opts.strict = true;
  if (values.log) opts.log = true;
  if (values.now !== undefined) {
    const at = Date.parse(values.now);
    if (Number.isNaN(at))
      throw new Error(
        `--now must be an ISO-8601 instant such as 2026-11-28T00:00:00Z, got "${values.now}"`,
      );
    opts.now = at;
  }
  const cert = values["tls-cert"];
  const key = values["tls-key"];
  if (!!cert !== !!key) throw new Error("--tls-cert and --tls-key go together");
  if (cert && key) {
    const read = (flag: string, file: string) => {
      try {
        return fs.readFileSync(file, "utf8");
      } catch (e) {
        throw new Error(`${flag}: cannot read ${file}: ${(e as Error).message}`);
      }
    };
    opts.tls = { cert: read("--tls-cert", cert), key: read("--tls-key", key) };
  }
  return opts;
}

async function main(): Promise<void> {
  let opts: ReturnType<typeof parseArgs>;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`jms-sandbox: ${(e as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(USAGE + "\n");
    return;
  }
  delete opts.help;
  let sandbox;
  try {
    sandbox = await startSandbox(opts);
  } catch (e) {
    process.stderr.write(`jms-sandbox: ${(e as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(JSON.stringify(sandbox.seed) + "\n");
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (opts.log) process.stderr.write(`jms-sandbox: ${signal}, closing\n`);
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

if (require.main === module) void main();
