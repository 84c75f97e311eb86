// Inputs not known until `up` (another resource's output, at preview) arrive as Pulumi's
// placeholder, as a whole input or at any depth. `check` validates what is known and passes the
// rest through; `diff` plans a replacement when a replacing input is unknown, an update otherwise.
import { strict as assert } from "assert";
import fc from "fast-check";
import * as tickets from "../../provider/lifecycle/assetAccessTicket";
import * as flows from "../../provider/lifecycle/ticketFlow";
import { UNKNOWN } from "../../provider/model/unknown";
import { daysFromNow } from "../support/clock";

const DEFAULT = "00000000-0000-0000-0000-000000000002";
const baseTicket = () => ({
  title: "computed",
  orgId: DEFAULT,
  applicant: "requester",
  assets: ["web-01", "db-01"],
  nodes: ["probe-servers"],
  accounts: ["@SPEC", "root"],
  actions: ["connect", "upload"],
  dateStart: daysFromNow(30),
  dateExpired: daysFromNow(37),
  comment: "why",
  flow: "ops",
  approve: true,
  revokeOnDelete: true,
});
const baseFlow = () => ({
  orgId: DEFAULT,
  rules: [
    { strategy: "custom_user", assignees: ["approver", "admin"] },
    { users: { type: "ids", ids: ["approver", "requester"] } },
    {
      users: {
        type: "attrs",
        attrs: [{ name: "system_roles", match: "m2m", value: ["x"] }],
      },
    },
  ],
  ccUsers: ["admin"],
  restoreOnDelete: true,
});

/** Every path into a value (object keys and list indexes), the root excluded. */
function paths(v: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(v)) return v.flatMap((x, i) => [[...prefix, i], ...paths(x, [...prefix, i])]);
  if (v && typeof v === "object")
    return Object.entries(v).flatMap(([k, x]) => [[...prefix, k], ...paths(x, [...prefix, k])]);
  return [];
}

function withUnknownAt<T>(value: T, path: Array<string | number>): T {
  const copy = JSON.parse(JSON.stringify(value));
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key];
  at[path[path.length - 1]] = UNKNOWN;
  return copy;
}

describe("inputs unknown at preview", () => {
  it("AssetAccessTicket check: an unknown at any depth passes, and comes back as given", async () => {
    for (const path of paths(baseTicket())) {
      const news = withUnknownAt(baseTicket(), path);
      const { inputs, failures } = await tickets.check({}, news);
      assert.deepEqual(failures ?? [], [], `unknown at ${path.join(".")}`);
      let got: unknown = inputs;
      for (const key of path) got = (got as Record<string | number, unknown>)[key];
      assert.equal(got, UNKNOWN, `kept at ${path.join(".")}`);
    }
  });

  it("TicketFlow check: a whole list, one rule, one field of a rule may be unknown", async () => {
    for (const path of paths(baseFlow())) {
      const news = withUnknownAt(baseFlow(), path);
      const { inputs, failures } = await flows.check({}, news);
      assert.deepEqual(failures ?? [], [], `unknown at ${path.join(".")}`);
      let got: unknown = inputs;
      for (const key of path) got = (got as Record<string | number, unknown>)[key];
      assert.equal(got, UNKNOWN, `kept at ${path.join(".")}`);
    }
  });

  it("still refuses what is known to be wrong beside an unknown", async () => {
    const t = await tickets.check(
      {},
      { ...baseTicket(), dateStart: UNKNOWN, assets: [UNKNOWN, ""], actions: [UNKNOWN, "conect"] },
    );
    assert.deepEqual(
      t.failures?.map((f) => f.property),
      ["assets[1]", "actions"],
    );
    const f = await flows.check(
      {},
      { orgId: UNKNOWN, rules: [UNKNOWN, { strategy: "boss" }], restoreOnDelete: "yes" },
    );
    assert.deepEqual(
      f.failures?.map((x) => x.property),
      ["rules[1].strategy", "restoreOnDelete"],
    );
  });

  it("never lets a random unknown crash check, for thousands of placements", async () => {
    const ticketPaths = paths(baseTicket());
    const flowPaths = paths(baseFlow());
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(ticketPaths, { minLength: 1 }),
        fc.subarray(flowPaths, { minLength: 1 }),
        async (tp, fp) => {
          let t: unknown = baseTicket();
          for (const p of tp) t = safeUnknownAt(t, p);
          let f: unknown = baseFlow();
          for (const p of fp) f = safeUnknownAt(f, p);
          const tr = await tickets.check({}, t as Record<string, unknown>);
          const fr = await flows.check({}, f as Record<string, unknown>);
          return (tr.failures ?? []).length === 0 && (fr.failures ?? []).length === 0;
        },
      ),
      { numRuns: 500 },
    );
  });

  it("diff: an unknown replacing input plans a replacement; any other unknown an update", async () => {
    const { inputs } = await tickets.check({}, baseTicket());
    const olds = { ...(inputs as Record<string, unknown>), resolvedIds: {}, pendingAction: "" };
    for (const key of ["title", "assets", "dateExpired", "applicant", "flow"]) {
      const news = { ...(inputs as Record<string, unknown>), [key]: UNKNOWN };
      const d = await tickets.diff("id", olds as never, news as never);
      assert.equal(d.changes, true, key);
      assert.deepEqual(d.replaces, [key]);
    }
    const partly = { ...(inputs as Record<string, unknown>), assets: ["web-01", UNKNOWN] };
    assert.deepEqual((await tickets.diff("id", olds as never, partly as never)).replaces, [
      "assets",
    ]);
    const approve = await tickets.diff(
      "id",
      olds as never,
      {
        ...(inputs as Record<string, unknown>),
        approve: UNKNOWN,
      } as never,
    );
    assert.deepEqual([approve.changes, approve.replaces], [true, []]);

    const flowIn = (await flows.check({}, baseFlow())).inputs as Record<string, unknown>;
    const flowOld = { ...flowIn, userIds: { approver: "a", admin: "b" } };
    const rules = await flows.diff(
      "id",
      flowOld as never,
      {
        ...flowIn,
        rules: [UNKNOWN],
      } as never,
    );
    assert.deepEqual([rules.changes, rules.replaces], [true, []]);
    const org = await flows.diff("id", flowOld as never, { ...flowIn, orgId: UNKNOWN } as never);
    assert.deepEqual([org.changes, org.replaces], [true, ["orgId"]]);
    const same = await flows.diff("id", flowOld as never, flowIn as never);
    assert.deepEqual([same.changes, same.replaces], [false, []]);
  });
});

describe("inputs still unknown at create or update", () => {
  it("fail naming the input, before any request", async () => {
    // No settings are configured here: reaching the client would fail differently.
    const { inputs } = await tickets.check({}, baseTicket());
    await assert.rejects(
      tickets.create({ ...(inputs as Record<string, unknown>), dateStart: UNKNOWN } as never),
      /^Error: dateStart: not known yet/,
    );
    const f = (await flows.check({}, baseFlow())).inputs as Record<string, unknown>;
    await assert.rejects(
      flows.update(
        "id",
        f as never,
        { ...f, rules: [{ users: { type: "ids", ids: [UNKNOWN] } }] } as never,
      ),
      /rules\[0\]\.users\.ids\[0\]: not known yet/,
    );
  });
});

/** Places an unknown at `path` if the path still exists (an earlier placement may have cut it). */
function safeUnknownAt(v: unknown, path: Array<string | number>): unknown {
  let at = v as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    if (!at || typeof at !== "object" || !(key in at)) return v;
    at = at[key] as Record<string | number, unknown>;
  }
  if (!at || typeof at !== "object") return v;
  return withUnknownAt(v, path);
}
