// The proof that a clock shift reached a process. tests/clock/clockAhead.test.ts runs this file in
// a child mocha with JMS_CLOCK_SHIFT_DAYS set and tests/clock/shiftClock.js preloaded, and checks
// that it passed there; in any other run it is skipped, saying why.
import { strict as assert } from "node:assert";
import { performance } from "node:perf_hooks";

const DAY_MS = 86_400_000;

describe("clock shift (JMS_CLOCK_SHIFT_DAYS)", () => {
  it("moves Date.now() and new Date() by JMS_CLOCK_SHIFT_DAYS days", function () {
    const days = Number(process.env.JMS_CLOCK_SHIFT_DAYS ?? 0);
    if (!days) {
      console.log(
        "      skipped: JMS_CLOCK_SHIFT_DAYS is not set (tests/clock/clockAhead.test.ts sets it)",
      );
      this.skip();
    }
    // The real time, from a clock the preload does not touch.
    const real = performance.timeOrigin + performance.now();
    const ahead = (Date.now() - real) / DAY_MS;
    assert.ok(
      Math.abs(ahead - days) < 0.01,
      `Date.now() is ${ahead.toFixed(3)} days ahead, not ${days}`,
    );
    const ahead2 = (new Date().getTime() - real) / DAY_MS;
    assert.ok(Math.abs(ahead2 - days) < 0.01, `new Date() is ${ahead2.toFixed(3)} days ahead`);
  });
});
