// The real layer, adversaries (issue #17, docs/security.md): each attack on the package's promise
// acted out through JumpServer's API as that person would, against every target (real servers
// given by ready files, else the sandbox in each mode), through the provider in the real
// dynamic-provider host. It writes the Default org's flow, so it runs only where the target can
// be reset (the sandbox, or a server the kit built); it resets before and after.
import { strict as assert } from "node:assert";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ticketApprovalProvider } from "../../provider/resources/ticketApproval";
import { markerFor } from "../../provider/lifecycle/recovery";
import { parseDate } from "../../provider/model/dates";
import { ProviderHost, Props } from "../support/providerHost";
import { approveWithFullGrant, openAsPerson } from "../support/sandbox";
import { daysFromNow } from "../support/clock";
import { RecordingProxy } from "./proxy";
import { adminsRule, choice, clientFor, usersRuleWire } from "./support";
import { configFor, ReadyFile, Target, targetSpecs, userOf } from "./targets";

const TICKET = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
const APPROVAL = "pulumi-nodejs:dynamic/jumpserver:TicketApproval";
const DEFAULT = "00000000-0000-0000-0000-000000000002";
const APPLY = "/api/v1/tickets/apply-asset-tickets/";
const PERMS = "/api/v1/perms/asset-permissions/";
const FLOWS = "/api/v1/tickets/flows/";
const RUN = Date.now().toString(36);

for (const spec of targetSpecs()) {
  describe(`real layer, adversaries — ${spec.label}`, function () {
    this.timeout(5 * 60_000);
    let target: Target;
    let proxy: RecordingProxy;
    let tickets: ProviderHost;
    let approvals: ProviderHost;
    let ready: ReadyFile;
    let n = 0;

    const admin = () => clientFor(ready, proxy.url);
    const asset = (name: string) => ready.assets.find((a) => a.name === name)!.id;
    const ids = (names: string[]) => names.map(asset).sort();
    /** The Default org's own flow, written as an admin would in the UI. */
    async function setFlow(rules: Props[]): Promise<void> {
      const flows = await admin().list<Props>(FLOWS, { org: DEFAULT });
      const own = flows.find((f) => f.org_id === DEFAULT && !f.name) ?? flows[0];
      await admin().request("PATCH", `${FLOWS}${own.id}/`, {
        org: DEFAULT,
        // v3 rules need assignees even for super_admin (an omitted list answers 500).
        body: {
          type: "apply_asset",
          rules: rules.map((r) => ("strategy" in r ? { assignees: [], ...r } : r)),
          approval_level: rules.length,
        },
      });
    }
    const people = () => {
      const approver = userOf(ready, "approver").id;
      const orgadmin = userOf(ready, "orgadmin").id;
      return ready.dialect === "strategy"
        ? { strategy: "custom_user", assignees: [approver, orgadmin] }
        : { users: { type: "ids", ids: [approver, orgadmin] } };
    };
    const permission = (id: string) =>
      admin()
        .get<Props>(`${PERMS}${id}/`, { org: DEFAULT })
        .catch((e) => (e.status === 404 ? undefined : Promise.reject(e)));
    const stateOf = async (id: string) =>
      choice((await admin().get<Props>(`${APPLY}${id}/`, { org: null })).state);

    before(async function () {
      target = await spec.open();
      if (!target.reset) {
        console.log(
          `      skipped: ${spec.label} can't be reset (not built by the kit), and this suite writes the Default org's flow`,
        );
        return this.skip();
      }
      await target.reset();
      ready = target.ready;
      proxy = await RecordingProxy.start(ready);
      const cfg = configFor(ready, proxy.url, "admin", target.providerConfig);
      tickets = await ProviderHost.start(assetAccessTicketProvider, TICKET, cfg);
      approvals = await ProviderHost.start(ticketApprovalProvider, APPROVAL, {
        ...cfg,
        "jumpserver:maxAccessDays": "7",
        "jumpserver:allowedActions": "connect,download",
      });
    });
    after(async () => {
      await tickets?.close();
      await approvals?.close();
      await proxy?.close();
      if (target?.reset && ready) await target.reset();
      await target?.close();
    });

    const declared = (extra: Props = {}): Props => ({
      title: `pjt-real ${RUN} adversary ${++n}`,
      orgId: DEFAULT,
      applicant: "requester",
      assets: ["db-01"],
      actions: ["connect"],
      dateStart: daysFromNow(30),
      dateExpired: daysFromNow(31),
      ...extra,
    });
    async function granted(id: string) {
      const p = await permission(id);
      assert.ok(p, `ticket ${id} has a permission`);
      return {
        assets: (p!.assets as Props[]).map((a) => a.id).sort(),
        actions: (p!.actions as Props[]).map((a) => choice(a)),
        end: parseDate(String(p!.date_expired))!,
      };
    }

    it("a requester's wider ticket carrying the resource's marker is not adopted", async () => {
      await setFlow([adminsRule(ready.dialect)]);
      const asked = declared({ approve: true, instanceKey: `pjt-real/${RUN}/db-access` });
      const { inputs } = await tickets.check({}, asked);
      const me = userOf(ready, "admin");
      const keyed = markerFor(
        { kind: "accessKey", keyId: me.accessKey.id, secret: me.accessKey.secret },
        inputs.requestId,
      );
      const forged = [];
      for (const marker of [inputs.requestId, keyed])
        forged.push(
          await openAsPerson(clientFor(ready, proxy.url, "requester"), ready, {
            title: asked.title,
            orgId: DEFAULT,
            assets: ["db-01", "web-01", "web-02"],
            actions: ["all"],
            dateStart: asked.dateStart,
            dateExpired: daysFromNow(300),
            comment: `please [pulumi:${marker}]`,
          }),
        );
      const { id, outs } = await tickets.create(inputs);
      assert.ok(!forged.some((f) => f.id === id), "a forged ticket was adopted");
      assert.equal(outs.state, "approved");
      for (const f of forged) assert.equal(await stateOf(f.id), "pending");
      const g = await granted(id);
      assert.deepEqual(g.assets, ids(["db-01"]));
      assert.deepEqual(g.actions, ["connect"]);
      await tickets.delete(id, outs);
    });

    it("a level-1 approver's widening is narrowed away when the pipeline approves level 2", async () => {
      await setFlow([people(), adminsRule(ready.dialect)]);
      const asked = declared({ approve: false });
      const { inputs } = await tickets.check({}, asked);
      const { id, outs } = await tickets.create(inputs);
      await approveWithFullGrant(admin(), clientFor(ready, proxy.url, "approver"), id, {
        apply_assets: ids(["db-01", "web-01", "web-02"]),
        apply_actions: ["all"],
        apply_date_expired: daysFromNow(300),
      });
      const news = (await tickets.check(inputs, { ...asked, approve: true })).inputs;
      const after = await tickets.update(id, outs, news);
      assert.equal(after.state, "approved");
      const g = await granted(id);
      assert.deepEqual(g.assets, ids(["db-01"]));
      assert.deepEqual(g.actions, ["connect"]);
      assert.ok(g.end <= Date.parse(asked.dateExpired), "the declared end");
      await tickets.delete(id, after);
    });

    it("TicketApproval: the identity's own ticket and a long one are refused; an edit after the review is refused and named", async () => {
      // The identity alone at level 1: JumpServer would let it approve its own ticket.
      await setFlow([usersRuleWire(ready.dialect, userOf(ready, "admin").id)]);
      const ask = {
        orgId: DEFAULT,
        assets: ["web-01"],
        accounts: ["@ALL"],
        actions: ["connect"],
        dateStart: daysFromNow(30),
        dateExpired: daysFromNow(32),
        comment: "release 42",
      };
      const pin = (a: typeof ask) => ({
        assets: a.assets,
        nodes: [],
        accounts: a.accounts,
        actions: a.actions,
        dateStart: a.dateStart,
        dateExpired: a.dateExpired,
      });
      const own = await openAsPerson(clientFor(ready, proxy.url, "admin"), ready, {
        ...ask,
        title: `pjt-real ${RUN} own`,
      });
      const o = await approvals.check(
        {},
        { ticket: own.serialNum, decision: "approve", reviewed: pin(ask) },
      );
      assert.ok(
        o.failures.some((f) => f.property === "decision" && /own ticket/.test(f.reason)),
        JSON.stringify(o.failures),
      );
      assert.equal(await stateOf(own.id), "pending");

      await setFlow([people(), adminsRule(ready.dialect)]);
      const longAsk = { ...ask, actions: ["all"], dateExpired: daysFromNow(330) };
      const long = await openAsPerson(clientFor(ready, proxy.url, "requester"), ready, {
        ...longAsk,
        title: `pjt-real ${RUN} long`,
      });
      await approveWithFullGrant(admin(), clientFor(ready, proxy.url, "approver"), long.id);
      const l = await approvals.check(
        {},
        { ticket: long.serialNum, decision: "approve", reviewed: pin(longAsk) },
      );
      assert.deepEqual(
        l.failures.map((f) => f.property).sort(),
        ["grant.actions", "grant.dateExpired"],
        JSON.stringify(l.failures),
      );

      // Reviewed at preview; the level-1 approver widens before the merge.
      const edited = await openAsPerson(clientFor(ready, proxy.url, "requester"), ready, {
        ...ask,
        title: `pjt-real ${RUN} edited`,
      });
      const inputs = (
        await approvals.check(
          {},
          { ticket: edited.serialNum, decision: "approve", reviewed: pin(ask) },
        )
      ).inputs;
      assert.ok(inputs, "the review's preview passes");
      await approveWithFullGrant(admin(), clientFor(ready, proxy.url, "approver"), edited.id, {
        apply_assets: ids(["web-01", "web-02"]),
        apply_actions: ["connect", "download"],
      });
      await assert.rejects(approvals.create(inputs), (e: Error) => {
        assert.match(e.message, /changed since the review/);
        assert.match(e.message, /assets: reviewed \["web-01"\]/);
        return true;
      });
      assert.equal(await stateOf(edited.id), "pending");
    });
  });
}
