// TicketFlow rules as users write them, validated without network access, and translated to the
// server's dialect. Two dialects exist: `strategy` + `assignees` (v3, v4.0) and `users` selectors
// (v4.1+). The translation is exactly JumpServer's own migration 0004_replace_assignees_to_users;
// where that migration narrows a rule (super_org_admin) or no strategy can express a selector, we
// refuse with the reason instead of changing who may approve.
import {
  ORG_ADMIN_ROLE,
  SYSTEM_ADMIN_ROLE,
  Selector,
  WireRule,
  normalizeSelector,
} from "./wireRules";
import { UUID } from "../settings";
import { ProviderError } from "../errors";
import type { Failure } from "./inputShapes";
import { isUnknown } from "./unknown";

export const STRATEGIES = ["super_admin", "org_admin", "super_org_admin", "custom_user"] as const;
export const MATCHES = [
  "exact",
  "not",
  "in",
  "contains",
  "startswith",
  "endswith",
  "regex",
  "gt",
  "gte",
  "lt",
  "lte",
  "ip_in",
  "m2m",
  "m2m_all",
] as const;
export const MAX_LEVELS = 5;

export interface StrategyRule {
  strategy: (typeof STRATEGIES)[number];
  /** Usernames or user ids; only (and required) for `custom_user`. */
  assignees?: string[];
  /** Provider-side only, never sent (see guardrails.ts). */
  allowAnyApprover?: boolean;
}

export interface SelectorRule {
  /** v4.1+ selector; `ids` may hold usernames, resolved to ids at apply time. */
  users: Selector;
  /** This rule may let anyone in the org approve (a selector that matches everyone). Never sent to JumpServer. */
  allowAnyApprover?: boolean;
}

export type FlowRule = StrategyRule | SelectorRule;

export type { Failure };

const isObj = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === "object" && !Array.isArray(v);

/** Validates and normalises rules (no network). Returns the cleaned rules and property-named failures. */
export function checkRules(
  value: unknown,
  property = "rules",
): { rules: FlowRule[]; failures: Failure[] } {
  const failures: Failure[] = [];
  const fail = (p: string, reason: string) => failures.push({ property: p, reason });
  // Unknown at preview (a whole list, a rule, a field): kept as is, checked once `up` knows it.
  if (isUnknown(value)) return { rules: value as unknown as FlowRule[], failures };
  if (!Array.isArray(value)) {
    fail(property, "expected a list of 1 to 5 approval levels");
    return { rules: [], failures };
  }
  if (value.length < 1 || value.length > MAX_LEVELS) {
    fail(property, `expected 1 to ${MAX_LEVELS} approval levels, got ${value.length}`);
  }
  const rules: FlowRule[] = [];
  value.forEach((raw, i) => {
    const p = `${property}[${i}]`;
    if (isUnknown(raw)) {
      rules.push(raw as unknown as FlowRule);
      return;
    }
    if (!isObj(raw)) {
      fail(
        p,
        'expected an object: {strategy, assignees} or {users: {type: "all"|"ids"|"attrs", ...}}',
      );
      return;
    }
    const hasStrategy = raw.strategy !== undefined;
    const hasUsers = raw.users !== undefined;
    if (hasStrategy && hasUsers) {
      fail(p, "give either `strategy` (v3/v4.0 dialect) or `users` (v4.1+ selector), not both");
      return;
    }
    if (!hasStrategy && !hasUsers) {
      fail(
        p,
        "missing `strategy` or `users`: a rule without approvers lets anyone in the org approve",
      );
      return;
    }
    const extra = Object.keys(raw).filter(
      (k) => !["strategy", "assignees", "users", "allowAnyApprover"].includes(k),
    );
    if (extra.length > 0)
      fail(
        `${p}.${extra[0]}`,
        `unknown property; a rule has strategy/assignees or users (and allowAnyApprover)`,
      );
    const any = raw.allowAnyApprover;
    if (any !== undefined && any !== null && typeof any !== "boolean" && !isUnknown(any))
      fail(`${p}.allowAnyApprover`, "expected true or false");
    // Kept on the checked rule only when set, so that checking again changes nothing.
    const flag = any === true || isUnknown(any) ? { allowAnyApprover: any as boolean } : {};
    if (hasStrategy) {
      const strategy = raw.strategy;
      if (isUnknown(strategy)) {
        // Which strategy, and so whether assignees are needed, is known at `up`.
        const assignees =
          raw.assignees === undefined || isUnknown(raw.assignees)
            ? raw.assignees
            : stringList(raw.assignees, `${p}.assignees`, fail);
        rules.push({ strategy, assignees, ...flag } as unknown as FlowRule);
        return;
      }
      if (typeof strategy !== "string" || !(STRATEGIES as readonly string[]).includes(strategy)) {
        fail(
          `${p}.strategy`,
          `expected one of ${STRATEGIES.join(", ")}, got ${JSON.stringify(strategy)}`,
        );
        return;
      }
      const assignees = raw.assignees;
      if (isUnknown(assignees)) {
        // (An unknown list may turn out empty: custom_user's need is checked at `up`.)
        rules.push({ strategy, assignees, ...flag } as unknown as FlowRule);
        return;
      }
      if (strategy === "custom_user") {
        const names = stringList(assignees, `${p}.assignees`, fail);
        if (names && names.length === 0)
          fail(`${p}.assignees`, "custom_user needs at least one assignee (username or user id)");
        rules.push({ strategy, assignees: names ? dedupe(names) : [], ...flag });
      } else {
        if (assignees !== undefined && !(Array.isArray(assignees) && assignees.length === 0)) {
          fail(
            `${p}.assignees`,
            `only custom_user takes assignees; ${strategy} approvers are the org's ${strategy === "org_admin" ? "org admins" : "admins"}`,
          );
        }
        rules.push({ strategy: strategy as StrategyRule["strategy"], ...flag });
      }
      return;
    }
    if (raw.assignees !== undefined)
      fail(
        `${p}.assignees`,
        'assignees go with `strategy: custom_user`; with `users` use {type: "ids", ids: [...]}',
      );
    const users = checkSelector(raw.users, `${p}.users`, fail);
    if (users) rules.push({ users, ...flag });
  });
  return { rules, failures };
}

function checkSelector(
  v: unknown,
  p: string,
  fail: (p: string, r: string) => void,
): Selector | undefined {
  if (isUnknown(v) || (isObj(v) && isUnknown(v.type))) return v as unknown as Selector;
  if (!isObj(v)) {
    fail(p, 'expected {type: "all"}, {type: "ids", ids: [...]} or {type: "attrs", attrs: [...]}');
    return undefined;
  }
  if (v.type === "all") return { type: "all" };
  if (v.type === "ids") {
    if (isUnknown(v.ids)) return v as unknown as Selector;
    const ids = stringList(v.ids, `${p}.ids`, fail);
    if (ids && ids.length === 0) fail(`${p}.ids`, "expected at least one user (username or id)");
    return ids ? { type: "ids", ids: dedupe(ids) } : undefined;
  }
  if (v.type === "attrs") {
    if (isUnknown(v.attrs)) return v as unknown as Selector;
    if (!Array.isArray(v.attrs) || v.attrs.length === 0) {
      fail(`${p}.attrs`, "expected at least one {name, match, value}");
      return undefined;
    }
    const attrs: Array<{ name: string; match: string; value: unknown }> = [];
    v.attrs.forEach((a, j) => {
      const ap = `${p}.attrs[${j}]`;
      if (isUnknown(a)) {
        attrs.push(a as unknown as (typeof attrs)[number]);
        return;
      }
      if (!isObj(a) || typeof a.name !== "string" || a.name === "") {
        fail(
          `${ap}.name`,
          "expected a user field name, e.g. system_roles, org_roles, username, email",
        );
        return;
      }
      const match = a.match === undefined ? "exact" : a.match;
      if (isUnknown(match)) {
        attrs.push({ name: a.name, match: match as string, value: a.value });
        return;
      }
      if (typeof match !== "string" || !(MATCHES as readonly string[]).includes(match)) {
        fail(`${ap}.match`, `expected one of ${MATCHES.join(", ")}`);
        return;
      }
      if (a.value === undefined || a.value === null) {
        fail(`${ap}.value`, "expected a value to match");
        return;
      }
      attrs.push({ name: a.name, match, value: a.value });
    });
    return { type: "attrs", attrs };
  }
  fail(`${p}.type`, `expected "all", "ids" or "attrs", got ${JSON.stringify(v.type)}`);
  return undefined;
}

function stringList(
  v: unknown,
  p: string,
  fail: (p: string, r: string) => void,
): string[] | undefined {
  if (!Array.isArray(v)) {
    fail(p, "expected a list of usernames or user ids");
    return undefined;
  }
  // (An unknown element is a string placeholder: kept, resolved at `up`.)
  const bad = v.findIndex((x) => typeof x !== "string" || x.trim() === "");
  if (bad >= 0) {
    fail(`${p}[${bad}]`, "expected a non-empty username or user id");
    return undefined;
  }
  return (v as string[]).map((s) => s.trim());
}

/** Folds duplicates; two placeholders may stand for different users, so both stay. */
function dedupe(xs: string[]): string[] {
  return xs.filter((x, i) => isUnknown(x) || xs.indexOf(x) === i);
}

/** Every username (non-UUID) a set of rules and cc users mention, for one lookup each. */
export function namesIn(rules: FlowRule[], ccUsers: string[] = []): string[] {
  const out = new Set<string>();
  for (const r of rules) {
    const list = "strategy" in r ? (r.assignees ?? []) : r.users.type === "ids" ? r.users.ids : [];
    list.forEach((n) => !UUID.test(n) && out.add(n));
  }
  ccUsers.forEach((n) => !UUID.test(n) && out.add(n));
  return [...out];
}

/** Every user id a set of rules and cc users mention (lowercase), to learn their usernames. */
export function idsIn(rules: FlowRule[], ccUsers: string[] = []): string[] {
  const out = new Set<string>();
  for (const r of rules) {
    const list = "strategy" in r ? (r.assignees ?? []) : r.users.type === "ids" ? r.users.ids : [];
    list.forEach((n) => UUID.test(n) && out.add(n.toLowerCase()));
  }
  ccUsers.forEach((n) => UUID.test(n) && out.add(n.toLowerCase()));
  return [...out];
}

const SUPER_ADMIN_SELECTOR: Selector = {
  type: "attrs",
  attrs: [{ name: "system_roles", match: "m2m", value: [SYSTEM_ADMIN_ROLE] }],
};
const ORG_ADMIN_SELECTOR: Selector = {
  type: "attrs",
  attrs: [{ name: "org_roles", match: "m2m", value: [ORG_ADMIN_ROLE] }],
};

export class TranslationError extends ProviderError {
  constructor(
    readonly property: string,
    reason: string,
  ) {
    super(`${property}: ${reason}`, "TranslationError");
  }
}

/** Rules in the server's write shape, usernames replaced by ids (`ids` maps username → id). */
export function toWire(
  rules: FlowRule[],
  dialect: "strategy" | "selector",
  ids: Record<string, string>,
  property = "rules",
): WireRule[] {
  const id = (n: string) => (UUID.test(n) ? n.toLowerCase() : (own(ids, n) ?? n));
  return rules.map((r, i) => {
    const p = `${property}[${i}]`;
    if ("strategy" in r) {
      const assignees = (r.assignees ?? []).map(id).sort();
      if (dialect === "strategy")
        return { strategy: r.strategy, assignees: r.strategy === "custom_user" ? assignees : [] };
      switch (r.strategy) {
        case "super_admin":
          return { users: SUPER_ADMIN_SELECTOR };
        case "org_admin":
          return { users: ORG_ADMIN_SELECTOR };
        case "custom_user":
          return { users: { type: "ids", ids: assignees } };
        default:
          throw new TranslationError(
            `${p}.strategy`,
            "super_org_admin has no faithful `users` selector on this v4.1+ server (JumpServer's own migration ANDs the two roles, so only users who are both could approve); write two levels or a `users` selector instead",
          );
      }
    }
    const sel = normalizeSelector(
      r.users.type === "ids" ? { type: "ids", ids: r.users.ids.map(id) } : r.users,
    );
    if (dialect === "selector") return { users: sel };
    if (sel.type === "ids") return { strategy: "custom_user", assignees: sel.ids };
    if (sameJson(sel, normalizeSelector(SUPER_ADMIN_SELECTOR)))
      return { strategy: "super_admin", assignees: [] };
    if (sameJson(sel, normalizeSelector(ORG_ADMIN_SELECTOR)))
      return { strategy: "org_admin", assignees: [] };
    throw new TranslationError(
      `${p}.users`,
      `this server (v3/v4.0) only knows strategies; a ${sel.type === "all" ? '"all"' : "attrs"} selector has no strategy equivalent (only ids → custom_user, system admins → super_admin, org admins → org_admin)`,
    );
  });
}

/** Presents live wire rules in the dialect the user wrote, with ids shown as the usernames they came from. */
export function fromWire(
  wire: WireRule[],
  userDialect: "strategy" | "selector",
  names: Record<string, string>,
): FlowRule[] {
  const name = (id: string) => own(names, id) ?? id;
  return wire.map((w) => {
    if ("strategy" in w) {
      if (userDialect === "strategy" || w.strategy === "super_org_admin") {
        return w.strategy === "custom_user"
          ? { strategy: "custom_user", assignees: w.assignees.map(name).sort() }
          : { strategy: w.strategy as StrategyRule["strategy"] };
      }
      if (w.strategy === "custom_user")
        return { users: { type: "ids", ids: w.assignees.map(name).sort() } };
      return { users: w.strategy === "org_admin" ? ORG_ADMIN_SELECTOR : SUPER_ADMIN_SELECTOR };
    }
    const sel = normalizeSelector(w.users);
    if (userDialect === "selector") {
      return { users: sel.type === "ids" ? { type: "ids", ids: sel.ids.map(name).sort() } : sel };
    }
    if (sel.type === "ids") return { strategy: "custom_user", assignees: sel.ids.map(name).sort() };
    if (sameJson(sel, normalizeSelector(SUPER_ADMIN_SELECTOR))) return { strategy: "super_admin" };
    if (sameJson(sel, normalizeSelector(ORG_ADMIN_SELECTOR))) return { strategy: "org_admin" };
    return { users: sel };
  });
}

/** Canonical form for comparing desired and recorded rules without network (names mapped through `ids`). */
export function canonicalRules(rules: FlowRule[], ids: Record<string, string>): string {
  const id = (n: string) => (UUID.test(n) ? n.toLowerCase() : (own(ids, n) ?? `name:${n}`));
  return JSON.stringify(
    rules.map((r) => {
      if ("strategy" in r) {
        return r.strategy === "custom_user"
          ? { users: { type: "ids", ids: (r.assignees ?? []).map(id).sort() } }
          : { strategy: r.strategy };
      }
      const sel = normalizeSelector(r.users);
      if (sel.type === "ids") return { users: { type: "ids", ids: sel.ids.map(id).sort() } };
      if (sameJson(sel, normalizeSelector(SUPER_ADMIN_SELECTOR)))
        return { strategy: "super_admin" };
      if (sameJson(sel, normalizeSelector(ORG_ADMIN_SELECTOR))) return { strategy: "org_admin" };
      return { users: sel };
    }),
  );
}

/** Dialect a user's rules are written in (the first rule decides; mixed rules are allowed). */
export function userDialect(rules: FlowRule[]): "strategy" | "selector" {
  return rules.length > 0 && "users" in rules[0] ? "selector" : "strategy";
}

/** A map lookup that ignores Object.prototype (a user may well be called "constructor"). */
export function own(map: Record<string, string>, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
