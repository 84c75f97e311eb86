#!/usr/bin/env node
// npm run test:real -- [--record DIR] [--only lifecycle|grants|programs|approvals|adversary|plugin|renewal|overTime] <ready-file>…
// Runs the real layer (tests/real: the provider lifecycle and the program suites) against each
// JumpServer a ready file describes: the kit's <workdir>/target.json, or your own staging server's
// file in the same shape. Without ready files it says how to get one and exits 2.
// --record DIR writes, per server, the provider's traffic as a golden transcript (no credentials);
// --only runs one of the suites.
// A ready file with "multiOrg": true (the kit's KIT_MULTI_ORG=1 servers: JumpServer Enterprise's
// org scoping) runs every suite in Default and again in Ops, with users who exist only in Ops;
// any other runs them in Default, plus the second-org refresh regression in Ops.
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const USAGE = `usage: npm run test:real -- [--record DIR] [--only lifecycle|grants|programs|approvals|adversary|plugin|renewal|overTime] <ready-file>...
  A ready file is the JSON line the sandbox prints (url, dialect, orgs, users with credentials,
  assets, nodes); ../shared/real-jumpserver/up.sh writes one per server it builds.`;

const args = process.argv.slice(2);
const files = [];
let record;
let only;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--record") record = args[++i];
  else if (args[i] === "--only") only = args[++i];
  else if (args[i] === "--help" || args[i] === "-h") {
    console.log(USAGE);
    process.exit(0);
  } else files.push(args[i]);
}
const suites = {
  lifecycle: "tests/real/lifecycle.test.ts",
  grants: "tests/real/grants.test.ts",
  programs: "tests/real/programs.test.ts",
  approvals: "tests/real/approvals.test.ts",
  adversary: "tests/real/adversary.test.ts",
  // The YAML program, then the Python and TypeScript programs through the generated SDKs.
  plugin: ["tests/real/plugin.test.ts", "tests/real/pluginSdks.test.ts"],
  renewal: "tests/real/renewal.test.ts",
  overTime: "tests/real/overTime.test.ts",
};
if (
  files.length === 0 ||
  (args.includes("--record") && !record) ||
  (only !== undefined && !(only in suites))
) {
  console.error(USAGE);
  process.exit(2);
}
for (const f of files) {
  let ready;
  try {
    ready = JSON.parse(fs.readFileSync(f, "utf8"));
  } catch (e) {
    console.error(`test:real: cannot read ready file ${f}: ${e.message}`);
    process.exit(2);
  }
  if (!ready || typeof ready.url !== "string" || !Array.isArray(ready.users)) {
    console.error(
      `test:real: ${f} is not a ready file (needs url, dialect, orgs, users, assets, nodes)`,
    );
    process.exit(2);
  }
  if (ready.multiOrg !== undefined && typeof ready.multiOrg !== "boolean") {
    console.error(`test:real: ${f}: "multiOrg" must be true or false`);
    process.exit(2);
  }
  console.log(
    `test:real: ${ready.url} ${ready.multiOrg ? "multi-org: the suites run in Default and in Ops" : "community: the suites run in Default (Ops: the #18 regression)"}`,
  );
}

const root = path.resolve(__dirname, "..");
const env = { ...process.env, JMS_REAL_TARGETS: JSON.stringify(files.map((f) => path.resolve(f))) };
if (record) {
  fs.mkdirSync(record, { recursive: true });
  env.JMS_RECORD_DIR = path.resolve(record);
}
const mocha = require.resolve("mocha/bin/mocha.js", { paths: [root] });
const result = spawnSync(
  process.execPath,
  // --no-config: .mocharc.json would add every other suite to the run.
  [
    mocha,
    "--no-config",
    "--require",
    "ts-node/register/transpile-only",
    "--timeout",
    "900000",
    ...(only ? [suites[only]].flat() : ["tests/real/**/*.test.ts"]),
  ],
  { cwd: root, env, stdio: "inherit" },
);
process.exit(result.status ?? 1);
