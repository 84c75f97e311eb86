// `orgs: "enterprise"`: every route scoped by X-JMS-ORG as JumpServer Enterprise (the kit's
// multi-org mode) answers, row by row of the kit README's "Multi-org mode" table.
import { strict as assert } from "node:assert";
import { call } from "./http";
import { DEFAULT_ORG, OPS_ORG, ROOT_ORG, useSandbox } from "./helpers";

type Row = { id: string; org_id: string; apply_assets: Array<{ id: string }>; name?: string };
const TYPED = "/api/v1/tickets/apply-asset-tickets/";
const UNKNOWN_ORG = "00000000-0000-0000-0000-00000000dead";

describe("sandbox --orgs enterprise", () => {
  const c = useSandbox({
    dialect: "selector",
    errors: "conflict",
    orgs: "enterprise",
    rateLimit: "off",
  });
  const get = async (path: string, org?: string) => {
    const r = await c().as("admin", "GET", path, { org });
    return { status: r.status, json: r.json as any };
  };

  it("seeds opsuser, a member of Ops only, and says which mode it is", async () => {
    assert.equal(c().sb.seed.orgsMode, "enterprise");
    const ops = c().sb.seed.users.find((u) => u.username === "opsuser");
    assert.ok(ops);
    const me = await call(c().sb.url, "GET", "/api/v1/users/profile/", {
      auth: { accessKey: ops.accessKey },
    });
    assert.equal((me.json as { username: string }).username, "opsuser");
  });

  it("assets and nodes: only the header's org", async () => {
    const names = async (org: string) =>
      ((await get("/api/v1/assets/assets/", org)).json as Row[]).map((a) => a.name).sort();
    assert.deepEqual(await names(OPS_ORG), ["ops-bastion"]);
    assert.deepEqual(await names(DEFAULT_ORG), ["db-01", "web-01", "web-02"]);
    assert.equal((await names(ROOT_ORG)).length, 4);
    const nodes = (await get("/api/v1/assets/nodes/", OPS_ORG)).json as Array<{ value: string }>;
    assert.deepEqual(
      nodes.map((n) => n.value),
      ["Ops"],
    );
  });

  it("users: one only in Ops is missing without the Ops or root header", async () => {
    const q = "/api/v1/users/users/?username=opsuser";
    assert.deepEqual((await get(q)).json, []);
    assert.deepEqual((await get(q, DEFAULT_ORG)).json, []);
    assert.equal((await get(q, OPS_ORG)).json.length, 1);
    assert.equal((await get(q, ROOT_ORG)).json.length, 1);
    const id = c().sb.seed.users.find((u) => u.username === "opsuser")!.id;
    assert.equal((await get(`/api/v1/users/users/${id}/`, DEFAULT_ORG)).status, 404);
    assert.equal((await get(`/api/v1/users/users/${id}/`, OPS_ORG)).status, 200);
  });

  it("an unknown org id means Default, silently", async () => {
    const r = (await get("/api/v1/assets/assets/", UNKNOWN_ORG)).json as Row[];
    assert.deepEqual(r.map((a) => a.name).sort(), ["db-01", "web-01", "web-02"]);
  });

  it("tickets, permissions and relations per org", async () => {
    const ops = (await c().open("admin", {
      title: "ops",
      org_id: OPS_ORG,
      apply_assets: [c().asset("ops-bastion")],
    })) as unknown as Row;
    const dflt = (await c().open("admin", { title: "default" })) as unknown as Row;
    for (const t of [ops, dflt]) {
      const live = (await get(`${TYPED}${t.id}/`)).json;
      const r = await c().as("admin", "PATCH", `${TYPED}${t.id}/approve/`, {
        org: undefined,
        body: c().grantOf(live),
      });
      assert.equal(r.status, 200, r.text);
    }
    // The ticket list: Ops's full and Default's empty with the Ops header; root: all full.
    const list = async (org?: string) => {
      const rows = (await get(`${TYPED}?limit=50&offset=0`, org)).json.results as Row[];
      return (t: Row) => rows.find((x) => x.id === t.id)!.apply_assets.length;
    };
    const inOps = await list(OPS_ORG);
    assert.equal(inOps(ops), 1);
    assert.equal(inOps(dflt), 0);
    const none = await list();
    assert.equal(none(ops), 0);
    assert.equal(none(dflt), 1);
    const root = await list(ROOT_ORG);
    assert.equal(root(ops) + root(dflt), 2);
    // Permissions: the from-ticket list per org; detail 404 outside its org and root.
    const perms = async (org?: string) =>
      ((await get("/api/v1/perms/asset-permissions/?from_ticket=true", org)).json as Row[]).map(
        (p) => p.id,
      );
    assert.deepEqual(await perms(OPS_ORG), [ops.id]);
    assert.deepEqual(await perms(), [dflt.id]);
    assert.equal((await perms(ROOT_ORG)).length, 2);
    assert.equal(
      (await get(`/api/v1/perms/asset-permissions/${ops.id}/`, DEFAULT_ORG)).status,
      404,
    );
    assert.equal((await get(`/api/v1/perms/asset-permissions/${ops.id}/`, OPS_ORG)).status, 200);
    assert.equal((await get(`/api/v1/perms/asset-permissions/${ops.id}/`, ROOT_ORG)).status, 200);
    // Relation lists: the org's own rows; none from the root org.
    const rel = "/api/v1/perms/asset-permissions-assets-relations/";
    assert.equal((await get(rel, OPS_ORG)).json.length, 1);
    assert.deepEqual((await get(rel, ROOT_ORG)).json, []);
  });

  it("a PATCH of the global flow with the Ops header stores Ops's own copy", async () => {
    const global = (
      (await get("/api/v1/tickets/flows/?type=apply_asset", OPS_ORG)).json as Row[]
    )[0];
    assert.equal(global.org_id, ROOT_ORG);
    const rules = [{ level: 1, users: { type: "ids", ids: [c().user("admin").id] } }];
    const r = await c().as("admin", "PATCH", `/api/v1/tickets/flows/${global.id}/`, {
      org: OPS_ORG,
      body: { type: "apply_asset", approval_level: 1, rules },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal((r.json as Row).org_id, OPS_ORG);
    const dflt = (
      (await get("/api/v1/tickets/flows/?type=apply_asset", DEFAULT_ORG)).json as Row[]
    )[0];
    assert.equal(dflt.id, global.id, "Default still inherits the global flow");
  });
});
