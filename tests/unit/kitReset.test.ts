// The real layer's reset of a kit server: asked again only while an autovacuum worker holds the
// database (CI saw this once on v4.10.19), with a stand-in reset.sh that prints what the kit's does.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { resetKitServer } from "../real/targets";

const AUTOVACUUM =
  "dropdb: error: database removal failed: ERROR:  must be a member of the role whose process is being terminated or member of pg_signal_backend";

const made: string[] = [];

/** A kit dir whose reset.sh fails with `failures[i]` on call i, then succeeds; it counts calls. */
function standInKit(failures: string[]): { kit: string; calls: () => number } {
  const kit = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-kit-"));
  made.push(kit);
  const count = path.join(kit, "calls");
  const cases = failures.map((msg, i) => `  ${i + 1}) echo '${msg}' >&2; exit 1 ;;`).join("\n");
  fs.writeFileSync(
    path.join(kit, "reset.sh"),
    `#!/usr/bin/env bash\nn=$(( $(cat "${count}" 2>/dev/null || echo 0) + 1 ))\necho $n > "${count}"\ncase $n in\n${cases}\nesac\necho "$1/target.json"\n`,
    { mode: 0o755 },
  );
  return { kit, calls: () => Number(fs.readFileSync(count, "utf8")) };
}

describe("the real layer's reset of a kit server", () => {
  const fast = { waitMs: 10 };
  after(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it("asks reset.sh again while an autovacuum worker holds the database", async () => {
    const { kit, calls } = standInKit([AUTOVACUUM, AUTOVACUUM]);
    await resetKitServer(kit, "/w", fast);
    assert.equal(calls(), 3);
  });

  it("fails at once on any other failure", async () => {
    const { kit, calls } = standInKit(["[kit] ERROR: another kit command is running on /w"]);
    await assert.rejects(resetKitServer(kit, "/w", fast), /another kit command is running/);
    assert.equal(calls(), 1);
  });

  it("gives up after its attempts, with the last failure", async () => {
    const { kit, calls } = standInKit([AUTOVACUUM, AUTOVACUUM, AUTOVACUUM]);
    await assert.rejects(resetKitServer(kit, "/w", { ...fast, attempts: 2 }), /pg_signal_backend/);
    assert.equal(calls(), 2);
  });
});
