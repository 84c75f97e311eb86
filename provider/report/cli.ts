#!/usr/bin/env node
// jms-tickets: `pulumi stack export | jms-tickets report [--format markdown|json]` reads the
// stack's state and the live JumpServer (settings from the environment) and writes one report.
// Exit codes: 0 written; 1 written and --fail-on-problems found some; 2 bad arguments or state;
// 3 JumpServer could not be read (settings, network, authentication). Errors are one line.
// `jms-tickets import-code` (provider/importcode/) prints program code from the state alone.
import * as fs from "node:fs";
import { parseArgs as parseCommandLine } from "node:util";
import { buildReport } from "./live";
import { renderMarkdown } from "./markdown";
import { StateInputError, parseStackExport } from "./state";
import { AdoptionRefused, importDocument } from "./inventory";
import { warningWindowDays } from "../model/expiryWindow";
import {
  IMPORT_CODE_USAGE,
  ImportCodeUsageError,
  importCode,
  parseImportCodeArgs,
} from "../importcode/cli";
import type { PluginSchema } from "../importcode/declarations";
import { pluginSchema } from "../plugin/schema";

const USAGE = `Usage: pulumi stack export | jms-tickets report [--format markdown|json] [--fail-on-problems]
       jms-tickets report [options] STATE.json

Reads the stack's TicketFlow and AssetAccessTicket resources from a \`pulumi stack export\` and
JumpServer itself (read-only), and writes a report: problems first, then flows and access.
JumpServer settings come from the environment: JUMPSERVER_URL and JUMPSERVER_ACCESS_KEY_ID +
JUMPSERVER_ACCESS_KEY_SECRET (or another credential; see docs/configuration.md).
--expiry-warning-days N, else the stack's jumpserver:expiryWarningDays, else
JUMPSERVER_EXPIRY_WARNING_DAYS (default 7; 0 = off): access ending within N days is a problem.
--expiry-warning-hours H (or a duration such as 36h), else jumpserver:expiryWarningHours, else
JUMPSERVER_EXPIRY_WARNING_HOURS: the same window in hours (one of days and hours per source).

Exit codes: 0 report written; 1 report written and --fail-on-problems found problems;
2 bad arguments or state input; 3 JumpServer could not be read.

--all also lists every asset permission of the server (every org the identity can see), each
managed by this stack, made by a ticket but not managed, standing access made by hand, or expired.
--adopt ticket|ID|SERIAL[,...] --import-file PATH (with --all) writes a \`pulumi import --file\`
document for the chosen ticket-made permissions; then run \`pulumi import --file PATH\`.

${IMPORT_CODE_USAGE}`;

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  format: { type: "string" },
  "fail-on-problems": { type: "boolean" },
  "expiry-warning-days": { type: "string" },
  all: { type: "boolean" },
  adopt: { type: "string", multiple: true },
  "import-file": { type: "string" },
  "expiry-warning-hours": { type: "string" },
} as const;

export interface ReportArgs {
  help?: boolean;
  format: "markdown" | "json";
  failOnProblems: boolean;
  /** From --expiry-warning-days; the stack config and the environment are looked at later. */
  expiryWarningDays?: string;
  /** The state file; undefined = stdin. */
  file?: string;
  /** `--all`: every asset permission of the server. */
  all?: boolean;
  /** `--adopt`: kinds, ids or serial numbers (commas split). */
  adopt?: string[];
  /** `--import-file`: where the import document goes. */
  importFile?: string;
  /** From --expiry-warning-hours (hours or a duration such as "36h"). */
  expiryWarningHours?: string;
}

/** A usage error: one line and exit 2. */
class UsageError extends Error {}

/** The warning window: the flag, then the stack's `jumpserver:expiryWarningDays`, then the environment. */
export function warningDays(
  flag: string | undefined,
  configured: string | undefined,
  env: NodeJS.ProcessEnv,
): number {
  const sources: Array<[string, string | undefined]> = [
    ["--expiry-warning-days", flag],
    ["jumpserver:expiryWarningDays (stack config)", configured],
    ["JUMPSERVER_EXPIRY_WARNING_DAYS", env.JUMPSERVER_EXPIRY_WARNING_DAYS],
  ];
  const found = sources.find(([, v]) => v !== undefined && v.trim() !== "");
  if (!found) return 7;
  const [name, value] = found as [string, string];
  if (!/^\d+$/.test(value.trim())) {
    throw new UsageError(`${name} must be a whole number of days, got "${value}"`);
  }
  return Number(value);
}

/**
 * The warning window in days (fractional when given in hours): the flags, then the stack config,
 * then the environment; at each, days or hours (both at one source is an error naming them).
 */
export function warningWindow(
  flags: { days?: string; hours?: string },
  configured: { days?: string; hours?: string },
  env: NodeJS.ProcessEnv,
): number {
  const hoursOnly = [flags.hours, configured.hours, env.JUMPSERVER_EXPIRY_WARNING_HOURS].every(
    (v) => v === undefined || v.trim() === "",
  );
  if (hoursOnly) return warningDays(flags.days, configured.days, env);
  try {
    return warningWindowDays([
      {
        days: { name: "--expiry-warning-days", value: flags.days },
        hours: { name: "--expiry-warning-hours", value: flags.hours },
      },
      {
        days: { name: "jumpserver:expiryWarningDays (stack config)", value: configured.days },
        hours: { name: "jumpserver:expiryWarningHours (stack config)", value: configured.hours },
      },
      {
        days: { name: "JUMPSERVER_EXPIRY_WARNING_DAYS", value: env.JUMPSERVER_EXPIRY_WARNING_DAYS },
        hours: {
          name: "JUMPSERVER_EXPIRY_WARNING_HOURS",
          value: env.JUMPSERVER_EXPIRY_WARNING_HOURS,
        },
      },
    ]);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function parseArgs(argv: string[]): ReportArgs {
  let parsed;
  try {
    parsed = parseCommandLine({
      args: argv,
      options: OPTIONS,
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split(". ")[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true, format: "markdown", failOnProblems: false };
  const [command, file, ...extra] = positionals;
  if (command !== "report") {
    throw new UsageError(
      command === undefined
        ? "no command: try `jms-tickets report` or `jms-tickets import-code`"
        : `unknown command "${command}": try \`jms-tickets report\` or \`jms-tickets import-code\``,
    );
  }
  if (extra.length > 0)
    throw new UsageError(`one state file at most, got ${positionals.length - 1}`);
  const format = values.format ?? "markdown";
  if (format !== "markdown" && format !== "json") {
    throw new UsageError(`--format must be markdown or json, got "${format}"`);
  }
  const days = values["expiry-warning-days"];
  if (days !== undefined) warningDays(days, undefined, {}); // its message before any input is read
  const hours = values["expiry-warning-hours"];
  if (hours !== undefined) warningWindow({ days, hours }, {}, {});
  const adopt = (values.adopt ?? []).flatMap((a) => a.split(",")).map((a) => a.trim());
  const importFile = values["import-file"];
  if (values.adopt !== undefined && adopt.every((a) => a === "")) {
    throw new UsageError(
      "--adopt needs a kind (ticket), a permission or ticket id, or a serial number",
    );
  }
  if ((values.adopt !== undefined || importFile !== undefined) && !values.all) {
    throw new UsageError(
      "--adopt and --import-file need --all (they choose among every permission)",
    );
  }
  if (values.adopt !== undefined && !importFile) {
    throw new UsageError(
      "--adopt needs --import-file PATH (where the pulumi import document goes)",
    );
  }
  if (importFile !== undefined && values.adopt === undefined) {
    throw new UsageError("--import-file needs --adopt (which permissions to write into it)");
  }
  return {
    format,
    failOnProblems: values["fail-on-problems"] === true,
    ...(values["expiry-warning-days"] !== undefined
      ? { expiryWarningDays: values["expiry-warning-days"] }
      : {}),
    ...(file !== undefined && file !== "-" ? { file } : {}),
    ...(values.all ? { all: true } : {}),
    ...(values.adopt !== undefined ? { adopt: adopt.filter((a) => a !== "") } : {}),
    ...(importFile !== undefined ? { importFile } : {}),
    ...(hours !== undefined ? { expiryWarningHours: hours } : {}),
  };
}

async function readState(file: string | undefined): Promise<string> {
  if (file !== undefined) {
    try {
      return fs.readFileSync(file, "utf8");
    } catch (e) {
      throw new StateInputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
  }
  if (process.stdin.isTTY)
    throw new StateInputError("no state on stdin: pipe `pulumi stack export` into it");
  // A stream, not readFileSync(0): a pipe a parent process left non-blocking answers a
  // synchronous read with EAGAIN before the writer has written.
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/** Runs the command; returns the exit code. Output goes to `out`, the one-line errors to `err`. */
export async function main(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  const fail = (code: number, message: string) => {
    err(`jms-tickets: ${message.replace(/\s+/g, " ").trim()}\n`);
    return code;
  };
  if (argv[0] === "import-code") {
    try {
      const args = parseImportCodeArgs(argv.slice(1));
      if (args.help) {
        out(`${IMPORT_CODE_USAGE}\n`);
        return 0;
      }
      const schema = JSON.parse(pluginSchema()) as PluginSchema;
      const { code, notes } = importCode(await readState(args.file), schema, args);
      for (const note of notes) err(`jms-tickets: note: ${note}\n`);
      out(code);
      return 0;
    } catch (e) {
      if (e instanceof ImportCodeUsageError || e instanceof StateInputError)
        return fail(2, e.message);
      throw e;
    }
  }
  let args: ReportArgs;
  let state;
  let days: number;
  try {
    args = parseArgs(argv);
    if (args.help) {
      out(`${USAGE}\n`);
      return 0;
    }
    state = parseStackExport(await readState(args.file), args.all === true);
    days = warningWindow(
      { days: args.expiryWarningDays, hours: args.expiryWarningHours },
      { days: state.expiryWarningDays, hours: state.expiryWarningHours },
      process.env,
    );
  } catch (e) {
    if (e instanceof UsageError || e instanceof StateInputError) return fail(2, e.message);
    throw e;
  }
  let report;
  try {
    report = await buildReport(state, { expiryWarningDays: days, all: args.all === true });
  } catch (e) {
    // Settings and client errors are written without credentials (settings.ts, client/errors.ts).
    return fail(3, `cannot read JumpServer: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (args.adopt && args.importFile) {
    try {
      const doc = importDocument(report.permissions ?? [], args.adopt);
      fs.writeFileSync(args.importFile, `${JSON.stringify(doc, null, 2)}\n`);
      report = { ...report, adopted: { file: args.importFile, resources: doc.resources } };
    } catch (e) {
      if (e instanceof AdoptionRefused) return fail(2, e.message);
      const code = (e as NodeJS.ErrnoException).code;
      if (code) return fail(2, `cannot write ${args.importFile}: ${code}`);
      throw e;
    }
  }
  out(args.format === "json" ? `${JSON.stringify(report, null, 2)}\n` : renderMarkdown(report));
  return args.failOnProblems && report.problems.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`jms-tickets: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 3;
    },
  );
}
