// A refresh costs pages, not resources (issue 15): N approved tickets are read with at most
// ⌈N/200⌉ requests per list (tickets, permissions, and the permissions' users and assets), no
// write, and every read still sees the live grant: a hand edit shows as drift of that ticket only.
import { strict as assert } from "assert";
import { PERMISSIONS } from "../../provider/api/permissions";
import { DEFAULT_ORG } from "../reliability/faultScenario";
import { SERVER_MODES, client } from "../support/sandbox";
import { approvedTickets } from "./refreshCost";

const N = 201; // one past a page
const PAGES = Math.ceil(N / 200);
const LISTS = [
  "GET /api/v1/tickets/apply-asset-tickets/",
  "GET /api/v1/perms/asset-permissions/",
  "GET /api/v1/perms/asset-permissions-users-relations/",
  "GET /api/v1/perms/asset-permissions-assets-relations/",
];

describe("refresh cost: pages, not resources", function () {
  this.timeout(180_000);
  for (const mode of SERVER_MODES) {
    it(`${mode.label}: ${N} approved tickets in ${PAGES} pages per list, drift seen per ticket`, async () => {
      const stack = await approvedTickets(mode.options, N);
      try {
        const clean = await stack.refresh();
        assert.equal(clean.writes, 0, "a refresh writes nothing");
        assert.deepEqual(
          Object.keys(clean.routes).sort(),
          [...LISTS].sort(),
          JSON.stringify(clean.routes),
        );
        for (const route of LISTS) assert.equal(clean.routes[route], PAGES, route);
        for (const [id, props] of clean.reads) {
          assert.equal(props.state, "approved", id);
          assert.deepEqual(props.grant, props.approvedGrant, `no drift on ${id}`);
        }

        // Hand edits between two refreshes: one widened, one deleted.
        const [widened, deleted] = stack.created;
        const admin = client(stack.sb, "admin");
        const web02 = stack.sb.seed.assets.find((a) => a.name === "web-02")!.id;
        const approvedAssets = (widened.outs.approvedGrant as { assets: string[] }).assets;
        await admin.request("PATCH", `${PERMISSIONS}${widened.id}/`, {
          org: DEFAULT_ORG,
          body: { assets: [...approvedAssets, web02] },
        });
        await admin.request("DELETE", `${PERMISSIONS}${deleted.id}/`, { org: DEFAULT_ORG });
        const edited = await stack.refresh();
        assert.equal(edited.writes, 0);
        for (const route of LISTS) assert.ok(edited.routes[route] <= PAGES, route);
        const w = edited.reads.get(widened.id)!;
        assert.deepEqual(
          (w.grant as { assets: string[] }).assets,
          [...approvedAssets, web02].sort(),
        );
        assert.equal(edited.reads.get(deleted.id)!.grant, "deleted");
        const drifted = [...edited.reads].filter(
          ([, p]) => JSON.stringify(p.grant) !== JSON.stringify(p.approvedGrant),
        );
        assert.deepEqual(drifted.map(([id]) => id).sort(), [widened.id, deleted.id].sort());
      } finally {
        await stack.close();
      }
    });
  }
});
