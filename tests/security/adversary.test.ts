// The package's promise against people who act in JumpServer (issue #17, docs/security.md): a
// requester, an earlier approver or the identity's own tickets never get more than the program
// declares. Each attack is acted out through JumpServer's API, as that person would, against the
// provider in the real dynamic-provider host, in the sandbox's three version modes.
import { strict as assert } from "assert";
import fc from "fast-check";
import { Sandbox } from "../../sandbox";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ticketApprovalProvider } from "../../provider/resources/ticketApproval";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { markerFor } from "../../provider/lifecycle/recovery";
import { ProviderHost, Props } from "../support/providerHost";
import {
  SERVER_MODES,
  SYSTEM_ADMINS,
  approveWithFullGrant,
  client,
  openAsPerson,
  sandbox,
  stackConfig,
  user,
} from "../support/sandbox";

const TICKET_TYPE = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
const APPROVAL_TYPE = "pulumi-nodejs:dynamic/jumpserver:TicketApproval";
const DEFAULT = "00000000-0000-0000-0000-000000000002";
const FLOWS = "/api/v1/tickets/flows/";
const TICKETS = "/api/v1/tickets/apply-asset-tickets/";
const PERMS = "/api/v1/perms/asset-permissions/";
const ROOT = "00000000-0000-0000-0000-000000000000";
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
/** Whole days from the start of today (UTC), so inputs stay the same within a run. */
const day = (n: number) => iso(Math.floor(Date.now() / DAY) * DAY + n * DAY);

for (const mode of SERVER_MODES) {
  describe(`adversaries — ${mode.label}`, function () {
    this.timeout(60_000);
    let sb: Sandbox;
    let tickets: ProviderHost;
    let approvals: ProviderHost;
    let n = 0;
    const strategy = mode.options.dialect === "strategy";

    before(async () => {
      sb = await sandbox(mode.options);
      tickets = await ProviderHost.start(
        assetAccessTicketProvider,
        TICKET_TYPE,
        stackConfig(sb, "admin"),
      );
      approvals = await ProviderHost.start(ticketApprovalProvider, APPROVAL_TYPE, {
        ...stackConfig(sb, "admin"),
        "jumpserver:maxAccessDays": "7",
        "jumpserver:allowedActions": "connect,download",
        "jumpserver:requireComment": "true",
      });
    });
    after(async () => {
      await tickets?.close();
      await approvals?.close();
      await sb?.close();
    });

    const admin = () => client(sb, "admin");
    const asset = (name: string) => sb.seed.assets.find((a) => a.name === name)!.id;
    const ids = (names: string[]) => names.map(asset).sort();
    const admins = () =>
      strategy ? { strategy: "super_admin", assignees: [] } : { users: SYSTEM_ADMINS };
    const people = (...names: string[]) => {
      const list = names.map((u) => user(sb, u).id);
      return strategy
        ? { strategy: "custom_user", assignees: list }
        : { users: { type: "ids", ids: list } };
    };
    /** The org's own flow (Default's by default; the root org's is the global one other orgs use). */
    async function setFlow(rules: unknown[], org = DEFAULT): Promise<void> {
      const flows = await admin().list<Record<string, any>>(FLOWS, { org });
      const own = flows.find((f) => !f.name && f.org_id === org) ?? flows[0];
      await admin().request("PATCH", `${FLOWS}${own.id}/`, {
        org,
        body: { type: "apply_asset", rules, approval_level: rules.length },
      });
    }
    const ticket = (id: string) =>
      admin().get<Record<string, any>>(`${TICKETS}${id}/`, { org: null });
    const permission = (id: string) =>
      admin()
        .get<Record<string, any>>(`${PERMS}${id}/`, { org: DEFAULT })
        .catch((e) => (e.status === 404 ? undefined : Promise.reject(e)));
    /** What an approved grant holds, for comparison with what the program declared. */
    async function granted(id: string) {
      const p = await permission(id);
      assert.ok(p, `ticket ${id} has a permission`);
      return {
        assets: p!.assets.map((a: { id: string }) => a.id).sort(),
        actions: p!.actions.map((a: { value: string }) => a.value),
        end: Date.parse(String(p!.date_expired).replace(/\//g, "-").replace(" +0800", "+08:00")),
      };
    }
    /** The program's request: db-01, connect, one day. */
    const declared = (extra: Props = {}): Props => ({
      title: `adversary ${mode.label} #${++n}`,
      orgId: DEFAULT,
      applicant: "requester",
      assets: ["db-01"],
      actions: ["connect"],
      dateStart: day(1),
      dateExpired: day(2),
      ...extra,
    });
    /** A level-1 approver's approval that widens the ticket: three assets, every action, a year. */
    const WIDER = () => ({
      apply_assets: ids(["db-01", "web-01", "web-02"]),
      apply_actions: ["all"],
      apply_date_expired: day(366),
    });

    it("a requester's ticket carrying the resource's marker is never adopted: the pipeline opens and approves its own", async () => {
      await setFlow([admins()]);
      const instanceKey = `adversary/dev/db-access-${n}`;
      const asked = declared({ approve: true, instanceKey });
      const { inputs } = await tickets.check({}, asked);
      // Everything in the requestId is in the repository (and in the preview): the requester
      // opens a wider ticket of their own carrying it, and one carrying the keyed marker too
      // (as if it had leaked), each asking for more than the program declares.
      const requester = client(sb, "requester");
      const forge = async (marker: string) =>
        openAsPerson(requester, sb.seed, {
          title: asked.title,
          orgId: DEFAULT,
          assets: ["db-01", "web-01", "web-02"],
          actions: ["all"],
          dateStart: asked.dateStart,
          dateExpired: day(366),
          comment: `please ${marker}`,
        });
      const admin0 = user(sb, "admin");
      const keyed = markerFor(
        { kind: "accessKey", keyId: admin0.accessKey.id, secret: admin0.accessKey.secret },
        inputs.requestId,
      );
      const forged = [
        await forge(`[pulumi:${inputs.requestId}]`),
        await forge(`[pulumi:${keyed}]`),
      ];
      const { id, outs } = await tickets.create(inputs);
      assert.ok(!forged.some((f) => f.id === id), "a forged ticket was adopted");
      assert.equal(outs.state, "approved");
      for (const f of forged) assert.equal((await ticket(f.id)).state.value, "pending");
      const g = await granted(id);
      assert.deepEqual(g.assets, ids(["db-01"]));
      assert.deepEqual(g.actions, ["connect"]);
      await tickets.delete(id, outs);
    });

    it("an earlier approver's widening is narrowed away: the pipeline approves only what was declared", async () => {
      await setFlow([people("approver", "orgadmin"), admins()]);
      const asked = declared({ approve: false });
      const { inputs } = await tickets.check({}, asked);
      const { id, outs } = await tickets.create(inputs);
      assert.equal(outs.state, "pending");
      await approveWithFullGrant(admin(), client(sb, "approver"), id, WIDER());
      // The pull request sets approve: true; the update approves level 2.
      const news = (await tickets.check(inputs, { ...asked, approve: true })).inputs;
      const after = await tickets.update(id, outs, news);
      assert.equal(after.state, "approved");
      const g = await granted(id);
      assert.deepEqual(g.assets, ids(["db-01"]), "assets");
      assert.deepEqual(g.actions, ["connect"], "actions");
      assert.ok(g.end <= Date.parse(asked.dateExpired), "the declared end");
      // The approved grant recorded in state is the narrowed one: refresh plans no widening back.
      assert.deepEqual(after.approvedGrant.assets, ids(["db-01"]));
      const r = await tickets.read(id, after);
      const d = await tickets.diff(id, r.props, (await tickets.check(r.inputs!, news)).inputs);
      assert.equal(d.changes, "none");
      await tickets.delete(id, r.props);
    });

    it("a second org's ticket: a node an earlier approver added is removed when the pipeline approves (v4.10.16 keeps it unless approved in the root org)", async () => {
      // Ops has no flow of its own: the global one (the root org's) governs its tickets.
      await setFlow([people("approver", "orgadmin"), admins()], ROOT);
      const ops = sb.seed.orgs.find((o) => o.name === "Ops")!.id;
      const opsNode = sb.seed.nodes.find((x) => x.orgId === ops)!.id;
      const asked = declared({ orgId: ops, assets: ["ops-bastion"], approve: false });
      const { inputs } = await tickets.check({}, asked);
      const { id, outs } = await tickets.create(inputs);
      // The level-1 approver adds Ops's root node (every asset of Ops) to the ticket.
      await approveWithFullGrant(admin(), client(sb, "approver"), id, { apply_nodes: [opsNode] });
      const news = (await tickets.check(inputs, { ...asked, approve: true })).inputs;
      const after = await tickets.update(id, outs, news);
      assert.equal(after.state, "approved");
      const p = await admin().get<Record<string, any>>(`${PERMS}${id}/`, { org: ROOT });
      assert.deepEqual(p.nodes, [], "the pipeline granted no node");
      assert.deepEqual(
        (p.assets as Array<{ name: string }>).map((a) => a.name),
        ["ops-bastion"],
      );
      await tickets.delete(id, after);
    });

    it("an earlier approver's narrowing stays theirs: the pipeline never widens it back", async () => {
      await setFlow([people("approver", "orgadmin"), admins()]);
      const asked = declared({ assets: ["db-01", "web-01"], actions: ["connect", "download"] });
      const { inputs } = await tickets.check({}, { ...asked, approve: false });
      const { id, outs } = await tickets.create(inputs);
      await approveWithFullGrant(admin(), client(sb, "approver"), id, {
        apply_assets: ids(["web-01"]),
        apply_actions: ["connect"],
      });
      const news = (await tickets.check(inputs, { ...asked, approve: true })).inputs;
      const after = await tickets.update(id, outs, news);
      assert.equal(after.state, "approved");
      const g = await granted(id);
      assert.deepEqual(g.assets, ids(["web-01"]));
      assert.deepEqual(g.actions, ["connect"]);
      await tickets.delete(id, after);
    });

    // One mode is enough for the property (each run is a full open, approve and heal).
    if (mode.options.errors === "conflict")
      it("property: whatever an earlier approver or an admin edits, what the pipeline approves and restores stays within the declaration", async function () {
        this.timeout(300_000);
        const all = ["web-01", "web-02", "db-01"];
        const edit = fc.record({
          assets: fc.subarray(all, { minLength: 1 }),
          actions: fc.oneof(
            fc.constant(["all"]),
            fc.subarray(["connect", "upload", "download", "copy"], { minLength: 1 }),
          ),
          accounts: fc.constantFrom(["@ALL"], ["@SPEC", "root"], ["readonly"]),
          endDays: fc.integer({ min: 2, max: 400 }),
          startDays: fc.integer({ min: 0, max: 1 }),
        });
        await setFlow([people("approver", "orgadmin"), admins()]);
        await fc.assert(
          fc.asyncProperty(edit, edit, async (atApproval, byHand) => {
            const asked = declared({
              assets: ["db-01", "web-01"],
              actions: ["connect", "download"],
            });
            const { inputs } = await tickets.check({}, { ...asked, approve: false });
            const { id, outs } = await tickets.create(inputs);
            await approveWithFullGrant(admin(), client(sb, "approver"), id, {
              apply_assets: ids(atApproval.assets),
              apply_actions: atApproval.actions,
              apply_accounts: atApproval.accounts,
              apply_date_start: day(atApproval.startDays),
              apply_date_expired: day(atApproval.endDays),
            });
            const news = (await tickets.check(inputs, { ...asked, approve: true })).inputs;
            let props: Props;
            try {
              props = await tickets.update(id, outs, news);
            } catch (e) {
              // Refused (nothing in common left to grant): nothing may have been approved.
              assert.match(String(e), /not approved at level/);
              assert.equal((await ticket(id)).state.value, "pending");
              return;
            }
            const check = async () => {
              const g = await granted(id);
              const declaredIds = ids(asked.assets);
              assert.ok(
                g.assets.every((a: string) => declaredIds.includes(a)),
                `assets ${g.assets}`,
              );
              assert.ok(
                g.actions.every((a: string) => ["connect", "download"].includes(a)),
                `actions ${g.actions}`,
              );
              assert.ok(g.end <= Date.parse(asked.dateExpired), "end");
            };
            await check();
            // An admin widens the permission by hand; the drift heal puts back the approved grant only.
            await admin().request("PATCH", `${PERMS}${id}/`, {
              org: DEFAULT,
              body: {
                assets: ids(byHand.assets),
                actions: byHand.actions,
                date_expired: day(byHand.endDays),
              },
            });
            const r = await tickets.read(id, props);
            const healed = (await tickets.check(r.inputs!, news)).inputs;
            if ((await tickets.diff(id, r.props, healed)).changes !== "none")
              props = await tickets.update(id, r.props, healed);
            await check();
            await tickets.delete(id, props);
          }),
          { numRuns: 12 },
        );
      });

    it("a PR author's flow naming one person twice (username and id) is a sole approver: refused at up, nothing written", async () => {
      const flows = await ProviderHost.start(
        ticketFlowProvider,
        "pulumi-nodejs:dynamic/jumpserver:TicketFlow",
        stackConfig(sb, "admin"),
      );
      try {
        const before = await admin().list<Record<string, any>>(FLOWS, { org: DEFAULT });
        const id = user(sb, "approver").id;
        const rule = strategy
          ? { strategy: "custom_user", assignees: ["approver", id] }
          : { users: { type: "ids", ids: ["approver", id] } };
        // The words alone can't tell a name and an id apart: preview passes...
        const { inputs, failures } = await flows.check({}, { orgId: DEFAULT, rules: [rule] });
        assert.deepEqual(failures, []);
        // ...and `up`, with the names resolved, refuses before writing.
        sb.resetStats();
        await assert.rejects(flows.create(inputs), /only approver.*forbidSelfApproval/s);
        const writes = Object.keys(sb.stats().byRoute).filter((k) => !k.startsWith("GET "));
        assert.deepEqual(writes, []);
        const after = await admin().list<Record<string, any>>(FLOWS, { org: DEFAULT });
        assert.deepEqual(after, before);
      } finally {
        await flows.close();
      }
    });

    /** The requester opens a ticket in the UI; `reviewed` is what a review of it pins. */
    async function asks(ask: Props = {}, as = "requester") {
      const full = {
        title: `adversary ask ${mode.label} #${++n}`,
        orgId: DEFAULT,
        assets: ["web-01"],
        accounts: ["@ALL"],
        actions: ["connect"],
        dateStart: day(1),
        dateExpired: day(3),
        comment: "rollout of release 42",
        ...ask,
      };
      const t = await openAsPerson(client(sb, as), sb.seed, full);
      const { assets, accounts, actions, dateStart, dateExpired } = full;
      return { ...t, reviewed: { assets, nodes: [], accounts, actions, dateStart, dateExpired } };
    }
    const failures = async (news: Props) =>
      (await approvals.check({}, news)).failures.map((f) => `${f.property}: ${f.reason}`);

    it("TicketApproval refuses the identity's own ticket and keeps the stack's guardrails on what it sends", async () => {
      // The identity is the only approver of a level: JumpServer keeps a sole approver even when
      // it is the applicant, so without the provider's refusal it would approve its own ticket.
      await setFlow([people("admin")]);
      const own = await asks({}, "admin");
      const f = await failures({
        ticket: own.serialNum,
        decision: "approve",
        reviewed: own.reviewed,
      });
      assert.ok(
        f.some((x) => /^decision: .*own ticket/.test(x)),
        f.join("\n"),
      );
      await assert.rejects(
        approvals.create({
          ticket: own.id,
          decision: "approve",
          reviewed: own.reviewed,
          orgId: DEFAULT,
          revokeOnDelete: true,
        }),
        /own ticket/,
      );
      assert.equal((await ticket(own.id)).state.value, "pending");

      await setFlow([admins()]);
      // 300 days, every action, no reason: each guardrail, judged on the body the approval sends.
      const long = await asks({ actions: ["all"], dateExpired: day(301), comment: "" });
      const l = await failures({
        ticket: long.serialNum,
        decision: "approve",
        reviewed: long.reviewed,
      });
      assert.ok(
        l.some((x) => /^grant\.dateExpired: .*longer than jumpserver:maxAccessDays/.test(x)),
        l.join("\n"),
      );
      assert.ok(
        l.some((x) => /^grant\.actions: .*not in jumpserver:allowedActions/.test(x)),
        l.join("\n"),
      );
      assert.ok(
        l.some((x) => /^ticket: .*must say why/.test(x)),
        l.join("\n"),
      );
      await assert.rejects(
        approvals.create({
          ticket: long.id,
          decision: "approve",
          reviewed: long.reviewed,
          orgId: DEFAULT,
          revokeOnDelete: true,
        }),
        /maxAccessDays/,
      );
      assert.equal((await ticket(long.id)).state.value, "pending");
      // Narrowed within the guardrails by the review's grant, it is approved.
      const fine = await asks({ actions: ["all"], dateExpired: day(301) });
      const inputs = (
        await approvals.check(
          {},
          {
            ticket: fine.serialNum,
            decision: "approve",
            reviewed: fine.reviewed,
            grant: { actions: ["connect"], dateExpired: day(5) },
          },
        )
      ).inputs;
      const made = await approvals.create(inputs);
      assert.equal(made.outs.state, "approved");
      const g = await granted(fine.id);
      assert.deepEqual(g.actions, ["connect"]);
      await approvals.delete(made.id, made.outs);
    });

    // Three levels need v4.10.19 (older versions allow two).
    if (mode.options.errors === "conflict")
      it("TicketApproval resumed after a failed level approves only the pin, not a later approver's widening", async () => {
        await setFlow([admins(), people("admin", "approver"), admins()]);
        const t = await asks();
        const inputs = (
          await approvals.check(
            {},
            { ticket: t.serialNum, decision: "approve", reviewed: t.reviewed },
          )
        ).inputs;
        // Level 1 goes through; level 2's answer is a 500: the approval stays in state, unfinished.
        const path = `${TICKETS}${t.id}/approve/`;
        sb.injectFault({ method: "PATCH", path, kind: "delay", delayMs: 0 });
        sb.injectFault({ method: "PATCH", path, kind: "error", status: 500 });
        const failed: any = await approvals.create(inputs).then(
          () => assert.fail("create passed"),
          (e) => e,
        );
        const partial = failed.initFailed?.properties;
        assert.equal(partial?.pendingAction, "decide", String(failed));
        // Meanwhile a person of level 2 approves it, widened (within the guardrails).
        await approveWithFullGrant(admin(), client(sb, "approver"), t.id, {
          apply_assets: ids(["web-01", "web-02", "db-01"]),
          apply_actions: ["connect", "download"],
        });
        // The next `up` finishes: level 3 sends the pinned ask, never the widened ticket.
        const again = (
          await approvals.check(partial, {
            ticket: t.serialNum,
            decision: "approve",
            reviewed: t.reviewed,
          })
        ).inputs;
        const outs = await approvals.update(t.id, partial, again);
        assert.equal(outs.state, "approved");
        const g = await granted(t.id);
        assert.deepEqual(g.assets, ids(["web-01"]));
        assert.deepEqual(g.actions, ["connect"]);
        await approvals.delete(t.id, outs);
      });

    it("TicketApproval approves only what the review saw: an edit between preview and up is refused and named", async () => {
      await setFlow([people("approver", "orgadmin"), admins()]);
      const t = await asks();
      // The pull request's preview: the ticket waits for the approver; the pin is what it asks now.
      const inputs = (
        await approvals.check(
          {},
          { ticket: t.serialNum, decision: "approve", reviewed: t.reviewed },
        )
      ).inputs;
      assert.ok(inputs, "the preview passes");
      // Before the merge, the level-1 approver approves with a wider grant.
      await approveWithFullGrant(admin(), client(sb, "approver"), t.id, {
        apply_assets: ids(["web-01", "web-02"]),
        apply_actions: ["connect", "download"],
      });
      await assert.rejects(approvals.create(inputs), (e: Error) => {
        assert.match(e.message, /reviewed: .*changed since the review/);
        assert.match(e.message, /assets: reviewed \["web-01"\], now/);
        assert.match(e.message, /actions: reviewed \["connect"\], now \["connect","download"\]/);
        return true;
      });
      const live = await ticket(t.id);
      assert.equal(live.state.value, "pending");
      assert.equal(live.approval_step.value ?? live.approval_step, 2);
    });
  });
}
