// Requests per operation (issue #9), counted by the sandbox: check and diff 0; flow create at most
// 3 plus one lookup per distinct user name (list, PATCH, the list that proves the flow governs the
// org), update 2 (PATCH and that list), read and delete 1; ticket open+approve on a
// one-level flow 2 plus one lookup per distinct name (the identity's profile is fetched once per
// provider process: the first ticket pays one more, measured separately); ticket read 4 (the lists
// a refresh of any size pays once: tests/performance/refreshCost.test.ts), delete 1.
import { strict as assert } from "assert";
import { measureRequestCounts } from "./requestCounts";

const modes = [
  { label: "v3.10.23", options: { dialect: "strategy" as const } },
  { label: "v4.10.16", options: { dialect: "selector" as const, errors: "legacy" as const } },
  { label: "v4.10.19", options: { dialect: "selector" as const, errors: "conflict" as const } },
];

describe("requests per operation, counted by the sandbox", function () {
  this.timeout(60_000);
  for (const mode of modes) {
    it(`${mode.label}: every operation within its budget, check and diff at zero`, async () => {
      const { rows } = await measureRequestCounts(mode.options);
      assert.equal(rows.length, 17);
      for (const r of rows) {
        const where = `${r.operation}: ${r.requests} requests ${JSON.stringify(r.routes)}`;
        if (r.exact) assert.equal(r.requests, r.allowed, where);
        else assert.ok(r.requests <= r.allowed, where);
      }
      const create = rows.find((r) => r.operation.startsWith("TicketFlow create"))!;
      assert.equal(create.lookups, 2, "one lookup per distinct user name");
      const fresh = rows.find((r) => r.operation.includes("3 new names"))!;
      assert.equal(fresh.lookups, 3, "one lookup per distinct name");
    });
  }
});
