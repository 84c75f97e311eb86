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

/** What the 429 layer needs of an answer. */
export interface ThrottledAnswer {
  status: number;
  headers?: Record<string, unknown> | { get?: unknown };
}

/**
 * The 429 layer, outside the retries of lost answers: a throttled answer comes before the view
 * runs (nothing happened), so it is waited out and sent again, for every method. The window pauses
 * for as long, so the process's other requests to that server wait too. `maxWaits` only bounds a
 * server that throttles forever: the last 429 is then returned.
 */
export async function waitOutThrottle<T extends ThrottledAnswer>(
  send: () => Promise<T>,
  budget: SlidingWindow,
  maxWaits: number,
): Promise<T> {
  for (let waits = 0; ; waits++) {
    const answer = await send();
    if (answer.status !== 429 || waits >= maxWaits) return answer;
    const seconds = retryAfterSeconds((answer.headers as Record<string, unknown>)?.["retry-after"]);
    const ms = (seconds ?? 1) * 1000 + Math.floor(Math.random() * 250);
    budget.pauseFor(ms);
    await sleep(ms);
  }
}

/** `Retry-After` in seconds (either form: a number of seconds, or an HTTP date). */
export function retryAfterSeconds(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = Number(v);
  if (Number.isFinite(n) && n >= 0) return n;
  const date = Date.parse(String(v));
  return Number.isFinite(date) ? Math.max(0, Math.ceil((date - Date.now()) / 1000)) : undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
