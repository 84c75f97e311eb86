// The real layer, TicketApproval: a person opens tickets as in JumpServer's UI, and the provider
// (through the real dynamic-provider host over gRPC) approves or rejects them, against every
// target (real servers given by ready files, else the sandbox in each mode), through a recording
// proxy that sees every request and answer.
//
// It runs in Default and, on a multi-org server, in Ops too (tests/real/orgs.ts: there the
// applicant is a user who exists only in Ops).
// What it creates on the target, and how it cleans up: in the org, one adopted flow of two
// levels, both system admins (restored to its previous rules at the end; JumpServer cannot delete
// flows, so the org keeps its own copy), and four apply-asset tickets titled
// "pjt-real <run> approval …", opened by `requester`: approved (its permission deleted), rejected,
// closed by the requester, and one approved through lost answers (its permission deleted).
import { strict as assert } from "node:assert";
import { ticketApprovalProvider } from "../../provider/resources/ticketApproval";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { parseDate } from "../../provider/model/dates";
import { ProviderHost, Props } from "../support/providerHost";
import { openAsPerson } from "../support/sandbox";
import { RecordingProxy } from "./proxy";
import { adminsRule, choice, clientFor } from "./support";
import { configFor, ReadyFile, Target, targetSpecs, userOf } from "./targets";
import { ensureOrgPeople, OrgCase, orgCase, orgKeys, orgLabel, ROOT_ORG } from "./orgs";
import { daysFromNow } from "../support/clock";

const APPROVAL = "pulumi-nodejs:dynamic/jumpserver:TicketApproval";
const FLOW = "pulumi-nodejs:dynamic/jumpserver:TicketFlow";
const APPLY = "/api/v1/tickets/apply-asset-tickets/";
const RUN = Date.now().toString(36);

for (const spec of targetSpecs()) {
  for (const key of orgKeys(spec.multiOrg))
    describe(`real layer, TicketApproval — ${spec.label}, in ${orgLabel(key)}`, function () {
      this.timeout(10 * 60_000);
      let target: Target;
      let proxy: RecordingProxy;
      let flows: ProviderHost;
      let approvals: ProviderHost;
      let ready: ReadyFile;
      let flow: { id: string; outs: Props } | undefined;
      let n = 0;
      let org: OrgCase;

      const admin = () => clientFor(ready, proxy.url);
      /**
       * The ask of every ticket here, and so the pin (`reviewed`) a review of it writes: Default's
       * two web servers, or Ops's bastion and its node.
       */
      const ask = () => ({
        assets: org.assets.slice(0, 2),
        nodes: key === "ops" ? [org.node.value] : [],
        accounts: ["@ALL"],
        actions: ["connect", "upload"],
        dateStart: daysFromNow(30),
        dateExpired: daysFromNow(37),
      });
      /** The applicant asks for a week, as in the UI. */
      const open = async () => ({
        ...(await openAsPerson(clientFor(ready, proxy.url, org.applicant), ready, {
          title: `pjt-real ${RUN} approval ${org.label} ${++n}`,
          orgId: org.id,
          ...ask(),
        })),
        reviewed: ask(),
      });
      const ticket = (id: string) =>
        admin().get<Record<string, any>>(`${APPLY}${id}/`, { org: null });
      const permission = (id: string) =>
        admin()
          .get<Record<string, any>>(`/api/v1/perms/asset-permissions/${id}/`, { org: ROOT_ORG })
          .catch((e) => (e.status === 404 ? undefined : Promise.reject(e)));
      async function checked(news: Props): Promise<Props> {
        const { inputs, failures } = await approvals.check({}, news);
        assert.deepEqual(failures, []);
        return inputs;
      }
      const writesSince = (mark: number) =>
        proxy.since(mark).filter((e) => e.method !== "GET" && e.who === "admin");

      before(async () => {
        target = await spec.open();
        await target.reset?.();
        ready = target.ready;
        org = orgCase(ready, key, target.multiOrg, RUN);
        proxy = await RecordingProxy.start(ready);
        await ensureOrgPeople(admin(), ready, org);
        const cfg = configFor(ready, proxy.url, "admin", target.providerConfig);
        flows = await ProviderHost.start(ticketFlowProvider, FLOW, cfg);
        // A short timeout: the proxy's held answers are lost answers, and the run waits them out.
        approvals = await ProviderHost.start(ticketApprovalProvider, APPROVAL, {
          ...cfg,
          "jumpserver:timeoutSeconds": "5",
        });
        const { inputs } = await flows.check(
          {},
          { orgId: org.id, rules: [adminsRule(ready.dialect), adminsRule(ready.dialect)] },
        );
        flow = await flows.create(inputs);
      });
      after(async () => {
        if (flow) await flows.delete(flow.id, flow.outs).catch((e) => console.log(`      ${e}`));
        await flows?.close();
        await approvals?.close();
        await proxy?.close();
        await target?.close();
      });

      it("refuses a widening grant at check, naming the property, without a write", async () => {
        const t = await open();
        const mark = proxy.exchanges.length;
        const { failures } = await approvals.check(
          {},
          {
            ticket: t.serialNum,
            orgId: org.id,
            decision: "approve",
            reviewed: t.reviewed,
            grant: { assets: [org.assets[0], org.outsider], dateExpired: daysFromNow(61) },
          },
        );
        assert.deepEqual(
          failures.map((f) => f.property),
          ["grant.assets[1]", "grant.dateExpired"],
        );
        assert.deepEqual(writesSince(mark), []);
        assert.equal(choice((await ticket(t.id)).state), "pending");
        // the same review, narrowed, approves both levels; the permission holds the narrowed grant
        const approved = await approvals.create(
          await checked({
            ticket: t.serialNum,
            orgId: org.id,
            decision: "approve",
            reviewed: t.reviewed,
            grant: {
              assets: [org.assets[0]],
              ...(key === "ops" ? { nodes: [] } : {}),
              actions: ["connect"],
              dateExpired: daysFromNow(32),
            },
          }),
        );
        assert.equal(approved.id, t.id);
        assert.equal(approved.outs.state, "approved");
        assert.deepEqual(approved.outs.decidedLevels, [1, 2]);
        assert.ok(
          String(approved.outs.applicant).endsWith(`(${org.applicant})`),
          String(approved.outs.applicant),
        );
        const perm = await permission(t.id);
        assert.ok(perm, "the permission exists");
        assert.deepEqual(
          perm!.assets.map((a: any) => a.name),
          [org.assets[0]],
        );
        assert.deepEqual(perm!.nodes, []);
        assert.deepEqual(
          perm!.actions.map((a: any) => a.value),
          ["connect"],
        );
        assert.equal(parseDate(perm!.date_expired), Date.parse(daysFromNow(32)));
        assert.deepEqual(
          perm!.users.map((u: any) => u.id),
          [userOf(ready, org.applicant).id],
        );
        // read plans nothing; delete revokes and leaves the ticket approved
        const r = await approvals.read(t.id, approved.outs);
        assert.equal(r.props.state, "approved");
        assert.equal(
          (
            await approvals.diff(
              t.id,
              r.props,
              await checked({ ...r.inputs, ticket: t.id, orgId: org.id }),
            )
          ).changes,
          "none",
        );
        await approvals.delete(t.id, r.props);
        assert.equal(await permission(t.id), undefined);
        assert.equal(choice((await ticket(t.id)).state), "approved");
      });

      it("rejects by id, and refuses a ticket closed by its applicant or one that does not exist", async () => {
        const t = await open();
        const rejected = await approvals.create(
          await checked({ ticket: t.id, orgId: org.id, decision: "reject" }),
        );
        assert.equal(rejected.outs.state, "rejected");
        assert.equal(choice((await ticket(t.id)).state), "rejected");
        const again = await approvals.check(
          {},
          { ticket: t.id, orgId: org.id, decision: "approve" },
        );
        assert.match(again.failures[0]?.reason ?? "", /already rejected by this identity/);

        const closed = await open();
        await clientFor(ready, proxy.url, org.applicant).request(
          "PUT",
          `${APPLY}${closed.id}/close/`,
          {
            org: null,
            body: {},
          },
        );
        const c = await approvals.check(
          {},
          { ticket: closed.serialNum, orgId: org.id, decision: "approve" },
        );
        assert.deepEqual(
          c.failures.map((f) => f.property),
          ["ticket"],
        );
        assert.match(c.failures[0].reason, /was closed/);
        const missing = await approvals.check(
          {},
          { ticket: "209901019999", orgId: org.id, decision: "approve" },
        );
        assert.match(missing.failures[0]?.reason ?? "", /no apply-asset ticket 209901019999/);
      });

      it("approves each level once when every approve answer is lost", async () => {
        const t = await open();
        const inputs = await checked({
          ticket: t.id,
          orgId: org.id,
          decision: "approve",
          reviewed: t.reviewed,
        });
        const mark = proxy.exchanges.length;
        proxy.hold({ method: "PATCH", path: /\/approve\/$/ });
        let made: { id: string; outs: Props };
        try {
          made = await approvals.create(inputs);
        } finally {
          proxy.clearHolds();
        }
        assert.equal(made.outs.state, "approved");
        const approves = writesSince(mark).filter((e) => /\/approve\/$/.test(e.path));
        assert.equal(approves.length, 2, JSON.stringify(approves.map((e) => [e.path, e.status])));
        const steps = (await ticket(t.id)).process_map;
        assert.deepEqual(
          steps.map((s: any) => s.processor),
          [userOf(ready, "admin").id, userOf(ready, "admin").id],
        );
        await approvals.delete(t.id, made.outs);
        assert.equal(await permission(t.id), undefined);
      });
    });
}
