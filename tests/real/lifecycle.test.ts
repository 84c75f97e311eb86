// The real layer, provider lifecycle: both resources through the real dynamic-provider host over
// gRPC, against every target (real servers given by ready files, else the sandbox in each mode),
// through a recording proxy that sees every request and answer. A real server is the ground
// truth: these assertions hold there, and the same assertions hold on the sandbox.
//
// It runs in Default and, on a multi-org server, in Ops too (tests/real/orgs.ts: there the
// applicant and the level-2 approver are users who exist only in Ops).
// What it creates on the target, and how it cleans up: in the org, one adopted flow
// (restored to its previous rules at the end; JumpServer cannot delete flows, so the org keeps its
// own copy), and about a dozen apply-asset tickets titled "pjt-real <run> …" (closed, or approved
// and their permissions deleted). The probes at the end, which leave flows behind, run only on
// servers the suite can reset (the kit's reset.sh, or the sandbox).
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { ProviderHost, Props } from "../support/providerHost";
import { RecordingProxy } from "./proxy";
import {
  adminsRule,
  approveAs,
  canonical,
  choice,
  clientFor,
  usersRule,
  usersRuleWire,
} from "./support";
import { configFor, ReadyFile, Target, targetSpecs, userOf } from "./targets";
import { ensureOrgPeople, OrgCase, orgCase, orgKeys, orgLabel } from "./orgs";
import { daysFromNow } from "../support/clock";

const TICKET = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
const FLOW = "pulumi-nodejs:dynamic/jumpserver:TicketFlow";
// Level 2 is `approver` alone, whom the tickets wait for: the self-approval guardrail that
// refuses such a level is waived on this flow.
const ONE_APPROVER = { forbidSelfApproval: false };
const DEFAULT = "00000000-0000-0000-0000-000000000002";
const ROOT = "00000000-0000-0000-0000-000000000000";
const FLOWS = "/api/v1/tickets/flows/";
const APPLY = "/api/v1/tickets/apply-asset-tickets/";
const RUN = Date.now().toString(36);

/** Where `npm run test:real -- --record DIR` asks for transcripts. */
const RECORD_DIR = process.env.JMS_RECORD_DIR;

for (const spec of targetSpecs()) {
  for (const key of orgKeys(spec.multiOrg))
    describe(`real layer, provider lifecycle — ${spec.label}, in ${orgLabel(key)}`, function () {
      this.timeout(10 * 60_000);
      let target: Target;
      let proxy: RecordingProxy;
      let flows: ProviderHost;
      let tickets: ProviderHost;
      let ready: ReadyFile;
      let dialect: string;
      let named: boolean;
      let n = 0;
      let org: OrgCase;

      const admin = () => clientFor(ready, proxy.url);
      const ticketInputs = (extra: Props = {}): Props => ({
        title: `pjt-real ${RUN} lifecycle ${org.label} ${++n}`,
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
      const titled = (title: string) =>
        admin().list<Record<string, any>>("/api/v1/tickets/tickets/", {
          query: { search: title },
          org: null,
        });
      async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
        proxy.step = name;
        return fn();
      }

      before(async () => {
        target = await spec.open();
        await target.reset?.();
        ready = target.ready;
        dialect = ready.dialect;
        org = orgCase(ready, key, target.multiOrg, RUN);
        proxy = await RecordingProxy.start(ready);
        await ensureOrgPeople(admin(), ready, org);
        const cfg = configFor(ready, proxy.url, "admin", target.providerConfig);
        flows = await ProviderHost.start(ticketFlowProvider, FLOW, cfg);
        tickets = await ProviderHost.start(assetAccessTicketProvider, TICKET, cfg);
        const seen = await admin().list<Record<string, any>>(FLOWS, { org: ROOT });
        named = seen.some((f) => "name" in f);
      });
      let failures = 0;
      afterEach(function () {
        if (this.currentTest?.state === "failed") failures++;
      });
      after(async () => {
        // A transcript of a run that failed would teach the sandbox a wrong path: only whole runs.
        if (RECORD_DIR && proxy && target?.kind === "real" && failures === 0) {
          const version = target.label.split(" ")[1];
          // A multi-org server's Ops run is its transcript; its Default run is kept beside it.
          const name = !target.multiOrg
            ? `provider-${version}-${dialect}`
            : `provider-${version}-multiorg${key === "ops" ? "" : "-default"}`;
          const file = path.join(RECORD_DIR, `${name}.jsonl`);
          proxy.writeTranscript(file, version, (e) => e.step !== "probe");
          console.log(`      recorded ${file}`);
        }
        await flows?.close();
        await tickets?.close();
        await proxy?.close();
        await target?.close();
      });

      let flow: { id: string; outs: Props };
      let previousRules: unknown[];

      it("adopts the org's flow with `type` in every write, as an apply_asset flow that governs the org", async () => {
        const before = await admin().list<Record<string, any>>(FLOWS, {
          org: org.id,
          query: { type: "apply_asset" },
        });
        previousRules = before[0].rules;
        const mark = proxy.exchanges.length;
        flow = await step("flow-adopt", async () =>
          flows.create(
            await checked(flows, {
              orgId: org.id,
              rules: [adminsRule(dialect), usersRule(dialect, org.approver)],
              guardrails: ONE_APPROVER,
            }),
          ),
        );
        const writes = proxy.since(mark).filter((e) => e.method === "PATCH" || e.method === "POST");
        assert.ok(writes.length >= 1);
        for (const w of writes) assert.equal((w.body as any).type, "apply_asset", w.path);
        const after = await admin().list<Record<string, any>>(FLOWS, {
          org: org.id,
          query: { type: "apply_asset" },
        });
        const unnamed = after.filter((f) => !f.name);
        assert.deepEqual(
          unnamed.map((f) => [f.id, choice(f.type), f.org_id]),
          [[flow.id, "apply_asset", org.id]],
          `${org.label}'s own apply-asset flow is the adopted one, and the global one no longer applies`,
        );
      });

      let pending: { id: string; outs: Props };

      it("approves level 1 only: the declared second level is not passed by the pipeline", async () => {
        pending = await step("ticket-two-level", async () =>
          tickets.create(await checked(tickets, ticketInputs({ approve: true }))),
        );
        assert.equal(pending.outs.state, "pending");
        assert.equal(pending.outs.approvalStep, 2);
        assert.deepEqual(pending.outs.currentApprovers, [userOf(ready, org.approver).id]);
      });

      it("follows a level approved by a person in JumpServer, then revokes the grant on delete", async () => {
        await step("approve-by-person", () =>
          approveAs(ready, proxy.url, org.approver, pending.id),
        );
        const r = await step("ticket-refresh", () => tickets.read(pending.id, pending.outs));
        assert.equal(r.props.state, "approved");
        assert.equal(r.props.permissionId, pending.id);
        const perm = await admin().get<Record<string, any>>(
          `/api/v1/perms/asset-permissions/${pending.id}/`,
          { org: org.id },
        );
        assert.equal(perm.name, r.props.permissionName);
        if (named) {
          const title = pending.outs.title as string;
          assert.equal(perm.name, `Created via work order (${title}-${pending.id.slice(0, 4)})`);
        }
        await step("ticket-revoke", () => tickets.delete(pending.id, r.props));
        await assert.rejects(
          admin().get(`/api/v1/perms/asset-permissions/${pending.id}/`, { org: org.id }),
          (e: any) => e.status === 404,
        );
      });

      it("closes a ticket opened on someone's behalf through super-tickets, without a 403 first", async () => {
        const t = await step("ticket-close-on-behalf", async () =>
          tickets.create(await checked(tickets, ticketInputs({ approve: true }))),
        );
        assert.equal(t.outs.state, "pending");
        const mark = proxy.exchanges.length;
        await step("ticket-close-on-behalf", () => tickets.delete(t.id, t.outs));
        const sent = proxy.since(mark);
        assert.deepEqual(
          sent.map((e) => [e.method, e.path.replace(t.id, "{id}"), e.status]),
          [["DELETE", "/api/v1/tickets/super-tickets/{id}/status/", 204]],
        );
        const status = await admin().get<Record<string, any>>(
          `/api/v1/tickets/super-tickets/${t.id}/status/`,
          { org: null },
        );
        assert.equal(choice(status.state), "closed");
      });

      it("opens 8 tickets at once without a collision or a duplicate", async () => {
        const inputs = await Promise.all(
          Array.from({ length: 8 }, () => checked(tickets, ticketInputs())),
        );
        const mark = proxy.exchanges.length;
        const made = await step("tickets-parallel", () =>
          Promise.all(inputs.map((i) => tickets.create(i))),
        );
        const statuses = proxy.statuses(mark);
        assert.equal(statuses["500"] ?? 0, 0, JSON.stringify(statuses));
        for (const [i, m] of made.entries()) {
          const found = (await titled(inputs[i].title)).filter((t) => t.title === inputs[i].title);
          assert.deepEqual(
            found.map((t) => t.id),
            [m.id],
          );
        }
        await step("tickets-parallel-close", () =>
          Promise.all(made.map((m) => tickets.delete(m.id, m.outs))),
        );
      });

      it("fails a refresh on a proxy's HTML 404 or a persistent 503, keeping state as it was", async () => {
        const html = "<html><body><h1>404 Not Found</h1>nginx</body></html>";
        // A read asks the org's flow list or the tickets list first (one list answers a whole
        // refresh), and the resource's own route only when the list does not have it.
        for (const [path, read] of [
          [new RegExp(`^${FLOWS}(\\?|${flow.id}/)`), () => flows.read(flow.id, flow.outs)],
          [
            new RegExp(`^${APPLY}(\\?|${pending.id}/)`),
            () => tickets.read(pending.id, pending.outs),
          ],
        ] as const) {
          proxy.answer({ method: "GET", path, status: 404, contentType: "text/html", body: html });
          await assert.rejects(read(), /HTTP 404/);
          proxy.answer({
            method: "GET",
            path,
            status: 503,
            contentType: "text/html",
            body: "<html>Service Unavailable</html>",
            times: 5, // the first try and the client's 4 retries (maxRetries)
          });
          await assert.rejects(read(), /HTTP 503/);
        }
        // Once the proxy is fine again, the same read keeps the flow.
        const r = await flows.read(flow.id, flow.outs);
        assert.equal(r.id, flow.id);
      });

      it("shows a hand edit as drift of `rules`, heals it, and restores the previous rules on delete", async () => {
        await step("flow-hand-edit", () =>
          admin().request("PATCH", `${FLOWS}${flow.id}/`, {
            org: org.id,
            body: {
              type: "apply_asset",
              rules: [usersRuleWire(dialect, userOf(ready, org.applicant).id)],
              approval_level: 1,
            },
          }),
        );
        const r = await step("flow-refresh", () => flows.read(flow.id, flow.outs));
        const desired = await checked(flows, {
          orgId: org.id,
          rules: [adminsRule(dialect), usersRule(dialect, org.approver)],
          guardrails: ONE_APPROVER,
        });
        const d = await flows.diff(flow.id, r.props!, desired);
        assert.equal(d.changes, "some");
        assert.deepEqual(d.replaces ?? [], []);
        const healed = await step("flow-heal", () => flows.update(flow.id, r.props!, desired));
        assert.equal(healed.approvalLevel, 2);
        await step("flow-restore", () => flows.delete(flow.id, healed));
        const live = await admin().get<Record<string, any>>(`${FLOWS}${flow.id}/`, { org: org.id });
        assert.deepEqual(
          sortedLevels(live.rules).map(ruleKey),
          sortedLevels(previousRules as any[]).map(ruleKey),
          "the flow holds the rules it had before adoption",
        );
      });

      describe("probes that leave flows behind (servers the suite can reset)", function () {
        before(async function () {
          if (key !== "default") {
            console.log(
              `SKIP probes in ${org.label}: they probe the server, once per target, in Default`,
            );
            this.skip();
          }
          if (!target.reset) {
            console.log(`SKIP probes on ${target.label}: no reset for this server`);
            this.skip();
          }
          proxy.step = "probe";
          await target.reset();
        });
        const global = async () =>
          (await admin().list<Record<string, any>>(FLOWS, { org: ROOT })).find(
            (f) => f.org_id === ROOT && !f.name,
          )!;
        const openBody = (extra: Record<string, unknown> = {}) => ({
          title: `pjt-real ${RUN} probe ${++n}`,
          org_id: DEFAULT,
          apply_assets: [ready.assets.find((a) => a.name === "web-01")!.id],
          apply_accounts: ["@ALL"],
          apply_actions: ["connect"],
          apply_date_start: daysFromNow(61),
          apply_date_expired: daysFromNow(62),
          ...extra,
        });

        it("a copy-on-write PATCH without `type` is a `general` copy before v4.10.19, and governs nothing", async () => {
          const g = await global();
          const rules = [
            usersRuleWire(dialect, userOf(ready, "admin").id),
            usersRuleWire(dialect, userOf(ready, "approver").id),
          ];
          const copy = await admin().request<Record<string, any>>("PATCH", `${FLOWS}${g.id}/`, {
            org: DEFAULT,
            body: { rules, approval_level: 2 },
          });
          assert.notEqual(copy.id, g.id);
          assert.equal(choice(copy.type), named ? "apply_asset" : "general");
          const t = await admin().request<Record<string, any>>("POST", `${APPLY}open/`, {
            org: DEFAULT,
            body: openBody({ applicant: userOf(ready, "requester").id }),
          });
          assert.equal(t.process_map.length, named ? 2 : 1, "steps of a ticket opened in Default");
          await admin().request("DELETE", `/api/v1/tickets/super-tickets/${t.id}/status/`, {
            org: null,
          });
        });

        it("concurrent opens collide on the serial number: some answer 500, and a failed open leaves nothing", async () => {
          await target.reset!();
          const bodies = Array.from({ length: 8 }, () => openBody());
          const results = await Promise.allSettled(
            bodies.map((body) =>
              admin().request<Record<string, any>>("POST", `${APPLY}open/`, { org: DEFAULT, body }),
            ),
          );
          const failed = results.filter((r) => r.status === "rejected");
          assert.ok(failed.length > 0, "at least one open collided");
          for (const f of failed) {
            const e = (f as PromiseRejectedResult).reason;
            assert.ok(e.status === 500 || e.code === "please_try_again", e.message);
          }
          const opened = results.filter((r) => r.status === "fulfilled").length;
          const listed = await titled(`pjt-real ${RUN} probe`);
          const titles = new Set(bodies.map((b) => b.title));
          assert.equal(listed.filter((t) => titles.has(t.title)).length, opened);
        });

        it("the opener of someone else's ticket, no longer a current approver, gets 403 on close/", async () => {
          await target.reset!();
          const g = await global();
          await admin().request("PATCH", `${FLOWS}${g.id}/`, {
            org: DEFAULT,
            body: {
              type: "apply_asset",
              rules: [
                usersRuleWire(dialect, userOf(ready, "admin").id),
                usersRuleWire(dialect, userOf(ready, "approver").id),
              ],
              approval_level: 2,
            },
          });
          const t = await admin().request<Record<string, any>>("POST", `${APPLY}open/`, {
            org: DEFAULT,
            body: openBody({ applicant: userOf(ready, "requester").id }),
          });
          await approveAs(ready, proxy.url, "admin", t.id);
          await assert.rejects(
            admin().request("PUT", `${APPLY}${t.id}/close/`, { org: null, body: {} }),
            (e: any) => e.status === 403,
          );
          await admin().request("DELETE", `/api/v1/tickets/super-tickets/${t.id}/status/`, {
            org: null,
          });
          await target.reset!();
        });
      });
    });
}

function sortedLevels(rules: any[]): any[] {
  return [...rules].sort((a, b) => a.level - b.level);
}

function ruleKey(r: any): string {
  return canonical({
    strategy: choice(r.strategy),
    assignees: r.assignees_read_only ?? undefined,
    users: r.users,
  });
}
