// How long before a grant ends `preview`, `up` and the report warn about it: a number of days
// (`jumpserver:expiryWarningDays`), or hours or a duration (`jumpserver:expiryWarningHours`, "36h"),
// for grants of a few hours that a whole day's window would warn about from the start or not at all.
import { parseHours } from "./durations";

export const DEFAULT_WARNING_DAYS = 7;

/** One setting's raw text and the name to give it in a failure. */
export interface WindowSetting {
  name: string;
  value: string | undefined;
}

/** The warning window in days (fractional for hours), from the first of `sources` that is set, else 7. */
export function warningWindowDays(
  sources: Array<{ days?: WindowSetting; hours?: WindowSetting }>,
): number {
  const set = (s?: WindowSetting) =>
    s !== undefined && s.value !== undefined && String(s.value).trim() !== "";
  for (const { days, hours } of sources) {
    if (set(days) && set(hours)) {
      throw new Error(
        `${days!.name} and ${hours!.name} are both set; keep one (the warning window is one length of time)`,
      );
    }
    if (set(hours)) {
      const h = parseHours(String(hours!.value));
      if (h === undefined)
        throw new Error(
          `${hours!.name} must be a number of hours or a duration such as "36h" or "1d12h", got "${hours!.value}"`,
        );
      return h / 24;
    }
    if (set(days)) {
      const v = String(days!.value).trim();
      if (!/^\d+(\.\d+)?$/.test(v))
        throw new Error(`${days!.name} must be a whole number of days, got "${days!.value}"`);
      return Number(v);
    }
  }
  return DEFAULT_WARNING_DAYS;
}

/** The window in words: "7 days", "36 hours". */
export function windowInWords(days: number): string {
  if (days === 0) return "off";
  const hours = Math.round(days * 24 * 100) / 100;
  return Number.isInteger(days) ? `${days} day${days === 1 ? "" : "s"}` : `${hours} hours`;
}
