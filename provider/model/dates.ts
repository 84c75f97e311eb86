// JumpServer dates: it answers "YYYY/MM/DD HH:MM:SS +ZZZZ" in its own time zone and accepts ISO-8601
// or that format. We compare instants (never strings), keep whole seconds (the server drops
// milliseconds) and treat a date without a zone as UTC.

const JMS =
  /^(\d{4})[/-](\d{2})[/-](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Parses an input or server date to epoch milliseconds (whole seconds), or undefined. */
export function parseDate(text: string): number | undefined {
  if (typeof text !== "string") return undefined;
  const t = text.trim();
  const m = JMS.exec(t);
  if (m) {
    const [, y, mo, d, h, mi, s, zone] = m;
    let offsetMin = 0;
    if (zone && zone.toUpperCase() !== "Z") {
      const z = zone.replace(":", "");
      offsetMin = (z[0] === "-" ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5)));
    }
    const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +(s ?? 0)) - offsetMin * 60_000;
    const check = new Date(Date.UTC(+y, +mo - 1, +d));
    if (check.getUTCMonth() !== +mo - 1 || +h > 23 || +mi > 59 || +(s ?? 0) > 59) return undefined;
    return Number.isFinite(ms) ? ms : undefined;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const ms = Date.parse(`${t}T00:00:00Z`);
    return Number.isFinite(ms) ? ms : undefined;
  }
  return undefined;
}

/** ISO-8601 UTC with whole seconds, e.g. 2026-12-01T00:00:00Z. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Normalises any accepted date text to ISO-8601 UTC seconds, or undefined when it does not parse. */
export function normalizeDate(text: string): string | undefined {
  const ms = parseDate(text);
  return ms === undefined ? undefined : isoSeconds(ms);
}
