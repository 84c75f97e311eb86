// What a refresh of N approved tickets costs: requests per route, counted by the sandbox, and wall
// time. The tickets are made on an unthrottled sandbox whose state is kept in a file; the refresh
// runs in a fresh provider host (a fresh process, as `pulumi refresh` starts one) against the same
// state, throttled when asked. Used by tests/performance/refreshCost.test.ts and scripts/bench.ts.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Sandbox, SandboxOptions } from "../../sandbox";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { InstalledProvider, ProviderHost, Props } from "../support/providerHost";
import { sandbox, stackConfig } from "../support/sandbox";
import { pool } from "../reliability/apply";
import { TICKET_TYPE, approvedTicket } from "../reliability/faultScenario";

export interface RefreshCost {
  tickets: number;
  requests: number;
  routes: Record<string, number>;
  /** Methods other than GET among them. */
  writes: number;
  ms: number;
  /** What each read returned, by ticket id. */
  reads: Map<string, Props>;
}

export interface Refreshable {
  sb: Sandbox;
  created: { id: string; outs: Props }[];
  /** Restarts the sandbox on the same state (optionally throttled) and refreshes every ticket. */
  refresh(options?: { rateLimit?: string; requestsPerMinute?: number }): Promise<RefreshCost>;
  close(): Promise<void>;
}

/**
 * `refreshWith` is the provider the refresh host runs: the installed package's (what the bench
 * times), or by default the in-repo one (counts are the same; its 180 KB text slows each call).
 */
export async function approvedTickets(
  mode: SandboxOptions,
  n: number,
  refreshWith: InstalledProvider | typeof assetAccessTicketProvider = assetAccessTicketProvider,
  ticketOf: (i: number, seed: Sandbox["seed"]) => Props = (i) => approvedTicket(`refreshed ${i}`),
): Promise<Refreshable> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jms-refresh-"));
  const state = path.join(dir, "state.json");
  let sb = await sandbox({ ...mode, state });
  const maker = await ProviderHost.start(assetAccessTicketProvider, TICKET_TYPE, stackConfig(sb));
  let created: { id: string; outs: Props }[];
  try {
    created = await pool(
      Array.from({ length: n }, (_, i) => i),
      10,
      async (i) => maker.create((await maker.check({}, ticketOf(i, sb.seed))).inputs),
    );
  } finally {
    await maker.close();
  }
  return {
    get sb() {
      return sb;
    },
    created,
    async refresh(options = {}) {
      await sb.close();
      sb = await sandbox({ ...mode, state, rateLimit: options.rateLimit ?? "off" });
      const config = {
        ...stackConfig(sb),
        "jumpserver:requestsPerMinute": String(options.requestsPerMinute ?? 0),
      };
      const host = await ProviderHost.start(refreshWith, TICKET_TYPE, config);
      try {
        sb.resetStats();
        const started = Date.now();
        const results = await Promise.all(created.map((c) => host.read(c.id, c.outs)));
        const ms = Date.now() - started;
        const s = sb.stats();
        const writes = Object.entries(s.byRoute)
          .filter(([k]) => !k.startsWith("GET "))
          .reduce((a, [, v]) => a + v, 0);
        return {
          tickets: n,
          requests: s.total,
          routes: s.byRoute,
          writes,
          ms,
          reads: new Map(results.map((r) => [r.id, r.props])),
        };
      } finally {
        await host.close();
      }
    },
    async close() {
      await sb.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
