// The "no hazardous request" guard (docs/sandbox.md, "Hazards and `--strict`"): every sandbox started through
// tests/support/sandbox.ts (the client and provider suites) is registered here, its hazards are
// collected after each test (and before any resetStats, which clears them), and a root
// `afterAll` hook fails the run naming each test whose sandbox saw a hazard. The sandbox's own
// suites and the golden replay start sandboxes with their own helpers: they send hazards on purpose.
import type { Hazard } from "../../sandbox";

/** What the registry needs from a sandbox (a fake in the guard's own test). */
export interface HazardSource {
  stats(): { hazards: Hazard[] };
}

export interface HazardRecord extends Hazard {
  /** The test (or hook) that was running when the hazard was collected. */
  test: string;
  sandbox: string;
}

export class HazardRegistry {
  private readonly watched: Array<{ source: HazardSource; label: string; seen: number }> = [];
  readonly records: HazardRecord[] = [];
  /** Full title of the running test; set by the root hooks. */
  current = "(outside any test)";

  watch(source: HazardSource, label: string): void {
    this.watched.push({ source, label, seen: 0 });
  }

  /** Collects hazards recorded since the last collection, attributing them to `current`. */
  collect(source?: HazardSource): void {
    for (const w of this.watched) {
      if (source && w.source !== source) continue;
      const all = w.source.stats().hazards;
      for (const h of all.slice(w.seen)) {
        this.records.push({ ...h, test: this.current, sandbox: w.label });
      }
      w.seen = all.length;
    }
  }

  /** Call right after the source's stats were reset (its hazard list starts again at zero). */
  resetSeen(source: HazardSource): void {
    for (const w of this.watched) if (w.source === source) w.seen = 0;
  }

  /** One line per hazard, or undefined when there were none. */
  report(): string | undefined {
    if (this.records.length === 0) return undefined;
    const lines = this.records.map(
      (r) => `  ${r.test}: ${r.kind} (${r.method} ${r.path}) on sandbox ${r.sandbox}`,
    );
    return `${this.records.length} hazardous request(s) reached a sandbox of the client/provider suites (docs/sandbox.md "Hazards and --strict": a real JumpServer answers 500 or does something dangerous):\n${lines.join("\n")}`;
  }
}

export const hazardRegistry = new HazardRegistry();

/** Mocha root hooks (registered in .mocharc.json). */
export const mochaHooks = {
  beforeEach(this: Mocha.Context): void {
    hazardRegistry.collect();
    hazardRegistry.current = this.currentTest?.fullTitle() ?? "(unknown test)";
  },
  afterEach(this: Mocha.Context): void {
    hazardRegistry.collect();
    hazardRegistry.current = `(a hook after "${this.currentTest?.fullTitle() ?? "?"}")`;
  },
  afterAll(): void {
    hazardRegistry.collect();
    const report = hazardRegistry.report();
    if (report) throw new Error(report);
  },
};
