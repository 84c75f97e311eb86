// npm run replay -- [FILE...]: replay golden transcripts against a fresh sandbox and print, per
// transcript, how many exchanges match exactly, in shape only, or differ, with the first
// differences. Without FILE it replays every transcript in tests/golden/fixtures/.
import * as fs from "node:fs";
import * as path from "node:path";
import { FIXTURES, formatReport, replay } from "../tests/golden/replay-engine";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const verbose = args.includes("--verbose");
  const files = args.filter((a) => !a.startsWith("--"));
  const targets = files.length
    ? files
    : fs
        .readdirSync(FIXTURES)
        .filter((f) => f.endsWith(".jsonl"))
        .map((f) => path.join(FIXTURES, f));
  let failed = false;
  for (const file of targets) {
    const report = await replay(file);
    console.log(formatReport(report, verbose ? Infinity : 5));
    if (verbose)
      for (const r of report.results.filter((x) => x.verdict === "shape"))
        console.log(
          `  shape-only golden #${r.exchange.line}: ${r.cosmetic.slice(0, 3).join("; ")}`,
        );
    if (report.counts.differ > 0) failed = true;
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 2;
});
