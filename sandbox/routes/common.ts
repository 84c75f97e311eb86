// Small helpers shared by the route modules.
import type { Ctx } from "../http/context";
import { permissionDenied, serverError } from "../errors";
import { ACTION_BITS, ALL_ACTIONS } from "../model/model";
import { isOrgAdmin, isSystemAdmin } from "../model/users";

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A detail URL whose id is not a UUID crashes the real server (500); strict mode says why. */
export function requireUuid(ctx: Ctx, id: string): string {
  if (UUID_RE.test(id)) return id.toLowerCase();
  ctx.hazard("non-uuid-id", "id", `"${id}" is not a valid UUID.`);
  throw serverError();
}

export function requireSystemAdmin(ctx: Ctx): void {
  if (!isSystemAdmin(ctx.user)) throw permissionDenied();
}

export function requireOrgAdmin(ctx: Ctx): void {
  if (!isOrgAdmin(ctx.user, ctx.orgId)) throw permissionDenied();
}

/** A pk given as a bare string or as `{id}` / `{pk}`. */
export function pkOf(item: unknown): string {
  if (item && typeof item === "object" && !Array.isArray(item)) {
    const o = item as Record<string, unknown>;
    return String(o.id ?? o.pk ?? "");
  }
  return String(item);
}

export const pythonType = (v: unknown): string =>
  v === null
    ? "NoneType"
    : Array.isArray(v)
      ? "list"
      : typeof v === "string"
        ? "str"
        : typeof v === "number"
          ? Number.isInteger(v)
            ? "int"
            : "float"
          : typeof v === "boolean"
            ? "bool"
            : "dict";

/** Action names (or `{value}` choices) as the permission's bitmask, or the first unknown name. */
export function actionBits(items: unknown[]): { bits: number; unknown?: string } {
  let bits = 0;
  for (const item of items) {
    const name =
      item && typeof item === "object"
        ? String((item as Record<string, unknown>).value)
        : String(item);
    if (name === "all") bits |= ALL_ACTIONS;
    else if (ACTION_BITS[name] !== undefined) bits |= ACTION_BITS[name];
    else return { bits, unknown: name };
  }
  return { bits };
}
