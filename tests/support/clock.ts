// Dates for test inputs, relative to the clock, so no suite depends on today's date (#26).
// Read once per process: a test's inputs stay the same between two `pulumi up`s, and a suite
// run just before midnight UTC does not see its dates move under it.
const DAY_MS = 86_400_000;

/** Midnight UTC of the day this process started, in milliseconds. */
export const TODAY = Math.floor(Date.now() / DAY_MS) * DAY_MS;

/** The instant `days` whole days (plus `hours`) from today's midnight UTC, as ISO-8601 UTC in whole seconds. */
export function daysFromNow(days: number, hours = 0): string {
  return new Date(TODAY + days * DAY_MS + hours * 3_600_000)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z");
}

/** The calendar day (YYYY-MM-DD) of an ISO instant. */
export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}

/** An ISO instant as JumpServer shows it: `YYYY-MM-DD HH:MM:SS`. */
export function spaced(iso: string): string {
  return iso.replace("T", " ").replace(/Z$/, "");
}
