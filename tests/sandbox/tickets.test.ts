// Tickets over real HTTP: open validation and encodings, steps materialised at open, approve /
// reject / close and their state machine, refusals, permissions, super-tickets. Lists and
// lookups: ticketLists.test.ts.
import { strict as assert } from "node:assert";
import { DEFAULT_ORG, ids, OPS_ORG, setDefaultFlow, useSandbox } from "./helpers";
import { dayOf, daysFromNow } from "../support/clock";

type T = Record<string, unknown> & { id: string };
const OPEN = "/api/v1/tickets/apply-asset-tickets/open/";
const typed = (id: string, action = "") =>
  `/api/v1/tickets/apply-asset-tickets/${id}/${action ? action + "/" : ""}`;

describe("sandbox tickets: opening (v4.10.16)", () => {
  const c = useSandbox({ dialect: "selector", errors: "legacy" });

  it("opens with 201: actions as a bitmask rendered as choices, dates in +0800, serial YYYYMMDD####", async () => {
    const r = await c().as("requester", "POST", OPEN, {
      body: c().openBody({
        apply_actions: ["connect", { value: "upload" }],
        apply_date_start: `${dayOf(daysFromNow(30))} 03:04:05`,
        apply_date_expired: daysFromNow(31),
        comment: "why",
      }),
    });
    assert.equal(r.status, 201);
    const t = r.json as T;
    assert.deepEqual(
      (t.apply_actions as Array<{ value: string }>).map((a) => a.value),
      ["connect", "upload"],
    );
    const slashed = (iso: string) => dayOf(iso).replace(/-/g, "/");
    assert.equal(t.apply_date_start, `${slashed(daysFromNow(30))} 03:04:05 +0800`);
    assert.equal(t.apply_date_expired, `${slashed(daysFromNow(31))} 08:00:00 +0800`);
    assert.match(String(t.serial_num), /^\d{8}\d{4}$/);
    assert.equal(t.applicant, "Requester(requester)");
    assert.deepEqual(t.state, { value: "pending", label: "Pending approval" });
    assert.equal(t.comment, "why");
    assert.match(String(t.apply_permission_name), /^Created by ticket \(t-\w+-[0-9a-f]{4}\)$/);
  });

  it("refuses bad input with the server's field errors", async () => {
    const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{ org_id: undefined }, { org_id: ["This field is required."] }],
      [{ title: "" }, { title: ["This field may not be blank."] }],
      [{ apply_actions: 127 }, { apply_actions: ["Invalid data type, should be list"] }],
      [{ apply_actions: ["connect", "nope"] }, { apply_actions: ["Invalid choice: nope"] }],
      [
        { apply_assets: ["11111111-2222-3333-4444-555555555555"] },
        {
          apply_assets: [
            'Invalid pk "11111111-2222-3333-4444-555555555555" - object does not exist.',
          ],
        },
      ],
      [
        { org_id: "99999999-2222-3333-4444-555555555555" },
        { org_id: ["The organization `99999999-2222-3333-4444-555555555555` does not exist"] },
      ],
      [
        { apply_date_start: daysFromNow(30), apply_date_expired: daysFromNow(30) },
        { apply_date_expired: ["The expiration date should be greater than the start date"] },
      ],
      [
        { apply_date_start: "tomorrow" },
        {
          apply_date_start: [
            "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
          ],
        },
      ],
    ];
    for (const [extra, expected] of cases) {
      const body = c().openBody(extra);
      for (const k of Object.keys(extra)) if (extra[k] === undefined) delete body[k];
      const r = await c().as("requester", "POST", OPEN, { body });
      assert.equal(r.status, 400, JSON.stringify(extra));
      assert.deepEqual(r.json, expected);
    }
  });

  it("answers 500 for an open without apply_date_start (real v4.10.16), counting a hazard", async () => {
    c().sb.resetStats();
    const body = c().openBody();
    delete body.apply_date_start;
    const r = await c().as("requester", "POST", OPEN, { body });
    assert.equal(r.status, 500);
    assert.deepEqual(c().sb.stats().hazards, [
      { kind: "open-without-dates", method: "POST", path: OPEN },
    ]);
  });

  it("drops assets of another org silently and lets the body's org_id reach Ops", async () => {
    const mixed = await c().open("requester", {
      apply_assets: [c().asset("web-01"), c().asset("ops-bastion")],
    });
    assert.deepEqual(
      (mixed.apply_assets as Array<{ name: string }>).map((a) => a.name),
      ["web-01"],
    );
    const ops = await c().open("requester", {
      org_id: OPS_ORG,
      apply_assets: [c().asset("ops-bastion")],
    });
    assert.equal(ops.org_id, OPS_ORG);
    assert.equal(ops.org_name, "Ops");
    assert.deepEqual(
      (ops.apply_assets as Array<{ name: string }>).map((a) => a.name),
      ["ops-bastion"],
    );
    // Tickets are not org-scoped: the Ops ticket is listed whatever X-JMS-ORG says.
    const listed = (await c().as("requester", "GET", `/api/v1/tickets/tickets/?org_id=${OPS_ORG}`))
      .json as T[];
    assert.deepEqual(
      listed.map((t) => t.id),
      [ops.id],
    );
  });

  it("opens on behalf of another user only for system admins", async () => {
    const requester = c().user("requester").id;
    const byAdmin = await c().open("admin", { applicant: requester });
    assert.equal(byAdmin.applicant, "Requester(requester)");
    const byUser = await c().open("approver", { applicant: requester });
    assert.equal(byUser.applicant, "Approver(approver)");
  });
});

describe("sandbox tickets: steps and approvals (v4.10.16, legacy errors)", () => {
  const c = useSandbox({ dialect: "selector", errors: "legacy" });
  let twoLevel: T;

  const standardFlow = () =>
    setDefaultFlow(c(), [ids(c().user("admin").id), ids(c().user("approver").id)]);
  before(standardFlow);

  it("materialises steps at open, excluding the applicant unless they are the only match", async () => {
    await setDefaultFlow(c(), [
      ids(c().user("admin").id, c().user("approver").id),
      ids(c().user("approver").id),
    ]);
    twoLevel = (await c().open("approver")) as T;
    const map = twoLevel.process_map as Array<{ assignees: string[] }>;
    assert.deepEqual(
      map.map((s) => s.assignees),
      [[c().user("admin").id], [c().user("approver").id]],
    );
    // Later flow edits do not touch open tickets.
    await setDefaultFlow(c(), [ids(c().user("orgadmin").id)]);
    const again = await c().as("approver", "GET", typed(twoLevel.id));
    assert.equal((again.json as { process_map: unknown[] }).process_map.length, 2);
    await standardFlow();
  });

  it("lets only current-step assignees approve; the applicant and later steps get 403", async () => {
    const t = (await c().open("requester")) as T;
    for (const who of ["approver", "requester"] as const) {
      const r = await c().as(who, "PATCH", typed(t.id, "approve"), { body: c().grantOf(t) });
      assert.equal(r.status, 403, who);
    }
    const unrelated = await c().as("orgadmin", "PATCH", typed(t.id, "approve"), {
      body: c().grantOf(t),
    });
    assert.equal(unrelated.status, 404);
  });

  it("approves by PUT and PATCH; the body is the grant; omitted apply_actions resets to connect", async () => {
    const t = (await c().open("requester", {
      apply_actions: ["all"],
      apply_assets: [c().asset("web-01"), c().asset("web-02")],
    })) as T;
    const step1 = await c().as("admin", "PUT", typed(t.id, "approve"), { body: c().grantOf(t) });
    assert.equal(step1.status, 200);
    assert.equal(step1.json, "ok");
    const narrower = c().grantOf(t, { apply_assets: [c().asset("web-02")] });
    delete narrower.apply_actions;
    c().sb.resetStats();
    const step2 = await c().as("approver", "PATCH", typed(t.id, "approve"), { body: narrower });
    assert.equal(step2.status, 200);
    assert.deepEqual(
      c()
        .sb.stats()
        .hazards.map((h) => h.kind),
      ["approve-partial-grant"],
    );
    const after = (await c().as("requester", "GET", typed(t.id))).json as T;
    assert.equal((after.state as { value: string }).value, "approved");
    assert.equal((after.status as { value: string }).value, "closed");
    const perm = await c().as("admin", "GET", `/api/v1/perms/asset-permissions/${t.id}/`);
    assert.equal(perm.status, 200);
    const p = perm.json as {
      id: string;
      assets: Array<{ name: string }>;
      actions: Array<{ value: string }>;
      users: Array<{ name: string }>;
    };
    assert.equal(p.id, t.id);
    assert.deepEqual(
      p.assets.map((a) => a.name),
      ["web-02"],
    );
    assert.deepEqual(
      p.actions.map((a) => a.value),
      ["connect"],
    );
    assert.deepEqual(
      p.users.map((u) => u.name),
      ["Requester"],
    );
    const del = await c().as("admin", "DELETE", `/api/v1/perms/asset-permissions/${t.id}/`);
    assert.equal(del.status, 204);
    assert.equal(
      (await c().as("admin", "GET", `/api/v1/perms/asset-permissions/${t.id}/`)).status,
      404,
    );
    const again = await c().as("approver", "PATCH", typed(t.id, "approve"), {
      body: c().grantOf(t),
    });
    assert.deepEqual(again.json, { detail: "Ticket already closed", code: "error" });
  });

  it("needs the org_id and, at the final step, assets or nodes and accounts; missing dates crash (500)", async () => {
    const t = (await c().open("requester")) as T;
    await c().as("admin", "PATCH", typed(t.id, "approve"), { body: c().grantOf(t) });
    const empty = await c().as("approver", "PATCH", typed(t.id, "approve"), { body: {} });
    assert.deepEqual(empty.json, {
      org_id: ["This field is required."],
      apply_accounts: ["This field is required."],
    });
    const noAssets = await c().as("approver", "PATCH", typed(t.id, "approve"), {
      body: c().grantOf(t, { apply_assets: [], apply_nodes: [] }),
    });
    const msg = ["Select at least one asset or node"];
    assert.deepEqual(noAssets.json, { apply_nodes: msg, apply_assets: msg });
    const noDates = await c().as("approver", "PATCH", typed(t.id, "approve"), {
      body: { org_id: DEFAULT_ORG, apply_accounts: ["@ALL"], apply_assets: [c().asset("web-01")] },
    });
    assert.equal(noDates.status, 500);
  });

  it('rejects and closes with PUT only, answering "ok"; closed tickets answer 400 Ticket already closed', async () => {
    const a = (await c().open("requester")) as T;
    assert.equal((await c().as("admin", "PATCH", typed(a.id, "reject"))).status, 405);
    const rej = await c().as("admin", "PUT", `/api/v1/tickets/tickets/${a.id}/reject/`, {
      body: {},
    });
    assert.equal(rej.json, "ok");
    const read = (await c().as("requester", "GET", `/api/v1/tickets/tickets/${a.id}/`)).json as T;
    assert.equal((read.state as { value: string }).value, "rejected");
    const b = (await c().open("requester")) as T;
    assert.equal((await c().as("approver", "PUT", typed(b.id, "close"))).status, 403);
    assert.equal((await c().as("requester", "PUT", typed(b.id, "close"))).json, "ok");
    const closed = (await c().as("requester", "GET", typed(b.id))).json as {
      process_map: Array<{ processor: string; state: string }>;
    };
    assert.deepEqual(
      [closed.process_map[0].state, closed.process_map[0].processor],
      ["closed", c().user("requester").id],
    );
    const twice = await c().as("requester", "PUT", typed(b.id, "close"));
    assert.deepEqual(twice.json, { detail: "Ticket already closed", code: "error" });
  });

  it("refuses the generic route's writes: 403 for users, 405 for superusers; generic approve 405", async () => {
    const t = (await c().open("requester")) as T;
    const user = await c().as("requester", "POST", "/api/v1/tickets/tickets/", { body: {} });
    assert.equal(user.status, 403);
    const su = await c().as("admin", "POST", "/api/v1/tickets/tickets/", { body: {} });
    assert.deepEqual(su.json, {
      detail: 'Method "create" not allowed.',
      code: "method_not_allowed",
    });
    assert.equal((await c().as("admin", "DELETE", `/api/v1/tickets/tickets/${t.id}/`)).status, 405);
    assert.equal((await c().as("requester", "PATCH", typed(t.id), { body: {} })).status, 403);
    const approve = await c().as("admin", "PATCH", `/api/v1/tickets/tickets/${t.id}/approve/`, {
      body: {},
    });
    assert.deepEqual(approve.json, {
      detail: 'Method "approve" not allowed.',
      code: "method_not_allowed",
    });
  });

  it("hides tickets from unrelated users (404) but super-tickets reach them", async () => {
    const t = (await c().open("admin", { applicant: c().user("requester").id })) as T;
    await setDefaultFlow(c(), [ids(c().user("approver").id)]);
    const hidden = (await c().open("admin", { applicant: c().user("requester").id })) as T;
    assert.equal(
      (await c().as("admin", "GET", `/api/v1/tickets/tickets/${hidden.id}/`)).status,
      404,
    );
    assert.equal((await c().as("admin", "PUT", typed(hidden.id, "close"))).status, 404);
    const status = await c().as(
      "admin",
      "GET",
      `/api/v1/tickets/super-tickets/${hidden.id}/status/`,
    );
    assert.deepEqual(status.json, {
      id: hidden.id,
      status: { value: "open", label: "Pending approval" },
      state: { value: "pending", label: "Pending approval" },
      processor: "",
    });
    assert.equal(
      (await c().as("orgadmin", "GET", `/api/v1/tickets/super-tickets/${hidden.id}/status/`))
        .status,
      403,
    );
    assert.equal(
      (await c().as("admin", "DELETE", `/api/v1/tickets/super-tickets/${hidden.id}/status/`))
        .status,
      204,
    );
    const second = await c().as(
      "admin",
      "DELETE",
      `/api/v1/tickets/super-tickets/${hidden.id}/status/`,
    );
    assert.deepEqual(second.json, { detail: "Ticket already closed", code: "error" });
    assert.equal((await c().as("requester", "GET", typed(t.id))).status, 200);
    await standardFlow();
  });

  it("answers 500 for a non-UUID id in a detail URL", async () => {
    assert.equal(
      (await c().as("requester", "GET", "/api/v1/tickets/tickets/not-a-uuid/")).status,
      500,
    );
  });
});

describe("sandbox tickets: v4.10.19 conflicts", () => {
  const c = useSandbox({ dialect: "selector", errors: "conflict" });

  before(async () => {
    await setDefaultFlow(c(), [ids(c().user("admin").id), ids(c().user("approver").id)]);
  });

  it("answers 409 ticket_state_changed to another level's assignee and ticket_already_processed when closed", async () => {
    const t = (await c().open("requester")) as T;
    const early = await c().as("approver", "PATCH", typed(t.id, "approve"), {
      body: c().grantOf(t),
    });
    assert.equal(early.status, 409);
    assert.equal((early.json as { code: string }).code, "ticket_state_changed");
    const missing = await c().as("admin", "PATCH", typed(t.id, "approve"), {
      body: { org_id: DEFAULT_ORG },
    });
    assert.deepEqual(missing.json, {
      apply_date_start: ["This field is required."],
      apply_date_expired: ["This field is required."],
    });
    await c().as("admin", "PATCH", typed(t.id, "approve"), { body: c().grantOf(t) });
    await c().as("approver", "PATCH", typed(t.id, "approve"), { body: c().grantOf(t) });
    for (const [who, action] of [
      ["approver", "approve"],
      ["approver", "reject"],
      ["requester", "close"],
    ] as const) {
      const r = await c().as(who, action === "approve" ? "PATCH" : "PUT", typed(t.id, action), {
        body: c().grantOf(t),
      });
      assert.equal(r.status, 409, `${who} ${action}`);
      assert.equal((r.json as { code: string }).code, "ticket_already_processed");
    }
  });
});
