// The provider plugin through the real Pulumi CLI with a YAML program, against the sandbox
// (v4.10.19 mode, in this process): up, a no-op up that sends no request, drift caught by
// `preview --refresh --expect-no-changes` (exit 7) and healed by `up --refresh`, guardrails
// failing preview with the dynamic resources' words, secrets kept secret in state, `pulumi import`
// of all three resources (read only; the code it prints previews clean), destroy.
// The steps depend on each other.
import * as assert from "node:assert/strict";
import type { Sandbox } from "../../sandbox";
import { client, sandbox, user } from "../support/sandbox";
import { daysFromNow } from "../support/clock";
import { requirePulumiCli } from "./pulumiCli";
import { YamlProject, findYamlHost } from "./yamlProject";

const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";
const FLOWS = "/api/v1/tickets/flows/";
const EXIT_CHANGES = 7;
const START = daysFromNow(30);
const END = daysFromNow(32);

const program = (title: string) => `variables:
  why:
    fn::secret: needs web-01 for the migration
resources:
  flow:
    type: jumpserver:index:TicketFlow
    properties:
      orgId: ${DEFAULT_ORG}
      rules:
        - users: { type: ids, ids: [admin] }
      guardrails: { forbidSelfApproval: false }
  access:
    type: jumpserver:index:AssetAccessTicket
    properties:
      title: ${JSON.stringify(title)}
      orgId: ${DEFAULT_ORG}
      applicant: requester
      assets: [web-01]
      actions: [connect]
      dateStart: "${START}"
      dateExpired: "${END}"
      comment: \${why}
      approve: true
    options:
      dependsOn: ["\${flow}"]
outputs:
  flowId: \${flow.flowId}
  ticketId: \${access.id}
  serialNum: \${access.serialNum}
  state: \${access.state}
`;

/** Requests the sandbox saw that are not reads. */
const writes = (sb: Sandbox) =>
  Object.entries(sb.stats().byRoute).filter(([route]) => !route.startsWith("GET "));

describe("e2e: the provider plugin with a YAML program through the Pulumi CLI (plugin installed from the packed package)", function () {
  this.timeout(300_000);
  let sb: Sandbox;
  let project: YamlProject | undefined;
  let importer: YamlProject | undefined;
  let binDir: string;
  let hostDir: string;
  const seen: { flowId?: string; ticketId?: string; serialNum?: string } = {};
  const admin = () => client(sb, "admin", "privateToken");

  const stackInit = (p: YamlProject, name: string, extra: Record<string, string> = {}) => {
    const a = user(sb, "admin");
    return p.init(
      name,
      {
        "jumpserver:url": sb.url,
        "jumpserver:accessKeyId": a.accessKey.id,
        "jumpserver:accessKeySecret": a.accessKey.secret,
        "jumpserver:requestsPerMinute": "0",
        ...extra,
      },
      ["jumpserver:accessKeySecret"],
    );
  };

  before(async function () {
    binDir = requirePulumiCli(this);
    const host = findYamlHost();
    if ("reason" in host) {
      console.log(`SKIP e2e plugin (YAML): ${host.reason}`);
      this.skip();
    }
    hostDir = (host as { dir: string }).dir;
    sb = await sandbox({ dialect: "selector", errors: "conflict" });
    project = new YamlProject(binDir, hostDir, "life");
    // The life project installs the packed package and finds the plugin in its node_modules.
    await project.installPackage();
    project.write(program("yaml: requester on web-01"));
    await stackInit(project, "e2e");
  });

  after(async function () {
    if (project) {
      await project.pulumi("destroy", "--yes", "--skip-preview");
      project.cleanup();
    }
    importer?.cleanup();
    await sb?.close();
  });

  it("up creates the flow and an approved ticket", async function () {
    const r = await project!.expect(0, "up", "--yes", "--skip-preview");
    assert.match(r.stdout, /\+ 3 created/);
    const out = JSON.parse((await project!.expect(0, "stack", "output", "--json")).stdout);
    assert.equal(out.state, "approved");
    Object.assign(seen, out);
    const flow = await admin().get<any>(`${FLOWS}${out.flowId}/`, { org: DEFAULT_ORG });
    assert.deepEqual(
      flow.rules.map((x: any) => x.users),
      [{ type: "ids", ids: [user(sb, "admin").id] }],
    );
  });

  it("a second up changes nothing and sends no request", async function () {
    sb.resetStats();
    const r = await project!.expect(0, "up", "--yes", "--skip-preview");
    assert.match(r.stdout, /3 unchanged/);
    assert.equal(sb.stats().total, 0, JSON.stringify(sb.stats().byRoute));
  });

  it("secrets stay secret in state, and the credential is not in it", async function () {
    const state = (await project!.expect(0, "stack", "export")).stdout;
    const resources = JSON.parse(state).deployment.resources as any[];
    const ticket = resources.find((x) => x.type === "jumpserver:index:AssetAccessTicket");
    for (const where of [ticket.inputs.comment, ticket.outputs.comment, ticket.outputs.marker])
      assert.ok(where && where.ciphertext, `expected a secret, got ${JSON.stringify(where)}`);
    assert.ok(!state.includes("needs web-01"), "the secret comment is in state in plaintext");
    assert.ok(
      !state.includes(user(sb, "admin").accessKey.secret),
      "the access key secret is in state",
    );
  });

  it("a hand edit fails `preview --refresh --expect-no-changes` with exit 7; `up --refresh` heals it", async function () {
    await admin().request("PATCH", `${FLOWS}${seen.flowId}/`, {
      org: DEFAULT_ORG,
      body: {
        approval_level: 1,
        rules: [{ users: { type: "ids", ids: [user(sb, "orgadmin").id] } }],
      },
    });
    const gate = await project!.pulumi("preview", "--refresh", "--expect-no-changes", "--diff");
    assert.equal(gate.code, EXIT_CHANGES, gate.stdout + gate.stderr);
    assert.match(gate.stdout, /rules/);
    await project!.expect(0, "up", "--refresh", "--yes", "--skip-preview");
    const flow = await admin().get<any>(`${FLOWS}${seen.flowId}/`, { org: DEFAULT_ORG });
    assert.deepEqual(
      flow.rules.map((x: any) => x.users),
      [{ type: "ids", ids: [user(sb, "admin").id] }],
    );
    await project!.expect(0, "preview", "--refresh", "--expect-no-changes");
  });

  it("a guardrail fails preview with the dynamic resources' message, sending nothing", async function () {
    await project!.expect(0, "config", "set", "jumpserver:maxAccessDays", "1");
    sb.resetStats();
    try {
      const r = await project!.pulumi("preview");
      assert.notEqual(r.code, 0);
      assert.match(
        r.stdout + r.stderr,
        /property dateExpired value .* has a problem: 2 days of access is longer than jumpserver:maxAccessDays \(1\)/,
      );
      assert.deepEqual(writes(sb), []);
    } finally {
      await project!.expect(0, "config", "rm", "jumpserver:maxAccessDays");
    }
  });

  it("pulumi import reads the flow, the ticket and its approval without a write; the printed code previews clean", async function () {
    importer = new YamlProject(binDir, hostDir, "import");
    importer.write("resources: {}\n");
    await stackInit(importer, "imported", { "jumpserver:forbidSelfApproval": "false" });
    sb.resetStats();
    const code: string[] = [];
    for (const [type, name, id] of [
      ["TicketFlow", "flow", `${DEFAULT_ORG}/apply_asset`],
      ["TicketFlow", "flowById", seen.flowId!],
      ["AssetAccessTicket", "access", seen.serialNum!],
      ["TicketApproval", "approval", seen.ticketId!],
    ]) {
      const r = await importer.expect(0, "import", `jumpserver:index:${type}`, name, id, "--yes");
      const printed = /\nresources:\n([\s\S]*?)(?:\n\S|$)/.exec(r.stdout);
      assert.ok(printed, `import printed no code:\n${r.stdout}`);
      code.push(printed[1].replace(/\n+$/, ""));
    }
    assert.deepEqual(writes(sb), [], "import wrote to JumpServer");
    importer.write(`resources:\n${code.join("\n")}\n`);
    const clean = await importer.pulumi("preview", "--expect-no-changes", "--diff");
    assert.equal(
      clean.code,
      0,
      `${importer.dir}/Pulumi.yaml:\n${code.join("\n")}\n${clean.stdout}${clean.stderr}`,
    );
    const state = JSON.parse((await importer.expect(0, "stack", "export")).stdout);
    const ticket = state.deployment.resources.find(
      (x: any) => x.type === "jumpserver:index:AssetAccessTicket",
    );
    assert.equal(ticket.outputs.state, "approved");
    assert.ok(ticket.outputs.approvedGrant, "the grant came with the ticket");
    assert.deepEqual(writes(sb), []);
    // Imported resources are protected; forget them rather than destroy the grant they describe.
    await importer.expect(0, "stack", "rm", "--force", "--yes");
  });

  it("destroy revokes the grant and restores the flow", async function () {
    await project!.expect(0, "destroy", "--yes", "--skip-preview");
    const perm = await admin()
      .get<any>(`/api/v1/perms/asset-permissions/${seen.ticketId}/`, { org: DEFAULT_ORG })
      .catch((e) => (e.status === 404 ? undefined : Promise.reject(e)));
    assert.equal(perm, undefined, "the grant is still there");
    const flow = await admin().get<any>(`${FLOWS}${seen.flowId}/`, { org: DEFAULT_ORG });
    assert.notDeepEqual(
      flow.rules.map((x: any) => x.users),
      [{ type: "ids", ids: [user(sb, "admin").id] }],
    );
  });
});
