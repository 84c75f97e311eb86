// TicketApproval through the real dynamic-provider host over gRPC, against the sandbox in each of
// the three version modes: a person opens a ticket as in JumpServer's UI, the provider decides it.
import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { ticketApprovalProvider } from "../../provider/resources/ticketApproval";
import { getTickets } from "../../provider/readers";
import { parseDate } from "../../provider/model/dates";
import { ProviderHost, Props } from "../support/providerHost";
import {
  approveAs,
  client,
  openAsPerson,
  sandbox,
  stackConfig,
  SERVER_MODES,
  SYSTEM_ADMINS,
  user,
} from "../support/sandbox";
import { daysFromNow } from "../support/clock";

const TYPE = "pulumi-nodejs:dynamic/jumpserver:TicketApproval";
const DEFAULT = "00000000-0000-0000-0000-000000000002";
const FLOWS = "/api/v1/tickets/flows/";
const APPROVE = "PATCH /api/v1/tickets/apply-asset-tickets/{id}/approve/";
const REJECT = "PUT /api/v1/tickets/apply-asset-tickets/{id}/reject/";

for (const mode of SERVER_MODES) {
  describe(`TicketApproval provider over gRPC — ${mode.label}`, function () {
    let sb: Sandbox;
    let host: ProviderHost;
    let n = 0;
    const strategy = mode.options.dialect === "strategy";

    before(async () => {
      sb = await sandbox(mode.options);
      host = await ProviderHost.start(ticketApprovalProvider, TYPE, stackConfig(sb, "admin"));
    });
    after(async () => {
      await host?.close();
      await sb?.close();
    });

    const admin = () => client(sb, "admin");
    const admins = () =>
      strategy ? { strategy: "super_admin", assignees: [] } : { users: SYSTEM_ADMINS };
    const only = (...names: string[]) => {
      const ids = names.map((u) => user(sb, u).id);
      return strategy
        ? { strategy: "custom_user", assignees: ids }
        : { users: { type: "ids", ids } };
    };
    async function setFlow(rules: unknown[]): Promise<void> {
      const flows = await admin().list<Record<string, any>>(FLOWS, { org: DEFAULT });
      const own = flows.find((f) => !f.name) ?? flows[0];
      await admin().request("PATCH", `${FLOWS}${own.id}/`, {
        org: DEFAULT,
        body: { type: "apply_asset", rules, approval_level: rules.length },
      });
    }
    /** The requester opens a ticket in the UI; `reviewed` is the pin a review of it writes. */
    const open = async (ask: Props = {}) => {
      const full = {
        title: `asked ${mode.label} #${++n}`,
        orgId: DEFAULT,
        assets: ["web-01", "web-02"],
        accounts: ["@ALL"],
        actions: ["connect", "download"],
        dateStart: daysFromNow(30),
        dateExpired: daysFromNow(37),
        ...ask,
      };
      const opened = await openAsPerson(client(sb, "requester"), sb.seed, full);
      const { assets, nodes = [], accounts, actions, dateStart, dateExpired } = full as any;
      return { ...opened, reviewed: { assets, nodes, accounts, actions, dateStart, dateExpired } };
    };
    async function checked(news: Props, olds: Props = {}): Promise<Props> {
      const { inputs, failures } = await host.check(olds, news);
      assert.deepEqual(failures, []);
      return inputs;
    }
    const ticket = (id: string) =>
      admin().get<Record<string, any>>(`/api/v1/tickets/apply-asset-tickets/${id}/`, { org: null });
    const permission = (id: string) =>
      admin()
        .get<Record<string, any>>(`/api/v1/perms/asset-permissions/${id}/`, { org: DEFAULT })
        .catch((e) => (e.status === 404 ? undefined : Promise.reject(e)));
    const failureOf = async (news: Props, olds: Props = {}) =>
      (await host.check(olds, news)).failures;

    it("refuses bad inputs in check, naming the property, with zero requests", async () => {
      sb.resetStats();
      const cases: Array<[Props, string]> = [
        [{ ticket: "abc", decision: "approve" }, "ticket"],
        [{ decision: "approve" }, "ticket"],
        [{ ticket: "202601010001", decision: "maybe" }, "decision"],
        [{ ticket: "202601010001", decision: "approve", orgId: "Default" }, "orgId"],
        [{ ticket: "202601010001", decision: "reject", grant: { assets: ["web-01"] } }, "grant"],
        [
          { ticket: "202601010001", decision: "approve", grant: { actions: ["fly"] } },
          "grant.actions",
        ],
        [{ ticket: "202601010001", decision: "approve", grant: { actions: [] } }, "grant.actions"],
        [
          { ticket: "202601010001", decision: "approve", grant: { dateExpired: "soon" } },
          "grant.dateExpired",
        ],
        [
          { ticket: "202601010001", decision: "approve", grant: { accounts: ["@EVERY"] } },
          "grant.accounts[0]",
        ],
        [
          { ticket: "202601010001", decision: "approve", grant: { assets: [], nodes: [] } },
          "grant.assets",
        ],
        [
          { ticket: "202601010001", decision: "approve", grant: { colour: "blue" } },
          "grant.colour",
        ],
        [{ ticket: "202601010001", decision: "approve", colour: "blue" }, "colour"],
      ];
      for (const [news, property] of cases) {
        const failures = await failureOf(news);
        assert.ok(
          failures.some((f) => f.property === property),
          `${property}: ${JSON.stringify(failures)}`,
        );
      }
      assert.equal(sb.stats().total, 0);
    });

    it("approves both levels of a two-level flow by serial number, the narrowed grant reaching the permission", async () => {
      await setFlow([admins(), admins()]);
      const t = await open();
      const inputs = await checked({
        ticket: t.serialNum,
        decision: "approve",
        reviewed: t.reviewed,
        grant: {
          assets: ["web-01"],
          accounts: ["@SPEC", "root"],
          actions: ["connect"],
          dateExpired: daysFromNow(32),
        },
      });
      assert.equal(inputs.orgId, DEFAULT);
      assert.equal(inputs.revokeOnDelete, true);
      sb.resetStats();
      const { id, outs } = await host.create(inputs);
      assert.equal(id, t.id);
      assert.equal(sb.stats().byRoute[APPROVE], 2, JSON.stringify(sb.stats().byRoute));
      assert.equal(outs.state, "approved");
      assert.equal(outs.permissionId, id);
      assert.deepEqual(outs.decidedLevels, [1, 2]);
      assert.deepEqual(outs.currentApprovers, []);
      assert.match(outs.applicant, /\(requester\)$/);
      assert.deepEqual(outs.asked.assets.sort(), ["web-01", "web-02"]);
      assert.deepEqual(outs.asked.actions, ["connect", "download"]);
      const perm = await permission(id);
      assert.ok(perm, "the permission exists");
      assert.deepEqual(
        perm!.assets.map((a: any) => a.name),
        ["web-01"],
      );
      assert.deepEqual(perm!.accounts, ["@SPEC", "root"]);
      assert.deepEqual(
        perm!.actions.map((a: any) => a.value),
        ["connect"],
      );
      assert.equal(parseDate(perm!.date_expired), Date.parse(daysFromNow(32)));
      // read follows the ticket and plans nothing, whether the ticket is named by serial or id
      const r = await host.read(id, outs);
      assert.equal(r.props.state, "approved");
      assert.equal((await host.diff(id, r.props, inputs)).changes, "none");
      assert.equal((await host.diff(id, r.props, { ...inputs, ticket: id })).changes, "none");
      // changing the decision or the grant afterwards fails at check, naming the property
      const decision = await failureOf(
        { ...inputs, decision: "reject", grant: undefined, reviewed: undefined },
        inputs,
      );
      assert.deepEqual(
        decision.map((f) => f.property),
        ["decision", "grant", "reviewed"],
      );
      assert.match(decision[0].reason, /can't be undone/);
      // ...and at diff when the ticket is written another way (its id instead of its serial)
      await assert.rejects(
        host.diff(id, r.props, { ...inputs, ticket: id, decision: "reject" }),
        /decision.*can't be undone/,
      );
      const grant = await failureOf({ ...inputs, grant: { assets: ["web-01", "web-02"] } }, inputs);
      assert.deepEqual(
        grant.map((f) => f.property),
        ["grant"],
      );
      // revokeOnDelete changes in place
      const d = await host.diff(id, r.props, { ...inputs, revokeOnDelete: false });
      assert.equal(d.changes, "some");
      assert.deepEqual(d.replaces, []);
      // delete revokes the permission and leaves the ticket approved
      await host.delete(id, r.props);
      assert.equal(await permission(id), undefined);
      assert.equal((await ticket(id)).state.value, "approved");
    });

    it("rejects by id; delete leaves the rejected ticket as it is", async () => {
      await setFlow([admins()]);
      const t = await open();
      sb.resetStats();
      const { outs } = await host.create(await checked({ ticket: t.id, decision: "reject" }));
      assert.equal(sb.stats().byRoute[REJECT], 1);
      assert.equal(sb.stats().byRoute[APPROVE] ?? 0, 0);
      assert.equal(outs.state, "rejected");
      assert.equal(outs.permissionId, "");
      assert.deepEqual(outs.decidedLevels, [1]);
      assert.equal((await ticket(t.id)).state.value, "rejected");
      sb.resetStats();
      await host.delete(t.id, outs);
      assert.equal(sb.stats().total, 0);
    });

    it("refuses a widening grant at check, naming the property, and sends no decision", async () => {
      await setFlow([admins()]);
      const t = await open();
      sb.resetStats();
      const cases: Array<[Props, string]> = [
        [{ assets: ["web-01", "db-01"] }, "grant.assets[1]"],
        [{ actions: ["connect", "upload"] }, "grant.actions"],
        [{ accounts: ["@INPUT"] }, "grant.accounts[0]"],
        [{ dateExpired: daysFromNow(61) }, "grant.dateExpired"],
        [{ nodes: ["probe-servers"] }, "grant.nodes[0]"],
      ];
      for (const [grant, property] of cases) {
        const failures = await failureOf({
          ticket: t.serialNum,
          decision: "approve",
          reviewed: t.reviewed,
          grant,
        });
        assert.deepEqual(
          failures.map((f) => f.property),
          [property],
          JSON.stringify(failures),
        );
        assert.match(failures[0].reason, /can only|later than/);
      }
      const writes = Object.keys(sb.stats().byRoute).filter((k) => !k.startsWith("GET "));
      assert.deepEqual(writes, []);
      assert.equal((await ticket(t.id)).state.value, "pending");
    });

    it("fails clearly when the identity is not a current approver, the ticket is closed, decided by someone else, or missing", async () => {
      // not an approver (yet): check lets it through (it may be the identity's turn at merge), create fails
      await setFlow([only("approver"), admins()]);
      const waiting = await open();
      const notYet = await checked({ ticket: waiting.id, decision: "approve" });
      await assert.rejects(
        host.create(notYet),
        /waits at level 1, where this identity \(admin\) is not an approver/,
      );
      // closed by its applicant
      await setFlow([admins()]);
      const closed = await open();
      await client(sb, "requester").request(
        "PUT",
        `/api/v1/tickets/apply-asset-tickets/${closed.id}/close/`,
        { org: null, body: {} },
      );
      const c = await failureOf({ ticket: closed.serialNum, decision: "approve" });
      assert.deepEqual(
        c.map((f) => f.property),
        ["ticket"],
      );
      assert.match(c[0].reason, /was closed/);
      // decided by someone else
      await setFlow([only("approver", "admin")]);
      const other = await open();
      await approveAs(sb, "approver", other.id);
      const o = await failureOf({ ticket: other.id, decision: "reject" });
      assert.match(o[0].reason, /already approved by .*approver/);
      sb.resetStats();
      await assert.rejects(
        host.create({ ticket: other.id, decision: "reject", orgId: DEFAULT, revokeOnDelete: true }),
        /already approved by/,
      );
      assert.deepEqual(
        Object.keys(sb.stats().byRoute).filter((k) => !k.startsWith("GET ")),
        [],
      );
      // missing
      const m = await failureOf({ ticket: "209901019999", decision: "approve" });
      assert.match(m[0].reason, /no apply-asset ticket 209901019999 is visible/);
      await assert.rejects(
        host.create({
          ticket: "209901019999",
          decision: "approve",
          orgId: DEFAULT,
          revokeOnDelete: true,
        }),
        /ticket: no apply-asset ticket 209901019999/,
      );
    });

    it("keeps the permission on delete with revokeOnDelete false", async () => {
      await setFlow([admins()]);
      const t = await open();
      const { id, outs } = await host.create(
        await checked({
          ticket: t.id,
          decision: "approve",
          reviewed: t.reviewed,
          revokeOnDelete: false,
        }),
      );
      assert.equal(outs.state, "approved");
      await host.delete(id, outs);
      assert.ok(await permission(id), "the permission stays");
    });

    it("does not approve twice after a lost answer, and adopts a ticket it decided in a killed run", async () => {
      await setFlow([admins(), admins()]);
      const t = await open();
      sb.injectFault({ method: "PATCH", path: /\/approve\/$/, kind: "dropAfter" });
      sb.resetStats();
      const { outs } = await host.create(
        await checked({ ticket: t.id, decision: "approve", reviewed: t.reviewed }),
      );
      assert.equal(outs.state, "approved");
      assert.equal(sb.stats().byRoute[APPROVE], 2, JSON.stringify(sb.stats().byRoute));
      const steps = (await ticket(t.id)).process_map;
      assert.deepEqual(
        steps.map((s: any) => s.processor),
        [user(sb, "admin").id, user(sb, "admin").id],
      );
      // a run killed after the approvals landed: the next create finds them and sends nothing
      sb.resetStats();
      const again = await host.create(
        await checked({ ticket: t.serialNum, decision: "approve", reviewed: t.reviewed }),
      );
      assert.equal(again.outs.state, "approved");
      assert.deepEqual(
        Object.keys(sb.stats().byRoute).filter((k) => !k.startsWith("GET ")),
        [],
      );
    });

    it("approves level 1 and stops where a person must act; refresh follows the person's approval", async () => {
      await setFlow([admins(), only("approver")]);
      const t = await open();
      const inputs = await checked({ ticket: t.id, decision: "approve", reviewed: t.reviewed });
      const { id, outs } = await host.create(inputs);
      assert.equal(outs.state, "pending");
      assert.equal(outs.approvalStep, 2);
      assert.deepEqual(outs.decidedLevels, [1]);
      assert.deepEqual(outs.currentApprovers, [user(sb, "approver").id]);
      assert.equal(outs.permissionId, "");
      await approveAs(sb, "approver", id);
      const r = await host.read(id, outs);
      assert.equal(r.props.state, "approved");
      assert.equal(r.props.permissionId, id);
      assert.deepEqual(r.props.decidedLevels, [1]);
      assert.equal((await host.diff(id, r.props, inputs)).changes, "none");
      await host.delete(id, r.props);
      assert.equal(await permission(id), undefined);
    });

    it("stays in state when a later level fails, and the next update approves it", async () => {
      await setFlow([admins(), admins()]);
      const t = await open();
      const inputs = await checked({ ticket: t.id, decision: "approve", reviewed: t.reviewed });
      // the first approve passes untouched, the second answers 500 before it is handled
      sb.injectFault({ method: "PATCH", path: /\/approve\/$/, kind: "delay", delayMs: 0 });
      sb.injectFault({ method: "PATCH", path: /\/approve\/$/, kind: "error", status: 500 });
      const failed: any = await host.create(inputs).then(
        () => assert.fail("create passed"),
        (e) => e,
      );
      assert.ok(failed.initFailed, String(failed));
      const partial = failed.initFailed.properties;
      assert.equal(partial.pendingAction, "decide");
      assert.equal(partial.approvalStep, 2);
      assert.deepEqual(partial.decidedLevels, [1]);
      assert.equal((await host.diff(t.id, partial, inputs)).changes, "some");
      const outs = await host.update(t.id, partial, inputs);
      assert.equal(outs.state, "approved");
      assert.equal(outs.pendingAction, "");
      assert.deepEqual(outs.decidedLevels, [1, 2]);
      assert.ok(await permission(t.id), "the permission exists");
    });

    it("getTickets({ awaitingMyDecision }) lists the tickets waiting for the identity", async () => {
      await setFlow([only("approver"), admins()]);
      const notMine = await open();
      await setFlow([admins()]);
      const mine = await open();
      const saved = { ...process.env };
      const cfg = stackConfig(sb, "admin");
      process.env.JUMPSERVER_URL = cfg["jumpserver:url"];
      process.env.JUMPSERVER_ACCESS_KEY_ID = cfg["jumpserver:accessKeyId"];
      process.env.JUMPSERVER_ACCESS_KEY_SECRET = cfg["jumpserver:accessKeySecret"];
      process.env.JUMPSERVER_REQUESTS_PER_MINUTE = "0";
      try {
        const waiting = await getTickets({ awaitingMyDecision: true });
        const ids = waiting.map((w) => w.id);
        assert.ok(ids.includes(mine.id), "the ticket at the identity's level is listed");
        assert.ok(!ids.includes(notMine.id), "a ticket waiting for someone else is not");
        assert.ok(
          waiting.every(
            (w) => w.state === "pending" && w.currentApprovers.includes(user(sb, "admin").id),
          ),
        );
      } finally {
        process.env = saved;
      }
    });
  });
}
