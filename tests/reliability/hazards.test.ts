// The "no hazardous request" guard (tests/support/hazards.ts) must be able to fail: fed real
// hazards from a sandbox (through a registry of its own, so the suite's guard stays clean), it
// names the test and the hazard; fed none, it passes.
import { strict as assert } from "assert";
import { startSandbox } from "../../sandbox";
import { HazardRegistry } from "../support/hazards";
import { call } from "../sandbox/http";

describe("the no-hazard guard of the client and provider suites", () => {
  it("reports each hazard with the test that sent it, including hazards cleared by resetStats", async () => {
    const sb = await startSandbox({ rateLimit: "off" });
    const registry = new HazardRegistry();
    registry.watch(sb, "probe");
    try {
      const admin = sb.seed.users.find((u) => u.username === "admin")!;
      registry.current = "suite A sends a non-UUID id";
      await call(sb.url, "GET", "/api/v1/tickets/tickets/not-a-uuid/", {
        auth: { accessKey: admin.accessKey },
      });
      // What tests/support/sandbox.ts does around resetStats: collect, reset, start again.
      registry.collect(sb);
      sb.resetStats();
      registry.resetSeen(sb);
      registry.current = "suite B signs without date";
      await call(sb.url, "GET", "/api/v1/users/profile/", {
        auth: { accessKey: admin.accessKey, signHeaders: ["(request-target)", "accept"] },
      });
      registry.collect(); // the root afterEach hook collects before the next test starts
      registry.current = "suite C is clean";
      registry.collect(); // collecting twice records nothing twice
      const report = registry.report();
      assert.ok(report, "the guard fails");
      assert.match(report!, /^2 hazardous request/);
      assert.match(
        report!,
        /suite A sends a non-UUID id: non-uuid-id \(GET \/api\/v1\/tickets\/tickets\/not-a-uuid\/\) on sandbox probe/,
      );
      assert.match(report!, /suite B signs without date: signature-without-date/);
      assert.doesNotMatch(report!, /suite C/);
    } finally {
      await sb.close();
    }
  });

  it("passes when no watched sandbox saw a hazard", () => {
    const registry = new HazardRegistry();
    registry.watch({ stats: () => ({ hazards: [] }) }, "fake");
    registry.collect();
    assert.equal(registry.report(), undefined);
  });
});
