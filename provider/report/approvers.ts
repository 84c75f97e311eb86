// Who approves each level of a flow, in words: usernames for named users, and what a strategy or
// selector means otherwise. Pure: names come in as an id → username map.
import type { FlowLevel } from "./model";
import { ORG_ADMIN_ROLE, SYSTEM_ADMIN_ROLE, Selector, WireRule } from "../model/wireRules";

const STRATEGY_WORDS: Record<string, string[]> = {
  super_admin: ["system admins"],
  org_admin: ["org admins"],
  super_org_admin: ["system admins", "org admins"],
};

const ROLE_WORDS: Record<string, string> = {
  [SYSTEM_ADMIN_ROLE]: "system admins",
  [ORG_ADMIN_ROLE]: "org admins",
};

/** The user ids a rule names (to be looked up before labelling). */
export function idsIn(rules: WireRule[]): string[] {
  return rules.flatMap((r) =>
    "strategy" in r ? r.assignees : r.users.type === "ids" ? r.users.ids : [],
  );
}

function selectorLevel(s: Selector, name: (id: string) => string): Omit<FlowLevel, "level"> {
  if (s.type === "all") return { users: [], groups: ["anyone in the org"] };
  if (s.type === "ids") return { users: s.ids.map(name), groups: [] };
  const groups = s.attrs.map((a) => {
    const values = Array.isArray(a.value) ? a.value.map(String) : [String(a.value)];
    if ((a.name === "system_roles" || a.name === "org_roles") && ["m2m", "in"].includes(a.match)) {
      return values.map((v) => ROLE_WORDS[v] ?? `role ${v}`).join(" or ");
    }
    return `users whose ${a.name} ${a.match} ${values.join(", ")}`;
  });
  return { users: [], groups };
}

/** One entry per level: who may approve it. */
export function approverLevels(rules: WireRule[], names: Record<string, string>): FlowLevel[] {
  const name = (id: string) => names[id.toLowerCase()] ?? names[id] ?? id;
  return rules.map((r, i) => ({
    level: i + 1,
    ...("strategy" in r
      ? r.strategy === "custom_user"
        ? { users: r.assignees.map(name), groups: [] }
        : { users: [], groups: STRATEGY_WORDS[r.strategy] ?? [r.strategy] }
      : selectorLevel(r.users, name)),
  }));
}
