// Orgs and flows over real HTTP: org resolution, the global-flow override rule, copy-on-write,
// refusals, "every update replaces all rules", both dialects and v4.10.19 named flows.
import { strict as assert } from "node:assert";
import { DEFAULT_ORG, ids, OPS_ORG, ROOT_ORG, useSandbox } from "./helpers";

type Flow = { id: string; org_id: string; rules: Array<Record<string, unknown>>; name?: string };

describe("sandbox flows (selector, v4.10.16)", () => {
  const c = useSandbox({ dialect: "selector", errors: "legacy" });
  let globalId = "";

  it("shows Default the global flow until it overrides it; copy-on-write gives a new id", async () => {
    const before = (await c().as("admin", "GET", "/api/v1/tickets/flows/")).json as Flow[];
    assert.equal(before.length, 1);
    assert.equal(before[0].org_id, ROOT_ORG);
    globalId = before[0].id;
    const approver = c().user("approver").id;
    const r = await c().as("admin", "PATCH", `/api/v1/tickets/flows/${globalId}/`, {
      body: { type: "apply_asset", approval_level: 1, rules: [ids(approver)] },
    });
    assert.equal(r.status, 200);
    const copy = r.json as Flow;
    assert.notEqual(copy.id, globalId);
    assert.equal(copy.org_id, DEFAULT_ORG);
    const after = (await c().as("admin", "GET", "/api/v1/tickets/flows/")).json as Flow[];
    assert.deepEqual(
      after.map((f) => f.id),
      [copy.id],
    );
    const hidden = await c().as("admin", "GET", `/api/v1/tickets/flows/${globalId}/`);
    assert.equal(hidden.status, 404);
    assert.equal((hidden.json as { code: string }).code, "object_does_not_exist");
    // The root org still sees (and edits in place) the global flow, plus Default's copy.
    const root = (await c().as("admin", "GET", "/api/v1/tickets/flows/", { org: ROOT_ORG }))
      .json as Flow[];
    assert.deepEqual(root.map((f) => f.id).sort(), [globalId, copy.id].sort());
  });

  it("resolves the org from ?oid= before X-JMS-ORG, and treats other orgs as Default", async () => {
    const viaOid = (
      await c().as("admin", "GET", `/api/v1/tickets/flows/?oid=${ROOT_ORG}`, { org: DEFAULT_ORG })
    ).json as Flow[];
    assert.equal(viaOid.length, 2);
    for (const org of [OPS_ORG, "11111111-2222-3333-4444-555555555555", "no-such-org"]) {
      const r = (await c().as("admin", "GET", "/api/v1/tickets/flows/", { org })).json as Flow[];
      assert.deepEqual(
        r.map((f) => f.org_id),
        [DEFAULT_ORG],
        `org ${org}`,
      );
    }
  });

  it("replaces all rules on every update: PATCH without rules empties the flow (hazard)", async () => {
    const flow = ((await c().as("admin", "GET", "/api/v1/tickets/flows/")).json as Flow[])[0];
    c().sb.resetStats();
    const r = await c().as("admin", "PATCH", `/api/v1/tickets/flows/${flow.id}/`, {
      body: { approval_level: 1 },
    });
    assert.equal(r.status, 200);
    assert.deepEqual((r.json as Flow).rules, []);
    assert.deepEqual(
      c()
        .sb.stats()
        .hazards.map((h) => h.kind),
      ["flow-zero-rules"],
    );
    // An org whose flow has no rules can no longer open tickets (the real server answers 500).
    const open = await c().as("requester", "POST", "/api/v1/tickets/apply-asset-tickets/open/", {
      body: c().openBody(),
    });
    assert.equal(open.status, 500);
  });

  it("stores a PATCHed rule without users as {} and refuses it on PUT", async () => {
    const flow = ((await c().as("admin", "GET", "/api/v1/tickets/flows/")).json as Flow[])[0];
    const patch = await c().as("admin", "PATCH", `/api/v1/tickets/flows/${flow.id}/`, {
      body: { type: "apply_asset", approval_level: 1, rules: [{}] },
    });
    assert.deepEqual((patch.json as Flow).rules, [{ level: 1, users: {} }]);
    const put = await c().as("admin", "PUT", `/api/v1/tickets/flows/${flow.id}/`, {
      body: { type: "apply_asset", approval_level: 1, rules: [{ bogus: 1 }] },
    });
    assert.equal(put.status, 400);
    assert.deepEqual(put.json, { rules: [{ users: ["This field is required."] }] });
  });

  it("gives selector errors in the server's shapes, and 500 for malformed selectors", async () => {
    const flow = ((await c().as("admin", "GET", "/api/v1/tickets/flows/")).json as Flow[])[0];
    const patch = (rules: unknown[]) =>
      c().as("admin", "PATCH", `/api/v1/tickets/flows/${flow.id}/`, {
        body: { type: "apply_asset", approval_level: rules.length, rules },
      });
    const a = await patch([{ users: { type: "all" } }, { users: { type: "bad" } }]);
    assert.deepEqual(a.json, {
      rules: [{}, { users: ['Invalid type, should be "all", "ids" or "attrs"'] }],
    });
    const b = await patch([{ users: { type: "ids", ids: [] } }]);
    assert.deepEqual(b.json, { rules: [{ users: ["This field is required."] }] });
    for (const users of [{ type: "ids" }, { foo: 1 }])
      assert.equal((await patch([{ users }])).status, 500);
  });

  it("refuses flow deletion: 405 for superusers, 403 for org admins; flows are system-admin only", async () => {
    const flow = ((await c().as("admin", "GET", "/api/v1/tickets/flows/")).json as Flow[])[0];
    const del = await c().as("admin", "DELETE", `/api/v1/tickets/flows/${flow.id}/`);
    assert.equal(del.status, 405);
    assert.deepEqual(del.json, {
      detail: 'Method "destroy" not allowed.',
      code: "method_not_allowed",
    });
    for (const method of ["GET", "DELETE"]) {
      const r = await c().as("orgadmin", method, `/api/v1/tickets/flows/${flow.id}/`);
      assert.equal(r.status, 403);
      assert.equal((r.json as { code: string }).code, "permission_denied");
    }
  });
});

describe("sandbox flows (strategy, v3.10.23)", () => {
  const c = useSandbox({ dialect: "strategy" });

  it("reads strategy rules with assignees_read_only/assignees_display; assignees is write-only", async () => {
    const flow = ((await c().as("admin", "GET", "/api/v1/tickets/flows/")).json as Flow[])[0];
    assert.deepEqual(flow.rules[0], {
      level: 1,
      strategy: { value: "super_admin", label: "Super admin" },
      assignees_read_only: [],
      assignees_display: ["Administrator(admin)"],
    });
    const approver = c().user("approver").id;
    const r = await c().as("admin", "PATCH", `/api/v1/tickets/flows/${flow.id}/`, {
      body: {
        type: "apply_asset",
        approval_level: 1,
        rules: [{ strategy: "custom_user", assignees: [approver] }],
      },
    });
    const rule = (r.json as Flow).rules[0];
    assert.deepEqual(rule.assignees_read_only, [approver]);
    assert.deepEqual(rule.assignees_display, ["Approver(approver)"]);
    assert.ok(!("assignees" in rule));
  });

  it("validates strategy rules like v3 (custom_user needs assignees, 3 levels refused, missing assignees crashes)", async () => {
    const flow = ((await c().as("admin", "GET", "/api/v1/tickets/flows/")).json as Flow[])[0];
    const patch = (body: unknown) =>
      c().as("admin", "PATCH", `/api/v1/tickets/flows/${flow.id}/`, { body });
    const a = await patch({
      type: "apply_asset",
      approval_level: 1,
      rules: [{ strategy: "custom_user", assignees: [] }],
    });
    assert.deepEqual(a.json, { rules: [{ assignees: ["Please select the Assignees"] }] });
    const b = await patch({
      type: "apply_asset",
      approval_level: 3,
      rules: [{ strategy: "super_admin", assignees: [] }],
    });
    assert.equal(b.status, 400);
    assert.ok("approval_level" in (b.json as object));
    const crash = await patch({
      type: "apply_asset",
      approval_level: 1,
      rules: [{ strategy: "super_admin" }],
    });
    assert.equal(crash.status, 500);
  });
});

describe("sandbox flows (v4.10.19 named flows)", () => {
  const c = useSandbox({ dialect: "selector", errors: "conflict" });

  it("creates named flows by POST in an org, refuses duplicates and the root org", async () => {
    const approver = c().user("approver").id;
    const body = {
      name: "db-access",
      approval_level: 1,
      rules: [ids(approver)],
      cc_users: [c().user("orgadmin").id],
    };
    const r = await c().as("admin", "POST", "/api/v1/tickets/flows/", { body });
    assert.equal(r.status, 201);
    const flow = r.json as Flow & { cc_users: Array<{ username: string }> };
    assert.equal(flow.name, "db-access");
    assert.deepEqual(
      flow.cc_users.map((u) => u.username),
      ["orgadmin"],
    );
    const dup = await c().as("admin", "POST", "/api/v1/tickets/flows/", {
      body: { ...body, name: "DB-ACCESS" },
    });
    assert.deepEqual(dup.json, { name: ["A workflow with the same name and type already exists"] });
    const root = await c().as("admin", "POST", "/api/v1/tickets/flows/", {
      body: { ...body, name: "x" },
      org: ROOT_ORG,
    });
    assert.deepEqual(root.json, ["Please select an organization before saving"]);
    const mismatch = await c().as("admin", "POST", "/api/v1/tickets/flows/", {
      body: { ...body, name: "y", approval_level: 2 },
    });
    assert.deepEqual(mismatch.json, {
      rules: ["The number of approval rules must match the number of approval levels"],
    });
  });

  it("makes every open in the org choose a flow_id once it has several flows; options lists them", async () => {
    const open = (extra: Record<string, unknown>) =>
      c().as("requester", "POST", "/api/v1/tickets/apply-asset-tickets/open/", {
        body: c().openBody(extra),
      });
    const none = await open({});
    assert.deepEqual(none.json, { flow_id: ["Please select work order flow"] });
    const wrong = await open({ flow_id: "11111111-2222-3333-4444-555555555555" });
    assert.deepEqual(wrong.json, { flow_id: ["The selected workflow is unavailable"] });
    const options = await c().as(
      "requester",
      "GET",
      `/api/v1/tickets/flows/options/?type=apply_asset&org_id=${DEFAULT_ORG}`,
    );
    const names = (options.json as Array<{ name: string }>).map((o) => o.name);
    assert.deepEqual(names, ["", "db-access"]);
    const named = (options.json as Array<{ id: string; name: string }>).find(
      (o) => o.name === "db-access",
    );
    const ok = await open({ flow_id: named?.id });
    assert.equal(ok.status, 201);
    const t = ok.json as { flow: { name: string }; cc_users: Array<{ username: string }> };
    assert.equal(t.flow.name, "db-access");
    assert.deepEqual(
      t.cc_users.map((u) => u.username),
      ["orgadmin"],
    );
    const cc = await c().as(
      "requester",
      "GET",
      `/api/v1/tickets/flows/cc-users/?type=apply_asset&org_id=${DEFAULT_ORG}&flow_id=${named?.id}`,
    );
    assert.deepEqual(
      (cc.json as Array<{ username: string }>).map((u) => u.username),
      ["orgadmin"],
    );
    const ambiguous = await c().as(
      "requester",
      "GET",
      `/api/v1/tickets/flows/cc-users/?type=apply_asset&org_id=${DEFAULT_ORG}`,
    );
    assert.deepEqual(ambiguous.json, []);
  });

  it("lets CC users read a ticket but not act on it", async () => {
    const options = await c().as(
      "requester",
      "GET",
      `/api/v1/tickets/flows/options/?type=apply_asset&org_id=${DEFAULT_ORG}`,
    );
    const named = (options.json as Array<{ id: string; name: string }>).find(
      (o) => o.name === "db-access",
    );
    const t = await c().open("requester", { flow_id: named?.id });
    const read = await c().as("orgadmin", "GET", `/api/v1/tickets/tickets/${t.id}/`);
    assert.equal(read.status, 200);
    const act = await c().as(
      "orgadmin",
      "PATCH",
      `/api/v1/tickets/apply-asset-tickets/${t.id}/approve/`,
      { body: c().grantOf(t) },
    );
    assert.equal(act.status, 403);
  });
});
