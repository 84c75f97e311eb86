// Issue #26: no suite may depend on today's date. This runs the golden replay and the suites that
// hold dates or compute expiry in a child mocha whose clock is two years ahead (tests/clock/
// shiftClock.js, preloaded through NODE_OPTIONS, so the provider hosts those suites spawn see it
// too), and requires every test there to pass, tests/clock/shifted.test.ts included: that one
// fails unless the child's Date.now() really is 731 days ahead.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const SHIFT_DAYS = 731;
const PROOF = "moves Date.now() and new Date() by JMS_CLOCK_SHIFT_DAYS days";

/** The suites run two years ahead: the replay, the clock proof, and those with dates or expiry. */
export const AHEAD_SUITES = [
  "tests/clock/shifted.test.ts",
  "tests/golden/replay.test.ts",
  "tests/unit/report.test.ts",
  "tests/unit/reportOutput.test.ts",
  "tests/unit/approvalInputs.test.ts",
  "tests/unit/guardrails.test.ts",
  "tests/unit/inputShapes.test.ts",
  "tests/sandbox/tickets.test.ts",
  "tests/provider/grantDrift.test.ts",
  "tests/provider/guardrails.test.ts",
  "tests/provider/assetAccessTicket.test.ts",
  "tests/provider/ticketApproval.test.ts",
];

interface MochaJson {
  stats: { tests: number; passes: number; pending: number; failures: number };
  passes: Array<{ fullTitle: string }>;
  failures: Array<{ fullTitle: string; err: { message?: string } }>;
}

describe("the suites with dates, two years ahead (JMS_CLOCK_SHIFT_DAYS=731)", function () {
  this.timeout(240_000);

  it("pass, and the child's clock really was shifted", async function () {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "jms-clock-ahead-"));
    const report = path.join(work, "report.json");
    try {
      const preload = path.join(REPO_ROOT, "tests", "clock", "shiftClock.js");
      const env = {
        ...process.env,
        JMS_CLOCK_SHIFT_DAYS: String(SHIFT_DAYS),
        NODE_OPTIONS:
          `${process.env.NODE_OPTIONS ?? ""} --require ${JSON.stringify(preload)}`.trim(),
      };
      const args = [
        require.resolve("mocha/bin/mocha.js"),
        "--no-config",
        "--require",
        "ts-node/register/transpile-only",
        "--require",
        "tests/support/hazards.ts",
        "--timeout",
        "60000",
        "--reporter",
        "json",
        "--reporter-option",
        `output=${report}`,
        ...AHEAD_SUITES,
      ];
      const child = spawn(process.execPath, args, {
        cwd: REPO_ROOT,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      const text = fs.existsSync(report) ? fs.readFileSync(report, "utf8") : "";
      assert.ok(text, `the child mocha wrote no report (exit ${code}):\n${output}`);
      const r = JSON.parse(text) as MochaJson;
      const failed = r.failures.map((f) => `${f.fullTitle}: ${f.err.message ?? ""}`).join("\n");
      assert.equal(
        r.stats.failures,
        0,
        `failed with the clock ${SHIFT_DAYS} days ahead:\n${failed}`,
      );
      assert.equal(code, 0, output);
      assert.ok(
        r.passes.some((p) => p.fullTitle.endsWith(PROOF)),
        `the clock proof did not pass in the child, so the shift is unproven:\n${output}`,
      );
      assert.ok(r.stats.passes > 20, `only ${r.stats.passes} tests passed`);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
