// `npm run bench -- --only serialized`: the size of the serialized provider, as users get it.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { createScratchProject, packThisPackage } from "../../tests/e2e/scratchProject";
import { table } from "./table";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..", "..");

export const SERIALIZE_JS = `
const pulumi = require("@pulumi/pulumi");
const pkg = require("pulumi-jumpserver-tickets");
(async () => {
  const out = {};
  for (const [name, provider] of [["TicketFlow", pkg.ticketFlowProvider], ["AssetAccessTicket", pkg.assetAccessTicketProvider]]) {
    out[name] = (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;

/**
 * Runs `measure` with the AssetAccessTicket provider as users get it: serialized in a scratch
 * project that installed the packed package (318 bytes, one require()). The in-repo provider
 * serialized by value is about 180 KB, which every gRPC call carries: timing that would measure
 * the harness, not the provider.
 */
export async function withInstalledProvider<T>(
  measure: (installed: { text: string; cwd: string }) => Promise<T>,
): Promise<T> {
  const project = await createScratchProject({
    program: 'import "pulumi-jumpserver-tickets";\n',
    files: { "serialize.js": SERIALIZE_JS },
  });
  try {
    const texts = JSON.parse(
      (await run("node", ["serialize.js"], { cwd: project.dir, maxBuffer: 1 << 26 })).stdout,
    ) as Record<string, string>;
    return await measure({ text: texts.AssetAccessTicket, cwd: project.dir });
  } finally {
    project.cleanup();
  }
}

/**
 * The provider text each resource stores (`__provider`), installed from the packed package, and
 * whether a second version that changes only logic serializes to the same bytes.
 */
export async function serializedSize(): Promise<Record<string, unknown>> {
  const project = await createScratchProject({
    program: 'import "pulumi-jumpserver-tickets";\n',
    files: { "serialize.js": SERIALIZE_JS },
  });
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-bench-copy-"));
  try {
    const serialize = async () =>
      JSON.parse(
        (await run("node", ["serialize.js"], { cwd: project.dir, maxBuffer: 1 << 26 })).stdout,
      ) as Record<string, string>;
    const v1 = await serialize();
    // A second version that differs only in provider logic: a temporary copy of the repo with a
    // comment added to a lifecycle file and the version bumped, built and packed there.
    for (const entry of [
      "package.json",
      "tsconfig.json",
      "tsconfig.build.json",
      "index.ts",
      "provider",
      "sandbox",
      "README.md",
      "docs",
    ]) {
      const from = path.join(ROOT, entry);
      if (fs.existsSync(from)) fs.cpSync(from, path.join(copy, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
    const lifecycle = path.join(copy, "provider", "lifecycle", "assetAccessTicket.ts");
    fs.appendFileSync(
      lifecycle,
      "\n// bench: a later version whose logic changed\nexport const BENCH_CHANGED = true;\n",
    );
    const pkgFile = path.join(copy, "package.json");
    const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { version: string };
    pkg.version = `${pkg.version}-bench.1`;
    fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + "\n");
    await run(
      process.execPath,
      [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
      { cwd: copy },
    );
    const { stdout } = await run(
      "npm",
      ["pack", "--json", "--ignore-scripts", "--pack-destination", copy],
      { cwd: copy },
    );
    const tarball2 = path.join(copy, (JSON.parse(stdout) as { filename: string }[])[0].filename);
    await run("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--offline", tarball2], {
      cwd: project.dir,
    });
    const v2 = await serialize();
    const rows = Object.keys(v1).map((name) => ({
      resource: name,
      bytes: Buffer.byteLength(v1[name]),
      identicalAcrossVersions: v1[name] === v2[name],
      requiresInstalledPackage: /require\("pulumi-jumpserver-tickets\//.test(v1[name]),
    }));
    const tarball1 = await packThisPackage();
    table(
      `Serialized provider (__provider) when installed from ${path.basename(tarball1)}; second version ${pkg.version} changes a lifecycle file`,
      ["resource", "bytes", "byte-identical across versions", "logic loaded by require()"],
      rows.map((r) => [
        r.resource,
        r.bytes,
        String(r.identicalAcrossVersions),
        String(r.requiresInstalledPackage),
      ]),
    );
    return { tarball: path.basename(tarball1), secondVersion: pkg.version, rows };
  } finally {
    project.cleanup();
    fs.rmSync(copy, { recursive: true, force: true });
  }
}
