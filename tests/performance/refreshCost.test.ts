// A refresh costs pages, not resources (issue 15): N approved tickets are read with at most
// ⌈N/200⌉ requests per list (tickets, permissions, and the permissions' users and assets), no
// write, and every read still sees the live grant: a hand edit shows as drift of that ticket only.
import { strict as assert } from "assert";
import { PERMISSIONS } from "../../provider/api/permissions";
import { DEFAULT_ORG } from "../reliability/faultScenario";
import { SERVER_MODES, client } from "../support/sandbox";
import { approvedTicket } from "../reliability/faultScenario";
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
  it(`multi-org (Enterprise) v4.10.19: ${N} approved tickets in Default and Ops, a few pages per list and org`, async () => {
    // Every other ticket in Ops, for ops-bastion and opsuser (a member of Ops only): the ticket and permission lists are asked once in
    // the root org (full there), the member relation lists once per org (empty in the root org).
    const stack = await approvedTickets(
      { dialect: "selector", errors: "conflict", orgs: "enterprise" },
      N,
      undefined,
      (i, seed) => {
        const ops = seed.orgs.find((o) => o.name === "Ops")!.id;
        const t = approvedTicket(`refreshed ${i}`);
        return i % 2 === 0
          ? t
          : { ...t, orgId: ops, applicant: "opsuser", assets: ["ops-bastion"] };
      },
    );
    try {
      const clean = await stack.refresh();
      assert.equal(clean.writes, 0, "a refresh writes nothing");
      assert.deepEqual(
        Object.keys(clean.routes).sort(),
        [...LISTS].sort(),
        JSON.stringify(clean.routes),
      );
      assert.equal(clean.routes[LISTS[0]], PAGES, "tickets: one list, in the root org");
      assert.equal(clean.routes[LISTS[1]], PAGES, "permissions: one list, in the root org");
      // Each org holds about half the permissions: one page of each relation list per org.
      assert.equal(clean.routes[LISTS[2]], 2, "users relations: one page per org");
      assert.equal(clean.routes[LISTS[3]], 2, "assets relations: one page per org");
      for (const [id, props] of clean.reads) {
        assert.equal(props.state, "approved", id);
        assert.deepEqual(props.grant, props.approvedGrant, `no drift on ${id}`);
      }
    } finally {
      await stack.close();
    }
  });
});
