// The committed SDKs (sdk/) are what `npm run gen:sdks` makes from the plugin's schema now: a field
// table edited without regenerating fails here, first without Go (the schema they were made from),
// then with the generator itself (every generated file).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  SDK_LANGUAGES,
  SDK_ROOT,
  findGensdk,
  generateSdks,
  readTree,
  schemaText,
} from "../../scripts/gen-sdks";
import { generateSchema } from "../../scripts/plugin-schema";

const REGENERATE = "run `npm run gen:sdks` and commit sdk/ (docs/sdks.md)";

describe("the committed SDKs (sdk/)", function () {
  this.timeout(120_000);

  it("were made from the plugin's schema as the field tables describe it now", function () {
    const committed = fs.readFileSync(path.join(SDK_ROOT, "schema.json"), "utf8");
    assert.ok(
      committed === schemaText(),
      `sdk/schema.json is not the plugin's schema: ${REGENERATE}`,
    );
  });

  it("are exactly what the SDK generator makes from that schema", function () {
    const gensdk = findGensdk();
    if ("reason" in gensdk) {
      console.log(`SKIP sdks: no SDK generator: ${gensdk.reason}`);
      this.skip();
    }
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-sdks-"));
    try {
      generateSdks(generateSchema(), out, (gensdk as { bin: string }).bin);
      for (const language of SDK_LANGUAGES) {
        const fresh = readTree(path.join(out, language));
        const committed = readTree(path.join(SDK_ROOT, language));
        assert.ok(fresh.size > 0, `the generator wrote no ${language} SDK`);
        const differing = [...new Set([...fresh.keys(), ...committed.keys()])].filter(
          (f) => fresh.get(f) !== committed.get(f),
        );
        assert.deepEqual(differing, [], `sdk/${language} is stale in these files: ${REGENERATE}`);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
