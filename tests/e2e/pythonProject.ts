// A Python program's project with the provider plugin: the generated SDK (sdk/python, installed
// with pip as a wheel into the program's own venv), the offline Python host (sdk/v3 v3.68.0) and
// PyPI pulumi 3.272.0. The program's venv comes first on PATH (that host ignores `virtualenv:`);
// the plugin is found through the project's `plugins: providers:` path. Used by the sandbox suite
// (tests/e2e/pluginPython.test.ts) and the real layer (tests/real/pluginSdks.test.ts).
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { buildPythonWheel } from "../../scripts/release";
import { LanguageProject } from "./languageProject";
import type { LifeProgram } from "./pluginLife";
import { requireTools } from "./pulumiTools";

const run = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The life program (pluginLife.ts) in Python. */
export function pythonProgram(p: LifeProgram): string {
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(", ")}]`;
  const rule =
    p.dialect === "strategy"
      ? `jumpserver.FlowRuleArgs(strategy="custom_user", assignees=${list(p.approvers)})`
      : `jumpserver.FlowRuleArgs(users=jumpserver.SelectorArgs(type="ids", ids=${list(p.approvers)}))`;
  const guardrails = p.waiveSelfApproval
    ? "\n    guardrails=jumpserver.FlowGuardrailsArgs(forbid_self_approval=False),"
    : "";
  return `import pulumi
import pulumi_jumpserver_tickets as jumpserver

flow = jumpserver.TicketFlow(
    "flow",
    org_id="${p.orgId}",
    rules=[${rule}],${guardrails}
)
access = jumpserver.AssetAccessTicket(
    "access",
    title=${JSON.stringify(p.title)},
    org_id="${p.orgId}",
    applicant=${JSON.stringify(p.applicant)},
    assets=${list(p.assets)},
    actions=["connect"],
    date_start="${p.dateStart}",
    date_expired="${p.dateExpired}",
    approve=True,
    opts=pulumi.ResourceOptions(depends_on=[flow]),
)
pulumi.export("flowId", flow.flow_id)
pulumi.export("ticketId", access.id)
pulumi.export("state", access.state)
`;
}

async function python(file: string, args: string[]): Promise<string> {
  const { stdout } = await run(file, args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/**
 * The project, made as a user makes one. Skips `context` (printing `SKIP <layer>: …`) when the
 * cached Python host or venv is missing.
 */
export async function makePythonProject(
  context: Mocha.Context,
  binDir: string,
  layer: string,
  program: string,
): Promise<LanguageProject> {
  const tools = requireTools(context, layer, ["python", "venv"]);
  const project = new LanguageProject(binDir, "python");
  const runtime = path.join(tools.venv, "python");
  // The program's own venv, as a user makes one; PyPI pulumi comes from the cached venv (a .pth
  // line), so nothing is downloaded per run.
  const venv = path.join(project.dir, "venv");
  await python(runtime, ["-m", "venv", venv]);
  const sitePackages = (py: string) =>
    python(py, ["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]);
  fs.writeFileSync(
    path.join(await sitePackages(path.join(venv, "bin", "python")), "pulumi-runtime.pth"),
    (await sitePackages(runtime)) + "\n",
  );
  const wheel = await buildPythonWheel(project.dir, runtime);
  await python(path.join(venv, "bin", "python"), [
    "-m",
    "pip",
    "install",
    "--no-deps",
    "--no-input",
    "--disable-pip-version-check",
    wheel,
  ]);
  project.prependPath(path.join(venv, "bin"));
  project.write({
    "Pulumi.yaml": [
      "name: jms-python",
      "runtime: python",
      "plugins:",
      "  providers:",
      `    - { name: jumpserver, path: ${JSON.stringify(path.join(REPO_ROOT, "bin"))} }`,
      "  languages:",
      `    - { name: python, path: ${JSON.stringify(tools.python)} }`,
      "",
    ].join("\n"),
    "__main__.py": program,
  });
  return project;
}
