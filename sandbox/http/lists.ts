// DRF LimitOffsetPagination as JumpServer configures it: a bare array without `limit` (capped at
// 200 on v4), an envelope with absolute next/previous links with it (limit at most 1000).
import type { Ctx } from "./context";

const MAX_LIMIT = 1000;

function linkWith(ctx: Ctx, offset: number | null): string {
  const params = [...ctx.query.entries()].filter(([k]) => k !== "offset");
  if (offset !== null) params.push(["offset", String(offset)]);
  // Django's replace_query_param re-encodes the query sorted by key.
  params.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const qs = new URLSearchParams(params).toString();
  return `${ctx.origin}${ctx.path}${qs ? "?" + qs : ""}`;
}

export function paginate<T>(ctx: Ctx, items: T[], render: (item: T) => unknown): unknown {
  const rawLimit = ctx.query.get("limit");
  const limit =
    rawLimit !== null && /^\d+$/.test(rawLimit) && Number(rawLimit) > 0
      ? Math.min(Number(rawLimit), MAX_LIMIT)
      : null;
  if (limit === null) {
    const cap = ctx.profile.unpagedCap;
    return (cap === null ? items : items.slice(0, cap)).map(render);
  }
  const rawOffset = ctx.query.get("offset");
  const offset = rawOffset !== null && /^\d+$/.test(rawOffset) ? Number(rawOffset) : 0;
  const count = items.length;
  const next = offset + limit < count ? linkWith(ctx, offset + limit) : null;
  const previous = offset <= 0 ? null : linkWith(ctx, offset - limit > 0 ? offset - limit : null);
  return { count, next, previous, results: items.slice(offset, offset + limit).map(render) };
}

/** `search` (or `q` from v4.10.13): case-insensitive "contains" over the given fields. */
export function searchFilter<T>(
  ctx: Ctx,
  items: T[],
  fields: (item: T) => Array<string | undefined | null>,
): T[] {
  const term = (ctx.query.get("q") ?? ctx.query.get("search") ?? "").trim().toLowerCase();
  if (!term) return items;
  // Comma-separated groups are ORed; words inside a group are ANDed.
  const groups = term
    .split(",")
    .map((g) => g.split(/\s+/).filter(Boolean))
    .filter((g) => g.length);
  return items.filter((item) => {
    const hay = fields(item).map((f) => (f ?? "").toLowerCase());
    return groups.some((words) => words.every((w) => hay.some((h) => h.includes(w))));
  });
}

/** Exact-match filters `name=value` for the given fields (unknown params are ignored, as DRF does). */
export function exactFilters<T>(
  ctx: Ctx,
  items: T[],
  fields: Record<string, (item: T) => unknown>,
): T[] {
  let out = items;
  for (const [param, get] of Object.entries(fields)) {
    const want = ctx.query.get(param);
    if (want === null) continue;
    out = out.filter((item) => {
      const v = get(item);
      return Array.isArray(v) ? v.map(String).includes(want) : String(v ?? "") === want;
    });
  }
  return out;
}

/**
 * `order=field` / `order=-field` over plain values, from `fallback` when the query names none.
 * Ties, and fields the list can't order by, go by `seq` (creation order), as the database's
 * implicit order does.
 */
export function ordered<T>(
  ctx: Ctx,
  items: T[],
  fields: Record<string, (item: T) => string | number>,
  seq: (item: T) => number,
  fallback: string,
): T[] {
  const order = ctx.query.get("order") ?? fallback;
  const desc = order.startsWith("-");
  const get = fields[desc ? order.slice(1) : order] ?? seq;
  return [...items].sort((a, b) => {
    const x = get(a);
    const y = get(b);
    const c = x < y ? -1 : x > y ? 1 : seq(a) - seq(b);
    return desc ? -c : c;
  });
}
