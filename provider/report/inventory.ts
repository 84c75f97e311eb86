// `report --all`: every asset permission of the server in one of four kinds, what each can be
// adopted as, and the `pulumi import --file` document for those a user chooses. Pure: the
// permissions, tickets and the stack's state come in; no network here.
//
// Trust: only the stack's state says "managed by this stack". A permission's name and comment
// are free text anyone who can edit it may set, and its id is writable on create (real v4.10.19),
// so none of them can make a permission managed or ticket-made. "Made by a ticket" is what
// JumpServer's read-only markers say: `from_ticket` and `created_by: ApplyAssetTicket:<its id>`.
import type { ListedPermission } from "../api/permissions";

export type PermissionKind = "managed" | "ticket" | "handMade" | "expired";

/** The words of each kind, in the order the report lists them. */
export const KIND_WORDS: Record<PermissionKind, string> = {
  managed: "managed by this stack",
  ticket: "made by a ticket, not managed",
  handMade: "standing access made by hand",
  expired: "expired",
};

/** The ticket behind a ticket-made permission, where the identity can see it in the tickets list. */
export interface TicketFacts {
  serialNum: string;
  title: string;
  applicant: string;
}

/** The resource a ticket-made permission is adopted as (the plugin's token; the id is the ticket's). */
export const ADOPT_TYPE = "jumpserver:index:AssetAccessTicket";

export interface ImportResource {
  type: string;
  name: string;
  id: string;
}

export interface PermissionEntry {
  id: string;
  /** The permission's name in JumpServer (free text). */
  name: string;
  org: string;
  orgId: string;
  kind: PermissionKind;
  /** JumpServer's read-only markers say a ticket's approval made it (madeByTicket). */
  byTicket: boolean;
  /** The stack's resource that manages it ("AssetAccessTicket web-access"). */
  managedBy?: string;
  ticket?: TicketFacts;
  users: string[];
  userGroups: string[];
  assets: string[];
  nodes: string[];
  accounts: string[];
  actions: string[];
  dateStart: string;
  dateExpired: string;
  active: boolean;
  /** `created_by`, as JumpServer recorded it. */
  createdBy: string;
  /** What `--adopt` would write for it; absent when it can't be adopted. */
  adoptAs?: ImportResource;
  /** Why it can't be adopted, or what adopting it does. */
  adoption: string;
  /** Member counts the relation lists did not add up to (members then shown in part). */
  unsureMembers?: Record<string, number>;
}

/** Made by a ticket, by JumpServer's own read-only markers (never by its name or comment). */
export function madeByTicket(p: ListedPermission): boolean {
  const [source, ticketId] = p.createdBy.split(":");
  return p.fromTicket && source === "ApplyAssetTicket" && (ticketId ?? "").toLowerCase() === p.id;
}

/** Access has ended: its end date has passed (a grant not started yet is not expired). */
export function hasEnded(dateExpired: string, now: number): boolean {
  const end = Date.parse(dateExpired);
  return Number.isFinite(end) && end <= now;
}

/** A Pulumi resource name from a ticket: `ticket-<serial>` (or its id), lower case, unique in the stack. */
export function resourceName(
  id: string,
  ticket: TicketFacts | undefined,
  taken: Set<string>,
): string {
  const serial = ticket && /^\d{1,20}$/.test(ticket.serialNum) ? ticket.serialNum : undefined;
  const base = `ticket-${serial ?? id.toLowerCase().replace(/[^0-9a-f-]/g, "")}`;
  // Only a clash with a name already in the stack changes it; the suffix is the id's, so it is stable.
  const name = taken.has(base) ? `${base}-${id.slice(0, 8).toLowerCase()}` : base;
  taken.add(name);
  return name;
}

/**
 * Each permission in its kind. Managed first (the stack's state: a managed permission stays so
 * after it ends), then expired, then ticket-made, then hand-made.
 */
export function classify(
  permissions: ListedPermission[],
  managed: Map<string, string>,
  tickets: Map<string, TicketFacts>,
  stackNames: Set<string>,
  now: number,
): PermissionEntry[] {
  const taken = new Set(stackNames);
  const sorted = [...permissions].sort(
    (a, b) =>
      (a.orgName || a.orgId).localeCompare(b.orgName || b.orgId) ||
      a.name.localeCompare(b.name) ||
      a.id.localeCompare(b.id),
  );
  return sorted.map((p) => {
    const byTicket = madeByTicket(p);
    const ticket = byTicket ? tickets.get(p.id) : undefined;
    const managedBy = managed.get(p.id);
    const kind: PermissionKind = managedBy
      ? "managed"
      : hasEnded(p.dateExpired, now)
        ? "expired"
        : byTicket
          ? "ticket"
          : "handMade";
    const entry: PermissionEntry = {
      id: p.id,
      name: p.name,
      org: p.orgName || p.orgId,
      orgId: p.orgId,
      kind,
      byTicket,
      ...(managedBy ? { managedBy } : {}),
      ...(ticket ? { ticket } : {}),
      users: p.users,
      userGroups: p.userGroups,
      assets: p.assets,
      nodes: p.nodes,
      accounts: p.accounts,
      actions: p.actions,
      dateStart: p.dateStart,
      dateExpired: p.dateExpired,
      active: p.active,
      createdBy: p.createdBy,
      adoption: "",
      ...(p.unsureMembers ? { unsureMembers: p.unsureMembers } : {}),
    };
    switch (kind) {
      case "managed":
        entry.adoption = `already managed by this stack (${managedBy})`;
        break;
      case "expired":
        entry.adoption =
          "not adoptable: its access has ended, so there is nothing to keep (a ticket can't be extended: declare a new AssetAccessTicket); delete it in JumpServer to tidy up";
        break;
      case "handMade":
        entry.adoption =
          "not adoptable: no ticket made it, and this package declares access only as tickets; declare an AssetAccessTicket for the same access, then delete this permission in JumpServer";
        break;
      case "ticket":
        entry.adoptAs = { type: ADOPT_TYPE, name: resourceName(p.id, ticket, taken), id: p.id };
        entry.adoption = ticket
          ? `adoptable as AssetAccessTicket \`${entry.adoptAs.name}\` (ticket ${ticket.serialNum})`
          : `adoptable as AssetAccessTicket \`${entry.adoptAs.name}\` (its ticket is not in this identity's ticket list: the import reads it by id)`;
        break;
    }
    return entry;
  });
}

/** What `--adopt` may name: a kind (every permission of it), a ticket or permission id, or a serial number. */
export const ADOPT_KINDS: Record<string, PermissionKind> = {
  ticket: "ticket",
  managed: "managed",
  "hand-made": "handMade",
  expired: "expired",
};

/** A selector `--adopt` could not honour, and why. */
export class AdoptionRefused extends Error {}

/**
 * The import document for the chosen permissions. Every selector must name at least one
 * permission, and every permission it names must be adoptable: otherwise nothing is written and
 * the error says, per selector, why.
 */
export function importDocument(
  entries: PermissionEntry[],
  selectors: string[],
): { resources: ImportResource[] } {
  const chosen = new Map<string, ImportResource>();
  const refusals: string[] = [];
  for (const raw of selectors) {
    const s = raw.trim().toLowerCase();
    const kind = ADOPT_KINDS[s];
    const matched = kind
      ? entries.filter((e) => e.kind === kind)
      : entries.filter((e) => e.id === s || e.ticket?.serialNum === s);
    if (matched.length === 0) {
      refusals.push(
        kind
          ? `"${raw}": no permission of that kind`
          : `"${raw}": no permission with that id or ticket serial number`,
      );
      continue;
    }
    for (const e of matched) {
      if (e.adoptAs) chosen.set(e.id, e.adoptAs);
      else refusals.push(`"${raw}" (${e.id}): ${e.adoption}`);
    }
  }
  if (refusals.length > 0) throw new AdoptionRefused(`--adopt: ${refusals.join("; ")}`);
  return { resources: [...chosen.values()] };
}
