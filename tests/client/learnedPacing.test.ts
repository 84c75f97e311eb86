// No knob to tune (issue #19): with `requestsPerMinute` left at "auto", the client sends at full
// speed until the server first answers 429, learns the server's limit from what it had sent in
// the trailing window, and paces itself by it for the rest of the process. Real HTTP against the
// sandbox's per-user throttle, with both windows shortened to 2 s so the test takes seconds.
import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { SlidingWindow } from "../../provider/client/throttle";
import { processState } from "../../provider/client/processState";
import type { JumpServerClient } from "../../provider/client/client";
import { client, sandbox } from "../support/sandbox";

const PROFILE = "/api/v1/users/profile/";

/** A client at the default pacing ("auto"), its window shortened to the server's 2 s. */
const autoClient = (sb: Sandbox) =>
  client(
    sb,
    "approver",
    "accessKey",
    { "jumpserver:requestsPerMinute": "auto" },
    {
      throttleWindowMs: 2000,
    },
  );
const burstOf = (c: JumpServerClient, n: number) =>
  Promise.all(Array.from({ length: n }, () => c.get(PROFILE, { org: null })));

describe("learned pacing: the client finds the server's limit from its 429s", function () {
  this.timeout(60_000);
  let sb: Sandbox;
  before(async () => (sb = await sandbox({ rateLimit: "20/2" })));
  after(async () => sb?.close());

  it("learns the limit at the first 429 and paces by it, probing above it ever more rarely", async () => {
    const c = autoClient(sb);
    const burst = (n: number) => burstOf(c, n);
    sb.resetStats();
    // A burst larger than the server allows: every request succeeds (the 429s are waited out).
    await burst(30);
    const first = sb.stats().byStatus["429"] ?? 0;
    assert.ok(first > 0, `the server throttled the first burst: ${JSON.stringify(sb.stats())}`);
    // From now on the client paces itself by what it learned. The only 429s left are its probes
    // (one request over the limit once a window has passed without a 429, in case the limit was a
    // share of a budget others spent): the first a window after the last 429, the next two
    // windows after that, so at most two in these two windows and a bit.
    sb.resetStats();
    const started = Date.now();
    await burst(45);
    const s = sb.stats();
    assert.ok((s.byStatus["429"] ?? 0) <= 2, JSON.stringify(s.byStatus));
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

  it("learns what the server accepted in the trailing window: answers in flight raise it, a later 429 never lowers it", () => {
    const w = new SlidingWindow("auto", 60_000);
    const t0 = 1_000_000;
    w.learnFromThrottle(t0 - 5); // a 429 before anything of ours was accepted: others spent it
    assert.equal(w.limit, Infinity, "a 429 that meets none of ours teaches no limit");
    for (let i = 0; i < 8; i++) w.noteServed(t0 + i, t0 + i + 5);
    w.learnFromThrottle(t0 + 10); // 8 accepted when the first 429 came
    assert.equal(w.limit, 8);
    // Two answers that were still in flight (sent before the 429): the server accepted 10.
    w.noteServed(t0 + 8, t0 + 11);
    w.noteServed(t0 + 9, t0 + 12);
    assert.equal(w.limit, 10);
    // A minute later, a 429 with none of ours in the window: another process spends the budget.
    w.learnFromThrottle(t0 + 61_000);
    assert.equal(w.limit, 10);
  });
});

// Stacks run side by side (one `pulumi up` per team or environment) often sign in as one user, so
// their processes spend one budget on the server, and each sees only its own requests. A 429 that
// comes while this process sent few of the window's requests says nothing about the server's
// limit: learning from it would pace the process by its share at that moment, for good.
describe("learned pacing when other processes spend the same user's budget", function () {
  this.timeout(60_000);
  let sb: Sandbox;
  before(async () => (sb = await sandbox({ rateLimit: "20/2" })));
  after(async () => sb?.close());

  /** A client with a budget of its own, as a separate provider process has. */
  function processOf(): { c: JumpServerClient; budget: SlidingWindow } {
    processState().budgets.clear();
    const c = autoClient(sb);
    const budget = [...processState().budgets.values()][0];
    processState().budgets.clear();
    return { c, budget };
  }

  it("a process that starts when another has spent the budget is not paced by the 429 it meets first", async () => {
    const a = processOf();
    const b = processOf();
    await burstOf(a.c, 20); // the server's whole window
    sb.resetStats();
    await burstOf(b.c, 10);
    assert.ok((sb.stats().byStatus["429"] ?? 0) > 0, "b met a spent budget");
    // b was throttled with nothing of its own accepted: that teaches no limit. It waited for the
    // window, then the server took its 10 at once; a limit learned from that 429 would be 1.
    assert.ok(b.budget.limit >= 10, `b paces at ${b.budget.limit} requests a window`);
    const started = Date.now();
    await burstOf(b.c, 10);
    // Once a's requests are gone, b is paced by what the server takes, not by its share.
    assert.ok(Date.now() - started < 6_000, `${Date.now() - started} ms for 10 requests`);
  });

  it("a later 429 that comes while others spend the budget does not lower the limit, and a process alone again takes what the server allows", async () => {
    await new Promise((r) => setTimeout(r, 2100)); // the first case's requests leave the window
    const a = processOf();
    const b = processOf();
    // a spends 16 of the 20; b, starting then, gets 4 through and learns about that as its limit.
    await burstOf(a.c, 16);
    await burstOf(b.c, 8);
    const share = b.budget.limit;
    assert.ok(share >= 1 && share <= 8, `b learned its share: ${share}`);
    // a is done; b alone sends 60 more. The server takes 20 every 2 s, so about 6 s; paced by its
    // share it would take 60 / share windows (15 at a share of 4).
    sb.resetStats();
    const started = Date.now();
    await burstOf(b.c, 60);
    const took = Date.now() - started;
    assert.equal(sb.stats().byStatus["200"], 60);
    assert.ok(b.budget.limit > share, `b's limit grew from ${share} to ${b.budget.limit}`);
    assert.ok(
      took < (60 / share) * 2000 - 1000,
      `${took} ms for 60 requests at a share of ${share}`,
    );
  });
});
