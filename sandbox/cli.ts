#!/usr/bin/env node
// jms-sandbox: start the JumpServer sandbox and print one JSON ready line on stdout.
import * as fs from "node:fs";
import { startSandbox } from "./server";
import type { SandboxOptions } from "./types";

const USAGE = `Usage: jms-sandbox [--port N] [--host ADDR] [--dialect strategy|selector] [--errors legacy|conflict]
                   [--faults SPEC] [--state FILE] [--rate-limit N/SECONDS|off]
                   [--open-race postgres|mysql|off] [--tls-cert FILE --tls-key FILE] [--strict] [--log]

Modes: --dialect strategy = JumpServer v3.10.23; --dialect selector --errors legacy = v4.10.16;
--dialect selector (--errors conflict, the default) = v4.10.19.
Prints one JSON line (url, seed users with credentials, assets, nodes) once it accepts requests.`;

export function parseArgs(argv: string[]): SandboxOptions & { help?: boolean } {
  const opts: SandboxOptions & { help?: boolean } = { port: 8080 };
  let cert: string | undefined;
  let key: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith("--")))
        throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--help":
      case "-h":
        opts.help = true;
        break;
      case "--port": {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) > 65535)
          throw new Error(`--port must be 0-65535, got "${v}"`);
        opts.port = Number(v);
        break;
      }
      case "--host":
        opts.host = value();
        break;
      case "--dialect": {
        const v = value();
        if (v !== "strategy" && v !== "selector")
          throw new Error(`--dialect must be strategy or selector, got "${v}"`);
        opts.dialect = v;
        break;
      }
      case "--errors": {
        const v = value();
        if (v !== "legacy" && v !== "conflict")
          throw new Error(`--errors must be legacy or conflict, got "${v}"`);
        opts.errors = v;
        break;
      }
      case "--faults":
        opts.faults = value();
        break;
      case "--state":
        opts.state = value();
        break;
      case "--rate-limit":
        opts.rateLimit = value();
        break;
      case "--open-race": {
        const v = value();
        if (v !== "postgres" && v !== "mysql" && v !== "off")
          throw new Error(`--open-race must be postgres, mysql or off, got "${v}"`);
        opts.openRace = v;
        break;
      }
      case "--tls-cert":
        cert = value();
        break;
      case "--tls-key":
        key = value();
        break;
      case "--strict":
        opts.strict = true;
        break;
      case "--log":
        opts.log = true;
        break;
      default:
        throw new Error(`unknown option "${arg}"`);
    }
  }
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
