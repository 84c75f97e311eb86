// The real layer, grant drift: an approved ticket follows the asset permission its approval
// created, through the real dynamic-provider host, against every target (real servers given by
// ready files, else the sandbox in each mode), through a recording proxy, in Default and, on a
// multi-org server, in Ops too (tests/real/orgs.ts). It creates one ticket titled
// "pjt-real <run> grant …" per org and deletes its permission at the end; and, on every target,
// the second-org regression of #18: an approved ticket for ops-bastion in Ops (a ticket body's
// org_id reaches Ops even on a community edition) survives a refresh and the update that
// `up --refresh` runs after it (before the fix its permission was wiped).
import { strict as assert } from "node:assert";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ProviderHost, Props } from "../support/providerHost";
import { RecordingProxy } from "./proxy";
import { approveAs, choice, clientFor } from "./support";
import { configFor, ReadyFile, Target, targetSpecs, userOf } from "./targets";
import { ensureOrgPeople, OrgCase, orgCase, OrgKey, orgKeys, orgLabel, ROOT_ORG } from "./orgs";
import { daysFromNow } from "../support/clock";

const TICKET = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
const RUN = Date.now().toString(36);

for (const spec of targetSpecs()) {
  for (const key of orgKeys(spec.multiOrg)) grantSuite(spec, key);
  opsRegression(spec);
}

function grantSuite(spec: ReturnType<typeof targetSpecs>[number], key: OrgKey) {
  describe(`real layer, grant drift — ${spec.label}, in ${orgLabel(key)}`, function () {
    this.timeout(5 * 60_000);
    let target: Target;
    let proxy: RecordingProxy;
    let tickets: ProviderHost;
    let ready: ReadyFile;
    let org: OrgCase;

    const admin = () => clientFor(ready, proxy.url);
    const ticketInputs = (extra: Props = {}): Props => ({
      title: `pjt-real ${RUN} grant ${org.label}`,
      orgId: org.id,
      applicant: org.applicant,
      assets: [org.assets[0]],
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
      const assetId = (name: string) => ready.assets.find((a) => a.name === name)!.id;
      const first = assetId(org.assets[0]);
      const all = org.assets.map(assetId).sort();
      // What an admin's edit in the UI sends: a wider grant (every asset of the org and its
      // node), for one more user. (The root org's header reaches a permission in any org.)
      await admin().request("PATCH", path, {
        org: ROOT_ORG,
        body: {
          assets: all,
          nodes: [org.node.id],
          users: [userOf(ready, org.applicant).id, userOf(ready, org.approver).id],
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
      assert.deepEqual(live.assets, all);
      assert.deepEqual(live.nodes, [org.node.id]);
      assert.deepEqual(live.actions, ["connect", "upload"]);
      const { inputs } = await tickets.check(r.inputs!, asked);
      const d = await tickets.diff(t.id, r.props, inputs);
      assert.equal(d.changes, "some");
      assert.deepEqual(d.replaces, []);
      const healed = await step("grant-restore", () => tickets.update(t.id, r.props, inputs));
      assert.deepEqual(healed.grant, healed.approvedGrant);
      const perm = await admin().get<Record<string, any>>(path, { org: ROOT_ORG });
      assert.deepEqual(
        perm.assets.map((a: any) => a.id),
        [first],
      );
      assert.deepEqual(perm.nodes, []);
      assert.deepEqual(
        perm.users.map((u: any) => u.id),
        [userOf(ready, org.applicant).id],
      );
      assert.deepEqual(
        perm.actions.map((a: any) => choice(a)),
        ["connect"],
      );
      await admin().request("PATCH", path, { org: ROOT_ORG, body: { is_active: false } });
      const off = await step("grant-refresh", () => tickets.read(t.id, healed));
      const offInputs = (await tickets.check(off.inputs!, asked)).inputs;
      assert.deepEqual((await tickets.diff(t.id, off.props, offInputs)).replaces, ["grant"]);
      await step("grant-revoke", () => tickets.delete(t.id, off.props));
      await assert.rejects(admin().get(path, { org: ROOT_ORG }), (e: any) => e.status === 404);
    });
  });
}

/**
 * #18 on every target: on a community edition the ticket reaches Ops by its body's org_id only
 * (X-JMS-ORG: Ops reads as Default), and a refresh that took ticket rows from a list asked
 * without the root org's header read its grant as empty, which the update then wrote back.
 */
function opsRegression(spec: ReturnType<typeof targetSpecs>[number]) {
  describe(`real layer, second-org refresh (#18) — ${spec.label}, in Ops`, function () {
    this.timeout(5 * 60_000);
    let target: Target;
    let proxy: RecordingProxy;
    let tickets: ProviderHost;
    let ready: ReadyFile;
    let org: OrgCase;
    const admin = () => clientFor(ready, proxy.url);

    before(async () => {
      target = await spec.open();
      ready = target.ready;
      org = orgCase(ready, "ops", target.multiOrg, RUN);
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

    it("an approved ticket for ops-bastion, refreshed then updated (`up --refresh`), keeps its permission's asset", async () => {
      const bastion = ready.assets.find((a) => a.name === "ops-bastion")!.id;
      const asked: Props = {
        title: `pjt-real ${RUN} grant ops refresh`,
        orgId: org.id,
        applicant: org.applicant,
        assets: ["ops-bastion"],
        actions: ["connect"],
        dateStart: daysFromNow(30),
        dateExpired: daysFromNow(37),
        approve: true,
      };
      const { inputs: created } = await tickets.check({}, asked);
      const t = await tickets.create(created);
      // Whatever flow governs Ops: the pipeline approved the levels it may, people the rest.
      let outs = t.outs;
      while (outs.state === "pending") {
        const who = ready.users.find((u) => (outs.currentApprovers as string[]).includes(u.id));
        assert.ok(who, `an approver of ${JSON.stringify(outs.currentApprovers)} in the ready file`);
        await approveAs(ready, proxy.url, who.username, t.id);
        outs = (await tickets.read(t.id, outs)).props;
      }
      assert.equal(outs.state, "approved");
      const path = `/api/v1/perms/asset-permissions/${t.id}/`;
      const permAssets = async () =>
        (await admin().get<Record<string, any>>(path, { org: ROOT_ORG })).assets.map(
          (a: any) => a.id,
        );
      assert.deepEqual(await permAssets(), [bastion]);
      // `pulumi up --refresh`: read, check against the program, diff, then update.
      const r = await tickets.read(t.id, outs);
      assert.equal(r.props.state, "approved");
      assert.deepEqual((r.props.grant as Props).assets, [bastion], "the refresh reads the grant");
      const { inputs } = await tickets.check(r.inputs!, asked);
      const d = await tickets.diff(t.id, r.props, inputs);
      // The update runs whatever the diff says (before the fix the diff planned one): the
      // permission is the first thing that must hold.
      const after = await tickets.update(t.id, r.props, inputs);
      assert.deepEqual(await permAssets(), [bastion], "the permission keeps ops-bastion");
      assert.deepEqual((after.grant as Props).assets, [bastion]);
      assert.equal(d.changes, "none", JSON.stringify(d));
      await tickets.delete(t.id, after);
      await assert.rejects(admin().get(path, { org: ROOT_ORG }), (e: any) => e.status === 404);
    });
  });
}
