// The report's parts that need no network: reading a stack export, finding problems, naming
// approvers, rendering Markdown, and the CLI's argument and input errors.
import * as assert from "node:assert/strict";
import { approverLevels } from "../../provider/report/approvers";
import { main, parseArgs, warningDays } from "../../provider/report/cli";
import { MAX_CHARS, renderMarkdown } from "../../provider/report/markdown";
import {
  AccessEntry,
  FlowEntry,
  Report,
  accessProblems,
  flowProblems,
  sortProblems,
} from "../../provider/report/model";
import {
  FLOW_TYPE,
  SECRET,
  StateInputError,
  TICKET_TYPE,
  parseStackExport,
} from "../../provider/report/state";
import { ORG_ADMIN_ROLE, SYSTEM_ADMIN_ROLE } from "../../provider/model/wireRules";

const SIG = "4dabf18193072939515e22adc82a9e0f";
const NOW = Date.parse("2030-01-01T00:00:00Z");
const DAY = 86_400_000;
/** Access ending `days` days after NOW. */
const ending = (days: number) => ({
  dateExpired: new Date(NOW + days * DAY).toISOString().replace(".000Z", "Z"),
  daysLeft: Math.floor(days),
});
const urn = (type: string, name: string) => `urn:pulumi:prod::access::${type}::${name}`;

function exportOf(resources: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ version: 3, deployment: { manifest: {}, resources, ...extra } });
}

const flow = (over: Partial<FlowEntry> = {}): FlowEntry => ({
  name: "flow",
  id: "f1",
  org: "Default",
  orgId: "00000000-0000-0000-0000-000000000002",
  levels: [{ level: 1, users: ["admin"], groups: [] }],
  drift: [],
  replaces: [],
  changes: false,
  deleted: false,
  ...over,
});

const access = (over: Partial<AccessEntry> = {}): AccessEntry => ({
  name: "web",
  id: "t1",
  serialNum: "202612010001",
  title: "web",
  org: "Default",
  applicant: "Requester(requester)",
  assets: ["web-01"],
  nodes: [],
  accounts: ["@ALL"],
  actions: ["connect"],
  dateStart: "2030-01-01T00:00:00Z",
  dateExpired: "2030-01-21T00:00:00Z",
  state: "approved",
  status: "closed",
  approvalStep: 1,
  currentApprovers: [],
  expired: false,
  daysLeft: 20,
  drift: [],
  replaces: [],
  changes: false,
  grantDrift: [],
  ...over,
});

function reportOf(flows: FlowEntry[], tickets: AccessEntry[]): Report {
  return {
    stack: "access/prod",
    generatedAt: "2030-01-01T00:00:00Z",
    server: "https://jms.example.com",
    identity: "pipeline",
    expiryWarningDays: 7,
    problems: sortProblems([
      ...flows.flatMap(flowProblems),
      ...tickets.flatMap((t) => accessProblems(t, 7, NOW)),
    ]),
    flows,
    access: tickets,
  };
}

describe("report: the stack export", () => {
  it("refuses what is not a stack export, in one line each", () => {
    const cases: Array<[string, RegExp]> = [
      ["", /no state on stdin/],
      ["{not json", /not JSON/],
      ["[1, 2]", /not a Pulumi stack export/],
      ['{"version": 3}', /not a Pulumi stack export/],
      ['{"version": 3, "deployment": {"resources": {}}}', /deployment.resources is not a list/],
      [exportOf([]), /no TicketFlow or AssetAccessTicket/],
      [
        exportOf([{ urn: urn("pulumi:pulumi:Stack", "s"), type: "pulumi:pulumi:Stack" }]),
        /no TicketFlow or AssetAccessTicket/,
      ],
    ];
    for (const [text, expected] of cases) {
      assert.throws(
        () => parseStackExport(text),
        (e: unknown) =>
          e instanceof StateInputError && expected.test(e.message) && !/\n/.test(e.message),
        text,
      );
    }
  });

  it("keeps our resources, drops __provider, hides every secret value, notes interrupted runs", () => {
    const secret = { [SIG]: "1b47061264138c4ac30d75fd1eb44270", plaintext: '"hunter2"' };
    const state = parseStackExport(
      exportOf(
        [
          {
            urn: urn(FLOW_TYPE, "flow"),
            type: FLOW_TYPE,
            id: "f1",
            inputs: { __provider: "code" },
            outputs: { __provider: "code", orgName: "Default" },
          },
          {
            urn: urn(TICKET_TYPE, "web"),
            type: TICKET_TYPE,
            id: "t1",
            inputs: { title: secret },
            outputs: { title: secret, nested: [{ x: secret }] },
          },
          { urn: urn(TICKET_TYPE, "old"), type: TICKET_TYPE, id: "t0", delete: true },
          {
            urn: urn("pulumi:providers:pulumi-nodejs", "default"),
            type: "pulumi:providers:pulumi-nodejs",
            inputs: { "jumpserver:accessKeySecret": secret },
          },
        ],
        {
          pending_operations: [
            { type: "creating", resource: { urn: urn(TICKET_TYPE, "db"), type: TICKET_TYPE } },
          ],
        },
      ),
    );
    assert.equal(state.stack, "access/prod");
    assert.deepEqual(
      state.resources.map((r) => `${r.kind} ${r.name} ${r.id}`),
      ["TicketFlow flow f1", "AssetAccessTicket web t1"],
    );
    assert.deepEqual(state.resources[0].outputs, { orgName: "Default" });
    assert.deepEqual(state.resources[1].outputs, { title: SECRET, nested: [{ x: SECRET }] });
    assert.ok(!JSON.stringify(state).includes("hunter2"));
    assert.ok(!JSON.stringify(state).includes("__provider"));
    assert.deepEqual(state.interrupted, ["creating db"]);
  });
});

describe("report: problems", () => {
  it("names what the live permission lost, and only a new ticket brings a deleted one back", () => {
    const kinds = (a: AccessEntry) => accessProblems(a, 7, NOW).map((p) => p.kind);
    assert.deepEqual(kinds(access({ grantDrift: ["deleted"] })), ["permissionDeleted"]);
    assert.deepEqual(kinds(access({ grantDrift: ["active"] })), ["permissionDisabled"]);
    assert.deepEqual(kinds(access({ grantDrift: ["assets", "actions"] })), ["permissionChanged"]);
    assert.match(
      accessProblems(access({ grantDrift: ["assets", "actions"] }), 7, NOW)[0].message,
      /`assets`, `actions`/,
    );
    assert.deepEqual(kinds(access({ drift: ["title"], replaces: ["title"] })), ["drift"]);
    assert.deepEqual(kinds(access()), []);
  });

  it("warns of grants ending within the warning days, but not of expired or far ones", () => {
    const kinds = (a: AccessEntry, days = 7) => accessProblems(a, days, NOW).map((p) => p.kind);
    assert.deepEqual(kinds(access(ending(6.5))), ["expiring"]);
    assert.deepEqual(kinds(access(ending(7))), ["expiring"]);
    assert.deepEqual(kinds(access(ending(7.5))), []);
    assert.deepEqual(kinds(access(ending(7.5)), 8), ["expiring"]);
    assert.deepEqual(kinds(access(ending(2)), 0), [], "0 turns the warning off");
    assert.deepEqual(kinds(access({ ...ending(-1), daysLeft: 0, expired: true })), []);
    assert.match(
      accessProblems(access(ending(1)), 7, NOW)[0].message,
      /in 1 day \(2030-01-02 00:00 UTC\)/,
    );
  });

  it("lists waiting, refused and unfinished tickets; an unreadable one only as unreadable", () => {
    const pending = access({
      state: "pending",
      status: "open",
      approvalStep: 2,
      currentApprovers: ["approver"],
    });
    assert.deepEqual(
      accessProblems(pending, 7, NOW).map((p) => p.message),
      ["waiting for approval at level 2 (approvers: `approver`)"],
    );
    assert.deepEqual(
      accessProblems(access({ state: "rejected" }), 7, NOW).map((p) => p.kind),
      ["notGranted"],
    );
    assert.deepEqual(
      accessProblems(
        access({ state: "closed", pendingAction: "close", mismatch: "no web-02" }),
        7,
      ).map((p) => p.kind),
      ["pendingAction"],
    );
    assert.deepEqual(
      accessProblems(
        access({ state: "pending", status: "open", pendingAction: "approve" }),
        7,
        NOW,
      ).map((p) => p.kind),
      ["pendingAction", "waitingForApproval"],
    );
    assert.deepEqual(
      accessProblems(access({ unreadable: "HTTP 403", grantDrift: ["deleted"] }), 7, NOW).map(
        (p) => p.kind,
      ),
      ["unreadable"],
    );
  });

  it("flows: drift, a deleted flow and an unfinished write", () => {
    assert.deepEqual(flowProblems(flow()), []);
    assert.match(
      flowProblems(flow({ drift: ["rules"] }))[0].message,
      /`rules` .*writes the program's back/,
    );
    assert.match(
      flowProblems(flow({ drift: ["type"], replaces: ["type"] }))[0].message,
      /replaces it/,
    );
    assert.deepEqual(
      flowProblems(flow({ deleted: true })).map((p) => p.kind),
      ["deleted"],
    );
    assert.deepEqual(
      flowProblems(flow({ pendingAction: "write" })).map((p) => p.kind),
      ["pendingAction"],
    );
  });

  it("sorts what is broken before what only needs watching", () => {
    const r = reportOf(
      [flow({ name: "f", drift: ["rules"] })],
      [
        access({ name: "soon", ...ending(2) }),
        access({ name: "waiting", state: "pending", status: "open" }),
        access({ name: "gone", grantDrift: ["deleted"] }),
      ],
    );
    assert.deepEqual(
      r.problems.map((p) => `${p.kind} ${p.resource}`),
      [
        "permissionDeleted AssetAccessTicket gone",
        "drift TicketFlow f",
        "expiring AssetAccessTicket soon",
        "waitingForApproval AssetAccessTicket waiting",
      ],
    );
  });
});

describe("report: approvers by level", () => {
  it("says who approves, by username or by what the rule means", () => {
    const names = { "11111111-1111-1111-1111-111111111111": "alice" };
    assert.deepEqual(
      approverLevels(
        [
          {
            strategy: "custom_user",
            assignees: [
              "11111111-1111-1111-1111-111111111111",
              "22222222-2222-2222-2222-222222222222",
            ],
          },
          { strategy: "super_org_admin", assignees: [] },
          { users: { type: "all" } },
          {
            users: {
              type: "attrs",
              attrs: [
                { name: "system_roles", match: "m2m", value: [SYSTEM_ADMIN_ROLE, ORG_ADMIN_ROLE] },
              ],
            },
          },
          {
            users: {
              type: "attrs",
              attrs: [{ name: "username", match: "startswith", value: "ops-" }],
            },
          },
        ],
        names,
      ),
      [
        { level: 1, users: ["alice", "22222222-2222-2222-2222-222222222222"], groups: [] },
        { level: 2, users: [], groups: ["system admins", "org admins"] },
        { level: 3, users: [], groups: ["anyone in the org"] },
        { level: 4, users: [], groups: ["system admins or org admins"] },
        { level: 5, users: [], groups: ["users whose username startswith ops-"] },
      ],
    );
  });
});

describe("report: Markdown", () => {
  it("puts Problems first, then Flows and Access, and says so when there are none", () => {
    const md = renderMarkdown(reportOf([flow({ drift: ["rules"] })], [access()]));
    const at = (s: string) => md.indexOf(s);
    assert.ok(at("## JumpServer access: `access/prod`") === 0, md);
    assert.ok(at("### Problems") < at("### Flows") && at("### Flows") < at("### Access"), md);
    assert.match(md, /^\*\*1 problem\*\* · 1 flow · 1 access ticket\./m);
    assert.match(
      md,
      /^- \*\*drift\*\* · TicketFlow `flow`: changed in JumpServer: `rules` \(`pulumi up` writes/m,
    );
    assert.match(
      md,
      /^\| `web`<br>#202612010001 \| Requester\(requester\) \| `web-01` \| {2}\| connect \| 2030-01-01 00:00 \| 2030-01-21 00:00 \| approved \| 20 \| — \|$/m,
    );
    assert.match(
      renderMarkdown(reportOf([flow()], [])),
      /### Problems\n\nNone: JumpServer matches the stack\./,
    );
  });

  it("shows a deleted permission in the row and the problem", () => {
    const md = renderMarkdown(reportOf([], [access({ grantDrift: ["deleted"] })]));
    assert.match(md, /- \*\*access removed\*\* · AssetAccessTicket `web`/);
    assert.match(md, /\| approved, \*\*removed\*\* \| {2}\| \*\*permission deleted\*\* \|$/m);
  });

  it("nothing from JumpServer can break a table, format text, or mention anyone", () => {
    const md = renderMarkdown(
      reportOf(
        [flow({ org: "A|B <script>", levels: [{ level: 1, users: ["we|rd`name"], groups: [] }] })],
        [access({ applicant: "@octocat *bold* [x](y)", assets: ["a|b"] })],
      ),
    );
    const rows = md.split("\n").filter((l) => l.startsWith("| `"));
    for (const row of rows) {
      const cells = row.replace(/\\\|/g, "").split("|").length;
      assert.equal(cells, row.startsWith("| `flow`") ? 6 : 12, row);
    }
    assert.ok(!md.includes("<script>"));
    assert.ok(!/@octocat/.test(md), "an @mention survived");
    assert.match(md, /\\\*bold\\\* \\\[x\\\]\(y\)/);
  });

  it("cuts long lists and tables, and stays under a PR comment's size", () => {
    const many = Array.from({ length: 12 }, (_, i) => `web-${i}`);
    const md = renderMarkdown(reportOf([], [access({ assets: many })]));
    assert.match(md, /`web-4`, … and 7 more \|/);
    const tickets = Array.from({ length: 3000 }, (_, i) =>
      access({ name: `ticket-${i}-${"x".repeat(40)}`, assets: many, ...ending(1) }),
    );
    const big = renderMarkdown(reportOf([], tickets));
    assert.ok(big.length <= MAX_CHARS, `${big.length} characters`);
    assert.match(big, /- … and \d+ more \(see `--format json`\)/);
    assert.match(big, /… and \d+ more \(see `--format json`\)\n$/);
  });
});

describe("report: the command line", () => {
  const run = async (argv: string[]) => {
    let out = "";
    let err = "";
    const code = await main(
      argv,
      (s) => (out += s),
      (s) => (err += s),
    );
    return { code, out, err };
  };

  it("reads its options; the warning days from the flag, the stack config, the environment", () => {
    assert.deepEqual(parseArgs(["report"]), { format: "markdown", failOnProblems: false });
    assert.deepEqual(
      parseArgs([
        "report",
        "--format",
        "json",
        "--fail-on-problems",
        "--expiry-warning-days",
        "3",
        "state.json",
      ]),
      { format: "json", failOnProblems: true, expiryWarningDays: "3", file: "state.json" },
    );
    const env = { JUMPSERVER_EXPIRY_WARNING_DAYS: "14" };
    assert.equal(warningDays(undefined, undefined, {}), 7);
    assert.equal(warningDays(undefined, undefined, env), 14);
    assert.equal(warningDays(undefined, "30", env), 30);
    assert.equal(warningDays("3", "30", env), 3);
    assert.throws(
      () => warningDays(undefined, "soon", env),
      /jumpserver:expiryWarningDays \(stack config\) must be a whole number of days, got "soon"/,
    );
  });

  it("takes jumpserver:expiryWarningDays from the stack config recorded in the export", () => {
    const state = parseStackExport(
      exportOf([
        {
          urn: urn("pulumi:providers:pulumi-nodejs", "default"),
          type: "pulumi:providers:pulumi-nodejs",
          inputs: { "jumpserver:expiryWarningDays": "21" },
        },
        { urn: urn(FLOW_TYPE, "flow"), type: FLOW_TYPE, id: "f1" },
      ]),
    );
    assert.equal(state.expiryWarningDays, "21");
  });

  it("bad arguments and bad state: one line on stderr, exit 2", async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /no command/],
      [["rport"], /unknown command "rport"/],
      [["report", "--format", "html"], /--format must be markdown or json, got "html"/],
      [["report", "--fromat", "json"], /Unknown option '--fromat'/],
      [["report", "--expiry-warning-days", "soon"], /--expiry-warning-days must be a whole number/],
      [["report", "/nonexistent/state.json"], /cannot read \/nonexistent\/state.json: ENOENT/],
    ];
    for (const [argv, expected] of cases) {
      const r = await run(argv);
      assert.equal(r.code, 2, argv.join(" "));
      assert.equal(r.out, "");
      assert.match(r.err, /^jms-tickets: [^\n]+\n$/);
      assert.match(r.err, expected);
    }
    const help = await run(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.out, /pulumi stack export \| jms-tickets report/);
  });
});
