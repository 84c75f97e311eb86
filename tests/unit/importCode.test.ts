// `jms-tickets import-code` without a network: the names the generated SDKs use (checked against
// the committed sdk/python and sdk/nodejs, so a regenerated SDK that renames a field fails here),
// nested objects (flow rules, guardrails), values read from JumpServer that try to break out of
// their string literal (parsed back by Python's own parser and TypeScript's), and the refusals.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { PluginSchema, collectDeclarations } from "../../provider/importcode/declarations";
import { pythonName, renderPython } from "../../provider/importcode/python";
import { renderTypescript } from "../../provider/importcode/typescript";
import { main } from "../../provider/report/cli";
import { StateInputError } from "../../provider/report/state";

const ROOT = path.resolve(__dirname, "..", "..");
const schema = JSON.parse(
  fs.readFileSync(path.join(ROOT, "sdk", "schema.json"), "utf8"),
) as PluginSchema;
const SECRET_SIG = "4dabf18193072939515e22adc82a9e0f";
const ORG = "00000000-0000-0000-0000-000000000002";

/** A title an attacker could give a ticket in JumpServer: every way out of a literal. */
const HOSTILE = [
  'x" + __import__("os").system("id") + "',
  "line\nbreak\r\n\ttab",
  "${process.exit(1)}` + `",
  '""" \'\'\' \\ \\" \\n',
  "*/ /* # // -->",
  "\u2028\u2029\u202e\u0000\u001b",
  "😀 é 中",
].join(" | ");

type Res = { type: string; name: string; inputs: unknown; provider?: string };
const exportOf = (resources: Res[]) =>
  JSON.stringify({
    version: 3,
    deployment: {
      resources: [
        { urn: "urn:pulumi:dev::app::pulumi:pulumi:Stack::app-dev", type: "pulumi:pulumi:Stack" },
        ...resources.map((r) => ({
          urn: `urn:pulumi:dev::app::${r.type}::${r.name}`,
          type: r.type,
          id: "some-id",
          custom: true,
          inputs: r.inputs,
          ...(r.provider ? { provider: r.provider } : {}),
        })),
      ],
    },
  });

const FLOW = {
  type: "jumpserver:index:TicketFlow",
  name: "default-flow",
  inputs: {
    orgId: ORG,
    type: "apply_asset",
    rules: [
      { users: { type: "ids", ids: ["u-1", "u-2"] } },
      { strategy: "super_admin", assignees: ["u-3"], allowAnyApprover: true },
    ],
    guardrails: { minApprovalLevels: 2, forbidSelfApproval: false },
    restoreOnDelete: true,
  },
};
const TICKET = {
  type: "jumpserver:index:AssetAccessTicket",
  name: "web-01-access",
  inputs: {
    title: HOSTILE,
    orgId: ORG,
    applicant: "requester",
    assets: ["web-01"],
    actions: ["connect"],
    dateStart: "2027-01-10T00:00:00Z",
    dateExpired: "2027-01-12T00:00:00Z",
    comment: HOSTILE,
    approve: false,
  },
};
const APPROVAL = {
  type: "jumpserver:index:TicketApproval",
  name: "web-01-approval",
  inputs: { ticket: "t-1", decision: "approve", orgId: ORG },
};

const declarations = (resources: Res[], only?: string[]) =>
  collectDeclarations(exportOf(resources), schema, only).declarations;

/** Python's own reading of a program: its statements, and each call's keyword literals. */
function pythonReads(code: string): { statements: string[]; titles: string[] } {
  const script = `
import ast, json, sys
tree = ast.parse(sys.stdin.read())
titles = [ast.literal_eval(k.value) for n in ast.walk(tree) if isinstance(n, ast.Call)
          for k in n.keywords if k.arg in ("title", "comment")]
print(json.dumps({"statements": [type(s).__name__ for s in tree.body], "titles": titles}))`;
  return JSON.parse(execFileSync("python3", ["-c", script], { input: code, encoding: "utf8" }));
}

describe("import-code: program code for imported resources", function () {
  it("names every input as the generated Python SDK spells its keyword arguments", function () {
    const python = fs
      .readdirSync(path.join(ROOT, "sdk", "python", "pulumi_jumpserver_tickets"))
      .filter((f) => f.endsWith(".py"))
      .map((f) =>
        fs.readFileSync(path.join(ROOT, "sdk", "python", "pulumi_jumpserver_tickets", f), "utf8"),
      )
      .join("\n");
    const props = [
      ...Object.values(schema.resources).flatMap((r) => Object.keys(r.inputProperties ?? {})),
      ...Object.values(schema.types).flatMap((t) => Object.keys(t.properties ?? {})),
    ];
    assert.ok(props.includes("minApprovalLevels") && props.includes("dateExpired"));
    for (const p of props) {
      assert.ok(
        python.includes(`pulumi.set(__self__, "${pythonName(p)}", ${pythonName(p)})`),
        `sdk/python has no keyword argument ${pythonName(p)} for ${p}`,
      );
    }
    assert.equal(pythonName("URLPath"), "url_path");
  });

  it("names every input as the Node.js SDK's args do", function () {
    const node = ["ticketFlow.ts", "assetAccessTicket.ts", "ticketApproval.ts", "types/input.ts"]
      .map((f) => fs.readFileSync(path.join(ROOT, "sdk", "nodejs", f), "utf8"))
      .join("\n");
    for (const r of Object.values(schema.resources))
      for (const p of Object.keys(r.inputProperties ?? {}))
        assert.match(node, new RegExp(`\\n\\s+${p}\\??: pulumi\\.Input<`), `no arg ${p}`);
  });

  it("writes flow rules and guardrails as the SDKs' nested types, protected", function () {
    const py = renderPython(declarations([FLOW]));
    assert.equal(
      py,
      `import pulumi
import pulumi_jumpserver_tickets as jumpserver

default_flow = jumpserver.TicketFlow(
    "default-flow",
    type="apply_asset",
    org_id="${ORG}",
    rules=[jumpserver.FlowRuleArgs(users=jumpserver.SelectorArgs(type="ids", ids=["u-1", "u-2"])), jumpserver.FlowRuleArgs(strategy="super_admin", assignees=["u-3"], allow_any_approver=True)],
    restore_on_delete=True,
    guardrails=jumpserver.FlowGuardrailsArgs(min_approval_levels=2, forbid_self_approval=False),
    opts=pulumi.ResourceOptions(protect=True),
)
`,
    );
    const tsCode = renderTypescript(declarations([FLOW]));
    assert.equal(
      tsCode,
      `import * as jumpserver from "@pulumi-jumpserver-tickets/sdk";

const defaultFlow = new jumpserver.TicketFlow(
  "default-flow",
  {
    type: "apply_asset",
    orgId: "${ORG}",
    rules: [{ users: { type: "ids", ids: ["u-1", "u-2"] } }, { strategy: "super_admin", assignees: ["u-3"], allowAnyApprover: true }],
    restoreOnDelete: true,
    guardrails: { minApprovalLevels: 2, forbidSelfApproval: false },
  },
  { protect: true },
);
`,
    );
  });

  it("a hostile title stays one string in Python: no statement added, the same text read back", function () {
    const code = renderPython(declarations([FLOW, TICKET, APPROVAL]));
    assert.ok(!code.includes("\n" + "break"), "a raw newline reached the code");
    const read = pythonReads(code);
    assert.deepEqual(read.statements, ["Import", "Import", "Assign", "Assign", "Assign"]);
    assert.deepEqual(read.titles, [HOSTILE, HOSTILE]);
  });

  it("a hostile title stays one string in TypeScript: no template, no statement added", function () {
    const code = renderTypescript(declarations([FLOW, TICKET, APPROVAL]));
    const file = ts.createSourceFile("index.ts", code, ts.ScriptTarget.ES2022, true);
    const diagnostics = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
    assert.deepEqual(
      diagnostics.map((d) => d.messageText),
      [],
    );
    assert.deepEqual(
      file.statements.map((s) =>
        ts.isImportDeclaration(s) ? "import" : ts.isVariableStatement(s) ? "const" : s.kind,
      ),
      ["import", "const", "const", "const"],
    );
    const strings: string[] = [];
    let templates = 0;
    const visit = (n: ts.Node) => {
      if (ts.isPropertyAssignment(n) && ["title", "comment"].includes(n.name.getText(file)))
        strings.push((n.initializer as ts.StringLiteral).text);
      if (ts.isTemplateExpression(n) || ts.isNoSubstitutionTemplateLiteral(n)) templates++;
      ts.forEachChild(n, visit);
    };
    visit(file);
    assert.deepEqual(strings, [HOSTILE, HOSTILE]);
    assert.equal(templates, 0);
  });

  it("a hostile resource name and free map keys are quoted too; variables are identifiers", function () {
    const name = 'a"b\n${x}-9';
    const attrs = {
      type: "jumpserver:index:TicketFlow",
      name,
      inputs: {
        rules: [
          {
            users: {
              type: "attrs",
              attrs: [{ name: "username", match: "in", value: { __proto__x: 1 } }],
            },
          },
        ],
      },
    };
    const py = renderPython(declarations([attrs]));
    assert.match(py, /^a_b_x_9 = jumpserver\.TicketFlow\(\n {4}"a\\"b\\n\$\{x\}-9",$/m);
    assert.match(
      py,
      /jumpserver\.AttrsArgs\(name="username", match="in", value=\{"__proto__x": 1\}\)/,
    );
    const tsCode = renderTypescript(declarations([attrs]));
    assert.match(tsCode, /^const aBX9 = new jumpserver\.TicketFlow\(\n {2}"a\\"b\\n\$\{x\}-9",$/m);
  });

  it("a secret input stays secret; an encrypted one is refused with the flag to use", function () {
    const secret = (v: unknown, plain: boolean) => ({
      [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270",
      ...(plain ? { plaintext: JSON.stringify(v) } : { ciphertext: "AAAA" }),
    });
    const ticket = { ...TICKET, inputs: { ...TICKET.inputs, comment: secret("why", true) } };
    assert.match(renderPython(declarations([ticket])), /comment=pulumi\.Output\.secret\("why"\),/);
    const tsCode = renderTypescript(declarations([ticket]));
    assert.match(tsCode, /^import \* as pulumi from "@pulumi\/pulumi";$/m);
    assert.match(tsCode, /comment: pulumi\.secret\("why"\),/);
    const sealed = { ...TICKET, inputs: { ...TICKET.inputs, comment: secret("why", false) } };
    assert.throws(
      () => declarations([sealed]),
      /web-01-access\.comment is a secret .*--show-secrets/,
    );
    const garbled = {
      ...TICKET,
      inputs: { ...TICKET.inputs, comment: { [SECRET_SIG]: "x", plaintext: "{not json" } },
    };
    assert.throws(() => declarations([garbled]), /web-01-access\.comment: the secret's plaintext/);
  });

  it("--urn narrows by URN or name; recorded state is left out; unknown names and empty stacks are refused", function () {
    const both = declarations([FLOW, TICKET], ["web-01-access"]);
    assert.deepEqual(
      both.map((d) => d.name),
      ["web-01-access"],
    );
    const byUrn = declarations([FLOW, TICKET], [`urn:pulumi:dev::app::${FLOW.type}::${FLOW.name}`]);
    assert.deepEqual(
      byUrn.map((d) => d.name),
      ["default-flow"],
    );
    assert.throws(() => declarations([FLOW], ["nope"]), StateInputError);
    assert.throws(() => declarations([FLOW], ["nope"]), /"nope"/);
    assert.throws(
      () => declarations([]),
      /no jumpserver:index:\* resources: `pulumi import` them first/,
    );
    // What the plugin records beside the inputs is no argument: left out, as `pulumi import` does.
    const recorded = { ...TICKET, inputs: { ...TICKET.inputs, approvedGrant: { assets: ["x"] } } };
    assert.deepEqual(
      declarations([recorded])[0].args.map(([k]) => k),
      declarations([TICKET])[0].args.map(([k]) => k),
    );
  });

  it("notes a resource on an explicit provider (the code can't name it)", function () {
    const { notes } = collectDeclarations(
      exportOf([
        { ...APPROVAL, provider: "urn:pulumi:dev::app::pulumi:providers:jumpserver::prod::abc" },
        {
          ...FLOW,
          provider: "urn:pulumi:dev::app::pulumi:providers:jumpserver::default_0_1_0::abc",
        },
      ]),
      schema,
    );
    assert.deepEqual(notes, [
      "web-01-approval uses the explicit provider prod: add it to the resource's options",
    ]);
  });

  it("the CLI: usage errors exit 2 with one line; the program goes to stdout", async function () {
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
    const bad = await run(["import-code", "--language", "ruby"]);
    assert.deepEqual(
      [bad.code, bad.err],
      [2, 'jms-tickets: --language must be python or typescript, got "ruby"\n'],
    );
    assert.equal((await run(["import-code"])).code, 2);
    const dir = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "pjt-importcode-"));
    try {
      const file = path.join(dir, "state.json");
      fs.writeFileSync(file, exportOf([APPROVAL]));
      const ok = await run(["import-code", "--language", "typescript", file]);
      assert.equal(ok.code, 0, ok.err);
      assert.match(
        ok.out,
        /new jumpserver\.TicketApproval\(\n {2}"web-01-approval",\n {2}\{\n {4}ticket: "t-1",/,
      );
      assert.match(
        (await run(["--help"])).out,
        /jms-tickets import-code --language python\|typescript/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
