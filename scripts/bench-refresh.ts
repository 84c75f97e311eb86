// `npm run bench -- --only refresh`: a refresh of N approved tickets on a sandbox throttled like
// v4.10.16 (180 requests a minute per user), through a fresh provider host running the provider
// as users install it, next to its floor: the same list pages fetched straight over signed axios
// under the same throttle. Also the requests a per-resource refresh would need (2 per ticket: the
// ticket and its permission), and what they cost under that throttle (computed, not run). Figures
// from the sandbox. Asserts nothing.
import * as http from "http";
import axios from "axios";
import { signatureHeader } from "../provider/client/signing";
import { approvedTickets } from "../tests/performance/refreshCost";
import type { InstalledProvider } from "../tests/support/providerHost";
import { table } from "./lib/table";

const THROTTLE = { perMinute: 180, spec: "180/60" };
const ROOT_ORG = "00000000-0000-0000-0000-000000000000";

export async function refreshTimes(
  results: Record<string, unknown>,
  quick: boolean,
  installed: InstalledProvider,
): Promise<void> {
  const n = quick ? 200 : 500;
  const stack = await approvedTickets({ dialect: "selector", errors: "legacy" }, n, installed);
  try {
    const cost = await stack.refresh({ rateLimit: THROTTLE.spec, requestsPerMinute: 170 });
    const admin = stack.sb.seed.users.find((u) => u.username === "admin")!;
    const ax = axios.create({
      baseURL: stack.sb.url,
      httpAgent: new http.Agent({ keepAlive: true }),
      validateStatus: () => true,
    });
    // The floor: every page the refresh asked for, one after another, signed.
    const started = Date.now();
    for (const [route, pages] of Object.entries(cost.routes)) {
      const path = route.replace(/^GET /, "");
      for (let page = 0; page < pages; page++) {
        const query = `limit=200&offset=${page * 200}${path.endsWith("asset-permissions/") ? "&from_ticket=true" : ""}`;
        const url = `${path}?${query}`;
        const date = new Date().toUTCString();
        const res = await ax.get(url, {
          headers: {
            Accept: "application/json",
            Date: date,
            "X-JMS-ORG": ROOT_ORG,
            Authorization: signatureHeader(
              "GET",
              url,
              { accept: "application/json", date },
              admin.accessKey.id,
              admin.accessKey.secret,
            ),
          },
        });
        if (res.status !== 200) throw new Error(`floor: ${url} answered ${res.status}`);
      }
    }
    const floorMs = Date.now() - started;
    const perResource = 2 * n;
    const perResourceSeconds =
      Math.max(0, perResource - THROTTLE.perMinute) / (THROTTLE.perMinute / 60);
    results.refresh = {
      tickets: n,
      throttle: THROTTLE.spec,
      requests: cost.requests,
      routes: cost.routes,
      writes: cost.writes,
      seconds: cost.ms / 1000,
      floorSeconds: floorMs / 1000,
      provider: "serialized from the packed package installed in a scratch project",
      perResourceRequests: perResource,
      perResourceSecondsAtThrottle: perResourceSeconds,
    };
    table(
      `Refresh of ${n} approved tickets, sandbox v4.10.16 throttled at ${THROTTLE.spec} (provider budget 170/min)`,
      ["measure", "requests", "seconds"],
      [
        ["refresh through the provider host (lists)", cost.requests, (cost.ms / 1000).toFixed(2)],
        ["floor: the same pages over signed axios", cost.requests, (floorMs / 1000).toFixed(2)],
        [
          "per-resource refresh (computed: 2 GETs a ticket under the throttle)",
          perResource,
          perResourceSeconds.toFixed(0),
        ],
      ],
    );
  } finally {
    await stack.close();
  }
}
