// Renewal without a lapse: when a replacement only extends or narrows an approved grant, the old
// asset permission is kept until the new ticket is approved, or until its own end, whichever comes
// first. This file is the pure part: what a kept permission records, and whether an ask renews a
// grant. Never more: the kept permission's end only moves earlier (see lifecycle/renewal.ts).
import { ACTIONS, normalizeActions } from "./actions";
import { parseDate } from "./dates";
import type { Grant } from "./grants";

/** The earlier grant a pending successor keeps alive: recorded in the successor's state. */
export interface Predecessor {
  /** The earlier ticket's id; its asset permission has the same id. */
  ticketId: string;
  serialNum: string;
  title: string;
  orgId: string;
  /** When the kept access ends at the latest: the approved end, or an earlier one read since. Never later. */
  dateExpired: string;
  /** What the earlier approval granted (ids): the yardstick for "only extends or narrows". */
  grant: Grant;
  /** What a read found widened in JumpServer ("active": disabled): the next `up` revokes it. */
  widened?: string[];
}

/** A grant as asked by a new ticket, in ids (what create resolved, or the state's names mapped). */
export interface RenewalAsk {
  orgId: string;
  applicantId: string;
  assetIds: string[];
  nodeIds: string[];
  accounts: string[];
  actions: string[];
}

const lower = (xs: readonly string[]) => xs.map((x) => String(x).toLowerCase());
const actionBits = (xs: readonly string[]): string[] => {
  const { actions } = normalizeActions([...xs]);
  return actions.includes("all") ? [...ACTIONS] : actions;
};

/**
 * Why `ask` is more than a renewal of `grant` (another person or org, more assets, nodes, accounts
 * or actions), or [] when it only extends or narrows it. Dates may move either way: the kept
 * permission keeps its own. A node is compared as a node (an asset under a granted node is "more").
 */
export function beyondRenewal(ask: RenewalAsk, grant: Grant, grantOrgId: string): string[] {
  const out: string[] = [];
  if (ask.orgId.toLowerCase() !== grantOrgId.toLowerCase()) out.push("org");
  const users = lower(grant.users);
  if (!ask.applicantId || !users.includes(ask.applicantId.toLowerCase())) out.push("applicant");
  const within = (name: string, mine: string[], theirs: string[]) => {
    if (mine.some((x) => !theirs.includes(x))) out.push(name);
  };
  within("assets", lower(ask.assetIds), lower(grant.assets));
  within("nodes", lower(ask.nodeIds), lower(grant.nodes));
  if (!grant.accounts.includes("@ALL")) within("accounts", ask.accounts, grant.accounts);
  within("actions", actionBits(ask.actions), actionBits(grant.actions));
  return out;
}

/**
 * What the live permission grants beyond the grant it was approved as (edited in JumpServer): the
 * members, accounts or actions it has that the approval did not give. Dates are not compared here:
 * a kept permission ends at the recorded end whatever its own says.
 */
export function widenedBeyond(live: Grant, approved: Grant): string[] {
  const out: string[] = [];
  const within = (name: string, theirs: string[], mine: string[]) => {
    if (theirs.some((x) => !mine.includes(x))) out.push(name);
  };
  within("users", lower(live.users), lower(approved.users));
  within("userGroups", lower(live.userGroups), lower(approved.userGroups));
  within("assets", lower(live.assets), lower(approved.assets));
  within("nodes", lower(live.nodes), lower(approved.nodes));
  if (!approved.accounts.includes("@ALL")) within("accounts", live.accounts, approved.accounts);
  within("actions", actionBits(live.actions), actionBits(approved.actions));
  return out;
}

/** The earlier of two ends: a kept permission's end never moves later, whoever says otherwise. */
export function earlierEnd(recorded: string, seen: string | undefined): string {
  const a = parseDate(recorded);
  const b = seen === undefined ? undefined : parseDate(seen);
  if (a === undefined) return recorded;
  return b !== undefined && b < a ? seen! : recorded;
}

/** Whether the kept access has ended (its recorded end has passed). */
export function predecessorEnded(p: Predecessor, now = Date.now()): boolean {
  const end = parseDate(p.dateExpired);
  return end !== undefined && end <= now;
}
