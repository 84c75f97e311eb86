// Renewal without a lapse through the real Pulumi CLI (docs/access-over-time.md): a pull request
// extends an approved grant whose every level is a person's. The old permission stays in place,
// unchanged, from the `up` that opens the renewal until the person approves it, and goes at the
// next `up` after that. A rejected renewal leaves the earlier grant to its own end; destroy takes
// it too. The steps depend on each other.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { Stack } from "@pulumi/pulumi/automation";
import type { Sandbox } from "../../sandbox";
import { approveWithFullGrant, client, sandbox, user } from "../support/sandbox";
import { adminStack, requirePulumiCli, setAllConfig } from "./pulumiCli";
import { createScratchProject, ScratchProject } from "./scratchProject";
import { daysFromNow } from "../support/clock";
import { parseDate } from "../../provider/model/dates";

const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";
const FLOWS = "/api/v1/tickets/flows/";
const START = daysFromNow(-1);
const FIRST_END = daysFromNow(5);

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { AssetAccessTicket } from "pulumi-jumpserver-tickets";

const config = new pulumi.Config();
const ticket = new AssetAccessTicket("oncall-web", {
  title: "requester: on-call access to web-01",
  orgId: "${DEFAULT_ORG}",
  applicant: "requester",
  assets: ["web-01"],
  actions: ["connect"],
  dateStart: "${START}",
  dateExpired: config.require("until"),
});

export const ticketId = ticket.id;
export const state = ticket.state;
export const predecessor = ticket.predecessor;
`;

describe("e2e: renewal without a lapse through the Pulumi CLI", function () {
  this.timeout(300_000);

  let sb: Sandbox;
  let project: ScratchProject | undefined;
  let stack: Stack | undefined;
  const seen: { first?: string; second?: string; third?: string } = {};

  const admin = () => client(sb, "admin");
  const approver = () => client(sb, "approver");
  const permission = (id: string) =>
    admin()
      .get<any>(`/api/v1/perms/asset-permissions/${id}/`, { org: DEFAULT_ORG })
      .catch((e) => (e.status === 404 ? undefined : Promise.reject(e)));
  /** The permission is there, active, now within its dates, and ends when it was approved to. */
  async function inPlace(id: string, end: string) {
    const p = await permission(id);
    assert.ok(p, `permission ${id} exists`);
    assert.notEqual(p.is_active, false);
    const now = Date.now();
    assert.ok(parseDate(String(p.date_start))! <= now, "it has started");
    assert.equal(parseDate(String(p.date_expired)), parseDate(end), "its end never moved");
    assert.ok(parseDate(String(p.date_expired))! > now, "it has not ended");
  }
  const outputs = async () =>
    Object.fromEntries(Object.entries(await stack!.outputs()).map(([k, v]) => [k, v.value]));
  /** The person acts in JumpServer: approves the current level with the ticket's full grant. */
  const approve = (id: string) => approveWithFullGrant(approver(), approver(), id);
  /** `pulumi stack export | jms-tickets report --format json`, with the installed bin; it only reads. */
  async function report(): Promise<any> {
    const a = user(sb, "admin");
    const input = JSON.stringify(await stack!.exportStack());
    const bin = path.join(project!.dir, "node_modules", ".bin", "jms-tickets");
    sb.resetStats();
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(bin, ["report", "--format", "json"], {
        cwd: project!.dir,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "",
          JUMPSERVER_URL: sb.url,
          JUMPSERVER_ACCESS_KEY_ID: a.accessKey.id,
          JUMPSERVER_ACCESS_KEY_SECRET: a.accessKey.secret,
        },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) =>
        code === 0 || code === 1 ? resolve(stdout) : reject(new Error(`report ${code}: ${stderr}`)),
      );
      child.stdin.end(input);
    });
    const writes = Object.keys(sb.stats().byRoute).filter((k) => !k.startsWith("GET "));
    assert.deepEqual(writes, [], "the report only reads");
    return JSON.parse(out);
  }
  const until = (iso: string) => setAllConfig(stack!, { until: { value: iso } });

  before(async function () {
    const binDir = requirePulumiCli(this);
    sb = await sandbox();
    // One level, a person's: the pipeline opens tickets and never approves them.
    const flows = await admin().list<any>(FLOWS, { org: DEFAULT_ORG });
    await admin().request("PATCH", `${FLOWS}${(flows.find((f) => !f.name) ?? flows[0]).id}/`, {
      org: DEFAULT_ORG,
      body: {
        type: "apply_asset",
        rules: [{ users: { type: "ids", ids: [user(sb, "approver").id] } }],
        approval_level: 1,
      },
    });
    project = await createScratchProject({ program: PROGRAM, name: "jms-renewal" });
    stack = await adminStack("renewal", project.dir, binDir, sb, {
      until: { value: FIRST_END },
    });
  });

  after(async function () {
    if (stack) {
      await stack.destroy().catch(() => undefined);
      await stack.workspace.removeStack("renewal", { force: true }).catch(() => undefined);
    }
    project?.cleanup();
    await sb?.close();
  });

  it("up opens the ticket; the person approves; a refresh records it", async function () {
    await stack!.up();
    seen.first = (await outputs()).ticketId;
    await approve(seen.first!);
    // (A refresh alone leaves the stack outputs as they were: up --refresh runs the program too.)
    await stack!.up({ refresh: true });
    assert.equal((await outputs()).state, "approved");
    await inPlace(seen.first!, FIRST_END);
  });

  it("preview of an extension says which grant stays until when", async function () {
    await until(daysFromNow(20));
    const p = await stack!.preview({ diff: true });
    // The provider's warnings reach the CLI's stderr.
    assert.match(
      p.stderr,
      /warning: .*AssetAccessTicket "oncall-web": renewal: the current grant \(ticket \d+\) stays until the new ticket is approved .*or until \S+, whichever comes first/,
    );
  });

  it("up opens the renewal and keeps the current grant in place while the person has not acted", async function () {
    await stack!.up();
    const out = await outputs();
    seen.second = out.ticketId;
    assert.notEqual(seen.second, seen.first);
    assert.equal(out.state, "pending");
    assert.equal(out.predecessor?.ticketId, seen.first);
    await inPlace(seen.first!, FIRST_END);
    const shown = await report();
    const entry = shown.access.find((x: any) => x.name === "oncall-web");
    assert.equal(entry.renewal?.due, false);
    assert.equal(entry.renewal?.until, FIRST_END);
    assert.ok(
      shown.problems.some(
        (p: any) => p.kind === "renewal" && /^renewal in flight: the earlier grant/.test(p.message),
      ),
      JSON.stringify(shown.problems),
    );
    // Another run before the person acts: still in place, and nothing to do.
    const again = await stack!.up({ refresh: true });
    assert.deepEqual(again.summary.resourceChanges, { same: 2 });
    await inPlace(seen.first!, FIRST_END);
  });

  it("the next up after the person approves revokes the earlier grant", async function () {
    await approve(seen.second!);
    const shown = await report();
    assert.ok(
      shown.problems.some((p: any) => p.kind === "renewal" && /^renewal done:/.test(p.message)),
      JSON.stringify(shown.problems),
    );
    await inPlace(seen.first!, FIRST_END);
    const r = await stack!.up();
    assert.equal(r.summary.resourceChanges?.update, 1);
    const out = await outputs();
    assert.equal(out.state, "approved");
    assert.equal(out.predecessor, undefined);
    assert.equal(await permission(seen.first!), undefined, "the earlier grant is revoked");
    await inPlace(seen.second!, daysFromNow(20));
  });

  it("a rejected renewal leaves the earlier grant to its own end; destroy revokes both", async function () {
    await until(daysFromNow(40));
    await stack!.up();
    const out = await outputs();
    seen.third = out.ticketId;
    assert.equal(out.predecessor?.ticketId, seen.second);
    await approver().request("PUT", `/api/v1/tickets/apply-asset-tickets/${seen.third}/reject/`, {
      org: null,
      body: {},
    });
    await stack!.up({ refresh: true });
    const after = await outputs();
    assert.equal(after.state, "rejected");
    assert.equal(after.predecessor?.ticketId, seen.second, "still tracked");
    await inPlace(seen.second!, daysFromNow(20));
    await stack!.destroy();
    assert.equal(await permission(seen.second!), undefined, "revoked with its successor");
  });
});
