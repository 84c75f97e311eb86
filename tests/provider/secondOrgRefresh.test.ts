// The wiped grant of #18, through the real dynamic-provider host: the apply-asset ticket list
// serializes `apply_assets`/`apply_nodes` in the request's org, so a refresh that takes ticket
// rows from a list asked without the root org's header reads a second org's approved ticket as
// granting nothing, and grant drift then writes that nothing back. A refresh and an update must
// keep the Ops ticket's assets; a grant that names no asset and no node is never written back;
// a grant missing from the list is confirmed by one GET before it is called deleted.
import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { PERMISSIONS } from "../../provider/api/permissions";
import { liveGrant } from "../../provider/lifecycle/ticketGrants";
import { rootOrg } from "../../provider/client/orgScope";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ProviderHost, Props } from "../support/providerHost";
import { SERVER_MODES, client, sandbox, stackConfig, user } from "../support/sandbox";

const TYPE = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";

for (const mode of SERVER_MODES) {
  describe(`second-org refresh (#18) — ${mode.label}`, function () {
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
    const opsBastion = () => sb.seed.assets.find((a) => a.name === "ops-bastion")!;
    const program = (extra: Props = {}): Props => ({
      title: `ops ${mode.label} #${++n}`,
      orgId: opsBastion().orgId,
      applicant: "requester",
      assets: ["ops-bastion"],
      actions: ["connect"],
      dateStart: "2030-01-01T00:00:00Z",
      dateExpired: "2030-01-08T00:00:00Z",
      approve: true,
      ...extra,
    });
    const permissionAssets = async (id: string) => {
      const perm = await client(sb, "admin").get<Record<string, any>>(`${PERMISSIONS}${id}/`, {
        org: rootOrg,
      });
      return perm.assets.map((a: { id: string }) => a.id);
    };

    it("an approved Ops ticket for ops-bastion, refreshed then updated, keeps its assets", async () => {
      const asked = program();
      const { id, outs } = await host.create((await host.check({}, asked)).inputs);
      assert.equal(outs.state, "approved");
      assert.deepEqual(await permissionAssets(id), [opsBastion().id]);
      // `up --refresh`: read (the refresh's ticket list), check, diff, then update.
      const r = await host.read(id, outs);
      const { inputs } = await host.check(r.inputs!, asked);
      const d = await host.diff(id, r.props, inputs);
      const after = await host.update(id, r.props, inputs);
      assert.deepEqual(
        await permissionAssets(id),
        [opsBastion().id],
        "the permission keeps ops-bastion",
      );
      assert.deepEqual((r.props.approvedGrant as { assets: string[] }).assets, [opsBastion().id]);
      assert.deepEqual((r.props.grant as { assets: string[] }).assets, [opsBastion().id]);
      assert.equal(d.changes, "none", JSON.stringify(d));
      assert.deepEqual((after.grant as { assets: string[] }).assets, [opsBastion().id]);
    });

    it("a recorded approved grant of no asset and no node is never written back", async () => {
      const asked = program();
      const { id, outs } = await host.create((await host.check({}, asked)).inputs);
      // State left by an older version's refresh (or a server that answers differently): the
      // approved grant is empty, the live one "widened".
      const empty = { ...(outs.approvedGrant as Props), assets: [], nodes: [] };
      const olds = { ...outs, approvedGrant: empty };
      const news = {
        ...(await host.check({}, asked)).inputs,
        approvedGrant: empty,
        grant: outs.grant,
      };
      await assert.rejects(host.update(id, olds, news), /no asset and no node/);
      assert.deepEqual(await permissionAssets(id), [opsBastion().id]);
    });

    it("a grant missing from the list of grants is confirmed by one GET, not concluded deleted", async () => {
      const asked = program({ orgId: "00000000-0000-0000-0000-000000000002", assets: ["web-01"] });
      const { id } = await host.create((await host.check({}, asked)).inputs);
      const c = client(sb, "admin");
      // The list as a page shift leaves it: a permission deleted between two offset pages moves
      // every later row up one, and the row that crossed the page boundary is in neither page.
      c.snapshots.set("grants", {
        writes: c.writes,
        value: Promise.resolve({ grants: new Map(), unsure: new Set() }),
        served: new Set(),
      });
      sb.resetStats();
      const g = await liveGrant(c, id, "00000000-0000-0000-0000-000000000002");
      assert.notEqual(g, "deleted");
      assert.deepEqual((g as { users: string[] }).users, [user(sb, "requester").id]);
      assert.equal(sb.stats().byRoute["GET /api/v1/perms/asset-permissions/{id}/"], 1);
    });
  });
}
