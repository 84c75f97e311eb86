// The real layer, the provider plugin through the generated SDKs: the Python program and the
// TypeScript program through the Node.js SDK, each made as the sandbox suites make it
// (tests/e2e/pythonProject.ts, nodeSdkProject.ts), through the real CLI and the recording proxy,
// in Default: up, a no-op up that sends no request, a flow edited by hand through the API caught
// by `preview --refresh --expect-no-changes` (exit 7) and healed by `up --refresh`, destroy (the
// grant revoked, the flow's earlier rules back). Real targets only: on the sandbox the e2e suites
// (tests/e2e/pluginPython.test.ts, pluginNodeSdk.test.ts) run the same life, and `npm test` has
// no time for it twice. What it creates per language: the Default org's flow adopted (restored on
// destroy) and one ticket titled "pjt-real <run> <language>", whose grant destroy deletes.
import { strict as assert } from "node:assert";
import type { LanguageProject } from "../e2e/languageProject";
import { makeNodeSdkProject, nodeSdkProgram } from "../e2e/nodeSdkProject";
import type { LifeProgram } from "../e2e/pluginLife";
import { requirePulumiCli } from "../e2e/pulumiCli";
import { makePythonProject, pythonProgram } from "../e2e/pythonProject";
import { daysFromNow } from "../support/clock";
import { clientFor, runViews, usersRuleWire } from "./support";
import { RecordingProxy } from "./proxy";
import { ReadyFile, Target, configFor, targetSpecs, userOf } from "./targets";

const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";
const FLOWS = "/api/v1/tickets/flows/";
const RUN = Date.now().toString(36);
const EXIT_CHANGES = 7;

interface Language {
  name: string;
  /** The run's ticket title names it. */
  tag: string;
  make(context: Mocha.Context, binDir: string, program: LifeProgram): Promise<LanguageProject>;
}

const LANGUAGES: Language[] = [
  {
    name: "Python",
    tag: "python",
    make: (context, binDir, program) =>
      makePythonProject(context, binDir, "real plugin (Python)", pythonProgram(program)),
  },
  {
    name: "TypeScript (Node.js SDK)",
    tag: "nodejs",
    make: (context, binDir, program) =>
      makeNodeSdkProject(context, binDir, "real plugin (Node.js SDK)", nodeSdkProgram(program)),
  },
];

/** Like the YAML suite's program (plugin.test.ts): two approvers, the pipeline's admin among them. */
function program(ready: ReadyFile, language: Language): LifeProgram {
  return {
    orgId: DEFAULT_ORG,
    dialect: ready.dialect,
    approvers: ["admin", "approver"],
    waiveSelfApproval: false,
    title: `pjt-real ${RUN} ${language.tag}`,
    applicant: "requester",
    assets: ["web-02"],
    dateStart: daysFromNow(1),
    dateExpired: daysFromNow(3),
  };
}

const realSpecs = targetSpecs().filter((spec) => spec.kind === "real");
if (realSpecs.length === 0) {
  describe("real layer, the provider plugin through the Python and Node.js SDKs", function () {
    before(function () {
      console.log(
        "SKIP real plugin (Python, Node.js SDK): real targets only (npm run test:real); " +
          "on the sandbox tests/e2e/pluginPython.test.ts and pluginNodeSdk.test.ts run this life",
      );
      this.skip();
    });
    it("runs against real servers only", () => undefined);
  });
}

for (const spec of realSpecs) {
  for (const language of LANGUAGES) {
    describe(`real layer, the provider plugin with ${language.name} — ${spec.label}`, function () {
      this.timeout(10 * 60_000);
      let target: Target;
      let ready: ReadyFile;
      let proxy: RecordingProxy;
      let project: LanguageProject | undefined;
      let earlierRules: string;
      let programRules: string;
      const seen: { flowId?: string; ticketId?: string } = {};
      const timings: string[] = [];
      const admin = () => clientFor(ready, proxy.url);
      const views = () => runViews(() => admin(), DEFAULT_ORG);

      async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
        const started = Date.now();
        try {
          return await step();
        } finally {
          timings.push(`${label} ${((Date.now() - started) / 1000).toFixed(1)}s`);
        }
      }

      before(async function () {
        const binDir = requirePulumiCli(this);
        target = await spec.open();
        ready = target.ready;
        proxy = await RecordingProxy.start(ready);
        earlierRules = await views().defaultFlowRules();
        project = await timed("setup", () => language.make(this, binDir, program(ready, language)));
        const config = configFor(ready, proxy.url, "admin", target.providerConfig);
        await project.init("real", config, ["jumpserver:accessKeySecret", "jumpserver:password"]);
      });

      after(async function () {
        if (timings.length > 0) console.log(`    ${language.name} timings: ${timings.join(", ")}`);
        if (project) {
          await project.pulumi("destroy", "--yes", "--skip-preview");
          project.cleanup();
        }
        await proxy?.close();
        await target?.close();
      });

      it("up adopts the flow and opens and approves the ticket", async function () {
        proxy.step = "up";
        const r = await timed("up", () => project!.expect(0, "up", "--yes", "--skip-preview"));
        assert.match(r.stdout, /\+ 3 created/, r.stdout);
        const out = JSON.parse((await project!.expect(0, "stack", "output", "--json")).stdout);
        assert.equal(out.state, "approved");
        Object.assign(seen, out);
        assert.equal(await views().permission(out.ticketId), true);
        programRules = await views().defaultFlowRules();
        assert.notEqual(programRules, earlierRules, "the flow kept its earlier rules");
      });

      it("a second up changes nothing and sends no request", async function () {
        proxy.step = "no-op";
        const mark = proxy.exchanges.length;
        const r = await timed("no-op up", () =>
          project!.expect(0, "up", "--yes", "--skip-preview"),
        );
        assert.match(r.stdout, /3 unchanged/, r.stdout);
        assert.deepEqual(
          proxy.since(mark).map((e) => `${e.method} ${e.path}`),
          [],
        );
      });

      it("a hand edit through the API fails `preview --refresh --expect-no-changes` (exit 7)", async function () {
        proxy.step = "drift";
        // As a person would: the flow's one level handed to orgadmin.
        await admin().request("PATCH", `${FLOWS}${seen.flowId}/`, {
          org: DEFAULT_ORG,
          body: {
            type: "apply_asset",
            approval_level: 1,
            rules: [usersRuleWire(ready.dialect, userOf(ready, "orgadmin").id)],
          },
        });
        assert.notEqual(await views().defaultFlowRules(), programRules, "the edit did not land");
        const gate = await timed("drift gate", () =>
          project!.pulumi("preview", "--refresh", "--expect-no-changes", "--diff"),
        );
        assert.equal(gate.code, EXIT_CHANGES, gate.stdout + gate.stderr);
        assert.match(gate.stdout, /~ jumpserver:index:TicketFlow: \(update\)/, gate.stdout);
      });

      it("up --refresh heals it, and the drift gate passes again", async function () {
        proxy.step = "heal";
        await timed("up --refresh", () =>
          project!.expect(0, "up", "--refresh", "--yes", "--skip-preview"),
        );
        assert.equal(await views().defaultFlowRules(), programRules);
        await timed("drift gate", () =>
          project!.expect(0, "preview", "--refresh", "--expect-no-changes"),
        );
      });

      it("destroy revokes the grant and puts the flow's earlier rules back", async function () {
        proxy.step = "destroy";
        await timed("destroy", () => project!.expect(0, "destroy", "--yes", "--skip-preview"));
        assert.equal(await views().permission(seen.ticketId!), false);
        assert.equal(await views().defaultFlowRules(), earlierRules);
      });
    });
  }
}
