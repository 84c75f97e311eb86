// The life every language's program goes through with the provider plugin, against the sandbox
// (v4.10.19 mode, in this process), through the real CLI: up; a no-op up that sends no request;
// a hand edit caught by `preview --refresh --expect-no-changes` (exit 7) and healed by
// `up --refresh`; destroy. Each language's suite gives the project (its program declares the
// resources of `lifeProgramShape`). The steps depend on each other.
import * as assert from "node:assert/strict";
import type { Sandbox } from "../../sandbox";
import { client, sandbox, user } from "../support/sandbox";
import { daysFromNow } from "../support/clock";
import { requirePulumiCli } from "./pulumiCli";
import type { LanguageProject } from "./languageProject";

export const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";
const FLOWS = "/api/v1/tickets/flows/";
const EXIT_CHANGES = 7;

/**
 * What each language's program declares, in its own words: a TicketFlow "flow" in DEFAULT_ORG
 * whose one level is `admin` (guardrail forbidSelfApproval waived), an AssetAccessTicket "access"
 * for `requester` on web-01 (connect) from `dateStart` to `dateExpired`, approved, depending on
 * the flow; stack outputs flowId, ticketId and state.
 */
export const lifeProgramShape = {
  dateStart: daysFromNow(30),
  dateExpired: daysFromNow(32),
  title: (language: string) => `${language}: requester on web-01`,
};

/**
 * The program's facts, which each language writes in its own words (pythonProject.ts,
 * nodeSdkProject.ts): here the sandbox's; the real layer (tests/real/pluginSdks.test.ts) gives
 * its own title, approvers and asset, and the server's rule dialect.
 */
export interface LifeProgram {
  orgId: string;
  /** The server's rule dialect: "selector" (v4.1+ `users`) or "strategy" (v3 `custom_user`). */
  dialect: string;
  approvers: string[];
  /** guardrails.forbidSelfApproval waived (the sandbox's one approver is the pipeline's admin). */
  waiveSelfApproval: boolean;
  title: string;
  applicant: string;
  assets: string[];
  dateStart: string;
  dateExpired: string;
}

export function sandboxLifeProgram(language: string): LifeProgram {
  return {
    orgId: DEFAULT_ORG,
    dialect: "selector",
    approvers: ["admin"],
    waiveSelfApproval: true,
    title: lifeProgramShape.title(language),
    applicant: "requester",
    assets: ["web-01"],
    dateStart: lifeProgramShape.dateStart,
    dateExpired: lifeProgramShape.dateExpired,
  };
}

/** The project, made in the suite's `before` (it may skip, saying why). */
export type MakeProject = (
  context: Mocha.Context,
  binDir: string,
  sb: Sandbox,
) => Promise<LanguageProject>;

export function describePluginLife(language: string, makeProject: MakeProject): void {
  describe(`e2e: the provider plugin with a ${language} program through the Pulumi CLI`, function () {
    // A cold step starts the language runtime and the plugin: several seconds each.
    this.timeout(600_000);
    let sb: Sandbox | undefined;
    let project: LanguageProject | undefined;
    const seen: { flowId?: string; ticketId?: string } = {};
    const timings: string[] = [];
    const admin = () => client(sb!, "admin", "privateToken");

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
      sb = await sandbox({ dialect: "selector", errors: "conflict" });
      project = await timed("setup", () => makeProject(this, binDir, sb!));
      await project.initStack(sb, "e2e", [["jumpserver:requestsPerMinute", "0"]]);
    });

    after(async function () {
      if (timings.length > 0) console.log(`    ${language} timings: ${timings.join(", ")}`);
      if (project) {
        await project.pulumi("destroy", "--yes", "--skip-preview");
        project.cleanup();
      }
      await sb?.close();
    });

    it("up creates the flow and an approved ticket", async function () {
      const r = await timed("up", () => project!.expect(0, "up", "--yes", "--skip-preview"));
      assert.match(r.stdout, /\+ 3 created/, r.stdout);
      const out = JSON.parse((await project!.expect(0, "stack", "output", "--json")).stdout);
      assert.equal(out.state, "approved");
      Object.assign(seen, out);
      const flow = await admin().get<any>(`${FLOWS}${out.flowId}/`, { org: DEFAULT_ORG });
      assert.deepEqual(
        flow.rules.map((x: any) => x.users),
        [{ type: "ids", ids: [user(sb!, "admin").id] }],
      );
      const perm = await admin().get<any>(`/api/v1/perms/asset-permissions/${out.ticketId}/`, {
        org: DEFAULT_ORG,
      });
      assert.deepEqual(
        perm.assets.map((a: any) => a.name ?? a),
        ["web-01"],
      );
    });

    it("a second up changes nothing and sends no request", async function () {
      sb!.resetStats();
      const r = await timed("no-op up", () => project!.expect(0, "up", "--yes", "--skip-preview"));
      assert.match(r.stdout, /3 unchanged/, r.stdout);
      assert.equal(sb!.stats().total, 0, JSON.stringify(sb!.stats().byRoute));
    });

    it("a hand edit fails `preview --refresh --expect-no-changes` with exit 7", async function () {
      await admin().request("PATCH", `${FLOWS}${seen.flowId}/`, {
        org: DEFAULT_ORG,
        body: {
          approval_level: 1,
          rules: [{ users: { type: "ids", ids: [user(sb!, "orgadmin").id] } }],
        },
      });
      const gate = await timed("drift gate", () =>
        project!.pulumi("preview", "--refresh", "--expect-no-changes", "--diff"),
      );
      assert.equal(gate.code, EXIT_CHANGES, gate.stdout + gate.stderr);
      assert.match(gate.stdout, /~ jumpserver:index:TicketFlow: \(update\)/, gate.stdout);
      assert.match(gate.stdout, /rules/);
    });

    it("up --refresh heals it, and the drift gate passes again", async function () {
      await timed("up --refresh", () =>
        project!.expect(0, "up", "--refresh", "--yes", "--skip-preview"),
      );
      const flow = await admin().get<any>(`${FLOWS}${seen.flowId}/`, { org: DEFAULT_ORG });
      assert.deepEqual(
        flow.rules.map((x: any) => x.users),
        [{ type: "ids", ids: [user(sb!, "admin").id] }],
      );
      await timed("drift gate", () =>
        project!.expect(0, "preview", "--refresh", "--expect-no-changes"),
      );
    });

    it("destroy revokes the grant and restores the flow", async function () {
      await timed("destroy", () => project!.expect(0, "destroy", "--yes", "--skip-preview"));
      const perm = await admin()
        .get<any>(`/api/v1/perms/asset-permissions/${seen.ticketId}/`, { org: DEFAULT_ORG })
        .catch((e) => (e.status === 404 ? undefined : Promise.reject(e)));
      assert.equal(perm, undefined, "the grant is still there");
      const flow = await admin().get<any>(`${FLOWS}${seen.flowId}/`, { org: DEFAULT_ORG });
      assert.notDeepEqual(
        flow.rules.map((x: any) => x.users),
        [{ type: "ids", ids: [user(sb!, "admin").id] }],
        "the flow still has the program's rules",
      );
    });
  });
}
