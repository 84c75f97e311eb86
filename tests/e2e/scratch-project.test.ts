// The scratch-project harness installs the packed package as a user would:
// a real copy under node_modules (not a link to this repo) that shares the
// project's single @pulumi/pulumi (a peer dependency).
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { createScratchProject, ScratchProject } from "./scratchProject";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

describe("e2e harness: scratch project with the packed package", function () {
  // npm run build + npm pack + npm install (from npm's cache when it can).
  this.timeout(300_000);

  let project: ScratchProject | undefined;

  before(async function () {
    const started = Date.now();
    project = await createScratchProject({ program: 'import "pulumi-jumpserver-tickets";\n' });
    console.log(
      `    scratch project ready in ${((Date.now() - started) / 1000).toFixed(1)}s (npm install ${project.install})`,
    );
  });

  after(() => project?.cleanup());

  it("installs a copy of the package from the tarball, not a link to this repo", function () {
    const dir = project!.dir;
    const installed = path.join(dir, "node_modules", "pulumi-jumpserver-tickets");
    assert.equal(fs.lstatSync(installed).isSymbolicLink(), false);
    assert.ok(fs.realpathSync(installed).startsWith(fs.realpathSync(dir)));
    const repoPkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      version: string;
    };
    const pkg = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as {
      version: string;
    };
    assert.equal(pkg.version, repoPkg.version);
    assert.ok(path.basename(project!.tarball).endsWith(`-${repoPkg.version}.tgz`));
  });

  it("loads from the project with the project's single @pulumi/pulumi", function () {
    const dir = project!.dir;
    const resolved = execFileSync(
      "node",
      [
        "-e",
        'const m = require("pulumi-jumpserver-tickets"); console.log(JSON.stringify({ main: require.resolve("pulumi-jumpserver-tickets"), exports: Object.keys(m).length }))',
      ],
      { cwd: dir, encoding: "utf8" },
    );
    const { main, exports } = JSON.parse(resolved) as { main: string; exports: number };
    assert.ok(
      main.startsWith(fs.realpathSync(path.join(dir, "node_modules", "pulumi-jumpserver-tickets"))),
      main,
    );
    assert.ok(exports > 0, "the package root exports something");
    const nested = path.join(
      dir,
      "node_modules",
      "pulumi-jumpserver-tickets",
      "node_modules",
      "@pulumi",
      "pulumi",
    );
    assert.equal(fs.existsSync(nested), false, "@pulumi/pulumi must be a peer, not a second copy");
  });

  it("serializes each resource's provider as a require() of the installed package, nothing more", function () {
    const script = `
      const pulumi = require("@pulumi/pulumi");
      const pkg = require("pulumi-jumpserver-tickets");
      (async () => {
        const out = {};
        for (const name of ["ticketFlowProvider", "assetAccessTicketProvider", "ticketApprovalProvider"]) {
          const p = pkg[name];
          out[name] = (await pulumi.runtime.serializeFunction(() => p, { allowSecrets: true })).text;
        }
        console.log(JSON.stringify(out));
      })();`;
    const out = JSON.parse(
      execFileSync("node", ["-e", script], { cwd: project!.dir, encoding: "utf8" }),
    ) as Record<string, string>;
    for (const [name, text] of Object.entries(out)) {
      const requires = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
      assert.deepEqual(
        requires,
        [`pulumi-jumpserver-tickets/dist/provider/resources/${name}.js`],
        `${name}: ${text}`,
      );
      assert.ok(!/lifecycle|JumpServer|function \//.test(text.replace(requires[0], "")), text);
    }
  });
});
