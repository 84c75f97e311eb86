// The real layer, renewal without a lapse (docs/access-over-time.md): an approved grant whose
// dates a program extends keeps its permission while the new ticket waits for a person, and loses
// it at the first read after that person approves; a rejected renewal keeps it, and destroying
// the renewal revokes it. Through the real dynamic-provider host, against every target, through
// a recording proxy, in Default and (multi-org servers) in Ops. Every ticket is opened without
// `approve`, so whatever flow governs the org, people decide (approveAs, as in the UI).
import { strict as assert } from "node:assert";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ProviderHost, Props } from "../support/providerHost";
import { RecordingProxy } from "./proxy";
import { approveAs, clientFor } from "./support";
import { configFor, ReadyFile, Target, targetSpecs } from "./targets";
import { ensureOrgPeople, OrgCase, orgCase, OrgKey, orgKeys, orgLabel, ROOT_ORG } from "./orgs";
import { daysFromNow } from "../support/clock";

const TICKET = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
const RUN = Date.now().toString(36);

for (const spec of targetSpecs()) {
  for (const key of orgKeys(spec.multiOrg)) renewalSuite(spec, key);
}

function renewalSuite(spec: ReturnType<typeof targetSpecs>[number], key: OrgKey) {
  describe(`real layer, renewal without a lapse — ${spec.label}, in ${orgLabel(key)}`, function () {
    this.timeout(5 * 60_000);
    let target: Target;
    let proxy: RecordingProxy;
    let tickets: ProviderHost;
    let ready: ReadyFile;
    let org: OrgCase;
    let n = 0;

    const admin = () => clientFor(ready, proxy.url);
    const permission = (id: string) =>
      admin()
        .get<Record<string, any>>(`/api/v1/perms/asset-permissions/${id}/`, { org: ROOT_ORG })
        .catch((e) => (e.status === 404 ? undefined : Promise.reject(e)));
    const declared = (): Props => ({
      title: `pjt-real ${RUN} renewal ${org.label} ${++n}`,
      instanceKey: `pjt-real/${RUN}/renewal-${org.label}-${n}`,
      orgId: org.id,
      applicant: org.applicant,
      assets: [org.assets[0]],
      actions: ["connect"],
      dateStart: daysFromNow(-1),
      dateExpired: daysFromNow(5),
    });
    /** People approve every level; each approval is followed by a read, as a refresh would. */
    async function approvedByPeople(id: string, outs: Props): Promise<Props> {
      let left = outs;
      while (left.state === "pending") {
        const who = ready.users.find((u) => (left.currentApprovers as string[]).includes(u.id));
        assert.ok(who, `an approver of ${JSON.stringify(left.currentApprovers)} in the ready file`);
        await approveAs(ready, proxy.url, who.username, id);
        left = (await tickets.read(id, left)).props;
      }
      return left;
    }
    async function approvedGrant(asked: Props) {
      const { inputs } = await tickets.check({}, asked);
      const made = await tickets.create(inputs);
      const props = await approvedByPeople(made.id, made.outs);
      assert.equal(props.state, "approved");
      return { id: made.id, props };
    }
    /** A create-before-delete replacement, as the engine runs it. */
    async function replace(old: { id: string; props: Props }, asked: Props) {
      const first = await tickets.check(old.props, asked);
      const d = await tickets.diff(old.id, old.props, first.inputs);
      assert.ok(d.replaces.length > 0);
      const { inputs } = await tickets.check({}, asked);
      const made = await tickets.create(inputs);
      await tickets.delete(old.id, old.props);
      return { ...made, inputs };
    }

    before(async () => {
      target = await spec.open();
      ready = target.ready;
      org = orgCase(ready, key, target.multiOrg, RUN);
      proxy = await RecordingProxy.start(ready);
      await ensureOrgPeople(admin(), ready, org);
      const cfg = configFor(ready, proxy.url, "admin", target.providerConfig);
      tickets = await ProviderHost.start(assetAccessTicketProvider, TICKET, cfg);
    });
    after(async () => {
      await tickets?.close();
      await proxy?.close();
      await target?.close();
    });

    it("keeps the grant while the extension waits for a person, and revokes it at the update after the approval", async () => {
      const asked = declared();
      const old = await approvedGrant(asked);
      const renewed = await replace(old, { ...asked, dateExpired: daysFromNow(20) });
      assert.equal(renewed.outs.state, "pending");
      assert.equal(renewed.outs.predecessor?.ticketId, old.id);
      const kept = await permission(old.id);
      assert.ok(kept, "the old permission is in place");
      assert.notEqual(kept!.is_active, false);
      const approved = await approvedByPeople(renewed.id, renewed.outs);
      assert.ok(await permission(old.id), "a read revokes nothing");
      const done = await tickets.update(renewed.id, approved, renewed.inputs);
      assert.equal(done.predecessor, undefined);
      assert.equal(await permission(old.id), undefined, "revoked once approved");
      assert.ok(await permission(renewed.id));
      await tickets.delete(renewed.id, done);
      assert.equal(await permission(renewed.id), undefined);
    });

    it("keeps the grant when the extension is rejected, and revokes it with the renewal", async () => {
      const asked = declared();
      const old = await approvedGrant(asked);
      const renewed = await replace(old, { ...asked, dateExpired: daysFromNow(20) });
      const who = ready.users.find((u) =>
        (renewed.outs.currentApprovers as string[]).includes(u.id),
      );
      assert.ok(who);
      await clientFor(ready, proxy.url, who.username).request(
        "PUT",
        `/api/v1/tickets/apply-asset-tickets/${renewed.id}/reject/`,
        { org: null, body: {} },
      );
      const r = await tickets.read(renewed.id, renewed.outs);
      assert.equal(r.props.state, "rejected");
      assert.equal(r.props.predecessor?.ticketId, old.id);
      assert.ok(await permission(old.id), "the old permission runs to its own end");
      await tickets.delete(renewed.id, r.props);
      assert.equal(await permission(old.id), undefined, "revoked with the renewal");
    });
  });
}
