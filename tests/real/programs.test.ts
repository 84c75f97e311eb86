// The real layer, programs: a Pulumi program through the real CLI (Automation API, offline file
// backend), with the package installed from its packed tarball as users install it, against every
// target, through the recording proxy.
//  - a two-level flow whose level 2 the pipeline's `approve: true` does not pass;
//  - a first `up` of many approved tickets at the CLI's default parallelism, which must succeed in
//    one run with exactly one ticket per resource (opens from one process never race);
//  - destroy, after which no grant of the run is left and the flow holds its earlier rules.
// What it creates: one adopted flow in the org (restored on destroy) and JMS_REAL_TICKETS (default
// 100) tickets titled "pjt-real <run> program …", whose permissions destroy deletes. It runs in
// Default and, on a multi-org server, in Ops too (tests/real/orgs.ts: there the applicant and the
// level-2 approver are users who exist only in Ops).
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Stack } from "@pulumi/pulumi/automation";
import { requirePulumiCli } from "../e2e/pulumiCli";
import { adminsRule, approveAs, clientFor, runViews, usersRule } from "./support";
import { RecordingProxy } from "./proxy";
import { killMidUp } from "./kill";
import { RealStack, realStack, StackShape } from "./stack";
import { ReadyFile, Target, targetSpecs, userOf } from "./targets";
import { ensureOrgPeople, OrgCase, orgCase, orgKeys, orgLabel } from "./orgs";

const FLOWS = "/api/v1/tickets/flows/";
const OPEN = "/api/v1/tickets/apply-asset-tickets/open/";
const RUN = Date.now().toString(36);
const COUNT = Number(process.env.JMS_REAL_TICKETS ?? 100);
const run = promisify(execFile);

for (const spec of targetSpecs()) {
  for (const key of orgKeys(spec.multiOrg))
    describe(`real layer, programs through the Pulumi CLI — ${spec.label}, in ${orgLabel(key)}`, function () {
      this.timeout(20 * 60_000);
      let binDir: string;
      let target: Target;
      let ready: ReadyFile;
      let proxy: RecordingProxy;
      let real: RealStack | undefined;
      let stack: Stack | undefined;
      let previousRules: string;
      let org: OrgCase;

      const admin = () => clientFor(ready, proxy.url);
      const views = () => runViews(() => admin(), org.id);
      const permission = (id: string) => views().permission(id);
      const defaultFlowRules = () => views().defaultFlowRules();
      const ticketsOfRun = (prefix: string) => views().ticketsOfRun(prefix);
      const orgShape = () => ({
        id: org.id,
        // Default's tickets alternate web-02 and web-01, as before; Ops has its bastion.
        assets: key === "default" ? ["web-02", "web-01"] : org.assets,
        applicant: org.applicant,
      });
      const outputs = async () =>
        Object.fromEntries(Object.entries(await stack!.outputs()).map(([k, v]) => [k, v.value]));

      const configure = (rules: unknown[], count: number, prefix: string) =>
        real!.configure({
          rules,
          count,
          prefix,
          providerConfig: target.providerConfig,
          org: orgShape(),
        });

      before(async function () {
        binDir = requirePulumiCli(this);
        target = await spec.open();
        await target.reset?.();
        ready = target.ready;
        org = orgCase(ready, key, target.multiOrg, RUN);
        proxy = await RecordingProxy.start(ready);
        await ensureOrgPeople(admin(), ready, org);
        previousRules = await defaultFlowRules();
        real = await realStack(binDir, ready, proxy.url);
        stack = real.stack;
      });
      after(async () => {
        await real?.dispose();
        await proxy?.close();
        await target?.close();
      });

      it("previews, then applies, a program whose rule, titles, assets and dates are unknown at preview", async () => {
        const prefix = `pjt-real ${RUN} program computed`;
        await real!.configure({
          rules: [],
          count: 2,
          prefix,
          providerConfig: target.providerConfig,
          computed: { dialect: ready.dialect },
          org: orgShape(),
        });
        const mark = proxy.exchanges.length;
        const p = await stack!.preview();
        assert.deepEqual(p.changeSummary, { create: 5 }, "the stack, the computed one, flow, 2");
        assert.deepEqual(proxy.since(mark), [], "preview sends no request");
        const r = await stack!.up();
        assert.equal(r.summary.result, "succeeded");
        const out = await outputs();
        assert.deepEqual(out.states, ["approved", "approved"]);
        const live = await ticketsOfRun(prefix);
        assert.deepEqual(live.map((t) => t.title).sort(), [
          `${prefix} 0 (later)`,
          `${prefix} 1 (later)`,
        ]);
        await stack!.destroy();
        assert.equal(await defaultFlowRules(), previousRules, "destroy restored the flow");
      });

      for (const recovery of ["up", "refresh --clear-pending-creates, then up"]) {
        it(`after SIGKILL of the CLI and its plugins mid-up, \`${recovery}\` ends with one ticket per resource`, async () => {
          const prefix = `pjt-real ${RUN} program killed ${recovery.length}`;
          const count = 10;
          await configure([usersRule(ready.dialect, "admin")], count, prefix);
          const mark = proxy.exchanges.length;
          const opened = () =>
            proxy
              .since(mark)
              .filter((e) => e.method === "POST" && e.path === OPEN && e.status === 201).length;
          await killMidUp(real!, () => opened() >= 3);
          const before = await ticketsOfRun(prefix);
          assert.ok(
            before.length >= 3 && before.length < count,
            `${before.length} opened before the kill`,
          );
          if (recovery !== "up") {
            // (Asynchronously: the sandbox and the proxy answer from this very process.)
            await run(
              real!.cli.bin,
              [
                "refresh",
                "--clear-pending-creates",
                "--yes",
                "--stack",
                "real",
                "--non-interactive",
              ],
              { cwd: real!.dir, env: { ...process.env, ...real!.cli.env }, maxBuffer: 16 << 20 },
            );
          }
          const up = await stack!.up();
          assert.equal(up.summary.result, "succeeded");
          const live = await ticketsOfRun(prefix);
          assert.equal(live.length, count, "exactly one ticket per resource");
          assert.equal(new Set(live.map((t) => t.title)).size, count);
          const out = await outputs();
          assert.deepEqual(new Set(out.states), new Set(["approved"]));
          const inState = new Set(out.ticketIds as string[]);
          for (const t of live) assert.ok(inState.has(t.id), `ticket ${t.title} is in state`);
          await stack!.destroy();
          assert.equal(await defaultFlowRules(), previousRules, "destroy restored the flow");
        });
      }

      it("after SIGKILL between a flow's adopting write and its answer, `up` then destroy put the flow's earlier rules back", async () => {
        const prefix = `pjt-real ${RUN} program killed flow`;
        await configure([usersRule(ready.dialect, "admin")], 1, prefix);
        const mark = proxy.exchanges.length;
        const isFlowWrite = (e: { method: string; path: string }) =>
          e.method === "PATCH" && e.path.startsWith(FLOWS);
        proxy.hold({ method: "PATCH", path: /^\/api\/v1\/tickets\/flows\// });
        try {
          await killMidUp(real!, () =>
            proxy.since(mark).some((e) => isFlowWrite(e) && e.status < 300),
          );
        } finally {
          proxy.clearHolds();
        }
        assert.notEqual(
          await defaultFlowRules(),
          previousRules,
          "the write landed before the kill",
        );
        const up = await stack!.up();
        assert.equal(up.summary.result, "succeeded");
        assert.deepEqual((await outputs()).states, ["approved"]);
        await stack!.destroy();
        assert.equal(await defaultFlowRules(), previousRules, "destroy restored the flow");
      });

      describe("the shapes users write", () => {
        const prefix = `pjt-real ${RUN} program shapes`;
        /** Two approved tickets under a one-level flow, renamed once the alias test has run. */
        const shaped = (extra: Partial<StackShape> = {}) =>
          real!.configure({
            rules: [usersRule(ready.dialect, "admin")],
            count: 2,
            prefix,
            providerConfig: target.providerConfig,
            org: orgShape(),
            ...extra,
          });
        const renamed = { names: "renamed", aliasOf: "access" };
        const urn = async (name: string) => {
          const state = await stack!.exportStack();
          const r = (state.deployment.resources as Array<{ urn: string }>).find((x) =>
            x.urn.endsWith(`::${name}`),
          );
          assert.ok(r, `no resource ${name} in state`);
          return r.urn;
        };
        after(async () => {
          proxy?.clearAnswers();
          await stack?.destroy().catch(() => undefined);
        });

        it("a second up and a preview with --expect-no-changes send no request", async () => {
          await shaped();
          assert.equal((await stack!.up()).summary.result, "succeeded");
          const mark = proxy.exchanges.length;
          const again = await stack!.up();
          assert.deepEqual(again.summary.resourceChanges, { same: 4 });
          await stack!.preview({ expectNoChanges: true });
          assert.deepEqual(proxy.since(mark), [], "no request");
        });

        it("a refresh through a proxy's HTML 404 fails and leaves the state as it was", async () => {
          const before = await stack!.exportStack();
          proxy.answer({
            method: "GET",
            // The org's flow list (a refresh reads flows from it) and any flow's own route.
            path: /\/api\/v1\/tickets\/flows\/([0-9a-f-]{36}\/|\?)/,
            status: 404,
            contentType: "text/html",
            body: "<html><body><h1>404 Not Found</h1><hr>nginx</body></html>",
            times: 1_000,
          });
          try {
            await assert.rejects(stack!.refresh());
          } finally {
            proxy.clearAnswers();
          }
          const after = await stack!.exportStack();
          const ids = (d: typeof before) =>
            (d.deployment.resources as Array<{ urn: string; id?: string }>)
              .map((r) => `${r.urn} ${r.id ?? ""}`)
              .sort();
          assert.deepEqual(ids(after), ids(before), "no resource left the state");
        });

        it("a rename with `aliases` keeps every ticket (no replacement, no request)", async () => {
          const before = (await outputs()).ticketIds;
          await shaped(renamed);
          const mark = proxy.exchanges.length;
          const r = await stack!.up();
          assert.equal(r.summary.resourceChanges?.create ?? 0, 0);
          assert.equal(r.summary.resourceChanges?.delete ?? 0, 0);
          assert.deepEqual((await outputs()).ticketIds, before);
          assert.deepEqual(proxy.since(mark), []);
          await urn("renamed-0");
        });

        it("`--replace` opens a new ticket and revokes the old grant; `--target` touches only its target", async () => {
          const [t0, t1] = (await outputs()).ticketIds as string[];
          const replaced = await stack!.up({ replace: [await urn("renamed-0")] });
          assert.equal(replaced.summary.result, "succeeded");
          const [n0, n1] = (await outputs()).ticketIds as string[];
          assert.notEqual(n0, t0, "a new ticket");
          assert.equal(n1, t1);
          assert.equal(await permission(t0), false, "the replaced grant is revoked");
          assert.equal(await permission(n0), true);
          // Change every ticket's title, but apply only the second.
          await shaped({ ...renamed, prefix: `${prefix} v2` });
          await stack!.up({ target: [await urn("renamed-1")] });
          const [m0, m1] = (await outputs()).ticketIds as string[];
          assert.equal(m0, n0, "the untargeted ticket stays");
          assert.notEqual(m1, n1, "the targeted one is replaced");
        });

        it("a secret input stays secret in state", async () => {
          const secret = `pjt-secret-${RUN}`;
          await shaped({ ...renamed, prefix: `${prefix} v2`, secretComment: secret });
          assert.equal((await stack!.up()).summary.result, "succeeded");
          const { stdout } = await run(
            real!.cli.bin,
            ["stack", "export", "--stack", "real", "--non-interactive"],
            { cwd: real!.dir, env: { ...process.env, ...real!.cli.env }, maxBuffer: 64 << 20 },
          );
          assert.ok(!stdout.includes(secret), "the comment is not in plaintext in the state");
          assert.ok(
            stdout.includes("4dabf18193072939515e22adb298388d"),
            "it is stored as a secret",
          );
        });

        it("after a key is revoked, plain destroy fails and `destroy --run-program` uses the new key", async () => {
          const oldKey = userOf(ready, "admin").accessKey.id;
          proxy.answer({
            method: "*",
            path: /.*/,
            status: 401,
            contentType: "application/json",
            body: JSON.stringify({ detail: "Invalid signature.", code: "authentication_failed" }),
            times: 1_000_000,
            authorization: new RegExp(`keyId="${oldKey}"`),
          });
          await shaped({ ...renamed, prefix: `${prefix} v2`, privateToken: true });
          const cli = (...args: string[]) =>
            run(real!.cli.bin, [...args, "--yes", "--stack", "real", "--non-interactive"], {
              cwd: real!.dir,
              env: { ...process.env, ...real!.cli.env },
              maxBuffer: 64 << 20,
            });
          await assert.rejects(cli("destroy"), (e: { stdout?: string; stderr?: string }) => {
            assert.match(`${e.stdout}${e.stderr}`, /HTTP 401/);
            return true;
          });
          await cli("destroy", "--run-program");
          proxy.clearAnswers();
          const left = await ticketsOfRun(`${prefix} v2`);
          for (const t of left) assert.equal(await permission(t.id), false, `${t.title} revoked`);
        });
      });

      it("a level approved by a person in JumpServer, then refresh: state follows, no drift", async () => {
        const prefix = `pjt-real ${RUN} program person`;
        await configure(
          [adminsRule(ready.dialect), usersRule(ready.dialect, org.approver)],
          1,
          prefix,
        );
        await stack!.up();
        const [id] = (await outputs()).ticketIds as string[];
        await approveAs(ready, proxy.url, org.approver, id);
        await stack!.refresh();
        const state = await stack!.exportStack();
        const ticket = (state.deployment.resources as any[]).find((r) => r.id === id);
        assert.equal(ticket.outputs.state, "approved", "refresh updated the resource");
        assert.deepEqual(
          (await outputs()).states,
          ["pending"],
          "a plain refresh keeps stack outputs",
        );
        await stack!.preview({ expectNoChanges: true });
        await stack!.up({ refresh: true });
        assert.deepEqual((await outputs()).states, ["approved"]);
        await stack!.destroy();
        assert.equal(await permission(id), false);
      });

      it("a two-level flow: the pipeline's approve: true passes level 1 only", async () => {
        const dialect = ready.dialect;
        const prefix = `pjt-real ${RUN} program two-level`;
        await configure([adminsRule(dialect), usersRule(dialect, org.approver)], 1, prefix);
        const r = await stack!.up();
        assert.equal(r.summary.result, "succeeded");
        const out = await outputs();
        assert.deepEqual(out.states, ["pending"]);
        assert.deepEqual(out.steps, [2]);
        const [t] = await ticketsOfRun(prefix);
        const live = await admin().get<Record<string, any>>(
          `/api/v1/tickets/apply-asset-tickets/${t.id}/`,
          { org: null },
        );
        assert.deepEqual(
          live.process_map.map((s: any) => s.state?.value ?? s.state),
          ["approved", "pending"],
        );
        assert.deepEqual(live.process_map[1].assignees, [userOf(ready, org.approver).id]);
        await stack!.destroy();
        assert.equal(await defaultFlowRules(), previousRules, "destroy restored the flow");
        const after = await ticketsOfRun(prefix);
        assert.deepEqual(
          after.map((x) => x.state?.value ?? x.state),
          ["closed"],
        );
      });

      it(`a first up of ${COUNT} approved tickets at default parallelism succeeds in one run, one ticket each`, async () => {
        const prefix = `pjt-real ${RUN} program many`;
        await configure([usersRule(ready.dialect, "admin")], COUNT, prefix);
        const mark = proxy.exchanges.length;
        const started = Date.now();
        const r = await stack!.up(); // no --parallel: the CLI's default
        const seconds = (Date.now() - started) / 1000;
        console.log(
          `      up of ${COUNT} tickets: ${seconds.toFixed(1)} s, ${proxy.since(mark).length} requests ${JSON.stringify(proxy.statuses(mark))}`,
        );
        assert.equal(r.summary.result, "succeeded");
        assert.equal(
          r.summary.resourceChanges?.create,
          COUNT + 2,
          "the stack, the flow, the tickets",
        );
        const opens = proxy.since(mark).filter((e) => e.method === "POST" && e.path === OPEN);
        // (A 429 from v4.10.16's throttle answers before anything happens, and is sent again.)
        assert.deepEqual(
          [...new Set(opens.filter((e) => e.status !== 429).map((e) => e.status))],
          [201],
          "no open collided with another",
        );
        assert.equal(opens.filter((e) => e.status === 201).length, COUNT, "one open per ticket");
        const out = await outputs();
        assert.deepEqual(new Set(out.states), new Set(["approved"]));
        const live = await ticketsOfRun(prefix);
        assert.equal(live.length, COUNT, "exactly one ticket per resource");
        assert.equal(new Set(live.map((t) => t.title)).size, COUNT);
        const mark2 = proxy.exchanges.length;
        await stack!.destroy();
        // (A 429 from v4.10.16's throttle is waited out and sent again: count what was answered.)
        const revoked = new Set(
          proxy
            .since(mark2)
            .filter((e) => e.method === "DELETE" && e.path.includes("/asset-permissions/"))
            .filter((e) => e.status === 204)
            .map((e) => e.path),
        );
        assert.equal(revoked.size, COUNT, "every grant revoked");
        const left = await admin().list<Record<string, any>>("/api/v1/perms/asset-permissions/", {
          query: { search: prefix },
          org: org.id,
        });
        assert.deepEqual(
          left.map((p) => p.name),
          [],
        );
        assert.equal(await defaultFlowRules(), previousRules, "destroy restored the flow");
      });
    });
}
