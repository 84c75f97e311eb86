// The one rule for every approve body (provider/model/approvalBody.ts), as a property: whatever a
// JumpServer user made the live ticket ask for, the body the pipeline sends is within what the
// program declared, and within what the ticket still asks (a person's narrowing stays).
import { strict as assert } from "assert";
import fc from "fast-check";
import { ACTIONS } from "../../provider/model/actions";
import { GrantAsk, approvalBody } from "../../provider/model/approvalBody";

const ORG = "00000000-0000-0000-0000-000000000002";
const ASSETS = [1, 2, 3, 4].map((i) => `30000000-0000-0000-0000-00000000000${i}`);
const NODES = ["40000000-0000-0000-0000-000000000001", "40000000-0000-0000-0000-000000000002"];
const ACCOUNTS = ["@ALL", "@SPEC", "root", "readonly"];
const BASE = Date.parse("2030-01-01T00:00:00Z");
const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

const ask = (org: fc.Arbitrary<string>): fc.Arbitrary<GrantAsk> =>
  fc
    .record({
      orgId: org,
      assetIds: fc.subarray(ASSETS),
      nodeIds: fc.subarray(NODES),
      accounts: fc.subarray(ACCOUNTS, { minLength: 1 }),
      actions: fc.oneof(
        fc.constant<string[]>(["all"]),
        fc.subarray<string>([...ACTIONS], { minLength: 1 }),
      ),
      start: fc.integer({ min: -48, max: 48 }),
      hours: fc.integer({ min: 1, max: 24 * 400 }),
    })
    .map(({ start, hours, ...rest }) => ({
      ...rest,
      dateStart: iso(BASE + start * H),
      dateExpired: iso(BASE + (start + hours) * H),
    }));

const bits = (xs: string[]) => (xs.includes("all") ? [...ACTIONS] : xs);
const within = (xs: string[], ys: string[]) => xs.every((x) => ys.includes(x));
/** Accounts within a side: "@ALL" there admits any account. */
const accountsWithin = (xs: string[], ys: string[]) => ys.includes("@ALL") || within(xs, ys);

describe("approvalBody: what the pipeline approves is within what was declared", function () {
  it("never grants an asset, node, account, action or moment the program did not declare, nor one the ticket no longer asks for", () => {
    fc.assert(
      fc.property(ask(fc.constant(ORG)), ask(fc.constantFrom(ORG, ORG, ORG, ASSETS[0])), (d, l) => {
        const r = approvalBody(d, l);
        if ("refused" in r) return;
        const b = r.body;
        assert.equal(b.org_id, d.orgId);
        for (const side of [d, l]) {
          assert.ok(within(b.apply_assets, side.assetIds), "assets");
          assert.ok(within(b.apply_nodes, side.nodeIds), "nodes");
          assert.ok(accountsWithin(b.apply_accounts, side.accounts), "accounts");
          assert.ok(within(bits(b.apply_actions), bits(side.actions)), "actions");
          assert.ok(Date.parse(b.apply_date_start) >= Date.parse(side.dateStart), "start");
          assert.ok(Date.parse(b.apply_date_expired) <= Date.parse(side.dateExpired), "end");
        }
        assert.ok(b.apply_assets.length + b.apply_nodes.length > 0, "something to grant");
        assert.ok(Date.parse(b.apply_date_expired) > Date.parse(b.apply_date_start));
        // What was narrowed away is named.
        if (!within(l.assetIds, d.assetIds)) assert.ok(r.narrowed.includes("assets"));
        if (!within(bits(l.actions), bits(d.actions))) assert.ok(r.narrowed.includes("actions"));
        if (Date.parse(l.dateExpired) > Date.parse(d.dateExpired))
          assert.ok(r.narrowed.includes("dateExpired"));
      }),
      { numRuns: 2000 },
    );
  });

  it("sends the declared grant whole when the ticket asks for exactly it", () => {
    fc.assert(
      fc.property(ask(fc.constant(ORG)), (d) => {
        const r = approvalBody(d, d);
        if (d.assetIds.length + d.nodeIds.length === 0) return assert.ok("refused" in r);
        assert.ok("body" in r);
        assert.deepEqual(r.narrowed, []);
        assert.deepEqual([...r.body.apply_assets].sort(), [...d.assetIds].sort());
        assert.equal(r.body.apply_date_expired, d.dateExpired);
      }),
      { numRuns: 500 },
    );
  });

  it("refuses a ticket moved to another org, or one that shares no asset or node with the declaration", () => {
    const d: GrantAsk = {
      orgId: ORG,
      assetIds: [ASSETS[0]],
      nodeIds: [],
      accounts: ["@ALL"],
      actions: ["connect"],
      dateStart: iso(BASE),
      dateExpired: iso(BASE + 24 * H),
    };
    assert.match(String((approvalBody(d, { ...d, orgId: ASSETS[1] }) as any).refused), /org/);
    assert.match(
      String((approvalBody(d, { ...d, assetIds: [ASSETS[1]] }) as any).refused),
      /none of the declared assets/,
    );
    assert.match(
      String((approvalBody(d, { ...d, actions: ["upload"] }) as any).refused),
      /actions/,
    );
  });
});
