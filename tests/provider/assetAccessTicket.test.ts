// AssetAccessTicket through the real dynamic-provider host over gRPC, against the sandbox.
import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ProviderHost, Props } from "../support/providerHost";
import {
  approveAs,
  client,
  sandbox,
  stackConfig,
  SYSTEM_ADMINS,
  user,
  SERVER_MODES,
} from "../support/sandbox";
import { dayOf, daysFromNow, spaced } from "../support/clock";

const TYPE = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
const DEFAULT = "00000000-0000-0000-0000-000000000002";
const FLOWS = "/api/v1/tickets/flows/";
const OPEN = "/api/v1/tickets/apply-asset-tickets/open/";

const modes = SERVER_MODES;

for (const mode of modes) {
  describe(`AssetAccessTicket provider over gRPC — ${mode.label}`, function () {
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
    const base = (extra: Props = {}): Props => ({
      title: `ticket ${mode.label} #${++n}`,
      orgId: DEFAULT,
      applicant: "requester",
      assets: ["web-01"],
      accounts: ["@SPEC", "root"],
      actions: ["connect", "download_file"],
      dateStart: daysFromNow(30),
      dateExpired: daysFromNow(37),
      ...extra,
    });
    async function checked(news: Props): Promise<Props> {
      const { inputs, failures } = await host.check({}, news);
      assert.deepEqual(failures, []);
      return inputs;
    }
    const permission = (id: string) =>
      admin()
        .get<Record<string, any>>(`/api/v1/perms/asset-permissions/${id}/`, { org: DEFAULT })
        .catch((e) => (e.status === 404 ? undefined : Promise.reject(e)));
    async function setDefaultFlow(rules: unknown[]): Promise<void> {
      const flows = await admin().list<Record<string, any>>(FLOWS, { org: DEFAULT });
      const own = flows.find((f) => !f.name) ?? flows[0];
      await admin().request("PATCH", `${FLOWS}${own.id}/`, {
        org: DEFAULT,
        body: { type: "apply_asset", rules, approval_level: rules.length },
      });
    }
    const adminsOnly = () =>
      mode.options.dialect === "strategy"
        ? [{ strategy: "super_admin", assignees: [] }]
        : [
            {
              users: SYSTEM_ADMINS,
            },
          ];
    const approverOnly = () =>
      mode.options.dialect === "strategy"
        ? [{ strategy: "custom_user", assignees: [user(sb, "approver").id] }]
        : [{ users: { type: "ids", ids: [user(sb, "approver").id] } }];

    it("normalises inputs in check: older action names mapped, dates in UTC seconds, defaults filled", async () => {
      sb.resetStats();
      const inputs = await checked(
        base({
          actions: ["connect", "clipboard_copy_paste", "connect"],
          dateStart: `${dayOf(daysFromNow(30)).replace(/-/g, "/")} 08:00:00 +0800`,
          dateExpired: spaced(daysFromNow(37)),
        }),
      );
      assert.deepEqual(inputs.actions, ["connect", "copy", "paste"]);
      assert.equal(inputs.dateStart, daysFromNow(30));
      assert.equal(inputs.dateExpired, daysFromNow(37));
      assert.equal(inputs.approve, false);
      assert.equal(inputs.revokeOnDelete, true);
      assert.deepEqual(
        (
          await checked({
            title: "t",
            dateStart: dayOf(daysFromNow(30)),
            dateExpired: dayOf(daysFromNow(31)),
          })
        ).accounts,
        ["@ALL"],
      );
      assert.equal(sb.stats().total, 0);
    });

    it("rejects bad inputs in check, naming the property, with zero requests", async () => {
      sb.resetStats();
      const cases: Array<[Props, string]> = [
        [base({ title: "" }), "title"],
        [base({ title: "x".repeat(257) }), "title"],
        [base({ orgId: "Default" }), "orgId"],
        [base({ dateStart: "yesterday" }), "dateStart"],
        [base({ dateExpired: undefined }), "dateExpired"],
        [base({ dateExpired: daysFromNow(30) }), "dateExpired"],
        [base({ actions: ["connect", "teleport"] }), "actions"],
        [base({ actions: [] }), "actions"],
        [base({ accounts: ["@EVERYONE"] }), "accounts[0]"],
        [base({ accounts: ["@SPEC"] }), "accounts"],
        [base({ assets: ["web-01", ""] }), "assets[1]"],
        [base({ approve: "yes" }), "approve"],
        [base({ approve: true, assets: [], nodes: [] }), "assets"],
        [base({ approve: true, accounts: [] }), "accounts"],
        [base({ comment: "hi [pulumi:1234-abcd]" }), "comment"],
        [base({ colour: "blue" }), "colour"],
      ];
      for (const [news, property] of cases) {
        const { failures } = await host.check({}, news);
        assert.ok(
          failures.some((f) => f.property === property),
          `${property}: ${JSON.stringify(failures)}`,
        );
      }
      assert.equal(sb.stats().total, 0);
    });

    it("opens on behalf of the applicant without approving", async () => {
      await setDefaultFlow(adminsOnly());
      const inputs = await checked(base());
      const { id, outs } = await host.create(inputs);
      assert.equal(outs.ticketId, id);
      assert.equal(outs.state, "pending");
      assert.equal(outs.status, "open");
      assert.equal(outs.approvalStep, 1);
      assert.match(outs.applicantDisplay, /\(requester\)$/);
      assert.equal(outs.applicantId, user(sb, "requester").id);
      assert.deepEqual(outs.assetIds, [sb.seed.assets.find((a) => a.name === "web-01")!.id]);
      assert.match(outs.serialNum, /^\d{12}$/);
      assert.equal(outs.permissionId, "");
      assert.deepEqual(outs.currentApprovers, [user(sb, "admin").id]);
      const live = await admin().get<Record<string, any>>(
        `/api/v1/tickets/apply-asset-tickets/${id}/`,
        { org: null },
      );
      assert.match(outs.marker, /^\[pulumi:[0-9a-f-]{36}\]$/);
      assert.ok(String(live.comment).includes(outs.marker));
      // Keyed with the credential: nothing in the repository (the requestId) gives it away.
      assert.ok(!String(live.comment).includes(outs.requestId));
      assert.deepEqual(
        live.apply_actions.map((a: any) => a.value),
        ["connect", "download"],
      );
      // delete closes an open ticket
      await host.delete(id, outs);
      const after = await admin().get<Record<string, any>>(`/api/v1/tickets/tickets/${id}/`, {
        org: null,
      });
      assert.equal(after.state.value, "closed");
    });

    it("opens and approves a one-level flow: the permission has the ticket's id and grants what was asked", async () => {
      await setDefaultFlow(adminsOnly());
      sb.resetStats();
      const inputs = await checked(base({ approve: true, assets: ["web-01", "db-01"] }));
      const { id, outs } = await host.create(inputs);
      assert.equal(outs.state, "approved");
      assert.equal(outs.status, "closed");
      assert.equal(outs.permissionId, id);
      const s = sb.stats().byRoute;
      assert.equal(s[`POST ${OPEN}`], 1);
      assert.equal(s["PATCH /api/v1/tickets/apply-asset-tickets/{id}/approve/"], 1);
      // open + approve, plus at most: profile, the applicant and the two asset names (memoised per process)
      assert.ok(sb.stats().total <= 2 + 4, JSON.stringify(s));
      const perm = await permission(id);
      assert.ok(perm, "permission exists");
      assert.deepEqual(perm!.assets.map((a: any) => a.name).sort(), ["db-01", "web-01"]);
      assert.deepEqual(perm!.accounts, ["@SPEC", "root"]);
      assert.deepEqual(
        perm!.actions.map((a: any) => a.value),
        ["connect", "download"],
      );
      assert.deepEqual(
        perm!.users.map((u: any) => u.id),
        [user(sb, "requester").id],
      );
      // the first read of a process lists tickets, grants and the grants' users and assets (a
      // refresh of many costs the same pages), and plans nothing
      sb.resetStats();
      const r = await host.read(id, outs);
      assert.equal(sb.stats().total, 4, JSON.stringify(sb.stats().byRoute));
      assert.deepEqual(r.props.grant, r.props.approvedGrant);
      assert.equal((await host.diff(id, r.props, inputs)).changes, "none");
      // delete revokes
      await host.delete(id, r.props);
      assert.equal(await permission(id), undefined);
    });

    it("approves level 1 only on a two-level flow and reports who must act next", async () => {
      await setDefaultFlow([...adminsOnly(), ...approverOnly()]);
      const { id, outs } = await host.create(await checked(base({ approve: true })));
      assert.equal(outs.state, "pending");
      assert.equal(outs.approvalStep, 2);
      assert.deepEqual(outs.currentApprovers, [user(sb, "approver").id]);
      // the approver approves in JumpServer: read shows it, diff plans nothing
      await approveAs(sb, "approver", id);
      const r = await host.read(id, outs);
      assert.equal(r.props.state, "approved");
      assert.equal(r.props.permissionId, id);
      assert.deepEqual(r.inputs!.assets, outs.assets);
      assert.equal(
        (
          await host.diff(
            id,
            r.props,
            await checked({ ...base(), title: outs.title, approve: true }),
          )
        ).changes,
        "none",
      );
      await host.delete(id, r.props);
      assert.equal(await permission(id), undefined, "approved elsewhere, still revoked on delete");
    });

    it("resolves a lost answer to the open without opening a second ticket", async () => {
      await setDefaultFlow(adminsOnly());
      sb.injectFault({ method: "POST", path: OPEN, kind: "dropAfter" });
      sb.resetStats();
      const inputs = await checked(base({ approve: true }));
      const { id, outs } = await host.create(inputs);
      assert.equal(sb.stats().byRoute[`POST ${OPEN}`], 1, "the open was sent once");
      assert.equal(outs.state, "approved");
      const same = await admin().list<Record<string, any>>("/api/v1/tickets/tickets/", {
        query: { title: inputs.title },
        org: null,
      });
      assert.deepEqual(
        same.map((t) => t.id),
        [id],
      );
      await host.delete(id, outs);
    });

    it("opens again after a 503 that the server answered before acting", async () => {
      sb.injectFault({ method: "POST", path: OPEN, kind: "error", status: 503 });
      sb.resetStats();
      const inputs = await checked(base());
      const { id, outs } = await host.create(inputs);
      assert.equal(sb.stats().byRoute[`POST ${OPEN}`], 2);
      const same = await admin().list<Record<string, any>>("/api/v1/tickets/tickets/", {
        query: { title: inputs.title },
        org: null,
      });
      assert.deepEqual(
        same.map((t) => t.id),
        [id],
      );
      await host.delete(id, outs);
    });

    it("names unknown assets and assets of another org, before opening anything", async () => {
      sb.resetStats();
      await assert.rejects(
        host.create(await checked(base({ assets: ["no-such-host"] }))),
        /assets\[0\]: no asset named "no-such-host"/,
      );
      await assert.rejects(
        host.create(await checked(base({ assets: ["ops-bastion"] }))),
        /assets\[0\]: asset "ops-bastion" belongs to org/,
      );
      await assert.rejects(
        host.create(await checked(base({ applicant: "ghost" }))),
        /applicant: no user named "ghost"/,
      );
      assert.equal(sb.stats().byRoute[`POST ${OPEN}`] ?? 0, 0);
    });

    it("closes and reports a ticket the server narrowed (an id of another org's asset), keeping it in state", async () => {
      const ops = sb.seed.assets.find((a) => a.name === "ops-bastion")!.id;
      await assert.rejects(
        host.create(await checked(base({ assets: ["web-01", ops] }))),
        (e: any) => {
          assert.match(e.message, /narrower than asked and has been closed/);
          assert.ok(e.initFailed, "reported as created-but-not-initialised");
          assert.equal(e.initFailed.properties.state, "closed");
          return true;
        },
      );
    });

    it("plans a replacement (new ticket first) for any change to what is asked, an update for approve", async () => {
      await setDefaultFlow(adminsOnly()); // steps are fixed at open: admins approve this one
      const inputs = await checked(base());
      const { id, outs } = await host.create(inputs);
      for (const [k, v] of Object.entries({
        title: "other",
        assets: ["web-02"],
        actions: ["connect"],
        dateExpired: daysFromNow(61),
        comment: "why",
      })) {
        const d = await host.diff(id, outs, await checked({ ...inputs, [k]: v }));
        assert.equal(d.changes, "some", k);
        assert.deepEqual(d.replaces, [k]);
        assert.equal(d.deleteBeforeReplace, false);
      }
      const byId = await checked({
        ...inputs,
        assets: [sb.seed.assets.find((a) => a.name === "web-01")!.id],
      });
      assert.equal(
        (await host.diff(id, outs, byId)).changes,
        "none",
        "a name and its id are the same asset",
      );
      const approveNow = await checked({ ...inputs, approve: true });
      const d = await host.diff(id, outs, approveNow);
      assert.deepEqual([d.changes, d.replaces], ["some", []]);
      const updated = await host.update(id, outs, approveNow);
      assert.equal(updated.state, "approved", "turning approve on approves in place");
      assert.equal(updated.permissionId, id);
      assert.ok(await permission(id), "the grant exists");
      await host.delete(id, updated);
      assert.equal(await permission(id), undefined);
    });

    it("needs nothing to delete a rejected ticket", async () => {
      await setDefaultFlow(adminsOnly());
      const { id, outs } = await host.create(await checked(base()));
      await admin().request("PUT", `/api/v1/tickets/apply-asset-tickets/${id}/reject/`, {
        org: null,
        body: {},
      });
      const r = await host.read(id, outs);
      assert.equal(r.props.state, "rejected");
      sb.resetStats();
      await host.delete(id, r.props);
      assert.equal(sb.stats().total, 0);
    });

    it("reads a ticket the identity is not related to through super-tickets, never as gone", async () => {
      await setDefaultFlow(approverOnly());
      const { id, outs } = await host.create(await checked(base()));
      const r = await host.read(id, outs);
      assert.equal(r.id, id);
      assert.equal(r.props.state, "pending");
      await host.delete(id, r.props);
      const s = await admin().get<Record<string, any>>(
        `/api/v1/tickets/super-tickets/${id}/status/`,
        { org: null },
      );
      assert.equal(s.state.value, "closed");
      await setDefaultFlow(adminsOnly());
    });
  });
}
