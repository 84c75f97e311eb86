// The shapes of JumpServer's HTTP: paths (trailing slash, query in order), the two list shapes,
// and bodies that say JSON without saying so.
import type { AxiosResponse } from "axios";

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface ListPage<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** Normalises a route: leading "/api/v1/..." kept, trailing slash ensured, query appended in order. */
export function buildPath(path: string, query?: Query): string {
  const [p, existing] = path.split("?", 2);
  let out = p.startsWith("/") ? p : `/${p}`;
  if (!out.endsWith("/")) out += "/";
  const params = new URLSearchParams(existing ?? "");
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null) params.append(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${out}?${qs}` : out;
}

/** Accepts both list shapes: the bare array and the `{count,next,previous,results}` envelope. */
export function toPage<T>(data: unknown): ListPage<T> {
  if (Array.isArray(data))
    return { count: data.length, next: null, previous: null, results: data as T[] };
  if (data && typeof data === "object" && Array.isArray((data as ListPage<T>).results)) {
    const d = data as ListPage<T>;
    return {
      count: typeof d.count === "number" ? d.count : d.results.length,
      next: d.next ?? null,
      previous: d.previous ?? null,
      results: d.results,
    };
  }
  throw new Error(`expected a list (array or {results}), got ${typeof data}`);
}

export function parseBody(res: AxiosResponse): unknown {
  const raw = res.data;
  if (typeof raw !== "string") return raw;
  if (raw === "") return undefined;
  const type = String(res.headers?.["content-type"] ?? "");
  if (type.includes("json") || /^[[{"]/.test(raw.trim())) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}
