// Lengths of time as people write them in stack config: a number of hours ("36", "0.5") or a
// duration ("36h", "1d12h", "90m", "2d"). Used where a window is shorter than a day matters
// (expiry warnings for grants of a few hours, break-glass windows).

const UNIT_HOURS: Record<string, number> = { d: 24, h: 1, m: 1 / 60 };

/** Hours in `text` (a plain number is hours), or undefined when it is no length of time ≥ 0. */
export function parseHours(text: string): number | undefined {
  const t = String(text).trim().toLowerCase();
  if (t === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const parts = /^(?:(\d+(?:\.\d+)?)d)?(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?$/.exec(t);
  if (!parts || t === "") return undefined;
  const [, d, h, m] = parts;
  if (d === undefined && h === undefined && m === undefined) return undefined;
  return (
    Number(d ?? 0) * UNIT_HOURS.d + Number(h ?? 0) * UNIT_HOURS.h + Number(m ?? 0) * UNIT_HOURS.m
  );
}

export const HOUR_MS = 3_600_000;

/** "5 hours", "1 hour", "3 days", "under an hour": how long is left, in words. */
export function inWords(ms: number): string {
  if (ms < HOUR_MS) return "under an hour";
  const hours = Math.floor(ms / HOUR_MS);
  if (hours < 48) return `${hours} hour${hours === 1 ? "" : "s"}`;
  const days = Math.floor(hours / 24);
  return `${days} days`;
}
