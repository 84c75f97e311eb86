// Paths the real servers showed under a real `pulumi up` that the first recordings never took
// (docs/real-servers.md): a copy-on-write without `type`, concurrent opens, and a close by someone
// who is neither the applicant nor a current approver. The sandbox answers them as the servers did.
import { strict as assert } from "assert";
import { startSandbox } from "../../sandbox";
import type { Sandbox } from "../../sandbox";
import { Client, DEFAULT_ORG, ROOT_ORG } from "./helpers";

const FLOWS = "/api/v1/tickets/flows/";
const OPEN = "/api/v1/tickets/apply-asset-tickets/open/";
const MODES = [
  { label: "v3.10.23", options: { dialect: "strategy" as const }, general: true },
  {
    label: "v4.10.16",
    options: { dialect: "selector" as const, errors: "legacy" as const },
    general: true,
  },
  {
    label: "v4.10.19",
    options: { dialect: "selector" as const, errors: "conflict" as const },
    general: false,
  },
];

for (const mode of MODES) {
  describe(`sandbox on the real servers' paths — ${mode.label}`, function () {
    let sb: Sandbox;
    let c: Client;
    beforeEach(async () => {
      sb = await startSandbox({ rateLimit: "off", ...mode.options });
      c = new Client(sb);
    });
    afterEach(() => sb.close());

    const twoLevels = () =>
      mode.options.dialect === "strategy"
        ? [
            { strategy: "super_admin", assignees: [] },
            { strategy: "custom_user", assignees: [c.user("approver").id] },
          ]
        : [
            { users: { type: "ids", ids: [c.user("admin").id] } },
            { users: { type: "ids", ids: [c.user("approver").id] } },
          ];
    async function globalFlow(): Promise<Record<string, any>> {
      const r = await c.as("admin", "GET", FLOWS, { org: ROOT_ORG });
      return (r.json as Record<string, any>[]).find((f) => f.org_id === ROOT_ORG)!;
    }
    const steps = async () => {
      const t = await c.open("requester");
      return (t.process_map as unknown[]).length;
    };

    it(
      mode.general
        ? "a copy-on-write PATCH without `type` makes a `general` copy, and tickets keep the global flow"
        : "a copy-on-write PATCH without `type` still makes an apply_asset copy (type is forced)",
      async () => {
        const g = await globalFlow();
        const r = await c.as("admin", "PATCH", `${FLOWS}${g.id}/`, {
          body: { rules: twoLevels(), approval_level: 2 },
        });
        assert.equal(r.status, 200, r.text);
        const copy = r.json as Record<string, any>;
        assert.notEqual(copy.id, g.id);
        assert.equal(copy.type.value, mode.general ? "general" : "apply_asset");
        const listed = (await c.as("admin", "GET", FLOWS)).json as Record<string, any>[];
        assert.deepEqual(
          listed.map((f) => f.id).sort(),
          (mode.general ? [g.id, copy.id] : [copy.id]).sort(),
        );
        const typed = (await c.as("admin", "GET", `${FLOWS}?type=apply_asset`)).json as unknown[];
        assert.equal(typed.length, 1);
        assert.equal(await steps(), mode.general ? 1 : 2, "steps of a ticket opened in Default");
      },
    );

    it("a copy-on-write PATCH with `type` makes an apply_asset copy that governs the org", async () => {
      const g = await globalFlow();
      const r = await c.as("admin", "PATCH", `${FLOWS}${g.id}/`, {
        body: { type: "apply_asset", rules: twoLevels(), approval_level: 2 },
      });
      assert.equal(r.status, 200, r.text);
      assert.equal((r.json as Record<string, any>).type.value, "apply_asset");
      const listed = (await c.as("admin", "GET", FLOWS)).json as Record<string, any>[];
      assert.deepEqual(
        listed.map((f) => [f.org_id, f.type.value]),
        [[DEFAULT_ORG, "apply_asset"]],
      );
      assert.equal(await steps(), 2);
    });

    it("concurrent opens collide on the serial number: the losers answer 500 and leave nothing", async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, () => c.as("admin", "POST", OPEN, { body: c.openBody() })),
      );
      const statuses = results.map((r) => r.status);
      const failed = results.filter((r) => r.status === 500);
      assert.ok(failed.length > 0, `some collided: ${statuses}`);
      assert.ok(failed.length < 8, `one won: ${statuses}`);
      for (const f of failed) assert.deepEqual(f.json, { error: "Server internal error" });
      const listed = (await c.as("admin", "GET", "/api/v1/tickets/tickets/")).json as unknown[];
      assert.equal(listed.length, 8 - failed.length, "a failed open creates nothing");
      // One at a time, they never collide.
      for (let i = 0; i < 4; i++) {
        const r = await c.as("admin", "POST", OPEN, { body: c.openBody() });
        assert.equal(r.status, 201, r.text);
      }
    });

    it("the opener of someone else's ticket, no longer a current approver, gets 403 on close", async () => {
      const g = await globalFlow();
      await c.as("admin", "PATCH", `${FLOWS}${g.id}/`, {
        body: { type: "apply_asset", rules: twoLevels(), approval_level: 2 },
      });
      const t = await c.open("admin", { applicant: c.user("requester").id });
      const path = `/api/v1/tickets/apply-asset-tickets/${t.id}/`;
      const approved = await c.as("admin", "PATCH", `${path}approve/`, { body: c.grantOf(t) });
      assert.equal(approved.status, 200, approved.text);
      const close = await c.as("admin", "PUT", `${path}close/`);
      assert.equal(close.status, 403, close.text);
      const sup = await c.as("admin", "DELETE", `/api/v1/tickets/super-tickets/${t.id}/status/`);
      assert.equal(sup.status, 204);
    });
  });
}

describe("sandbox openRace option", function () {
  for (const [race, status] of [
    ["mysql", 400],
    ["off", 201],
  ] as const) {
    it(`openRace "${race}": concurrent opens answer ${status === 201 ? "201 all" : "400 please_try_again"}`, async () => {
      const sb = await startSandbox({ rateLimit: "off", openRace: race });
      try {
        const c = new Client(sb);
        const results = await Promise.all(
          Array.from({ length: 4 }, () => c.as("admin", "POST", OPEN, { body: c.openBody() })),
        );
        if (status === 201)
          assert.deepEqual(
            results.map((r) => r.status),
            [201, 201, 201, 201],
          );
        else {
          const lost = results.filter((r) => r.status === 400);
          assert.ok(lost.length > 0);
          for (const r of lost)
            assert.deepEqual(r.json, { code: "please_try_again", detail: "Please try again" });
        }
      } finally {
        await sb.close();
      }
    });
  }
});
