// What an approved ticket grants: the asset permission its final approval created (its id is the
// ticket id). The approved grant is read from the closed ticket itself (an approver's edits at
// approval time are in it, and a closed ticket can't be edited), so drift is the live permission
// against that, never against what the program asked for.
import { normalizeActions } from "./actions";
import { isoSeconds, parseDate } from "./dates";

export interface Grant {
  /** User ids (the applicant, as approved). */
  users: string[];
  userGroups: string[];
  /** Asset ids. */
  assets: string[];
  /** Node ids. */
  nodes: string[];
  accounts: string[];
  actions: string[];
  dateStart: string;
  dateExpired: string;
  /** false when someone disabled the permission in JumpServer. */
  active: boolean;
}

/**
 * What an open or an approval sends as the grant: every field, always (an approve body *is* the
 * permission; an omitted field is not "unchanged").
 */
export interface GrantBody {
  org_id: string;
  apply_assets: string[];
  apply_nodes: string[];
  apply_accounts: string[];
  apply_actions: string[];
  apply_date_start: string;
  apply_date_expired: string;
}

/** The live grant: the permission, or "deleted" when it is gone. */
export type LiveGrant = Grant | "deleted";

export const GRANT_KEYS = [
  "users",
  "userGroups",
  "assets",
  "nodes",
  "accounts",
  "actions",
  "dateStart",
  "dateExpired",
  "active",
] as const;

const sorted = (xs: readonly string[]) => [...new Set(xs.map(String))].sort();
const lowerSorted = (xs: readonly string[]) => sorted(xs.map((x) => x.toLowerCase()));

function instant(text: string): string {
  const ms = parseDate(text);
  return ms === undefined ? text : isoSeconds(ms);
}

/** One spelling per grant (ids lowercased and sorted, actions folded, dates as ISO instants), so equal grants are equal JSON. */
export function normalGrant(g: Grant): Grant {
  return {
    users: lowerSorted(g.users),
    userGroups: lowerSorted(g.userGroups),
    assets: lowerSorted(g.assets),
    nodes: lowerSorted(g.nodes),
    accounts: sorted(g.accounts),
    actions: normalizeActions(g.actions).actions,
    dateStart: instant(g.dateStart),
    dateExpired: instant(g.dateExpired),
    active: g.active !== false,
  };
}

/** The grant properties on which the live permission differs from the approved grant. */
export function grantDrift(live: LiveGrant, approved: Grant): string[] {
  if (live === "deleted") return ["deleted"];
  const a = normalGrant(approved);
  const l = normalGrant(live);
  return GRANT_KEYS.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(l[k]));
}

/** Drift that only a new ticket (and a new approval) can put right: the permission is gone or disabled. */
export function needsNewTicket(drift: readonly string[]): boolean {
  return drift.includes("deleted") || drift.includes("active");
}

const DAY_MS = 86_400_000;

/** Whether access has ended, and the whole days left until it does (0 once it has). */
export function expiry(
  dateExpired: string,
  now = Date.now(),
): { expired: boolean; daysLeft: number } {
  const end = parseDate(dateExpired);
  if (end === undefined) return { expired: false, daysLeft: 0 };
  return { expired: end <= now, daysLeft: Math.max(0, Math.floor((end - now) / DAY_MS)) };
}

/** Whether access that has not ended yet ends within `days` days. */
export function endsWithin(dateExpired: string, days: number, now = Date.now()): boolean {
  const end = parseDate(dateExpired);
  return end !== undefined && end > now && end - now <= days * DAY_MS;
}
