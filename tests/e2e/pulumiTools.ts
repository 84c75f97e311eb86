// Where the plugin's language suites get their language hosts, SDK generator and Python venv:
// scripts/ensure-pulumi-tools.js (run by `npm test` before mocha) finds or builds them and
// records each one's folder, or why there is none, in <cache>/tools.json.
import * as fs from "node:fs";
import * as path from "node:path";
import { CACHE_ROOT } from "./pulumiCli";

export type ToolName = "yaml" | "python" | "go" | "gensdk" | "venv";

const ENSURE = "node scripts/ensure-pulumi-tools.js";

/** The bin dir the last `ensure-pulumi-tools.js` run recorded for `tool`, or why there is none. */
export function findTool(tool: ToolName): { binDir: string } | { reason: string } {
  const file = path.join(CACHE_ROOT, "tools.json");
  let recorded: { ok?: unknown; binDir?: unknown; reason?: unknown } | undefined;
  try {
    const all = JSON.parse(fs.readFileSync(file, "utf8")) as { tools?: Record<string, unknown> };
    recorded = all.tools?.[tool] as typeof recorded;
  } catch {
    return { reason: `no tools check recorded in ${file}; run \`${ENSURE}\` (npm test does)` };
  }
  if (!recorded)
    return { reason: `${file} records nothing for ${tool}; run \`${ENSURE} ${tool}\`` };
  if (recorded.ok !== true || typeof recorded.binDir !== "string") {
    return { reason: typeof recorded.reason === "string" ? recorded.reason : `unreadable ${file}` };
  }
  // The cache may have been cleaned since the check.
  if (!fs.existsSync(recorded.binDir)) {
    return { reason: `${recorded.binDir} has gone since the last check; run \`${ENSURE}\` again` };
  }
  return { binDir: recorded.binDir };
}

/**
 * For a mocha `before`: the bin dirs of `tools`, or prints why one is missing and skips the
 * suite (a skip must be visible, never a silent pass).
 */
export function requireTools<T extends ToolName>(
  context: Mocha.Context,
  layer: string,
  tools: readonly T[],
): Record<T, string> {
  const out = {} as Record<T, string>;
  for (const tool of tools) {
    const found = findTool(tool);
    if ("reason" in found) {
      console.log(`SKIP ${layer}: no ${tool} tool: ${found.reason}`);
      context.skip();
    }
    out[tool] = (found as { binDir: string }).binDir;
  }
  return out;
}
