// Flow rules in the server's own shape, in either dialect: `strategy` + `assignees` (v3, v4.0) or
// a `users` selector (v4.1+). Pure: what api/flows.ts parses answers into and writes.

export type Dialect = "strategy" | "selector";

export const SYSTEM_ADMIN_ROLE = "00000000-0000-0000-0000-000000000001";

/** Whether a user (its `/api/v1/users/profile/` answer) is a system administrator. */
export function isSystemAdmin(profile: Record<string, unknown>): boolean {
  return (
    profile.is_superuser === true ||
    (Array.isArray(profile.system_roles) &&
      (profile.system_roles as unknown[]).some(
        (r) => (r && typeof r === "object" ? (r as { id?: unknown }).id : r) === SYSTEM_ADMIN_ROLE,
      ))
  );
}
export const ORG_ADMIN_ROLE = "00000000-0000-0000-0000-000000000005";

export type Selector =
  | { type: "all" }
  | { type: "ids"; ids: string[] }
  | { type: "attrs"; attrs: Array<{ name: string; match: string; value: unknown }> };

/** A rule in the server's own write shape (what a PATCH carries). */
export type WireRule = { strategy: string; assignees: string[] } | { users: Selector };

/** Canonical selector: `{}`/missing means "everyone in the org", shown as {type:"all"}. */
export function normalizeSelector(users: unknown): Selector {
  if (
    !users ||
    typeof users !== "object" ||
    Array.isArray(users) ||
    Object.keys(users).length === 0
  ) {
    return { type: "all" };
  }
  const u = users as Record<string, unknown>;
  if (u.type === "ids") return { type: "ids", ids: toStrings(u.ids).sort() };
  if (u.type === "attrs") {
    const attrs = Array.isArray(u.attrs) ? (u.attrs as Record<string, unknown>[]) : [];
    return {
      type: "attrs",
      attrs: attrs.map((a) => ({
        name: String(a.name),
        match: String(a.match ?? "exact"),
        value: Array.isArray(a.value) ? [...(a.value as unknown[])].map(String).sort() : a.value,
      })),
    };
  }
  return { type: "all" };
}

/** Ids out of a list of ids or of `{id, …}` objects. */
export function toStrings(v: unknown): string[] {
  return Array.isArray(v)
    ? v.map((x) =>
        x && typeof x === "object" && "id" in x ? String((x as { id: unknown }).id) : String(x),
      )
    : [];
}
