// Faults (issue #9): with the sandbox injecting reproducible 503s, dropped connections (before and
// after handling) and latency, applying tickets with approval and flows through the provider host
// ends with exactly the declared tickets (none duplicated, none missing), all approved, flows
// exact; a restart of the sandbox from its state file loses nothing. Full size: scripts/soak.ts.
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
});
