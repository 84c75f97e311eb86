// Stacks side by side (issue #23): four `pulumi up` processes started together through the real
// CLI, each with 25 approved tickets, against one server, next to the floor of the same 100
// opens sent one at a time (then the approves at the CLI's parallelism) in the same run. The four
// share a PULUMI_HOME, as stacks run on one machine do, so they share its open lock. The org's
// flow is set once beforehand (by the floor), not by the stacks: four stacks adopting one flow
// would be one flow managed four times. Counts every ticket the stacks opened: exactly one per
// resource is the result to hold (tests/reliability/sideBySide.test.ts holds it in CI).
// Used by `npm run bench` (sandbox, its open race on) and `npm run bench -- --real <file>
// --side-by-side`. Asserts nothing but prints the counts.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { realStack, RealStack } from "../tests/real/stack";
import { usersRule } from "../tests/real/support";
import { ReadyFile, userOf } from "../tests/real/targets";
import { setAllConfig } from "../tests/e2e/pulumiCli";
import { PROGRAM as LARGE_PROGRAM } from "./bench-large";
import { floor, signedSender } from "./bench-real";

export const STACKS = 4;
export const PER_STACK = 25;

export interface SideBySideResult {
  stacks: number;
  perStack: number;
  /** Wall time from the four `up`s' start to the last one's end. */
  seconds: number;
  /** Each stack's `up`: its result, in one run. */
  results: string[];
  /** Tickets the stacks opened (by title) and the distinct titles among them. */
  tickets: number;
  distinct: number;
  floorSeconds: number;
  ratio: number;
  /**
   * The engine floor: the same four stacks side by side with do-nothing dynamic resources instead
   * (what four Pulumi CLIs cost on this machine, whatever the provider does).
   */
  engineFloorSeconds: number;
}

/**
 * `reset` brings the server back to its seeded state between the floor and the stacks (the kit's
 * reset.sh, a fresh sandbox); without it the floor's grants stay, which costs the stacks nothing.
 */
export async function sideBySide(
  binDir: string,
  ready: () => ReadyFile,
  reset?: () => Promise<void>,
): Promise<SideBySideResult> {
  const run = Date.now().toString(36);
  // The floor first: it also gives Default the one-level flow (the admin approves) the stacks'
  // tickets are opened under.
  const floorSeconds = await floor(ready(), STACKS * PER_STACK, `pjt-sbs ${run} floor`, false);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-sbs-home-"));
  const stacks: RealStack[] = [];
  try {
    for (let s = 0; s < STACKS; s++) {
      const real = await realStack(binDir, ready(), ready().url);
      // One machine: one PULUMI_HOME (the open lock lives beside Pulumi's files there).
      real.stack.workspace.envVars.PULUMI_HOME = home;
      await real.configure({
        rules: [usersRule(ready().dialect, "admin")],
        count: PER_STACK,
        prefix: `pjt-sbs ${run} stack-${s}`,
        withoutFlow: true,
      });
      stacks.push(real);
    }
    const t0 = Date.now();
    const ups = await Promise.all(
      stacks.map((real) =>
        real.stack.up().then(
          (r) => r.summary.result as string,
          (e: Error) => `failed: ${e.message.split("\n").slice(-3).join(" ")}`,
        ),
      ),
    );
    const seconds = (Date.now() - t0) / 1000;
    const titles = (await ticketTitles(ready())).filter((t) =>
      t.startsWith(`pjt-sbs ${run} stack-`),
    );
    const engineFloorSeconds = await engineFloor(stacks, run);
    return {
      stacks: STACKS,
      perStack: PER_STACK,
      seconds: +seconds.toFixed(1),
      results: ups,
      tickets: titles.length,
      distinct: new Set(titles).size,
      floorSeconds: +floorSeconds.toFixed(1),
      ratio: +(seconds / floorSeconds).toFixed(2),
      engineFloorSeconds: +engineFloorSeconds.toFixed(1),
    };
  } finally {
    for (const real of stacks) await real.dispose();
    fs.rmSync(home, { recursive: true, force: true });
    await reset?.();
  }
}

/** The same stacks, emptied, then given as many do-nothing resources and brought up together. */
async function engineFloor(stacks: RealStack[], run: string): Promise<number> {
  for (const [s, real] of stacks.entries()) {
    await real.stack.destroy();
    fs.writeFileSync(path.join(real.dir, "index.ts"), LARGE_PROGRAM);
    await setAllConfig(real.stack, {
      count: { value: String(PER_STACK) },
      flows: { value: "1" },
      prefix: { value: `pjt-sbs ${run} trivial-${s}` },
      trivial: { value: "true" },
    });
  }
  const t0 = Date.now();
  await Promise.all(stacks.map((real) => real.stack.up()));
  return (Date.now() - t0) / 1000;
}

/** Every apply-asset ticket's title on the server, read page by page as the admin. */
async function ticketTitles(ready: ReadyFile): Promise<string[]> {
  const send = signedSender(ready.url, userOf(ready, "admin"));
  const titles: string[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = (await send(
      "GET",
      `/api/v1/tickets/tickets/?type=apply_asset&limit=200&offset=${offset}`,
    )) as { results: Array<{ title: string }>; next?: string | null };
    titles.push(...page.results.map((t) => t.title));
    if (!page.next || page.results.length === 0) return titles;
  }
}

export function printSideBySide(server: string, r: SideBySideResult): void {
  console.log(
    `  ${server}: ${r.stacks} pulumi up side by side, ${r.perStack} approved tickets each: ${r.seconds} s; results ${r.results.join(", ")}; ${r.tickets} tickets opened, ${r.distinct} distinct (of ${r.stacks * r.perStack} resources); floor (the same ${r.stacks * r.perStack} opens one at a time, then the approves) ${r.floorSeconds} s; ratio ${r.ratio}×; engine floor (the four stacks side by side with as many do-nothing resources) ${r.engineFloorSeconds} s`,
  );
}
