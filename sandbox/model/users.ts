// Who is who: org resolution, roles, and the approver selectors of both flow dialects.
import type { OrgRec, RuleRec, State, UserRec } from "./state";
import { DEFAULT_ORG_ID, ROLE_ORG_ADMIN, ROLE_SYSTEM_ADMIN, ROOT_ORG_ID } from "../seed";

export const displayName = (u: UserRec): string => `${u.name}(${u.username})`;

export const isSystemAdmin = (u: UserRec): boolean =>
  u.isSuperuser || u.systemRoles.includes(ROLE_SYSTEM_ADMIN);

export const isOrgAdmin = (u: UserRec, orgId: string): boolean =>
  isSystemAdmin(u) ||
  (orgId === ROOT_ORG_ID
    ? Object.values(u.orgRoles).some((r) => r.includes(ROLE_ORG_ADMIN))
    : (u.orgRoles[orgId] ?? []).includes(ROLE_ORG_ADMIN));

export function findOrg(state: State, id: string): OrgRec | undefined {
  return state.orgs.find((o) => o.id === id);
}

/**
 * The current org of a request: `?oid=` first, then `X-JMS-ORG`. Community edition: only the
 * root org and Default are honoured; anything else (unknown ids, names, other orgs) is Default.
 * Enterprise mode: any existing org's id is honoured; unknown ids are Default, silently.
 */
export function resolveRequestOrg(
  state: State,
  oid?: string | null,
  header?: string | null,
): string {
  const raw = (oid || header || "").trim();
  if (!raw) return DEFAULT_ORG_ID;
  const lower = raw.toLowerCase();
  if (lower === "root" || raw === ROOT_ORG_ID) return ROOT_ORG_ID;
  const root = findOrg(state, ROOT_ORG_ID);
  if (root && raw === root.name) return ROOT_ORG_ID;
  // Enterprise (and the kit's multi-org mode): the org named, when it exists; else Default.
  if (state.mode.orgs === "enterprise" && findOrg(state, lower)) return lower;
  return DEFAULT_ORG_ID;
}

/** Users of an org; the root org means every user. */
export function membersOf(state: State, orgId: string): UserRec[] {
  if (orgId === ROOT_ORG_ID) return state.users;
  const org = findOrg(state, orgId);
  return org ? state.users.filter((u) => org.members.includes(u.id)) : [];
}

function orgRolesIn(u: UserRec, orgId: string): string[] {
  if (orgId === ROOT_ORG_ID) return Object.values(u.orgRoles).flat();
  return u.orgRoles[orgId] ?? [];
}

function attrValue(u: UserRec, name: string, orgId: string): unknown {
  switch (name) {
    case "system_roles":
      return u.systemRoles;
    case "org_roles":
      return orgRolesIn(u, orgId);
    case "is_superuser":
      return u.isSuperuser;
    default:
      return (u as unknown as Record<string, unknown>)[name];
  }
}

function matchAttr(actual: unknown, match: string, value: unknown): boolean {
  const list = (v: unknown) => (Array.isArray(v) ? v : [v]);
  const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));
  switch (match) {
    case "exact":
      return Array.isArray(actual) ? actual.includes(value) : actual === value;
    case "not":
      return Array.isArray(actual) ? !actual.includes(value) : actual !== value;
    case "in":
      return list(value).some((v) => (Array.isArray(actual) ? actual.includes(v) : v === actual));
    case "contains":
      return str(actual).includes(str(value));
    case "startswith":
      return str(actual).startsWith(str(value));
    case "endswith":
      return str(actual).endsWith(str(value));
    case "regex":
      try {
        return new RegExp(str(value)).test(str(actual));
      } catch {
        return false;
      }
    case "m2m":
      return list(value).some((v) => list(actual).includes(v));
    case "m2m_all":
      return list(value).every((v) => list(actual).includes(v));
    case "gt":
      return str(actual) > str(value);
    case "gte":
      return str(actual) >= str(value);
    case "lt":
      return str(actual) < str(value);
    case "lte":
      return str(actual) <= str(value);
    default:
      return false;
  }
}

/** Users a v4.1+ `users` selector matches in an org; `{}` (a stored "empty" selector) is everyone. */
export function resolveSelector(state: State, selector: unknown, orgId: string): UserRec[] {
  const base = membersOf(state, orgId);
  if (!selector || typeof selector !== "object" || Array.isArray(selector)) return base;
  const s = selector as { type?: string; ids?: unknown[]; attrs?: Array<Record<string, unknown>> };
  if (s.type === "ids") return base.filter((u) => (s.ids ?? []).includes(u.id));
  if (s.type === "attrs")
    return base.filter((u) =>
      (s.attrs ?? []).every((a) =>
        matchAttr(attrValue(u, String(a.name), orgId), String(a.match ?? "exact"), a.value),
      ),
    );
  return base;
}

/** Users a v3 strategy rule names, resolved in the flow's org. */
export function resolveStrategy(state: State, rule: RuleRec, orgId: string): UserRec[] {
  const all = state.users;
  switch (rule.strategy) {
    case "super_admin":
      return all.filter(isSystemAdmin);
    case "org_admin":
      return all.filter((u) => !isSystemAdmin(u) && isOrgAdmin(u, orgId));
    case "super_org_admin":
      return all.filter((u) => isSystemAdmin(u) || isOrgAdmin(u, orgId));
    case "custom_user":
      return all.filter((u) => (rule.assignees ?? []).includes(u.id));
    default:
      return [];
  }
}

export function resolveRule(state: State, rule: RuleRec, orgId: string): UserRec[] {
  return rule.strategy !== undefined || rule.users === undefined
    ? rule.strategy !== undefined
      ? resolveStrategy(state, rule, orgId)
      : membersOf(state, orgId)
    : resolveSelector(state, rule.users, orgId);
}
