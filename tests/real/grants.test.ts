// The real layer, grant drift: an approved ticket follows the asset permission its approval
// created, through the real dynamic-provider host, against every target (real servers given by
// ready files, else the sandbox in each mode), through a recording proxy. It creates one ticket
// titled "pjt-real <run> grant …" in Default and deletes its permission at the end.
import { strict as assert } from "node:assert";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ProviderHost, Props } from "../support/providerHost";
import { RecordingProxy } from "./proxy";
import { approveAs, choice, clientFor } from "./support";
import { configFor, ReadyFile, Target, targetSpecs, userOf } from "./targets";
import { daysFromNow } from "../support/clock";

const TICKET = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
const DEFAULT = "00000000-0000-0000-0000-000000000002";
const RUN = Date.now().toString(36);

for (const spec of targetSpecs()) {
  describe(`real layer, grant drift — ${spec.label}`, function () {
    this.timeout(5 * 60_000);
    let target: Target;
    let proxy: RecordingProxy;
    let tickets: ProviderHost;
    let ready: ReadyFile;

    const admin = () => clientFor(ready, proxy.url);
    const ticketInputs = (extra: Props = {}): Props => ({
      title: `pjt-real ${RUN} grant`,
      orgId: DEFAULT,
      applicant: "requester",
      assets: ["web-01"],
      actions: ["connect"],
      dateStart: daysFromNow(30),
      dateExpired: daysFromNow(37),
      ...extra,
    });
    async function checked(host: ProviderHost, news: Props): Promise<Props> {
      const { inputs, failures } = await host.check({}, news);
      assert.deepEqual(failures, []);
      return inputs;
    }
    async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
      proxy.step = name;
      return fn();
    }

    before(async () => {
      target = await spec.open();
      ready = target.ready;
      proxy = await RecordingProxy.start(ready);
      const cfg = configFor(ready, proxy.url, "admin", target.providerConfig);
      tickets = await ProviderHost.start(assetAccessTicketProvider, TICKET, cfg);
    });
    after(async () => {
      await tickets?.close();
      await proxy?.close();
      await target?.close();
    });

    it("follows the grant: a hand edit is drift that update puts back, a disabled grant plans a new ticket", async () => {
      const asked = ticketInputs({ approve: true });
      const t = await step("grant-open", async () => tickets.create(await checked(tickets, asked)));
      // Whatever flow governs Default: the pipeline approved the levels it may, people the rest.
      for (let left = t.outs; left.state === "pending";) {
        const who = ready.users.find((u) => (left.currentApprovers as string[]).includes(u.id))!;
        await step("grant-approve-by-person", () =>
          approveAs(ready, proxy.url, who.username, t.id),
        );
        left = (await tickets.read(t.id, left)).props;
      }
      const path = `/api/v1/perms/asset-permissions/${t.id}/`;
      const web01 = ready.assets.find((a) => a.name === "web-01")!.id;
      const web02 = ready.assets.find((a) => a.name === "web-02")!.id;
      // What an admin's edit in the UI sends: a wider grant, for one more user.
      await admin().request("PATCH", path, {
        org: DEFAULT,
        body: {
          assets: [web01, web02],
          users: [userOf(ready, "requester").id, userOf(ready, "approver").id],
          actions: ["connect", "upload"],
        },
      });
      const mark = proxy.exchanges.length;
      const r = await step("grant-refresh", () => tickets.read(t.id, t.outs));
      assert.ok(
        proxy.since(mark).every((e) => e.method === "GET"),
        "a refresh only reads",
      );
      assert.equal(r.props.state, "approved");
      const live = r.props.grant as Record<string, string[]>;
      assert.deepEqual(live.assets, [web01, web02].sort());
      assert.deepEqual(live.actions, ["connect", "upload"]);
      const { inputs } = await tickets.check(r.inputs!, asked);
      const d = await tickets.diff(t.id, r.props, inputs);
      assert.equal(d.changes, "some");
      assert.deepEqual(d.replaces, []);
      const healed = await step("grant-restore", () => tickets.update(t.id, r.props, inputs));
      assert.deepEqual(healed.grant, healed.approvedGrant);
      const perm = await admin().get<Record<string, any>>(path, { org: DEFAULT });
      assert.deepEqual(
        perm.assets.map((a: any) => a.id),
        [web01],
      );
      assert.deepEqual(
        perm.users.map((u: any) => u.id),
        [userOf(ready, "requester").id],
      );
      assert.deepEqual(
        perm.actions.map((a: any) => choice(a)),
        ["connect"],
      );
      await admin().request("PATCH", path, { org: DEFAULT, body: { is_active: false } });
      const off = await step("grant-refresh", () => tickets.read(t.id, healed));
      const offInputs = (await tickets.check(off.inputs!, asked)).inputs;
      assert.deepEqual((await tickets.diff(t.id, off.props, offInputs)).replaces, ["grant"]);
      await step("grant-revoke", () => tickets.delete(t.id, off.props));
      await assert.rejects(admin().get(path, { org: DEFAULT }), (e: any) => e.status === 404);
    });
  });
}
