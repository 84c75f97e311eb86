// Ticket lists over real HTTP (bare arrays and envelopes, filters, search, order, the v4 cap) and
// the user, asset and node lookups with their suggestions.
import { strict as assert } from "node:assert";
import { Client, OPS_ORG, useSandbox } from "./helpers";

type T = Record<string, unknown> & { id: string };
const typed = (id: string, action = "") =>
  `/api/v1/tickets/apply-asset-tickets/${id}/${action ? action + "/" : ""}`;

describe("sandbox tickets: lists and lookups", () => {
  const c = useSandbox({ dialect: "selector", errors: "legacy", rateLimit: "off" });
  let mine: T[] = [];

  before(async () => {
    mine = [];
    for (let i = 0; i < 3; i++)
      mine.push((await c().open("requester", { title: `list-${i}` })) as T);
    await c().open("approver", { title: "someone else" });
    await c().as("requester", "PUT", typed(mine[0].id, "close"));
  });

  it("returns a bare array without limit and an envelope with limit/offset, newest first", async () => {
    const bare = (await c().as("requester", "GET", "/api/v1/tickets/tickets/")).json as T[];
    assert.deepEqual(
      bare.map((t) => t.title),
      ["list-2", "list-1", "list-0"],
    );
    const page = (await c().as("requester", "GET", "/api/v1/tickets/tickets/?limit=2&offset=0"))
      .json as {
      count: number;
      next: string;
      previous: null;
      results: T[];
    };
    assert.equal(page.count, 3);
    assert.equal(page.next, `${c().sb.url}/api/v1/tickets/tickets/?limit=2&offset=2`);
    assert.equal(page.previous, null);
    assert.deepEqual(
      page.results.map((t) => t.title),
      ["list-2", "list-1"],
    );
    const second = (await c().as("requester", "GET", "/api/v1/tickets/tickets/?limit=2&offset=2"))
      .json as { previous: string };
    assert.equal(second.previous, `${c().sb.url}/api/v1/tickets/tickets/?limit=2`);
  });

  it("filters by state, status, type, applicant, assignees__id, org_id, title; searches; orders", async () => {
    const q = async (who: "requester" | "admin", qs: string) =>
      ((await c().as(who, "GET", `/api/v1/tickets/tickets/?${qs}`)).json as T[]).map(
        (t) => t.title,
      );
    assert.deepEqual(await q("requester", "state=pending"), ["list-2", "list-1"]);
    assert.deepEqual(await q("requester", "status=closed"), ["list-0"]);
    assert.deepEqual(await q("requester", "state=all&type=apply_asset&title=list-1"), ["list-1"]);
    assert.deepEqual(await q("admin", `applicant=${c().user("approver").id}`), ["someone else"]);
    assert.deepEqual(await q("admin", `assignees__id=${c().user("admin").id}&state=pending`), [
      "someone else",
      "list-2",
      "list-1",
    ]);
    assert.deepEqual(await q("requester", `org_id=${OPS_ORG}`), []);
    assert.deepEqual(await q("requester", "search=LIST-2"), ["list-2"]);
    assert.deepEqual(await q("requester", "order=title"), ["list-0", "list-1", "list-2"]);
    const bad = await c().as("requester", "GET", "/api/v1/tickets/tickets/?type=nope");
    assert.equal(bad.status, 400);
  });

  it("caps unpaged lists at 200 rows on v4 (the envelope still counts all)", async () => {
    for (let i = 0; i < 201; i++) await c().open("approver", { title: `bulk-${i}` });
    const bare = (await c().as("approver", "GET", "/api/v1/tickets/tickets/")).json as T[];
    assert.equal(bare.length, 200);
    const page = (await c().as("approver", "GET", "/api/v1/tickets/tickets/?limit=5000")).json as {
      count: number;
      results: T[];
    };
    assert.equal(page.count, 202);
    assert.equal(page.results.length, 202);
  });

  it("looks up users, assets and nodes with exact filters and search; suggestions stop at 10", async () => {
    const u = (await c().as("admin", "GET", "/api/v1/users/users/?username=approver"))
      .json as Array<{ id: string }>;
    assert.deepEqual(
      u.map((x) => x.id),
      [c().user("approver").id],
    );
    const s = (await c().as("admin", "GET", "/api/v1/users/users/?search=appro&limit=5&offset=0"))
      .json as { count: number };
    assert.equal(s.count, 1);
    const a = (await c().as("admin", "GET", "/api/v1/assets/assets/?name=web-01")).json as Array<{
      id: string;
      nodes_display: string[];
    }>;
    assert.deepEqual(
      a.map((x) => x.id),
      [c().asset("web-01")],
    );
    assert.deepEqual(a[0].nodes_display, ["/DEFAULT/probe-servers"]);
    const n = (await c().as("admin", "GET", "/api/v1/assets/nodes/?value=probe-servers"))
      .json as Array<{ full_value: string }>;
    assert.deepEqual(
      n.map((x) => x.full_value),
      ["/DEFAULT/probe-servers"],
    );
    const id = (await c().as("admin", "GET", `/api/v1/assets/assets/?id=${c().asset("db-01")}`))
      .json as Array<{ name: string }>;
    assert.deepEqual(
      id.map((x) => x.name),
      ["db-01"],
    );
    const me = (await c().as("approver", "GET", "/api/v1/users/profile/")).json as { id: string };
    assert.equal(me.id, c().user("approver").id);
    const sug = (
      await c().as("requester", "GET", "/api/v1/tickets/apply-assets/suggestions/?search=web")
    ).json as Array<{ name: string }>;
    assert.deepEqual(
      sug.map((x) => x.name),
      ["web-01", "web-02"],
    );
    assert.equal((await c().as("requester", "GET", "/api/v1/assets/assets/")).status, 403);
  });
});

export type { Client };
