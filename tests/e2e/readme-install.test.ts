// The README's install line, run as a new user runs it, in an empty project: the package is not on
// the npm registry, so the README installs the tarball `npm pack` makes. The installed package
// loads, and carries the provider plugin's launcher and schema.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { packThisPackage } from "./scratchProject";

const run = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The first `npm install` command line of the README's "Install and use" section. */
function readmeInstallLine(): string {
  const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Install and use"));
  const line = section.split("\n").find((l) => l.startsWith("npm install "));
  assert.ok(line, "the README's install section has no `npm install` line");
  return line;
}

describe("e2e: the README's install line, from an empty project", function () {
  this.timeout(300_000);
  let dir: string | undefined;
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it("installs a package that loads, with the plugin in bin/ and its schema", async function () {
    const line = readmeInstallLine();
    // Only what `npm pack` makes can be installed before a release: never the bare name.
    const args = line.split(/\s+/).slice(2);
    const tarballArg = args.find((a) => a.endsWith(".tgz"));
    assert.ok(tarballArg, `the README installs no tarball: ${line}`);
    assert.ok(args.includes("@pulumi/pulumi"), `the README's line lacks the peer: ${line}`);

    const tarball = await packThisPackage();
    assert.equal(path.basename(tarball), path.basename(tarballArg), "npm pack names it otherwise");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-readme-"));
    fs.copyFileSync(tarball, path.join(dir, path.basename(tarball)));
    fs.writeFileSync(path.join(dir, "package.json"), '{ "name": "new-user", "private": true }\n');
    const pinned = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"))
      .devDependencies["@pulumi/pulumi"] as string;
    // The README's arguments, with @pulumi/pulumi at the version this repo is tested with (so
    // npm's cache serves it); offline first, the registry only for what the cache lacks.
    const install = [
      "install",
      ...args.map((a) => (a === "@pulumi/pulumi" ? `@pulumi/pulumi@${pinned}` : a)),
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
    ];
    await run("npm", [...install, "--offline"], { cwd: dir }).catch(() =>
      run("npm", [...install, "--prefer-offline"], { cwd: dir }),
    );

    const installed = path.join(dir, "node_modules", "pulumi-jumpserver-tickets");
    assert.ok(!fs.lstatSync(installed).isSymbolicLink(), "a link, not an installed copy");
    const { stdout } = await run(
      process.execPath,
      ["-e", 'console.log(Object.keys(require("pulumi-jumpserver-tickets")).sort().join(","))'],
      { cwd: dir },
    );
    for (const name of ["AssetAccessTicket", "TicketApproval", "TicketFlow"])
      assert.ok(stdout.trim().split(",").includes(name), `no ${name} export: ${stdout}`);
    const launcher = path.join(installed, "bin", "pulumi-resource-jumpserver");
    fs.accessSync(launcher, fs.constants.X_OK);
    const schema = JSON.parse(fs.readFileSync(path.join(installed, "dist", "schema.json"), "utf8"));
    assert.equal(schema.name, "jumpserver");
  });
});
