// The defects a real `pulumi up` against real servers showed and the recorded transcripts missed
// (docs/real-servers.md): a copy-on-write without `type` that governs nothing, concurrent opens that
// collide on the serial number, and a close of someone else's ticket that meets a 403 first.
// The sandbox reproduces each by default, so these fail against the provider as it was.
import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { ProviderHost, Props } from "../support/providerHost";
import { SERVER_MODES, client, sandbox, stackConfig, user } from "../support/sandbox";
import { daysFromNow } from "../support/clock";

const TICKET = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
const FLOW = "pulumi-nodejs:dynamic/jumpserver:TicketFlow";
const DEFAULT = "00000000-0000-0000-0000-000000000002";
const FLOWS = "/api/v1/tickets/flows/";
const OPEN = "/api/v1/tickets/apply-asset-tickets/open/";

let n = 0;
const ticket = (extra: Props = {}): Props => ({
  title: `defect #${++n}`,
  orgId: DEFAULT,
  applicant: "requester",
  assets: ["web-01"],
  dateStart: daysFromNow(30),
  dateExpired: daysFromNow(31),
  ...extra,
});

async function checked(host: ProviderHost, news: Props): Promise<Props> {
  const { inputs, failures } = await host.check({}, news);
  assert.deepEqual(failures, []);
  return inputs;
}

for (const mode of SERVER_MODES) {
  describe(`defects seen on real servers — ${mode.label}`, function () {
    let sb: Sandbox;
    let flows: ProviderHost;
    let tickets: ProviderHost;
    before(async () => {
      sb = await sandbox(mode.options);
      // The flows hold one named approver at a level, whom the tests count on (the ticket
      // waits for `approver`): the self-approval guardrail is waived for this flow host.
      flows = await ProviderHost.start(
        ticketFlowProvider,
        FLOW,
        stackConfig(sb, "admin", "accessKey", { "jumpserver:forbidSelfApproval": "false" }),
      );
      tickets = await ProviderHost.start(assetAccessTicketProvider, TICKET, stackConfig(sb));
    });
    after(async () => {
      await flows?.close();
      await tickets?.close();
      await sb?.close();
    });
    const admin = () => client(sb, "admin");
    const titled = (title: string) =>
      admin().list<Record<string, any>>("/api/v1/tickets/tickets/", {
        query: { title },
        org: null,
      });
    const adminsThenApprover = () =>
      mode.options.dialect === "strategy"
        ? [{ strategy: "super_admin" }, { strategy: "custom_user", assignees: ["approver"] }]
        : [
            {
              users: {
                type: "attrs",
                attrs: [
                  {
                    name: "system_roles",
                    match: "m2m",
                    value: ["00000000-0000-0000-0000-000000000001"],
                  },
                ],
              },
            },
            { users: { type: "ids", ids: ["approver"] } },
          ];

    let flow: { id: string; outs: Props };

    it("adopts an inherited flow as an apply_asset copy that governs the org's tickets", async () => {
      flow = await flows.create(
        await checked(flows, { orgId: DEFAULT, rules: adminsThenApprover() }),
      );
      const seen = await admin().list<Record<string, any>>(FLOWS, {
        org: DEFAULT,
        query: { type: "apply_asset" },
      });
      assert.deepEqual(
        seen.map((f) => [f.id, f.type.value]),
        [[flow.id, "apply_asset"]],
        "Default's apply-asset list shows only the adopted copy",
      );
      // The declared second level holds: the pipeline's approve: true stops at level 2.
      const t = await tickets.create(await checked(tickets, ticket({ approve: true })));
      assert.equal(t.outs.state, "pending");
      assert.equal(t.outs.approvalStep, 2);
      assert.deepEqual(t.outs.currentApprovers, [user(sb, "approver").id]);
      await tickets.delete(t.id, t.outs);
    });

    it("shows a flow stored under another type as drift of `type` (a replacement re-adopts it)", async () => {
      if (mode.options.errors === "conflict") return; // v4.10.19 forces apply_asset
      // What an earlier version of this package left: a copy-on-write without `type`.
      await flows.delete(flow.id, flow.outs);
      const [own] = await admin().list<Record<string, any>>(FLOWS, {
        org: DEFAULT,
        query: { type: "apply_asset" },
      });
      const rules = flow.outs.appliedRules;
      await admin().request("PATCH", `${FLOWS}${own.id}/`, {
        org: DEFAULT,
        body: { type: "general", rules, approval_level: rules.length },
      });
      const r = await flows.read(flow.id, flow.outs);
      assert.equal(r.props!.type, "general");
      const d = await flows.diff(
        flow.id,
        r.props!,
        await checked(flows, { orgId: DEFAULT, rules: adminsThenApprover() }),
      );
      assert.deepEqual(d.replaces, ["type"]);
      // Put Default back the way the next tests expect it.
      await admin().request("PATCH", `${FLOWS}${own.id}/`, {
        org: DEFAULT,
        body: { type: "apply_asset", rules, approval_level: rules.length },
      });
    });

    it("refuses, and puts back, a write after which another flow governs the org", async () => {
      // A server that drops `type` on the copy (as every version before v4.10.19 does without it)
      // would leave the global one-level flow in charge: simulated by a copy stored as `general`.
      const [own] = await admin().list<Record<string, any>>(FLOWS, {
        org: DEFAULT,
        query: { type: "apply_asset" },
      });
      const before = own.rules;
      sb.injectFault({
        method: "PATCH",
        path: `${FLOWS}${own.id}/`,
        kind: "error",
        status: 200,
        body: { ...own, type: { value: "general", label: "General" } },
      });
      const f = await checked(flows, {
        orgId: DEFAULT,
        rules:
          mode.options.dialect === "strategy"
            ? [{ strategy: "super_admin" }]
            : [{ users: { type: "ids", ids: ["admin"] } }],
      });
      await assert.rejects(flows.create(f), /type: JumpServer stored flow .* as a "general" flow/);
      const after = await admin().get<Record<string, any>>(`${FLOWS}${own.id}/`, { org: DEFAULT });
      assert.deepEqual(
        after.rules.map((r: any) => r.level).sort(),
        before.map((r: any) => r.level).sort(),
        "the flow keeps the rules it had",
      );
    });

    it("opens 8 tickets at once without a collision and without a duplicate", async () => {
      sb.resetStats();
      const inputs = await Promise.all(
        Array.from({ length: 8 }, () =>
          checked(tickets, ticket({ title: `parallel ${mode.label} ${++n}` })),
        ),
      );
      const made = await Promise.all(inputs.map((i) => tickets.create(i)));
      const s = sb.stats();
      assert.equal(s.byStatus["500"] ?? 0, 0, `no open collided: ${JSON.stringify(s.byStatus)}`);
      assert.equal(s.byRoute[`POST ${OPEN}`], 8, "one open per ticket");
      for (const [i, m] of made.entries()) {
        assert.deepEqual(
          (await titled(inputs[i].title)).map((t) => t.id),
          [m.id],
        );
      }
      for (const m of made) await tickets.delete(m.id, m.outs);
    });

    it("resolves a 500 on open by looking the marker up, then opens again only if nothing exists", async () => {
      // Rolled back (nothing created): the lookup finds nothing, so it opens again.
      sb.injectFault({
        method: "POST",
        path: OPEN,
        kind: "error",
        status: 500,
        body: { error: "Server internal error" },
      });
      const rolledBack = await checked(tickets, ticket());
      const a = await tickets.create(rolledBack);
      assert.deepEqual(
        (await titled(rolledBack.title)).map((t) => t.id),
        [a.id],
      );
      await tickets.delete(a.id, a.outs);
      // Collided with another client's open meanwhile (MySQL's answer): same, exactly once.
      sb.injectFault({
        method: "POST",
        path: OPEN,
        kind: "error",
        status: 400,
        body: { code: "please_try_again", detail: "Please try again" },
      });
      const retried = await checked(tickets, ticket());
      const b = await tickets.create(retried);
      assert.deepEqual(
        (await titled(retried.title)).map((t) => t.id),
        [b.id],
      );
      await tickets.delete(b.id, b.outs);
    });

    it("closes a ticket opened on someone's behalf through super-tickets, without a 403 first", async () => {
      const t = await tickets.create(await checked(tickets, ticket({ approve: true })));
      assert.equal(t.outs.state, "pending"); // waits for `approver` at level 2
      sb.resetStats();
      await tickets.delete(t.id, t.outs);
      const s = sb.stats();
      assert.equal(s.byStatus["403"] ?? 0, 0, JSON.stringify(s.byRoute));
      assert.equal(s.total, 1, JSON.stringify(s.byRoute));
      const status = await admin().get<Record<string, any>>(
        `/api/v1/tickets/super-tickets/${t.id}/status/`,
        { org: null },
      );
      assert.equal(status.state.value ?? status.state, "closed");
    });
  });
}
