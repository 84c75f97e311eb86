// Grant drift through the real dynamic-provider host (issue 15): an approved ticket follows the
// asset permission its approval created. Widened or narrowed by hand: a per-property drift that
// `update` puts back with one PATCH. Deleted or disabled: a replacement. Expired: not drift. An
// approver's narrowing at approval time is the approved grant, not drift.
import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { PERMISSIONS } from "../../provider/api/permissions";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ProviderHost, Props } from "../support/providerHost";
import { SERVER_MODES, approveAs, client, sandbox, stackConfig, user } from "../support/sandbox";
import { daysFromNow } from "../support/clock";

const TYPE = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
const DEFAULT = "00000000-0000-0000-0000-000000000002";
const TICKET = "/api/v1/tickets/apply-asset-tickets/";

for (const mode of SERVER_MODES) {
  describe(`grant drift — ${mode.label}`, function () {
    this.timeout(60_000);
    let sb: Sandbox;
    let host: ProviderHost;
    let n = 0;
    before(async () => {
      sb = await sandbox(mode.options);
      host = await ProviderHost.start(assetAccessTicketProvider, TYPE, stackConfig(sb, "admin"));
    });
    after(async () => {
      await host?.close();
      await sb?.close();
    });
    const admin = () => client(sb, "admin");
    const asset = (name: string) => sb.seed.assets.find((a) => a.name === name)!.id;
    const program = (extra: Props = {}): Props => ({
      title: `drift ${mode.label} #${++n}`,
      orgId: DEFAULT,
      applicant: "requester",
      assets: ["web-01"],
      actions: ["connect"],
      dateStart: daysFromNow(30),
      dateExpired: daysFromNow(37),
      approve: true,
      ...extra,
    });
    const edit = (id: string, body: Record<string, unknown>) =>
      admin().request("PATCH", `${PERMISSIONS}${id}/`, { org: DEFAULT, body });
    /** What `preview --refresh` does: read, then check against the refreshed inputs, then diff. */
    async function previewRefresh(id: string, outs: Props, asked: Props) {
      const r = await host.read(id, outs);
      const { inputs, failures } = await host.check(r.inputs!, asked);
      assert.deepEqual(failures, []);
      return { r, inputs, d: await host.diff(id, r.props, inputs) };
    }

    it("a hand-widened grant is drift per property, and update puts the approved grant back", async () => {
      const asked = program();
      const { id, outs } = await host.create((await host.check({}, asked)).inputs);
      assert.equal(outs.state, "approved");
      await edit(id, {
        assets: [asset("web-01"), asset("web-02")],
        users: [user(sb, "requester").id, user(sb, "approver").id],
        actions: ["connect", "upload"],
      });
      const { r, inputs, d } = await previewRefresh(id, outs, asked);
      assert.equal(d.changes, "some");
      assert.deepEqual(d.replaces, []);
      // The engine shows the refreshed inputs against the checked ones: the live grant vs the approved.
      const live = r.inputs!.grant as Record<string, string[]>;
      const approved = inputs.grant as Record<string, string[]>;
      assert.equal(live.assets.length, 2);
      assert.deepEqual(approved.assets, [asset("web-01")]);
      assert.deepEqual(live.actions, ["connect", "upload"]);
      assert.deepEqual(approved.actions, ["connect"]);
      sb.resetStats();
      const healed = await host.update(id, r.props, inputs);
      assert.deepEqual(sb.stats().byRoute, { "PATCH /api/v1/perms/asset-permissions/{id}/": 1 });
      assert.deepEqual(healed.grant, healed.approvedGrant);
      const perm = await admin().get<Record<string, any>>(`${PERMISSIONS}${id}/`, { org: DEFAULT });
      assert.deepEqual(
        perm.assets.map((a: { id: string }) => a.id),
        [asset("web-01")],
      );
      assert.deepEqual(
        perm.users.map((u: { id: string }) => u.id),
        [user(sb, "requester").id],
      );
      const again = await previewRefresh(id, healed, asked);
      assert.equal(again.d.changes, "none");
    });

    it("a grant in a second org (whose member lists a community edition can't give) is read on its own, without false drift", async () => {
      const ops = sb.seed.assets.find((a) => a.name === "ops-bastion")!;
      const asked = program({ orgId: ops.orgId, assets: ["ops-bastion"] });
      const { id, outs } = await host.create((await host.check({}, asked)).inputs);
      assert.equal(outs.state, "approved");
      const { r, d } = await previewRefresh(id, outs, asked);
      assert.deepEqual((r.props.grant as { assets: string[] }).assets, [ops.id]);
      assert.equal(d.changes, "none");
    });

    it("a deleted or disabled grant plans a replacement (a new ticket)", async () => {
      for (const handEdit of ["delete", "disable"] as const) {
        const asked = program();
        const { id, outs } = await host.create((await host.check({}, asked)).inputs);
        if (handEdit === "delete")
          await admin().request("DELETE", `${PERMISSIONS}${id}/`, { org: DEFAULT });
        else await edit(id, { is_active: false });
        const { r, d } = await previewRefresh(id, outs, asked);
        assert.equal(d.changes, "some", handEdit);
        assert.deepEqual(d.replaces, ["grant"], handEdit);
        if (handEdit === "delete") assert.equal(r.props.grant, "deleted");
        else assert.equal((r.props.grant as { active: boolean }).active, false);
      }
    });

    it("a plain user refreshing its own approved ticket: the grant is not readable, and that is no failure", async () => {
      const mine = await ProviderHost.start(
        assetAccessTicketProvider,
        TYPE,
        stackConfig(sb, "requester"),
      );
      try {
        // A plain user may not list assets: it names them by id.
        const asked = program({ applicant: undefined, approve: false, assets: [asset("web-01")] });
        const { id, outs } = await mine.create((await mine.check({}, asked)).inputs);
        await approveAs(sb, "admin", id);
        const r = await mine.read(id, outs);
        assert.equal(r.props.state, "approved");
        assert.deepEqual(r.props.grant, r.props.approvedGrant, "taken as approved");
        const { inputs } = await mine.check(r.inputs!, asked);
        assert.equal((await mine.diff(id, r.props, inputs)).changes, "none");
      } finally {
        await mine.close();
      }
    });

    it("an approver's narrowing at approval is the approved grant; an expired grant is not drift", async () => {
      // Opened by the pipeline, approved by a person who grants only `connect` of what was asked.
      const asked = program({ actions: ["connect", "upload"], approve: false });
      const { id, outs } = await host.create((await host.check({}, asked)).inputs);
      const live = await admin().get<Record<string, any>>(`${TICKET}${id}/`, { org: null });
      await admin().request("PATCH", `${TICKET}${id}/approve/`, {
        org: null,
        body: {
          org_id: live.org_id,
          apply_assets: [asset("web-01")],
          apply_nodes: [],
          apply_accounts: live.apply_accounts,
          apply_actions: ["connect"],
          apply_date_start: live.apply_date_start,
          apply_date_expired: live.apply_date_expired,
        },
      });
      const { r, d } = await previewRefresh(id, outs, asked);
      assert.equal(r.props.state, "approved");
      assert.deepEqual((r.props.approvedGrant as { actions: string[] }).actions, ["connect"]);
      assert.equal(d.changes, "none");

      // Access that has ended: a hand edit after it is not drift, and outputs say so.
      const past = program({
        dateStart: daysFromNow(-31),
        dateExpired: daysFromNow(-30),
      });
      const old = await host.create((await host.check({}, past)).inputs);
      assert.equal(old.outs.state, "approved");
      assert.equal(old.outs.expired, true);
      assert.equal(old.outs.daysLeft, 0);
      await edit(old.id, { assets: [asset("web-01"), asset("web-02")] });
      const expired = await previewRefresh(old.id, old.outs, past);
      assert.equal(expired.d.changes, "none");
      assert.equal(expired.r.props.expired, true);
      // And a live one counts its days.
      // It ends 37 days after today's midnight UTC: 36 whole days left (37 at midnight itself).
      assert.ok([36, 37].includes(r.props.daysLeft as number), String(r.props.daysLeft));
      assert.equal(r.props.expired, false);
    });
  });
}
