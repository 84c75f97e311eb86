// Regenerates the committed SDKs of the provider plugin (docs/sdks.md) from its schema:
//
//   npm run gen:sdks      (needs Go, for scripts/gensdk; `node scripts/ensure-pulumi-tools.js gensdk`)
//
// sdk/schema.json   the plugin's schema the SDKs below were made from (scripts/plugin-schema.ts)
// sdk/python/       pip package pulumi_jumpserver_tickets
// sdk/nodejs/       npm package @pulumi-jumpserver-tickets/sdk (TypeScript; `npm run release` builds it)
// sdk/go/           Go module of github.com/pulumi-jumpserver-tickets/sdk/go/jumpserver
//
// tests/e2e/sdks.test.ts fails when they are stale.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findTool } from "../tests/e2e/pulumiTools";
import { generateSchema, type PulumiSchema } from "./plugin-schema";

export const SDK_ROOT = path.resolve(__dirname, "..", "sdk");
export const SDK_LANGUAGES = ["python", "nodejs", "go"] as const;
export type SdkLanguage = (typeof SDK_LANGUAGES)[number];

/** The schema file as committed: the plugin's schema, byte for byte as scripts/plugin-schema.ts writes it. */
export function schemaText(schema: PulumiSchema = generateSchema()): string {
  return JSON.stringify(schema, null, 2) + "\n";
}

/**
 * What the code generators get: the plugin's schema in "pack" mode, which makes the Go generator
 * write the module's go.mod (without it the Go SDK is a folder no `replace` can point at). Only
 * code generation reads `meta`; the plugin serves its schema unchanged.
 */
function forCodegen(schema: PulumiSchema): PulumiSchema {
  return { ...schema, meta: { ...(schema.meta as object | undefined), supportPack: true } };
}

/** Runs gensdk for each language into `outRoot/<language>` (each must not exist or be empty). */
export function generateSdks(schema: PulumiSchema, outRoot: string, gensdk: string): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-gensdk-"));
  try {
    const schemaFile = path.join(tmp, "schema.json");
    fs.writeFileSync(schemaFile, JSON.stringify(forCodegen(schema), null, 2));
    for (const language of SDK_LANGUAGES) {
      execFileSync(gensdk, [language, schemaFile, path.join(outRoot, language)], {
        stdio: ["ignore", "inherit", "inherit"],
      });
    }
    fs.writeFileSync(path.join(outRoot, "schema.json"), schemaText(schema));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Every file under `dir`, as relative paths (sorted), with its contents. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      // Build outputs of the SDKs themselves (npm run release), never generated.
      if (entry.isDirectory() && ["node_modules", "bin", "build"].includes(entry.name)) continue;
      if (entry.isDirectory() && entry.name.endsWith(".egg-info")) continue;
      if (entry.isDirectory()) walk(child);
      else out.set(child, fs.readFileSync(path.join(dir, child), "utf8"));
    }
  };
  if (fs.existsSync(dir)) walk("");
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** The gensdk binary recorded by scripts/ensure-pulumi-tools.js, or why there is none. */
export function findGensdk(): { bin: string } | { reason: string } {
  const found = findTool("gensdk");
  return "reason" in found ? found : { bin: path.join(found.binDir, "gensdk") };
}

function main(): void {
  const gensdk = findGensdk();
  if ("reason" in gensdk) {
    console.error(
      `no SDK generator: ${gensdk.reason}\nrun \`node scripts/ensure-pulumi-tools.js gensdk\` (needs Go)`,
    );
    process.exit(1);
  }
  const staged = fs.mkdtempSync(path.join(path.dirname(SDK_ROOT), ".sdk-"));
  try {
    generateSdks(generateSchema(), staged, gensdk.bin);
    // Swap the whole tree: a file the generator no longer writes must not linger.
    fs.rmSync(SDK_ROOT, { recursive: true, force: true });
    fs.renameSync(staged, SDK_ROOT);
  } finally {
    fs.rmSync(staged, { recursive: true, force: true });
  }
  console.log(`wrote ${path.relative(process.cwd(), SDK_ROOT)}/ (${SDK_LANGUAGES.join(", ")})`);
}

if (require.main === module) main();
