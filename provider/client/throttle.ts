// Client-side request budget: at most `limit` requests in any sliding `windowMs`, shared by every
// request of the process to one server as one identity. A sliding window (not a fixed rate) lets a
// small run go at full speed and still keeps a long run under JumpServer's per-user throttle
// (v4.10.16: 180/min), so a large `pulumi up` does not trip 429s in the first place.

export class SlidingWindow {
  private readonly sent: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly limit: number,
    readonly windowMs: number = 60_000,
  ) {}

  /** Resolves when one more request fits in the window; callers are served in arrival order. */
  acquire(): Promise<void> {
    if (this.limit <= 0) return Promise.resolve();
    const turn = this.queue.then(() => this.waitForSlot());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Pushes the window's start forward, e.g. after a 429 says the server's budget is spent. */
  pauseFor(ms: number): void {
    const until = Date.now() + ms;
    this.queue = this.queue.then(() => sleep(Math.max(0, until - Date.now())));
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = Date.now();
      while (this.sent.length > 0 && this.sent[0] <= now - this.windowMs) this.sent.shift();
      if (this.sent.length < this.limit) {
        this.sent.push(now);
        return;
      }
      await sleep(this.sent[0] + this.windowMs - now + 1);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
