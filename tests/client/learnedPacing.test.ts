// No knob to tune (issue #19): with `requestsPerMinute` left at "auto", the client sends at full
// speed until the server first answers 429, learns the server's limit from what it had sent in
// the trailing window, and paces itself by it for the rest of the process. Real HTTP against the
// sandbox's per-user throttle, with both windows shortened to 2 s so the test takes seconds.
import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { SlidingWindow } from "../../provider/client/throttle";
import { client, sandbox } from "../support/sandbox";

const PROFILE = "/api/v1/users/profile/";

describe("learned pacing: the client finds the server's limit from its 429s", function () {
  this.timeout(60_000);
  let sb: Sandbox;
  before(async () => (sb = await sandbox({ rateLimit: "20/2" })));
  after(async () => sb?.close());

  it("learns the limit at the first 429 and is not throttled again", async () => {
    const c = client(
      sb,
      "approver",
      "accessKey",
      { "jumpserver:requestsPerMinute": "auto" },
      {
        throttleWindowMs: 2000,
      },
    );
    const burst = (n: number) =>
      Promise.all(Array.from({ length: n }, () => c.get(PROFILE, { org: null })));
    sb.resetStats();
    // A burst larger than the server allows: every request succeeds (the 429s are waited out).
    await burst(30);
    const first = sb.stats().byStatus["429"] ?? 0;
    assert.ok(first > 0, `the server throttled the first burst: ${JSON.stringify(sb.stats())}`);
    // From now on the client paces itself by what it learned: no more 429s.
    sb.resetStats();
    const started = Date.now();
    await burst(45);
    const s = sb.stats();
    assert.equal(s.byStatus["429"] ?? 0, 0, JSON.stringify(s.byStatus));
    assert.equal(s.byStatus["200"], 45);
    // ...and no slower than the server's own limit demands (45 at 20 per 2 s: two windows).
    assert.ok(Date.now() - started < 9_000, `${Date.now() - started} ms`);
  });

  it("an explicit cap is kept as it is, and 0 turns pacing off", () => {
    const capped = new SlidingWindow(5, 1000);
    capped.learnFromThrottle();
    assert.equal(capped.limit, 5);
    assert.equal(new SlidingWindow(0).limit, Infinity);
    const auto = new SlidingWindow("auto", 1000);
    assert.equal(auto.limit, Infinity, "nothing known before a 429");
  });

  it("learns what the server accepted in the trailing window: answers in flight raise it, a later 429 lowers it", () => {
    const w = new SlidingWindow("auto", 60_000);
    const t0 = 1_000_000;
    for (let i = 0; i < 8; i++) w.noteServed(t0 + i, t0 + i + 5);
    w.learnFromThrottle(t0 + 10); // 8 accepted when the first 429 came
    assert.equal(w.limit, 8);
    // Two answers that were still in flight (sent before the 429): the server accepted 10.
    w.noteServed(t0 + 8, t0 + 11);
    w.noteServed(t0 + 9, t0 + 12);
    assert.equal(w.limit, 10);
    w.learnFromThrottle(t0 + 61_000); // a minute later, 0 accepted in the window: at least 1
    assert.equal(w.limit, 1);
  });
});
