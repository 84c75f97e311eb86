// Faults (issue #9): with the sandbox injecting reproducible 503s, dropped connections (before and
// after handling) and latency, applying tickets with approval and flows through the provider host
// ends with exactly the declared tickets (none duplicated, none missing), all approved, flows
// exact; a restart of the sandbox from its state file loses nothing; and the full-size apply
// needs a single run (scripts/soak.ts prints the same for any seed).
import { strict as assert } from "assert";
import { DEFAULT_ORG, runFaultScenario } from "./faultScenario";

describe("reliability under injected faults (provider host, sandbox --faults)", function () {
  this.timeout(120_000);

  for (const seed of [7, 11]) {
    it(`12 approved tickets and 2 flows at parallelism 10, faults seed ${seed}: exact, and unchanged after a restart`, async () => {
      const r = await runFaultScenario({
        label: `faults-${seed}`,
        tickets: 12,
        flows: 2,
        parallelism: 10,
        sandbox: {
          dialect: "selector",
          errors: "legacy",
          faults: `error=0.2,drop=0.05,dropAfter=0.05,latency=0-50,seed=${seed}`,
        },
      });
      console.log(
        `      ${r.requests} requests (${JSON.stringify(r.byStatus)}), ${r.tickets.runs} run(s), ` +
          `${r.tickets.failedCreates + r.flows.failedCreates} failed creates re-run, ` +
          `${r.tickets.initFailedCreates} created-not-initialised finished by update, ${r.applyMs} ms`,
      );
      assert.deepEqual(r.problems, []);
      assert.equal(r.ticketsFound, 12);
      assert.equal(r.ticketsFoundAfterRestart, 12);
      // The faults really happened: without them this test would prove nothing.
      assert.ok((r.byStatus["503"] ?? 0) > 0, "some 503s were injected");
      assert.ok((r.byStatus.dropped ?? 0) > 0, "some connections were dropped");
      assert.equal(r.tickets.resources.length, 12);
      assert.ok(r.tickets.resources.every((t) => t.outs.orgId === DEFAULT_ORG));
    });
  }

  it("the full-size apply (100 approved tickets, 4 flows, 20 % 503s, 5 % drops, 5 % lost answers) completes in one up", async () => {
    const r = await runFaultScenario({
      label: "faults-full",
      tickets: 100,
      flows: 4,
      parallelism: 104,
      sandbox: {
        dialect: "selector",
        errors: "conflict",
        faults: "error=0.2,drop=0.05,dropAfter=0.05,latency=0-200,seed=42",
        rateLimit: "off",
      },
    });
    console.log(
      `      ${r.requests} requests (${JSON.stringify(r.byStatus)}), ${r.applyMs} ms: ${[...r.flows.errors, ...r.tickets.errors].slice(0, 3).join("; ") || "no error"}`,
    );
    assert.deepEqual(r.problems, []);
    assert.equal(r.ticketsFound, 100);
    assert.equal(Math.max(r.tickets.runs, r.flows.runs), 1, "one `pulumi up`");
    assert.equal(r.tickets.failedCreates + r.flows.failedCreates, 0);
    assert.equal(r.tickets.initFailedCreates + r.flows.initFailedCreates, 0);
  });
});
