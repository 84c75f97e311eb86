// POST perms/asset-permissions/: access an admin makes by hand, as real v4.10.19 answered it
// (probed 2026-12-07 on the kit's multi-org server): `from_ticket` and `created_by` are
// read-only, `id` is writable, defaults are every action, no accounts, from now for 70 years;
// names are unique per org; the root org can hold none; a plain user is refused.
import { strict as assert } from "node:assert";
import { DEFAULT_ORG, ROOT_ORG, useSandbox } from "./helpers";

const PERMS = "/api/v1/perms/asset-permissions/";
const YEAR = 365 * 86_400_000;

describe("sandbox: asset permissions made by hand", () => {
  const c = useSandbox({ dialect: "selector", errors: "conflict", rateLimit: "off" });
  const post = (body: unknown, org = DEFAULT_ORG, who: "admin" | "requester" = "admin") =>
    c().as(who, "POST", PERMS, { body, org });

  it("keeps a chosen id, ignores from_ticket and created_by, and records the maker's name", async () => {
    const id = "c0ffee00-0000-4000-8000-000000000001";
    const r = await post({
      id,
      name: "Created via work order (forged-c0ff)",
      users: [c().user("requester").id],
      assets: [c().asset("web-02")],
      accounts: ["@ALL"],
      actions: ["connect"],
      from_ticket: true,
      created_by: `ApplyAssetTicket:${id}`,
      date_expired: "2099/01/01 00:00:00 +0800",
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const p = r.json as Record<string, any>;
    assert.equal(p.id, id);
    assert.equal(p.from_ticket, false);
    assert.equal(p.created_by, "Administrator");
    assert.deepEqual(
      p.users.map((u: { name: string }) => u.name),
      ["Requester"],
    );
    assert.equal(p.org_id, DEFAULT_ORG);
    assert.equal(p.date_expired, "2099/01/01 00:00:00 +0800");
    const listed = async (fromTicket: string) =>
      (
        (await c().as("admin", "GET", `${PERMS}?from_ticket=${fromTicket}`, { org: ROOT_ORG }))
          .json as Array<{ id: string }>
      ).map((x) => x.id);
    assert.deepEqual(await listed("false"), [id]);
    assert.ok(!(await listed("true")).includes(id));
  });

  it("defaults: every action, no accounts, from now for 70 years", async () => {
    const r = await post({ name: "minimal" });
    assert.equal(r.status, 201);
    const p = r.json as Record<string, any>;
    assert.equal(p.actions.length, 7);
    assert.deepEqual(p.accounts, []);
    const span =
      Date.parse(p.date_expired.replace(/\//g, "-").replace(" +", "+").replace(" ", "T")) -
      Date.parse(p.date_start.replace(/\//g, "-").replace(" +", "+").replace(" ", "T"));
    assert.ok(Math.abs(span - 25550 * 86_400_000) < 1000 && span > 69 * YEAR, String(span));
  });

  it("refuses a duplicate name, a missing name, the root org and a plain user", async () => {
    await post({ name: "twice" });
    const twice = await post({ name: "twice" });
    assert.deepEqual([twice.status, twice.json], [400, { name: ["Field must be unique"] }]);
    const nameless = await post({});
    assert.deepEqual(
      [nameless.status, nameless.json],
      [400, { name: ["This field is required."] }],
    );
    const root = await post({ name: "in root" }, ROOT_ORG);
    assert.deepEqual(
      [root.status, root.json],
      [400, ["Please select an organization before saving"]],
    );
    const plain = await post({ name: "mine" }, DEFAULT_ORG, "requester");
    assert.equal(plain.status, 403);
  });
});
