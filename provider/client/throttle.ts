// Client-side request budget: at most `limit` requests in any sliding `windowMs`, shared by every
// request of the process to one server as one identity. A sliding window (not a fixed rate) lets a
// small run go at full speed and still keeps a long run under JumpServer's per-user throttle.
//
// With no cap configured ("auto", the default) the window learns the limit from the server, as
// octokit's plugin-throttling does: no pacing until the first 429; then the limit is how many of
// this process's requests the server accepted in the trailing window (DRF's per-user history is a
// sliding window too: v4.10.16 180/min, v4.10.19 4096/min, v3.10.23 none), and the process paces
// itself by it from then on. Answers still in flight at that 429 raise it to what the server
// accepted. An explicit `requestsPerMinute` is a fixed cap; 0 turns pacing off.
//
// Stacks run side by side often sign in as one user, so their processes spend one budget and each
// sees only its own requests. A 429 then says the budget is spent, not what it is: a 429 that
// meets less than the learned limit of ours in the window (or none) lowers nothing and is only
// waited out; a process that learned its share at the first 429 stays below what the server
// allows once the others are done. So once a whole window has passed without a 429, a process
// held back by its limit lets one request more go: accepted, it raises the limit (and the next
// may go too); answered 429, it costs that one answer, whose Retry-After is about the wait the
// window would have made anyway, and the next probe waits twice as long (up to 8 windows), so a
// process alone at the server's limit sees a 429 at the first, third, seventh... window.

export class SlidingWindow {
  private readonly sent: number[] = [];
  /** When the server accepted (answered other than 429) each of the window's requests. */
  private readonly served: number[] = [];
  private queue: Promise<void> = Promise.resolve();
  private learned: number | undefined;
  /** When the last 429 came, and how long after it a probe may go (see the top). */
  private lastThrottled = -Infinity;
  private probeAfterMs: number;

  constructor(
    /** The cap: a number of requests per window, "auto" (learned from 429s), or 0 (none). */
    readonly cap: number | "auto",
    readonly windowMs: number = 60_000,
  ) {
    this.probeAfterMs = windowMs;
  }

  /** The requests allowed per window now (Infinity while none is known). */
  get limit(): number {
    if (this.cap === "auto") return this.learned ?? Infinity;
    return this.cap <= 0 ? Infinity : this.cap;
  }

  /**
   * An answer other than 429 to a request let go at `sentAt`: the server accepted it in its window
   * (it counts requests as they arrive, which on the way out is when they were let go).
   */
  noteServed(sentAt: number, now = Date.now()): void {
    if (this.cap !== "auto") return;
    let i = this.served.length;
    while (i > 0 && this.served[i - 1] > sentAt) i--;
    this.served.splice(i, 0, sentAt);
    const accepted = this.acceptedSince(now);
    if (this.learned !== undefined && accepted > this.learned) {
      this.learned = accepted;
      this.probeAfterMs = this.windowMs;
    }
  }

  /**
   * A 429: in "auto", what the server accepted of ours in the trailing window is its limit, unless
   * fewer than that (or none) were ours: then others spend this budget too, and it teaches nothing.
   */
  learnFromThrottle(now = Date.now()): void {
    if (this.cap !== "auto") return;
    // After a quiet spell this 429 answered a probe, or others started spending: probe less often.
    if (this.learned !== undefined && now - this.lastThrottled >= this.probeAfterMs)
      this.probeAfterMs = Math.min(this.probeAfterMs * 2, this.windowMs * 8);
    this.lastThrottled = now;
    const accepted = this.acceptedSince(now);
    if (accepted > (this.learned ?? 0)) this.learned = accepted;
  }

  private acceptedSince(now: number): number {
    while (this.served.length > 0 && this.served[0] <= now - this.windowMs) this.served.shift();
    return this.served.length;
  }

  /**
   * Resolves, with the time it was let go, when one more request fits in the window; callers are
   * served in arrival order.
   */
  acquire(): Promise<number> {
    if (this.cap === 0 || (typeof this.cap === "number" && this.cap < 0))
      return Promise.resolve(Date.now());
    const turn = this.queue.then(() => this.waitForSlot());
    this.queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /** Pushes the window's start forward, e.g. after a 429 says the server's budget is spent. */
  pauseFor(ms: number): void {
    const until = Date.now() + ms;
    this.queue = this.queue.then(() => sleep(Math.max(0, until - Date.now())));
  }

  /**
   * A request leaves the server's window a little later than it leaves ours: it arrives there
   * after it is let go here (signing, the network). Wait that much longer, or the boundary 429s.
   */
  private get margin(): number {
    return Math.max(50, this.windowMs * 0.02);
  }

  private async waitForSlot(): Promise<number> {
    for (;;) {
      const now = Date.now();
      const leftAt = now - this.windowMs - this.margin;
      while (this.sent.length > 0 && this.sent[0] <= leftAt) this.sent.shift();
      if (this.sent.length < this.limit || this.mayProbe(now)) {
        this.sent.push(now);
        return now;
      }
      // The oldest request leaves the window first; wait for as many as must leave.
      const leave = this.sent.length - this.limit;
      const untilProbe = this.lastThrottled + this.probeAfterMs - now;
      await sleep(
        Math.min(
          this.sent[leave] + this.windowMs + this.margin - now + 1,
          // ...or until a probe may go, or (one in flight) its answer may have raised the limit.
          this.learned === undefined ? Infinity : untilProbe > 0 ? untilProbe + 1 : 100,
        ),
      );
    }
  }

  /** A learned limit may be a share of a budget others have stopped spending: see the top. */
  private mayProbe(now: number): boolean {
    return (
      this.cap === "auto" &&
      this.learned !== undefined &&
      now - this.lastThrottled >= this.probeAfterMs &&
      this.sent.length <= this.limit
    );
  }
}

/** What the 429 layer needs of an answer. */
export interface ThrottledAnswer {
  status: number;
  headers?: Record<string, unknown> | { get?: unknown };
  /** The request, with the time the budget let it go (set by the client's interceptor). */
  config?: object;
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
    const sentAt = (answer.config as { sentAt?: number } | undefined)?.sentAt;
    if (answer.status !== 429) budget.noteServed(sentAt ?? Date.now());
    if (answer.status !== 429 || waits >= maxWaits) return answer;
    const seconds = retryAfterSeconds((answer.headers as Record<string, unknown>)?.["retry-after"]);
    const ms = (seconds ?? 1) * 1000 + Math.floor(Math.random() * 250);
    budget.learnFromThrottle();
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
