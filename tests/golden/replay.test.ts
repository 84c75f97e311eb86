// Issue #8: every exchange of every golden transcript (recorded from real JumpServer servers: a
// fixed scenario, and the provider's own traffic of the real layer) is answered by a fresh sandbox
// in that version's mode the way the real server answered it.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { FIXTURES, formatReport, loadTranscript, replay } from "./replay-engine";
import { EXCEPTIONS } from "./exceptions";

const transcripts = fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".jsonl"))
  .sort();

describe("golden replay", function () {
  this.timeout(60_000);

  it("has the verified transcripts: a fixed scenario and the provider's own traffic, per version", () => {
    assert.deepEqual(transcripts, [
      "jumpserver-v3.10.23-strategy.jsonl",
      "jumpserver-v4.10.16-selector.jsonl",
      "jumpserver-v4.10.19-selector.jsonl",
      // recorded by `npm run test:real -- --record` through the proxy (docs/real-servers.md)
      "provider-v3.10.23-strategy.jsonl",
      "provider-v4.10.16-selector.jsonl",
      // against a multi-org (Enterprise-like) kit server, replayed in orgs: "enterprise"
      "provider-v4.10.19-multiorg-default.jsonl",
      "provider-v4.10.19-selector.jsonl",
    ]);
  });

  it("holds no credential in the recorded provider traffic", () => {
    // (The fixed scenarios send a wrong password on purpose.)
    for (const file of transcripts.filter((f) => f.startsWith("provider-"))) {
      const text = fs.readFileSync(path.join(FIXTURES, file), "utf8");
      assert.doesNotMatch(text, /"(password|privateToken|secret|token)":"(?!<redacted>)[^"]/, file);
      assert.doesNotMatch(text, /Signature keyId|Authorization/i, file);
    }
  });

  for (const file of transcripts) {
    it(`matches every exchange of ${file}`, async () => {
      const report = await replay(path.join(FIXTURES, file));
      const total = loadTranscript(path.join(FIXTURES, file)).exchanges.length;
      assert.equal(report.results.length, total);
      assert.equal(report.counts.differ, 0, formatReport(report, 20));
    });
  }

  it("lists only exchanges where the real server answered 500", () => {
    for (const e of EXCEPTIONS) {
      const { exchanges } = loadTranscript(path.join(FIXTURES, e.transcript));
      const ex = exchanges.find((x) => x.line === e.exchange);
      assert.ok(ex, `${e.transcript} has no exchange #${e.exchange}`);
      assert.equal(ex.status, 500, `${e.transcript} #${e.exchange} is not a 500`);
      assert.ok(e.reason.length > 20, "each exception says why");
    }
  });

  it("can fail: a v4.10.16 transcript replayed in v4.10.19 mode differs", async () => {
    const report = await replay(path.join(FIXTURES, "jumpserver-v4.10.16-selector.jsonl"), {
      dialect: "selector",
      errors: "conflict",
    });
    assert.ok(report.counts.differ > 20, formatReport(report, 1));
    const closeTwice = report.results.find((r) => r.exchange.line === 55);
    assert.ok(closeTwice?.problems.some((p) => p.includes("expected 400, got 409")));
  });
});
