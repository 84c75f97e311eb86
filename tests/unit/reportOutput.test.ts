// The report's output without network: Markdown and the command line's arguments and errors.
import * as assert from "node:assert/strict";
import { main, parseArgs, warningDays } from "../../provider/report/cli";
import { MAX_CHARS, renderMarkdown } from "../../provider/report/markdown";
import { FLOW_TYPE, parseStackExport } from "../../provider/report/state";
import { access, ending, exportOf, flow, reportOf, urn } from "./reportFixtures";

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
      /^\| `web`<br>\\#\u2060202612010001 \| Requester\(requester\) \| `web-01` \| {2}\| connect \| 2030-01-01 00:00 \| 2030-01-21 00:00 \| approved \| 20 \| — \|$/m,
    );
    assert.match(
      renderMarkdown(reportOf([flow()], [])),
      /### Problems\n\nNone: JumpServer matches the stack\./,
    );
  });

  it("shows a renewal in flight in the row and the problem", () => {
    const md = renderMarkdown(
      reportOf(
        [],
        [
          access({
            state: "pending",
            status: "open",
            approvalStep: 1,
            renewal: { predecessor: "202612010001", until: "2030-01-05T00:00:00Z", due: false },
          }),
        ],
      ),
    );
    assert.match(md, /^- \*\*renewal\*\* · AssetAccessTicket `web`: renewal in flight: /m);
    assert.match(
      md,
      /\| pending \(level 1\); renews \\#\u2060202612010001, kept until 2030-01-05 00:00 \|/,
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

  // Issue #17: `&#64;org/security-team` rendered as an HTML entity for @ and pinged the team.
  it("no display name renders as a mention, a reference or a link: entities, look-alike @, invisible characters", () => {
    const names = [
      "&#64;org/security-team",
      "&#064;octocat",
      "&#x40;octocat",
      "&#X40;octocat",
      "&commat;octocat",
      "&amp;#64;octocat",
      "＠octocat",
      "﹫octocat",
      "@\u200Boctocat",
      "@\u200Doctocat",
      "\u2060@\u2060octocat",
      "@\uFEFFoctocat",
      "&\u200B#64;octocat",
      "bob@example.com",
      "#123 and org/repo#45 and GH-67",
      "&num;89",
      "https://evil.example/x and http&colon;//evil.example",
      "www.evil.example and _www.evil.example",
      "<https://evil.example>",
      "[x](https://evil.example)",
      "admin\u202Egnp.exe",
    ];
    const md = renderMarkdown(
      reportOf(
        [flow({ org: names.join(" "), levels: [{ level: 1, users: [], groups: names }] })],
        names.map((applicant, i) => access({ name: `t${i}`, applicant })),
      ),
    );
    // What GitHub reads as text: code spans aside, backslash escapes undone, entities decoded.
    const prose = md.replace(/`[^`\n]*`/g, " ");
    const refs = prose.match(/&[^ ]*?;/g) ?? [];
    for (const r of refs) assert.ok(["&amp;", "&lt;", "&gt;"].includes(r), `entity ${r} in ${md}`);
    const shown = prose
      .replace(/\\([!-/:-@[-`{-~])/g, "$1")
      .replace(/&(amp|lt|gt);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">" })[e]!);
    const bad: Array<[RegExp, string]> = [
      [/[@＠﹫][\p{L}\p{N}_/-]/u, "an at sign before a name: a mention"],
      [/#\d/, "an issue reference"],
      [/\bgh-\d/i, "a GH- reference"],
      [/[a-z]:\/\//i, "a URL autolink"],
      [/www\./i, "a www autolink"],
      [/\p{Cf}(?<!\u2060)/u, "an invisible character from the input"],
    ];
    for (const [re, what] of bad) assert.doesNotMatch(shown, re, what);
    // The text is still there to read, the at signs and number signs shown as written.
    assert.ok(shown.includes("&#\u206064;org/security-team"), shown);
    assert.ok(shown.includes("＠\u2060octocat") && shown.includes("bob@\u2060example.com"));
    assert.ok(shown.includes("admingnp.exe"));
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
