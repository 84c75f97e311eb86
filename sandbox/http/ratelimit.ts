// DRF's SimpleRateThrottle, per user (or per address when anonymous): a sliding window log;
// a refused request answers how long until the oldest one leaves the window.

export function parseRateLimit(
  text: string | undefined,
  fallback: [number, number] | null,
): [number, number] | null {
  if (text === undefined) return fallback;
  if (text === "off" || text === "0") return null;
  const m = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) <= 0)
    throw new Error(`rateLimit must be "N/SECONDS" (e.g. "180/60") or "off", got "${text}"`);
  return [Number(m[1]), Number(m[2])];
}

export class RateLimiter {
  private readonly history = new Map<string, number[]>();

  constructor(private readonly rate: [number, number] | null) {}

  /** Record a request; returns seconds to wait when it is over the limit, else null. */
  hit(key: string, now = Date.now()): number | null {
    if (!this.rate) return null;
    const [limit, seconds] = this.rate;
    const windowMs = seconds * 1000;
    const list = (this.history.get(key) ?? []).filter((t) => t > now - windowMs);
    if (list.length >= limit) {
      this.history.set(key, list);
      return Math.max(1, Math.ceil((list[0] + windowMs - now) / 1000));
    }
    list.push(now);
    this.history.set(key, list);
    return null;
  }
}
