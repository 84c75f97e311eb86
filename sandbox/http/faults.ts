// Fault injection: reproducible random faults from a seeded PRNG (--faults) and one-shot faults
// queued by tests (injectFault). "drop" fails before handling; "dropAfter" handles, then drops.
import type { FaultSpec, OneShotFault } from "../types";

export type FaultDecision =
  | { kind: "none"; delayMs: number }
  | { kind: "error"; status: number; retryAfter?: number; body?: unknown; delayMs: number }
  | { kind: "drop"; delayMs: number }
  | { kind: "dropAfter"; delayMs: number };

/** Parse "error=0.2,drop=0.05,dropAfter=0.05,latency=0-200,seed=42,status=503". */
export function parseFaultSpec(spec: string | FaultSpec | undefined): FaultSpec | null {
  if (spec === undefined || spec === "" || spec === "off") return null;
  if (typeof spec !== "string") return spec;
  const out: FaultSpec = {};
  for (const part of spec
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, value] = part.split("=", 2).map((x) => x.trim());
    const num = (what: string) => {
      const n = Number(value);
      if (value === undefined || value === "" || !Number.isFinite(n))
        throw new Error(`faults: "${key}" needs a number (${what}), got "${value ?? ""}"`);
      return n;
    };
    const prob = () => {
      const n = num("a probability 0..1");
      if (n < 0 || n > 1) throw new Error(`faults: "${key}" must be between 0 and 1, got ${n}`);
      return n;
    };
    switch (key) {
      case "error":
        out.error = prob();
        break;
      case "drop":
        out.drop = prob();
        break;
      case "dropAfter":
        out.dropAfter = prob();
        break;
      case "seed":
        out.seed = num("an integer");
        break;
      case "status":
        out.status = num("an HTTP status");
        break;
      case "latency": {
        const m = /^(\d+)(?:-(\d+))?$/.exec(value ?? "");
        if (!m)
          throw new Error(`faults: "latency" must be MS or MIN-MAX in ms, got "${value ?? ""}"`);
        out.latencyMs = [Number(m[1]), Number(m[2] ?? m[1])];
        break;
      }
      default:
        throw new Error(
          `faults: unknown key "${key}" (known: error, drop, dropAfter, latency, seed, status)`,
        );
    }
  }
  return out;
}

/** mulberry32: tiny, fast, and the same sequence for the same seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  private readonly random: () => number;
  private readonly queue: Array<OneShotFault & { left: number }> = [];

  constructor(private readonly spec: FaultSpec | null) {
    this.random = prng(spec?.seed ?? 1);
  }

  inject(f: OneShotFault): void {
    if (!f || (typeof f.path !== "string" && !(f.path instanceof RegExp)))
      throw new Error("injectFault: `path` must be a string or RegExp");
    if (!["error", "drop", "dropAfter", "delay"].includes(f.kind))
      throw new Error(`injectFault: unknown kind "${String(f.kind)}"`);
    this.queue.push({ ...f, left: f.times ?? 1 });
  }

  decide(method: string, path: string, pathAndQuery: string): FaultDecision {
    const i = this.queue.findIndex(
      (f) =>
        (!f.method || f.method.toUpperCase() === method) &&
        (typeof f.path === "string" ? f.path === path : f.path.test(pathAndQuery)),
    );
    if (i >= 0) {
      const f = this.queue[i];
      if (--f.left <= 0) this.queue.splice(i, 1);
      if (f.kind === "delay") return { kind: "none", delayMs: f.delayMs ?? 0 };
      if (f.kind === "error")
        return {
          kind: "error",
          status: f.status ?? 503,
          retryAfter: f.retryAfter,
          body: f.body,
          delayMs: 0,
        };
      return { kind: f.kind, delayMs: 0 };
    }
    const s = this.spec;
    if (!s) return { kind: "none", delayMs: 0 };
    // Always draw the same number of values per request so one request's outcome never shifts
    // the next one's.
    const [rLatency, rError, rDrop, rAfter] = [
      this.random(),
      this.random(),
      this.random(),
      this.random(),
    ];
    const delayMs = s.latencyMs
      ? Math.round(s.latencyMs[0] + rLatency * (s.latencyMs[1] - s.latencyMs[0]))
      : 0;
    if (rError < (s.error ?? 0)) return { kind: "error", status: s.status ?? 503, delayMs };
    if (rDrop < (s.drop ?? 0)) return { kind: "drop", delayMs };
    if (rAfter < (s.dropAfter ?? 0)) return { kind: "dropAfter", delayMs };
    return { kind: "none", delayMs };
  }
}
