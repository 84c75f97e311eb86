// The apply-asset ticket list serializes `apply_assets`/`apply_nodes` in the request's org: a
// ticket of another org comes back with both empty unless the list is asked in the root org; a
// single ticket read is always full (kit README, "Multi-org mode"; the wiped grant of #18).
import { strict as assert } from "node:assert";
import { DEFAULT_ORG, OPS_ORG, ROOT_ORG, useSandbox } from "./helpers";

type Row = {
  id: string;
  org_id: string;
  apply_assets: Array<{ id: string }>;
  apply_nodes: unknown[];
};
const TYPED = "/api/v1/tickets/apply-asset-tickets/";
const GENERIC = "/api/v1/tickets/tickets/";

const MODES = [
  { dialect: "strategy" as const },
  { dialect: "selector" as const, errors: "legacy" as const },
  { dialect: "selector" as const, errors: "conflict" as const },
];

for (const mode of MODES) {
  describe(`sandbox ticket lists per org — ${mode.dialect}/${mode.errors ?? "legacy"}`, () => {
    const c = useSandbox({ ...mode, rateLimit: "off" });
    let ops: Row;
    let dflt: Row;

    before(async () => {
      ops = (await c().open("admin", {
        title: "ops ticket",
        org_id: OPS_ORG,
        apply_assets: [c().asset("ops-bastion")],
      })) as unknown as Row;
      dflt = (await c().open("admin", { title: "default ticket" })) as unknown as Row;
      assert.equal(ops.org_id, OPS_ORG);
      assert.deepEqual(
        ops.apply_assets.map((a) => a.id),
        [c().asset("ops-bastion")],
        "the open answer is full",
      );
    });

    const list = async (org: string | undefined) => {
      const r = await c().as("admin", "GET", `${TYPED}?limit=50&offset=0`, { org });
      assert.equal(r.status, 200, r.text);
      const rows = (r.json as { results: Row[] }).results;
      const by = (id: string) => rows.find((x) => x.id === id)!;
      return { ops: by(ops.id), dflt: by(dflt.id) };
    };

    it("without a header or with Default's: the Ops ticket has no assets and no nodes", async () => {
      for (const org of [undefined, DEFAULT_ORG]) {
        const rows = await list(org);
        assert.deepEqual(rows.ops.apply_assets, [], String(org));
        assert.deepEqual(rows.ops.apply_nodes, [], String(org));
        assert.deepEqual(
          rows.dflt.apply_assets.map((a) => a.id),
          [c().asset("web-01")],
        );
      }
    });

    it("with Ops's header, a community edition answers as Default: still empty", async () => {
      const rows = await list(OPS_ORG);
      assert.deepEqual(rows.ops.apply_assets, []);
      assert.equal(rows.dflt.apply_assets.length, 1);
    });

    it("with the root org's header, every ticket is full", async () => {
      const rows = await list(ROOT_ORG);
      assert.deepEqual(
        rows.ops.apply_assets.map((a) => a.id),
        [c().asset("ops-bastion")],
      );
      assert.equal(rows.dflt.apply_assets.length, 1);
    });

    it("a single ticket read is full whatever the header", async () => {
      for (const org of [undefined, DEFAULT_ORG, OPS_ORG, ROOT_ORG]) {
        const r = await c().as("admin", "GET", `${TYPED}${ops.id}/`, { org });
        assert.deepEqual(
          (r.json as Row).apply_assets.map((a) => a.id),
          [c().asset("ops-bastion")],
          String(org),
        );
      }
    });

    it("the generic list still lists the Ops ticket (its snapshot names the asset)", async () => {
      const r = await c().as("admin", "GET", `${GENERIC}?limit=50&offset=0`);
      const row = (r.json as { results: Array<Record<string, any>> }).results.find(
        (x) => x.id === ops.id,
      )!;
      assert.ok(row, "listed");
      assert.equal(row.rel_snapshot.apply_assets.length, 1);
    });
  });
}
