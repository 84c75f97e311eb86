// `jms-tickets report --all` and `--adopt` as a user runs them: the built CLI (dist/) in its own
// process, settings from the environment only, against a sandbox on loopback seeded with every
// kind of asset permission (tests/support/permissionKinds.ts). Each kind must be classified
// right, the import file must name exactly the chosen ticket-made permissions, every run must
// only read (the sandbox counts requests) and no run may print a credential.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Sandbox } from "../../sandbox";
import { SERVER_MODES, sandbox, user } from "../support/sandbox";
import {
  DEFAULT_ORG,
  FourKinds,
  postPermission,
  seedFourKinds,
  stackExport,
} from "../support/permissionKinds";

const CLI = path.resolve(__dirname, "..", "..", "dist", "provider", "report", "cli.js");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

for (const mode of SERVER_MODES) {
  describe(`e2e: jms-tickets report --all — ${mode.label}`, function () {
    this.timeout(120_000);
    let sb: Sandbox;
    let kinds: FourKinds;
    let dir: string;
    const printed: string[] = [];

    /** The built bin, in its own process, with only the settings the docs name. */
    function report(args: string[], input: string, username = "admin"): Promise<Run> {
      const u = user(sb, username);
      const env = {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        JUMPSERVER_URL: sb.url,
        JUMPSERVER_ACCESS_KEY_ID: u.accessKey.id,
        JUMPSERVER_ACCESS_KEY_SECRET: u.accessKey.secret,
        JUMPSERVER_REQUESTS_PER_MINUTE: "0",
      };
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("error", reject);
        child.on("close", (code) => {
          printed.push(stdout, stderr);
          resolve({ code, stdout, stderr });
        });
        // A run that fails on its flags exits before it reads stdin: that is not the test's error.
        child.stdin.on("error", () => undefined);
        child.stdin.end(input);
      });
    }

    /** The run's requests, by route: GETs only (reading the permissions is pages, not one per permission). */
    async function readOnly(run: () => Promise<Run>): Promise<Run> {
      sb.resetStats();
      const out = await run();
      const routes = Object.keys(sb.stats().byRoute);
      assert.deepEqual(
        routes.filter((k) => !k.startsWith("GET ")),
        [],
        "the report sent a request that is not a GET",
      );
      assert.ok(
        sb.stats().total > 0,
        `the report read nothing from JumpServer: ${out.code} ${out.stderr}`,
      );
      return out;
    }

    const json = async (args: string[] = [], input = kinds.exportText) => {
      const run = await readOnly(() =>
        report(["report", "--all", "--format", "json", ...args], input),
      );
      assert.equal(run.code, 0, run.stderr);
      return JSON.parse(run.stdout) as {
        problems: { kind: string; resource: string; message: string }[];
        permissions: { id: string; kind: string; adoptAs?: { name: string }; adoption: string }[];
        scope: string;
      };
    };
    const kindOf = (r: Awaited<ReturnType<typeof json>>, id: string) =>
      r.permissions.find((p) => p.id === id)?.kind;

    before(async function () {
      if (!fs.existsSync(CLI)) {
        throw new Error(
          `${CLI} is missing: run \`npm run build\` first (this suite runs the built CLI)`,
        );
      }
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "jms-adopt-"));
      sb = await sandbox(mode.options);
      kinds = await seedFourKinds(sb);
    });

    after(async function () {
      await sb?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
      if (!sb) return;
      // No run printed a credential of any seed user.
      for (const u of sb.seed.users) {
        for (const secret of [u.password, u.privateToken, u.accessKey.secret]) {
          assert.ok(
            !printed.some((out) => out.includes(secret)),
            `a run printed ${u.username}'s credential`,
          );
        }
      }
    });

    it("puts every permission of the server in its kind", async function () {
      const r = await json();
      assert.equal(r.scope, "every org");
      assert.equal(kindOf(r, kinds.managed.id), "managed");
      assert.equal(kindOf(r, kinds.ticket.id), "ticket");
      assert.equal(kindOf(r, kinds.handMade.id), "handMade");
      assert.equal(kindOf(r, kinds.expiredTicket.id), "expired");
      assert.equal(kindOf(r, kinds.expiredHandMade.id), "expired");
      assert.equal(r.permissions.length, 5, JSON.stringify(r.permissions.map((p) => p.id)));
      // Only a ticket-made, unmanaged permission is adoptable, named by its ticket's serial.
      const adoptable = r.permissions.filter((p) => p.adoptAs).map((p) => [p.id, p.adoptAs!.name]);
      assert.deepEqual(adoptable, [[kinds.ticket.id, `ticket-${kinds.ticket.serialNum}`]]);
      const handMade = r.permissions.find((p) => p.id === kinds.handMade.id)!;
      assert.match(handMade.adoption, /^not adoptable: no ticket made it/);
    });

    it("lists problems first: access outside the stack, not expired grants", async function () {
      const r = await json();
      assert.deepEqual(
        r.problems.map((p) => `${p.kind} ${p.resource}`),
        [
          `standingAccess permission ${kinds.handMade.id}`,
          `unmanagedAccess permission ${kinds.ticket.id}`,
          "waitingForApproval AssetAccessTicket db-access",
        ],
      );
      const md = await readOnly(() => report(["report", "--all"], kinds.exportText));
      assert.equal(md.code, 0, md.stderr);
      const problems = md.stdout.indexOf("### Problems");
      const all = md.stdout.indexOf("### All asset permissions");
      assert.ok(problems >= 0 && all > problems, md.stdout);
      assert.match(
        md.stdout,
        /1 managed by this stack · 1 made by a ticket, not managed · 1 standing access made by hand · 2 expired/,
      );
    });

    it("writes the pulumi import document for --adopt ticket, and says how to import it", async function () {
      const file = path.join(dir, "adopt.json");
      const run = await readOnly(() =>
        report(["report", "--all", "--adopt", "ticket", "--import-file", file], kinds.exportText),
      );
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(fs.readFileSync(file, "utf8")), {
        resources: [
          {
            type: "jumpserver:index:AssetAccessTicket",
            name: `ticket-${kinds.ticket.serialNum}`,
            id: kinds.ticket.id,
          },
        ],
      });
      assert.ok(run.stdout.includes(`pulumi import --file ${file}`), run.stdout);
      // The same choice by serial number and by id: the same document.
      for (const chosen of [kinds.ticket.serialNum, kinds.ticket.id]) {
        const again = path.join(dir, `by-${chosen}.json`);
        const r = await readOnly(() =>
          report(["report", "--all", "--adopt", chosen, "--import-file", again], kinds.exportText),
        );
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(
          JSON.parse(fs.readFileSync(again, "utf8")),
          JSON.parse(fs.readFileSync(file, "utf8")),
        );
      }
    });

    it("refuses to adopt hand-made, expired or managed access, saying why, and writes nothing", async function () {
      for (const [chosen, why] of [
        [kinds.handMade.id, /no ticket made it/],
        ["hand-made", /no ticket made it/],
        [kinds.expiredTicket.id, /its access has ended/],
        [kinds.managed.id, /already managed by this stack \(AssetAccessTicket web-access\)/],
        ["00000000-0000-4000-8000-00000000dead", /no permission with that id/],
      ] as const) {
        const file = path.join(dir, "refused.json");
        const run = await readOnly(() =>
          report(
            ["report", "--all", "--adopt", `ticket,${chosen}`, "--import-file", file],
            kinds.exportText,
          ),
        );
        assert.equal(run.code, 2, `${chosen}: ${run.stdout}`);
        assert.equal(run.stdout, "");
        assert.match(run.stderr, why);
        assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
        assert.ok(!fs.existsSync(file), "a refused adoption wrote the import file");
      }
    });

    it("a name or comment copied from the stack's tickets never makes access managed or ticket-made", async function () {
      // Someone who can edit permissions dresses standing access as the stack's: the managed
      // grant's name and comment, the stack's resource name, JumpServer's read-only markers in
      // the body, and the id of the stack's pending ticket (the id is writable on create).
      const admin = (await import("../support/sandbox")).client(sb, "admin", "privateToken");
      const live = await admin.get<Record<string, unknown>>(
        `/api/v1/perms/asset-permissions/${kinds.managed.id}/`,
        { org: DEFAULT_ORG },
      );
      const requesterId = user(sb, "requester").id;
      const assets = [sb.seed.assets.find((a) => a.name === "db-01")!.id];
      const disguises = [
        {
          // The name JumpServer will give the pending ticket's permission, and the managed one's comment.
          name: String(live.name).replace(
            `web-access for the release-${kinds.managed.id.slice(0, 4)}`,
            `db-access for the release-${kinds.managedPending.id.slice(0, 4)}`,
          ),
          comment: live.comment,
        },
        { name: kinds.managed.name, comment: `managed by pulumi: ${kinds.managed.id}` },
        {
          name: "looks made by a ticket",
          from_ticket: true,
          created_by: `ApplyAssetTicket:${kinds.managed.id}`,
        },
      ];
      const ids: string[] = [];
      for (const d of disguises) {
        ids.push(
          await postPermission(sb, { users: [requesterId], assets, actions: ["all"], ...d }),
        );
      }
      const preempted = await postPermission(sb, {
        id: kinds.managedPending.id,
        name: "made before the stack's ticket was approved",
        users: [requesterId],
        assets,
        actions: ["all"],
      });
      try {
        const r = await json();
        for (const id of ids) assert.equal(kindOf(r, id), "handMade", id);
        // The stack's id, so the state says it is the stack's; but no ticket made it: a problem.
        assert.equal(kindOf(r, preempted), "managed");
        const replaced = r.problems.filter((p) => p.kind === "permissionReplaced");
        assert.deepEqual(
          replaced.map((p) => p.resource),
          ["AssetAccessTicket db-access"],
        );
        assert.equal(r.problems.filter((p) => p.kind === "standingAccess").length, 1 + ids.length);
        // And none of them can be adopted.
        const run = await readOnly(() =>
          report(
            [
              "report",
              "--all",
              "--adopt",
              ids.join(","),
              "--import-file",
              path.join(dir, "x.json"),
            ],
            kinds.exportText,
          ),
        );
        assert.equal(run.code, 2, run.stdout);
      } finally {
        for (const id of [...ids, preempted]) {
          await admin.request("DELETE", `/api/v1/perms/asset-permissions/${id}/`, {
            org: DEFAULT_ORG,
          });
        }
      }
    });

    it("an empty stack: every permission is outside it, the ticket-made ones adoptable", async function () {
      const r = await json([], stackExport([], ""));
      assert.equal(kindOf(r, kinds.managed.id), "ticket");
      assert.equal(kindOf(r, kinds.ticket.id), "ticket");
      assert.equal(kindOf(r, kinds.handMade.id), "handMade");
      // Without --all an empty stack is still refused, as before.
      const plain = await report(["report"], stackExport([], ""));
      assert.equal(plain.code, 2);
    });

    it("an identity that can't list the ticket names its adoption by the ticket id", async function () {
      // The org admin reads permissions but is not related to the requester's ticket.
      const run = await readOnly(() =>
        report(["report", "--all", "--format", "json"], stackExport([], ""), "orgadmin"),
      );
      assert.equal(run.code, 0, run.stderr);
      const r = JSON.parse(run.stdout);
      const t = r.permissions.find((p: { id: string }) => p.id === kinds.ticket.id);
      assert.equal(t.kind, "ticket");
      assert.equal(t.adoptAs.name, `ticket-${kinds.ticket.id}`);
      assert.match(t.adoption, /not in this identity's ticket list: the import reads it by id/);
    });

    it("bad flags fail before any request", async function () {
      for (const args of [
        ["report", "--adopt", "ticket", "--import-file", "x.json"],
        ["report", "--all", "--adopt", "ticket"],
        ["report", "--all", "--import-file", "x.json"],
      ]) {
        sb.resetStats();
        const run = await report(args, kinds.exportText);
        assert.equal(run.code, 2, args.join(" "));
        assert.match(run.stderr, /--adopt|--import-file/);
        assert.equal(sb.stats().total, 0, "a bad flag reached JumpServer");
      }
    });
  });
}
