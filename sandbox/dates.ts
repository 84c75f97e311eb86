// Dates as JumpServer renders and parses them: output in the server's zone (Asia/Shanghai,
// +0800, no DST) as "YYYY/MM/DD HH:MM:SS +0800"; input ISO-8601 or that format, naive = server zone.

export const SERVER_OFFSET_MINUTES = 8 * 60;

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Wall-clock parts of an instant in the server zone. */
function local(ms: number) {
  const d = new Date(ms + SERVER_OFFSET_MINUTES * 60_000);
  return {
    y: d.getUTCFullYear(),
    mo: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    h: d.getUTCHours(),
    mi: d.getUTCMinutes(),
    s: d.getUTCSeconds(),
  };
}

/** DRF DATETIME_FORMAT "%Y/%m/%d %H:%M:%S %z". */
export function formatDate(ms: number): string {
  const p = local(ms);
  return `${p.y}/${pad(p.mo)}/${pad(p.d)} ${pad(p.h)}:${pad(p.mi)}:${pad(p.s)} +0800`;
}

/** `YYYYMMDD` of an instant in the server zone (serial numbers). */
export function dayStamp(ms: number): string {
  const p = local(ms);
  return `${p.y}${pad(p.mo)}${pad(p.d)}`;
}

/** Python's str() of an aware UTC datetime with microseconds: "2026-11-28 00:12:14.153677+00:00". */
export function pythonUtc(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const d = new Date(ms);
  const frac = micros % 1_000_000;
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${base}${frac === 0 ? "" : "." + pad(frac, 6)}+00:00`;
}

const PATTERN =
  /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parse a datetime the way DRF's DateTimeField does for JumpServer (ISO-8601 with or without
 * zone, and "%Y/%m/%d %H:%M:%S %z"); returns epoch ms truncated to whole seconds (the server
 * stores and renders seconds), or null when the text is not a datetime.
 */
export function parseDate(input: unknown): number | null {
  if (typeof input !== "string") return null;
  const m = PATTERN.exec(input.trim());
  if (!m) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0", , zone] = m;
  const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  const check = new Date(wall);
  if (
    check.getUTCMonth() !== +mo - 1 ||
    check.getUTCDate() !== +d ||
    +h > 23 ||
    +mi > 59 ||
    +s > 59
  )
    return null;
  let offsetMin = SERVER_OFFSET_MINUTES;
  if (zone && zone.toUpperCase() === "Z") offsetMin = 0;
  else if (zone) {
    const z = zone.replace(":", "");
    offsetMin = (z[0] === "-" ? -1 : 1) * (+z.slice(1, 3) * 60 + +z.slice(3, 5));
  }
  return wall - offsetMin * 60_000;
}

export const DATE_FORMAT_ERROR =
  "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].";
