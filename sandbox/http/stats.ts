// Per-route request counter and hazard log, readable by tests (handle) and scripts (/_sandbox/stats).
import type { Hazard, SandboxStats } from "../types";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export const routeKey = (method: string, path: string): string =>
  `${method} ${path.replace(UUID, "{id}")}`;

export class Stats {
  private total = 0;
  private byRoute: Record<string, number> = {};
  private byStatus: Record<string, number> = {};
  private hazards: Hazard[] = [];

  count(method: string, path: string): void {
    this.total++;
    const key = routeKey(method, path);
    this.byRoute[key] = (this.byRoute[key] ?? 0) + 1;
  }

  /** How a counted request ended: its status code, or "dropped" when no answer was sent. */
  outcome(status: number | "dropped"): void {
    const key = String(status);
    this.byStatus[key] = (this.byStatus[key] ?? 0) + 1;
  }

  hazard(h: Hazard): void {
    this.hazards.push(h);
  }

  snapshot(): SandboxStats {
    return {
      total: this.total,
      byRoute: { ...this.byRoute },
      byStatus: { ...this.byStatus },
      hazards: this.hazards.map((h) => ({ ...h })),
    };
  }

  reset(): void {
    this.total = 0;
    this.byRoute = {};
    this.byStatus = {};
    this.hazards = [];
  }
}
