// Preloaded with `node --require` (NODE_OPTIONS) to run suites as if today were another day:
// JMS_CLOCK_SHIFT_DAYS moves Date.now() and `new Date()` (and so every child Node process that
// inherits NODE_OPTIONS); the clock still runs. Plain JavaScript, so it loads before ts-node.
"use strict";
const days = Number(process.env.JMS_CLOCK_SHIFT_DAYS ?? 0);
if (!Number.isFinite(days)) throw new Error(`JMS_CLOCK_SHIFT_DAYS must be a number of days`);
if (days !== 0 && !globalThis.Date.shiftedDays) {
  const RealDate = globalThis.Date;
  const offset = days * 86_400_000;
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  ShiftedDate.shiftedDays = days;
  globalThis.Date = ShiftedDate;
}
