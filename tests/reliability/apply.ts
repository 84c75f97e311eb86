// Applies many resources through the provider host the way the Pulumi engine does, repeated like
// successive `pulumi up`s: check then create (at most `parallelism` at a time); a create error that
// carries `initFailed` (the resource exists but is not initialised) keeps it in state and the next
// run calls `update` for it; any other create error leaves nothing in state and the next run
// creates it again. Shared by the reliability and performance tests and by scripts/soak.ts and
// scripts/bench.ts.
import { ProviderHost, Props } from "../support/providerHost";

export interface Applied {
  /** The declared inputs (before check). */
  declared: Props;
  /** The inputs check returned (what the engine stores and diffs against). */
  inputs: Props;
  id: string;
  outs: Props;
  /** Still not initialised (the last create or update left work undone). */
  initFailed: boolean;
}

export interface ApplyReport {
  resources: Applied[];
  /** Runs (`pulumi up`s) needed until nothing failed, at most `maxRuns`. */
  runs: number;
  /** Creates that failed and left nothing in state (created again by the next run). */
  failedCreates: number;
  /** Creates reported as created-but-not-initialised (finished by an update in the next run). */
  initFailedCreates: number;
  /** Updates the next runs sent for those. */
  finishingUpdates: number;
  /** Resources still missing or not initialised after the last run. */
  unfinished: number;
  /** First line of every error, in order. */
  errors: string[];
}

/** Runs `fn` over `items` with at most `parallelism` in flight (the engine's `--parallel`). */
export async function pool<T, R>(
  items: T[],
  parallelism: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelism, items.length) }, worker));
  return out;
}

export async function applyAll(
  host: ProviderHost,
  declared: Props[],
  options: { parallelism: number; maxRuns?: number },
): Promise<ApplyReport> {
  const maxRuns = options.maxRuns ?? 5;
  const slots: Array<Applied | undefined> = declared.map(() => undefined);
  const report: ApplyReport = {
    resources: [],
    runs: 0,
    failedCreates: 0,
    initFailedCreates: 0,
    finishingUpdates: 0,
    unfinished: 0,
    errors: [],
  };
  const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split("\n")[0];
  for (let run = 1; run <= maxRuns; run++) {
    const todo = declared
      .map((d, i) => i)
      .filter((i) => slots[i] === undefined || slots[i]!.initFailed);
    if (todo.length === 0) break;
    report.runs = run;
    await pool(todo, options.parallelism, async (i) => {
      const slot = slots[i];
      if (slot) {
        // Created earlier but not initialised: the engine plans an update with the same inputs.
        report.finishingUpdates++;
        try {
          slot.outs = await host.update(slot.id, slot.outs, slot.inputs);
          slot.initFailed = false;
        } catch (e) {
          report.errors.push(`run ${run} update ${slot.id}: ${firstLine(e)}`);
        }
        return;
      }
      const { inputs, failures } = await host.check({}, declared[i]);
      if (failures.length > 0) {
        throw new Error(`check failed for #${i}: ${JSON.stringify(failures)}`);
      }
      try {
        const { id, outs } = await host.create(inputs);
        slots[i] = { declared: declared[i], inputs, id, outs, initFailed: false };
      } catch (e) {
        const init = (e as { initFailed?: { id: string; properties: Props } }).initFailed;
        if (init) {
          report.initFailedCreates++;
          slots[i] = {
            declared: declared[i],
            inputs,
            id: init.id,
            outs: init.properties,
            initFailed: true,
          };
        } else {
          report.failedCreates++;
        }
        report.errors.push(`run ${run} create #${i}: ${firstLine(e)}`);
      }
    });
  }
  report.resources = slots.filter((s): s is Applied => s !== undefined);
  report.unfinished = slots.filter((s) => s === undefined || s.initFailed).length;
  return report;
}
