// The real layer, access over time: through the real dynamic-provider host, against every target
// (real servers given by ready files, else the sandbox in each mode), through the recording proxy.
// A pending request past `pendingTimeoutDays` is closed by the next update, and then left alone;
// a break-glass ticket is refused at check (its attacks, with no request), and at `up` where the
// org has no named flow for it: before v4.10.19 because no such flow can exist. Time passes by
// backdating `openedAt` in the state handed to diff and update.
// What it creates: tickets titled "pjt-real <run> over-time …" in Default, closed or revoked at
// the end. The full break-glass grant needs a named flow, which can't be deleted and changes how
// every ticket of the org must be opened: it runs last, only where the suite can reset the server
// (the kit's reset.sh, or the sandbox), and resets it after.
import { strict as assert } from "node:assert";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { ProviderHost, Props } from "../support/providerHost";
import { RecordingProxy } from "./proxy";
import { clientFor } from "./support";
import { configFor, ReadyFile, Target, targetSpecs } from "./targets";
import { ensureOrgPeople, OrgCase, orgCase } from "./orgs";
import { daysFromNow } from "../support/clock";

const TICKET = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
const FLOW = "pulumi-nodejs:dynamic/jumpserver:TicketFlow";
const OPEN = /^POST .*apply-asset-tickets\/open\//;
const RUN = Date.now().toString(36);
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const aged = (outs: Props, hours: number): Props => ({
  ...outs,
  openedAt: iso(Date.parse(String(outs.openedAt)) - hours * HOUR),
});

for (const spec of targetSpecs()) {
  describe(`real layer, access over time — ${spec.label}, in Default`, function () {
    this.timeout(5 * 60_000);
    let target: Target;
    let proxy: RecordingProxy;
    let tickets: ProviderHost;
    let ready: ReadyFile;
    let org: OrgCase;
    let named: boolean;
    let cfg: Record<string, string>;

    const admin = () => clientFor(ready, proxy.url);
    const opens = () => proxy.exchanges.filter((x) => OPEN.test(`${x.method} ${x.path}`)).length;

    before(async () => {
      target = await spec.open();
      ready = target.ready;
      org = orgCase(ready, "default", target.multiOrg, RUN);
      proxy = await RecordingProxy.start(ready);
      await ensureOrgPeople(admin(), ready, org);
      cfg = configFor(ready, proxy.url, "admin", {
        ...target.providerConfig,
        "jumpserver:pendingTimeoutDays": "3",
        "jumpserver:breakGlassApplicants": org.applicant,
      });
      tickets = await ProviderHost.start(assetAccessTicketProvider, TICKET, cfg);
      const flows = await admin().list<Record<string, unknown>>("/api/v1/tickets/flows/", {
        org: "00000000-0000-0000-0000-000000000000",
      });
      named = flows.some((f) => "name" in f);
    });
    after(async () => {
      await tickets?.close();
      await proxy?.close();
      await target?.close();
    });

    it("closes a request nobody approved within pendingTimeoutDays, then leaves it alone", async () => {
      const { inputs, failures } = await tickets.check(
        {},
        {
          title: `pjt-real ${RUN} over-time timeout`,
          orgId: org.id,
          applicant: org.applicant,
          assets: [org.assets[0]],
          actions: ["connect"],
          dateStart: daysFromNow(30),
          dateExpired: daysFromNow(31),
        },
      );
      assert.deepEqual(failures, []);
      proxy.step = "timeout-open";
      const { id, outs } = await tickets.create(inputs);
      try {
        assert.equal(outs.state, "pending");
        assert.equal((await tickets.diff(id, aged(outs, 71), inputs)).changes, "none");
        const late = aged(outs, 73);
        assert.equal((await tickets.diff(id, late, inputs)).changes, "some");
        proxy.step = "timeout-close";
        const closed = await tickets.update(id, late, inputs);
        assert.equal(closed.state, "closed");
        assert.ok(closed.timedOutAt);
        proxy.step = "timeout-read";
        const r = await tickets.read(id, closed);
        assert.equal(r.props.state, "closed", "JumpServer holds it closed");
        assert.equal((await tickets.diff(id, r.props, inputs)).changes, "none");
        const before = opens();
        const again = await tickets.update(id, r.props, inputs);
        assert.equal(again.state, "closed");
        assert.equal(opens(), before, "nothing reopened");
      } finally {
        await tickets.delete(id, outs).catch(() => undefined);
      }
    });

    it("refuses break-glass attacks at check with no request, and a flow not meant for it at up", async () => {
      const start = Date.parse(daysFromNow(1));
      const emergency = (extra: Props = {}): Props => ({
        title: `pjt-real ${RUN} over-time break-glass`,
        orgId: org.id,
        applicant: org.applicant,
        assets: [org.assets[0]],
        actions: ["connect"],
        dateStart: iso(start),
        dateExpired: iso(start + 2 * HOUR),
        approve: true,
        flow: "pjt-real-break-glass",
        breakGlass: { reason: "real-layer drill" },
        ...extra,
      });
      const sent = proxy.exchanges.length;
      for (const [news, property] of [
        [emergency({ breakGlass: { reason: " " } }), "breakGlass.reason"],
        [emergency({ applicant: org.approver }), "applicant"],
        [emergency({ dateExpired: iso(start + 10 * HOUR) }), "dateExpired"],
        [emergency({ ratified: true }), "ratified"],
        [emergency({ revokeOnDelete: false }), "revokeOnDelete"],
      ] as Array<[Props, string]>) {
        const { failures } = await tickets.check({}, news);
        assert.ok(
          failures.some((f) => f.property === property),
          `${property}: ${JSON.stringify(failures)}`,
        );
      }
      assert.equal(proxy.exchanges.length, sent, "check sent nothing");
      const { inputs, failures } = await tickets.check({}, emergency());
      assert.deepEqual(failures, []);
      proxy.step = "break-glass-refused";
      const before = opens();
      await assert.rejects(
        tickets.create(inputs),
        named
          ? /flow: a break-glass ticket is opened under a named flow meant for it, and "pjt-real-break-glass" is no named apply_asset flow/
          : /breakGlass: this JumpServer has no named flows \(they came with v4\.10\.19\)/,
      );
      assert.equal(opens(), before, "no ticket was opened");
    });

    it("on v4.10.19, a break-glass grant opens approved under its named flow, and is revoked unratified", async function () {
      if (!named) {
        console.log(
          `SKIP real overTime: ${target.label} has no named flows (break-glass is refused there, above)`,
        );
        return this.skip();
      }
      if (!target.reset) {
        console.log(
          `SKIP real overTime: no reset for ${target.label} (the grant leaves a named flow)`,
        );
        return this.skip();
      }
      const flows = await ProviderHost.start(ticketFlowProvider, FLOW, cfg);
      try {
        const flowName = `pjt-real-${RUN}-break-glass`;
        const f = await flows.check(
          {},
          {
            orgId: org.id,
            name: flowName,
            rules: [{ users: { type: "ids", ids: ["admin"] } }],
            guardrails: { forbidSelfApproval: false },
          },
        );
        assert.deepEqual(f.failures, []);
        proxy.step = "break-glass-flow";
        await flows.create(f.inputs);
        const start = Date.now() - 60_000;
        const { inputs, failures } = await tickets.check(
          {},
          {
            title: `pjt-real ${RUN} over-time break-glass grant`,
            orgId: org.id,
            applicant: org.applicant,
            assets: [org.assets[0]],
            actions: ["connect"],
            dateStart: iso(start),
            dateExpired: iso(start + 3 * HOUR),
            approve: true,
            flow: flowName,
            breakGlass: { reason: "real-layer drill", incident: "DRILL-1" },
          },
        );
        assert.deepEqual(failures, []);
        proxy.step = "break-glass-open";
        const { id, outs } = await tickets.create(inputs);
        assert.equal(outs.state, "approved");
        const t = await admin().get<Record<string, unknown>>(
          `/api/v1/tickets/apply-asset-tickets/${id}/`,
          { org: null },
        );
        assert.match(String(t.comment), /^\[break-glass\] real-layer drill \(incident DRILL-1\);/);
        const late = aged(outs, 25);
        assert.equal((await tickets.diff(id, late, inputs)).changes, "some");
        proxy.step = "break-glass-revoke";
        const revoked = await tickets.update(id, late, inputs);
        assert.ok(revoked.revokedAt);
        const r = await tickets.read(id, revoked);
        assert.equal(r.props.grant, "deleted", "JumpServer holds no permission");
        assert.equal((await tickets.diff(id, r.props, inputs)).changes, "none");
      } finally {
        await flows.close();
        await target.reset();
      }
    });
  });
}
