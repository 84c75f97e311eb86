// The schema the plugin answers GetSchema with: dist/schema.json, generated at build time from the
// field tables and the settings (scripts/plugin-schema.ts), shipped in the package.
import * as fs from "node:fs";
import * as path from "node:path";

/** This package's root: the nearest folder up with its package.json (dist/ and source alike). */
function packageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (
      fs.existsSync(file) &&
      JSON.parse(fs.readFileSync(file, "utf8")).name === "pulumi-jumpserver-tickets"
    )
      return dir;
    if (path.dirname(dir) === dir)
      throw new Error(`no pulumi-jumpserver-tickets package above ${__dirname}`);
  }
}

export const SCHEMA_FILE = path.join(packageRoot(), "dist", "schema.json");

/** The plugin's version: the npm package's. */
export const PLUGIN_VERSION: string = JSON.parse(
  fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8"),
).version;

export function pluginSchema(): string {
  try {
    return fs.readFileSync(SCHEMA_FILE, "utf8");
  } catch {
    throw new Error(`${SCHEMA_FILE} is missing: run \`npm run build\``);
  }
}
