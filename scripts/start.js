// `npm start`: the README's main command. Runs examples/quickstart through the real Pulumi CLI
// (Automation API), fully offline, against a JumpServer sandbox started in this process, and
// walks through what a platform team's pipeline does: `up`, the drift gate catching a hand edit
// made in JumpServer, `up --refresh` healing it, and `destroy` restoring the flow and revoking
// the access, each checked through JumpServer's API. Exit 0 only if every step did what it should.
"use strict";
/* global fetch -- Node 18+ has it; the shared ESLint globals list predates its use here */

const childProcess = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const scratch = require("./lib/scratch");

const REPO_ROOT = scratch.REPO_ROOT;
const EXAMPLE = path.join(REPO_ROOT, "examples", "quickstart");
const ENSURE_CLI = path.join(__dirname, "ensure-pulumi-cli.js");
const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";
const ROOT_ORG = "00000000-0000-0000-0000-000000000000";
const STACK = "dev";
/** The CLI's exit code for "changes expected" (`--expect-no-changes` found some). */
const EXIT_CHANGES = 7;
// The quickstart's access window, fixed once per run (a week from tomorrow, 08:00 UTC): the
// program takes it from stack config, as it must never compute dates from "now".
const DAY_MS = 86_400_000;
const isoAt = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const TOMORROW_8 = (Math.floor(Date.now() / DAY_MS) + 1) * DAY_MS + 8 * 3_600_000;
const ACCESS_FROM = isoAt(TOMORROW_8);
const ACCESS_UNTIL = isoAt(TOMORROW_8 + 7 * DAY_MS);
const STEPS = 8;

const started = Date.now();
const timings = [];
let stepNo = 0;

class StepFailed extends Error {}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

function say(line = "") {
  process.stdout.write(`${line}\n`);
}

/** Runs one numbered step, printing its title and, when done, how long it took. */
async function step(label, title, run) {
  stepNo += 1;
  say(`\n[${stepNo}/${STEPS}] ${title}`);
  const t = Date.now();
  const result = await run();
  timings.push([label, Date.now() - t]);
  say(`      (${seconds(Date.now() - t)})`);
  return result;
}

// ---- the Pulumi CLI --------------------------------------------------------------------------

/** The bin dir of a usable CLI (found on PATH, cached, or built now), or exits saying why. */
function ensureCli() {
  // The script prints progress and reasons on stderr (shown as they come) and the bin dir on stdout.
  const r = childProcess.spawnSync(process.execPath, [ENSURE_CLI, "--require"], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  const binDir = (r.stdout || "").trim();
  if (r.status !== 0 || !binDir) {
    throw new StepFailed(
      `npm start needs the Pulumi CLI and none is available: ${recordedReason()}.\n` +
        "Install the Pulumi CLI (pulumi.com), or a Go toolchain new enough for " +
        "scripts/ensure-pulumi-cli.js to build it offline; see docs/pulumi-cli.md",
    );
  }
  return binDir;
}

/** Why ensure-pulumi-cli.js found no CLI, from the answer it records (same cache folder rule). */
function recordedReason() {
  const cache =
    process.env.PULUMI_JUMPSERVER_TICKETS_CACHE ||
    path.join(os.homedir(), ".cache", "pulumi-jumpserver-tickets");
  try {
    return JSON.parse(fs.readFileSync(path.join(cache, "cli.json"), "utf8")).reason || "unknown";
  } catch {
    return "scripts/ensure-pulumi-cli.js recorded no reason";
  }
}

// ---- talking to the sandbox as a JumpServer admin would (its UI sends the same requests) -----

function jumpServer(url, privateToken) {
  async function call(method, route, { org, body } = {}) {
    const headers = { Accept: "application/json", Authorization: `Token ${privateToken}` };
    if (org) headers["X-JMS-ORG"] = org;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(`${url}${route}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  return {
    call,
    async flows(org) {
      const r = await call("GET", "/api/v1/tickets/flows/?type=apply_asset", { org });
      if (r.status !== 200) throw new StepFailed(`listing flows answered ${r.status}`);
      return r.body;
    },
  };
}

/** JSON with object keys sorted, so the same data always gives the same text. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Who may approve at each level, without display fields, ordered by level. */
function ruleShape(rules) {
  return canonical(
    [...rules].sort((a, b) => a.level - b.level).map((r) => ({ level: r.level, users: r.users })),
  );
}

// ---- progress ---------------------------------------------------------------------------------

const SYMBOL = {
  create: "+",
  update: "~",
  delete: "-",
  replace: "+-",
  "create-replacement": "++",
  "delete-replaced": "--",
};

function shortType(type) {
  return type.slice(type.lastIndexOf(":") + 1);
}

/** Top-level inputs whose values differ between the step's old and new state (`__provider` aside). */
function changedInputs(m) {
  const before = (m.old && m.old.inputs) || {};
  const after = (m.new && m.new.inputs) || {};
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => !k.startsWith("__"))
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .sort();
}

/**
 * A compact line per resource step from the engine's events: planned steps in a preview, finished
 * ones in an update (refresh reads, the stack itself and default providers are left out). Each
 * step is also pushed to `steps`, with the inputs it changes (dynamic providers send the engine no
 * per-property diff, so it is computed from the step's old and new inputs, as the CLI shows it).
 */
function progress(kind, steps = []) {
  return (event) => {
    if (event.diagnosticEvent) {
      const d = event.diagnosticEvent;
      if (d.severity === "warning" || d.severity === "error") {
        say(`      ${d.severity}: ${d.message.trim().split("\n").join("\n        ")}`);
      }
      return;
    }
    const m =
      kind === "preview"
        ? event.resourcePreEvent && event.resourcePreEvent.metadata
        : event.resOutputsEvent && event.resOutputsEvent.metadata;
    if (!m || !SYMBOL[m.op]) return;
    if (m.type === "pulumi:pulumi:Stack" || m.type.startsWith("pulumi:providers:")) return;
    const name = m.urn.slice(m.urn.lastIndexOf("::") + 2);
    const changed = m.op === "update" || m.op === "replace" ? changedInputs(m) : [];
    steps.push({ op: m.op, type: shortType(m.type), name, changed });
    const what = changed.length > 0 ? `  (${changed.map((k) => `~${k}`).join(", ")})` : "";
    say(`      ${SYMBOL[m.op].padEnd(2)} ${shortType(m.type)} ${name}: ${m.op}${what}`);
  };
}

function changesText(changes) {
  return (
    Object.entries(changes || {})
      .map(([op, n]) => `${n} ${op}`)
      .join(", ") || "none"
  );
}

/** The CLI's own exit code of a failed Automation API command (pulumi-dynamic-providers.md §6(c)). */
function exitCodeOf(e) {
  return e && e.commandResult && e.commandResult.err ? e.commandResult.err.exitCode : undefined;
}

// ---- the walk-through --------------------------------------------------------------------------

async function main() {
  say("pulumi-jumpserver-tickets: examples/quickstart through the real Pulumi CLI, offline,");
  say("against a JumpServer sandbox (no JumpServer or Pulumi Cloud account needed)");
  const summary = [];

  const binDir = await step("cli", "Pulumi CLI", () => {
    const dir = ensureCli();
    const version = childProcess
      .execFileSync(path.join(dir, "pulumi"), ["version"], { encoding: "utf8" })
      .trim();
    say(`      pulumi ${version} in ${dir}`);
    return dir;
  });

  const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-start-"));
  let sandbox;
  let stack;
  let ok = false;
  try {
    sandbox = await step("sandbox", "JumpServer sandbox", async () => {
      const { startSandbox } = require(path.join(REPO_ROOT, "dist"));
      const sb = await startSandbox({}); // v4.10.19, on a free port of 127.0.0.1
      say(`      JumpServer ${sb.seed.version} (${sb.seed.dialect} rules) at ${sb.url}`);
      return sb;
    });
    const user = (name) => sandbox.seed.users.find((u) => u.username === name);
    const admin = user("admin");
    const js = jumpServer(sandbox.url, admin.privateToken);

    stack = await step("project", "Quickstart project and stack", async () => {
      const tarball = await scratch.packPackage(workRoot);
      const dir = path.join(workRoot, "quickstart");
      scratch.copyExample(EXAMPLE, dir, tarball);
      const how = await scratch.npmInstall(dir);
      say(`      npm pack -> ${path.basename(tarball)}; examples/quickstart copied to ${dir}`);
      say(`      npm install (${how}): the package lands in node_modules, as a user's would`);
      const { LocalWorkspace, PulumiCommand } = require("@pulumi/pulumi/automation");
      const s = await LocalWorkspace.createOrSelectStack(
        { stackName: STACK, workDir: dir },
        {
          // A throwaway passphrase: it only encrypts this scratch stack's secrets.
          envVars: scratch.offlineEnv(workRoot, binDir, crypto.randomBytes(16).toString("hex")),
          pulumiCommand:
            path.basename(binDir) === "bin"
              ? await PulumiCommand.get({ root: path.dirname(binDir) })
              : await PulumiCommand.get(),
        },
      );
      // The pipeline's identity: the admin's access key, its secret half stored as a secret.
      await scratch.setAllConfig(s, {
        "jumpserver:url": { value: sandbox.url },
        "jumpserver:accessKeyId": { value: admin.accessKey.id },
        "jumpserver:accessKeySecret": { value: admin.accessKey.secret, secret: true },
        accessFrom: { value: ACCESS_FROM },
        accessUntil: { value: ACCESS_UNTIL },
      });
      say(`      stack ${STACK}: local file backend in ${workRoot}, passphrase secrets`);
      say(
        "      config: jumpserver:url, jumpserver:accessKeyId, jumpserver:accessKeySecret (secret)",
      );
      say(`      config: accessFrom ${ACCESS_FROM}, accessUntil ${ACCESS_UNTIL}`);
      return s;
    });

    const outputs = await step("up", "pulumi up", async () => {
      const r = await stack.up({ onEvent: progress("update") });
      const out = Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.value]));
      say(`      ${changesText(r.summary.resourceChanges)}`);
      say(`      outputs: ${JSON.stringify(out)}`);
      if (out.state !== "approved" || !out.permissionId) {
        throw new StepFailed(`expected an approved ticket with a permission, got ${out.state}`);
      }
      const perm = await js.call("GET", `/api/v1/perms/asset-permissions/${out.permissionId}/`, {
        org: DEFAULT_ORG,
      });
      if (perm.status !== 200) throw new StepFailed(`the permission answered ${perm.status}`);
      say(`      JumpServer: ticket ${out.serialNum} approved; permission "${perm.body.name}"`);
      say(`      grants requester ${perm.body.assets.map((a) => a.name || a).join(", ")}`);
      summary.push(`up: flow adopted, ticket ${out.serialNum} opened and approved`);
      return out;
    });

    await step(
      "hand edit",
      "Hand edit in JumpServer: an admin adds a second approval level",
      async () => {
        const flow = (await js.flows(DEFAULT_ORG)).find((f) => f.id === outputs.flowId);
        if (!flow) throw new StepFailed(`flow ${outputs.flowId} not found in the Default org`);
        const rules = [
          ...flow.rules.map((r) => ({ users: r.users })),
          { users: { type: "ids", ids: [user("approver").id] } },
        ];
        const r = await js.call("PATCH", `/api/v1/tickets/flows/${flow.id}/`, {
          org: DEFAULT_ORG,
          body: { approval_level: rules.length, rules },
        });
        if (r.status !== 200) throw new StepFailed(`the edit answered ${r.status}`);
        say(`      PATCH flow ${flow.id}: ${flow.rules.length} -> ${rules.length} levels`);
      },
    );

    await step(
      "drift gate",
      "Drift gate: pulumi preview --refresh --expect-no-changes",
      async () => {
        const planned = [];
        try {
          await stack.preview({
            refresh: true,
            expectNoChanges: true,
            diff: true,
            onEvent: progress("preview", planned),
          });
        } catch (e) {
          const code = exitCodeOf(e);
          if (code !== EXIT_CHANGES) throw e;
          const flow = planned.find((p) => p.type === "TicketFlow" && p.op === "update");
          const drifted = flow ? flow.changed : [];
          say(`      exit ${code} (changes expected): the gate fails, as a CI job would`);
          if (!drifted.includes("rules")) {
            throw new StepFailed(`the drift gate did not plan to set TicketFlow rules back`);
          }
          summary.push(`drift gate: caught the hand edit (exit ${code}, ~${drifted.join(", ~")})`);
          return;
        }
        throw new StepFailed("the drift gate passed although the flow was edited by hand");
      },
    );

    await step("heal", "pulumi up --refresh heals it; the drift gate passes again", async () => {
      const r = await stack.up({ refresh: true, onEvent: progress("update") });
      say(`      up --refresh: ${changesText(r.summary.resourceChanges)}`);
      const flow = (await js.flows(DEFAULT_ORG)).find((f) => f.id === outputs.flowId);
      say(`      JumpServer: flow ${flow.id} has ${flow.rules.length} level(s) again`);
      if (flow.rules.length !== 1) throw new StepFailed("the flow was not restored to one level");
      const p = await stack.preview({ refresh: true, expectNoChanges: true });
      say(`      preview --refresh --expect-no-changes: exit 0 (${changesText(p.changeSummary)})`);
      summary.push("up --refresh: flow healed; drift gate clean");
    });

    await step("destroy", "pulumi destroy", async () => {
      const globalRules = ruleShape(
        (await js.flows(ROOT_ORG)).find((f) => f.org_id === ROOT_ORG).rules,
      );
      const r = await stack.destroy({ onEvent: progress("update") });
      say(`      ${changesText(r.summary.resourceChanges)}`);
      const flow = (await js.flows(DEFAULT_ORG)).find((f) => f.org_id === DEFAULT_ORG);
      if (!flow || ruleShape(flow.rules) !== globalRules) {
        throw new StepFailed(
          `the Default org's flow rules ${flow && ruleShape(flow.rules)} are not the global default's ${globalRules}`,
        );
      }
      say("      JumpServer: the Default org's flow has the global default's rules again");
      say("      (it keeps its own copy: JumpServer cannot delete flows)");
      const perm = await js.call(
        "GET",
        `/api/v1/perms/asset-permissions/${outputs.permissionId}/`,
        {
          org: DEFAULT_ORG,
        },
      );
      if (perm.status !== 404) throw new StepFailed(`the permission still answers ${perm.status}`);
      say(`      JumpServer: permission ${outputs.permissionId} is gone (404): access revoked`);
      summary.push("destroy: flow restored, access revoked");
    });
    ok = true;
  } finally {
    if (stack) await stack.workspace.removeStack(STACK, { force: true }).catch(() => undefined);
    if (sandbox) await sandbox.close();
    if (ok) fs.rmSync(workRoot, { recursive: true, force: true });
    else say(`\nscratch project kept for a look: ${workRoot}`);
  }

  say("\nSummary");
  for (const line of summary) say(`  ✔ ${line}`);
  say(`  timings: ${timings.map(([label, ms]) => `${label} ${seconds(ms)}`).join(", ")}`);
  say(`  total ${seconds(Date.now() - started)}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    const what = e instanceof StepFailed ? e.message : (e && e.stack) || String(e);
    process.stderr.write(`\nFAILED at step ${stepNo}: ${what}\n`);
    process.exit(1);
  },
);
