// Rate limits (issue #9): JumpServer throttles each user (v4.10.16: 180 requests per minute) and
// answers 429 with Retry-After. A burst of ticket creates against a short sandbox window must
// finish with zero failures, the 429s waited out; a 429 on the (never resent) open is retried
// because the throttle answers before the view runs, after the Retry-After it names. Full size
// with the real 180/60 s window: scripts/soak.ts.
import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ProviderHost, Props } from "../support/providerHost";
import { client, sandbox, stackConfig } from "../support/sandbox";
import { applyAll } from "./apply";
import { TICKET_TYPE, approvedTicket } from "./faultScenario";

const OPEN = "/api/v1/tickets/apply-asset-tickets/open/";

describe("reliability under JumpServer's per-user throttle (429 + Retry-After)", function () {
  this.timeout(90_000);
  let sb: Sandbox;
  let host: ProviderHost;

  before(async () => {
    sb = await sandbox({ dialect: "selector", errors: "legacy", rateLimit: "30/3" });
    // The client's default budget (170 per minute) does not pace a burst of 50: the server's
    // 3-second window throttles it, which is what this test needs.
    host = await ProviderHost.start(
      assetAccessTicketProvider,
      TICKET_TYPE,
      stackConfig(sb, "admin", "accessKey", { "jumpserver:requestsPerMinute": "170" }),
    );
  });
  after(async () => {
    await host?.close();
    await sb?.close();
  });

  const ticket = (i: number): Props => approvedTicket(`throttled ${i}`);

  it("a burst of 25 approved tickets at parallelism 10 finishes with zero failures while the server answered 429s", async () => {
    sb.resetStats();
    const report = await applyAll(
      host,
      Array.from({ length: 25 }, (_, i) => ticket(i)),
      { parallelism: 10, maxRuns: 1 },
    );
    const s = sb.stats();
    assert.deepEqual(report.errors, []);
    assert.equal(report.unfinished, 0);
    assert.ok((s.byStatus["429"] ?? 0) > 0, `the server throttled: ${JSON.stringify(s.byStatus)}`);
    assert.ok(
      report.resources.every((r) => r.outs.state === "approved"),
      "every ticket approved",
    );
    // Exactly one open per ticket reached the view: 429s answered before it, and were resent.
    const live = await client(sb, "admin").list<Record<string, any>>("/api/v1/tickets/tickets/", {
      query: { type: "apply_asset" },
      org: null,
    });
    assert.equal(live.filter((t) => String(t.title).startsWith("throttled ")).length, 25);
  });

  it("waits the Retry-After a 429 names before resending, even for an open (never resent otherwise)", async () => {
    await new Promise((r) => setTimeout(r, 3_100)); // let the sandbox's window empty
    sb.injectFault({ method: "POST", path: OPEN, kind: "error", status: 429, retryAfter: 2 });
    sb.resetStats();
    const { inputs } = await host.check({}, ticket(100));
    const started = Date.now();
    const { outs } = await host.create(inputs);
    const elapsed = Date.now() - started;
    assert.equal(sb.stats().byRoute[`POST ${OPEN}`], 2, "the throttled open was sent again");
    assert.equal(sb.stats().byStatus["429"], 1);
    assert.ok(elapsed >= 1_900, `resent after ${elapsed} ms, Retry-After was 2 s`);
    assert.equal(outs.state, "approved");
  });
});
