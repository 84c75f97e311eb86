// The real layer, the provider plugin: a YAML program through the real CLI (the plugin found by
// path, the YAML host from the cache) against every target, through the recording proxy, in
// Default: up, a no-op up that sends no request, a flow edited by hand caught by
// `preview --refresh --expect-no-changes` (exit 7) and healed by `up --refresh`, `pulumi import`
// of the three (no write; the printed code previews clean), destroy (the
// grant revoked, the flow's earlier rules back). What it creates: the Default org's flow adopted
// (restored on destroy) and one ticket titled "pjt-real <run> plugin", whose grant destroy deletes.
import { strict as assert } from "node:assert";
import { requirePulumiCli } from "../e2e/pulumiCli";
import { YamlProject, findYamlHost } from "../e2e/yamlProject";
import { daysFromNow } from "../support/clock";
import { clientFor, runViews, usersRuleWire } from "./support";
import { RecordingProxy } from "./proxy";
import { ReadyFile, Target, configFor, targetSpecs, userOf } from "./targets";

const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";
const FLOWS = "/api/v1/tickets/flows/";
const RUN = Date.now().toString(36);
const EXIT_CHANGES = 7;

/** The program: one level of two approvers (the pipeline's admin among them) and one ticket. */
function program(dialect: string): string {
  const rule =
    dialect === "strategy"
      ? "{ strategy: custom_user, assignees: [admin, approver] }"
      : "{ users: { type: ids, ids: [admin, approver] } }";
  return `resources:
  flow:
    type: jumpserver:index:TicketFlow
    properties:
      orgId: ${DEFAULT_ORG}
      rules:
        - ${rule}
  access:
    type: jumpserver:index:AssetAccessTicket
    properties:
      title: "pjt-real ${RUN} plugin"
      orgId: ${DEFAULT_ORG}
      applicant: requester
      assets: [web-02]
      actions: [connect]
      dateStart: "${daysFromNow(1)}"
      dateExpired: "${daysFromNow(3)}"
      approve: true
    options:
      dependsOn: ["\${flow}"]
outputs:
  flowId: \${flow.flowId}
  ticketId: \${access.id}
  state: \${access.state}
`;
}

for (const spec of targetSpecs()) {
  describe(`real layer, the provider plugin with YAML — ${spec.label}`, function () {
    this.timeout(10 * 60_000);
    let target: Target;
    let ready: ReadyFile;
    let proxy: RecordingProxy;
    let project: YamlProject | undefined;
    let earlierRules: string;
    const seen: { flowId?: string; ticketId?: string } = {};
    const admin = () => clientFor(ready, proxy.url);
    const views = () => runViews(() => admin(), DEFAULT_ORG);
    let binDir: string;
    let hostDir: string;

    before(async function () {
      binDir = requirePulumiCli(this);
      const host = findYamlHost();
      if ("reason" in host) {
        console.log(`SKIP real plugin (YAML): ${host.reason}`);
        this.skip();
      }
      target = await spec.open();
      ready = target.ready;
      proxy = await RecordingProxy.start(ready);
      earlierRules = await views().defaultFlowRules();
      hostDir = (host as { dir: string }).dir;
      project = new YamlProject(binDir, hostDir, "real");
      project.write(program(ready.dialect));
      const config = configFor(ready, proxy.url, "admin", target.providerConfig);
      await project.init("real", config, ["jumpserver:accessKeySecret", "jumpserver:password"]);
    });

    after(async function () {
      if (project) {
        await project.pulumi("destroy", "--yes", "--skip-preview");
        project.cleanup();
      }
      await proxy?.close();
      await target?.close();
    });

    it("up adopts the flow and opens and approves the ticket", async function () {
      proxy.step = "up";
      await project!.expect(0, "up", "--yes", "--skip-preview");
      const out = JSON.parse((await project!.expect(0, "stack", "output", "--json")).stdout);
      assert.equal(out.state, "approved");
      Object.assign(seen, out);
      assert.equal(await views().permission(out.ticketId), true);
    });

    it("a second up sends no request", async function () {
      proxy.step = "no-op";
      const mark = proxy.exchanges.length;
      const r = await project!.expect(0, "up", "--yes", "--skip-preview");
      assert.match(r.stdout, /3 unchanged/);
      assert.deepEqual(
        proxy.since(mark).map((e) => `${e.method} ${e.path}`),
        [],
      );
    });

    it("a hand edit fails `preview --refresh --expect-no-changes` (exit 7); `up --refresh` heals it", async function () {
      proxy.step = "drift";
      const orgadmin = userOf(ready, "orgadmin").id;
      await admin().request("PATCH", `${FLOWS}${seen.flowId}/`, {
        org: DEFAULT_ORG,
        body: {
          type: "apply_asset",
          approval_level: 1,
          rules: [usersRuleWire(ready.dialect, orgadmin)],
        },
      });
      const gate = await project!.pulumi("preview", "--refresh", "--expect-no-changes");
      assert.equal(gate.code, EXIT_CHANGES, gate.stdout + gate.stderr);
      proxy.step = "heal";
      await project!.expect(0, "up", "--refresh", "--yes", "--skip-preview");
      await project!.expect(0, "preview", "--refresh", "--expect-no-changes");
    });

    it("pulumi import reads the flow, the ticket and its approval without a write; the printed code previews clean", async function () {
      proxy.step = "import";
      const importer = new YamlProject(binDir, hostDir, "real-import");
      try {
        importer.write("resources: {}\n");
        await importer.init(
          "imported",
          configFor(ready, proxy.url, "admin", target.providerConfig),
          ["jumpserver:accessKeySecret", "jumpserver:password"],
        );
        const mark = proxy.exchanges.length;
        const code: string[] = [];
        for (const [type, name, id] of [
          ["TicketFlow", "flow", `${DEFAULT_ORG}/apply_asset`],
          ["AssetAccessTicket", "access", seen.ticketId!],
          ["TicketApproval", "approval", seen.ticketId!],
        ]) {
          const r = await importer.expect(
            0,
            "import",
            `jumpserver:index:${type}`,
            name,
            id,
            "--yes",
          );
          const printed = /\nresources:\n([\s\S]*?)(?:\n\S|$)/.exec(r.stdout);
          assert.ok(printed, `import printed no code:\n${r.stdout}`);
          code.push(printed[1].replace(/\n+$/, ""));
        }
        importer.write(`resources:\n${code.join("\n")}\n`);
        const clean = await importer.pulumi("preview", "--expect-no-changes");
        assert.equal(clean.code, 0, `${code.join("\n")}\n${clean.stdout}${clean.stderr}`);
        const writes = proxy.since(mark).filter((e) => e.method !== "GET");
        assert.deepEqual(
          writes.map((e) => `${e.method} ${e.path}`),
          [],
        );
        // Imported resources are protected; forget them rather than destroy what they describe.
        await importer.expect(0, "stack", "rm", "--force", "--yes");
      } finally {
        importer.cleanup();
      }
    });

    it("destroy revokes the grant and puts the flow's earlier rules back", async function () {
      proxy.step = "destroy";
      await project!.expect(0, "destroy", "--yes", "--skip-preview");
      assert.equal(await views().permission(seen.ticketId!), false);
      assert.equal(await views().defaultFlowRules(), earlierRules);
    });
  });
}
