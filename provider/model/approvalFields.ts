// TicketApproval's fields, each described once (see fields.ts). A decision can't be undone in
// JumpServer (there is no reopen), so every input but the switch asks for another approval; check
// refuses such a change for a ticket this resource already decided (model/approvalInputs.ts).
import { input, inputKeys, output, toggle } from "./fields";
import { Z, names, optional, text } from "./inputShapes";
import { UUID } from "../settings";

/** What a grant narrows: each field left out keeps what the ticket asked for. (A type, not an
 * interface, so that the resource's Args take each field and element as a Pulumi Input.) */
export type Grant = {
  assets?: string[];
  nodes?: string[];
  accounts?: string[];
  actions?: string[];
  dateExpired?: string;
};

/**
 * The ask a review approves, pinned in the program (as `preview` prints it when it is missing):
 * the ticket's assets and nodes (names, full paths or ids), accounts, actions and dates. `up`
 * approves only if the ticket still asks exactly this, so an edit made in JumpServer between the
 * review and the merge is refused and named, never approved.
 */
export type Reviewed = {
  assets?: string[];
  nodes?: string[];
  accounts?: string[];
  actions?: string[];
  dateStart?: string;
  dateExpired?: string;
};

export const REVIEWED_KEYS: (keyof Reviewed)[] = [
  "assets",
  "nodes",
  "accounts",
  "actions",
  "dateStart",
  "dateExpired",
];

/** What the ticket asked for, read before the decision (an approval rewrites the ticket with its grant). */
export interface Asked {
  assets: string[];
  assetIds: string[];
  nodes: string[];
  nodeIds: string[];
  accounts: string[];
  actions: string[];
  dateStart: string;
  dateExpired: string;
}

export const GRANT_KEYS: (keyof Grant)[] = [
  "assets",
  "nodes",
  "accounts",
  "actions",
  "dateExpired",
];

/** An object of lists and texts in the form diff compares: lists as sets, absent fields left out. */
function formOf(keys: readonly string[], v: unknown): string {
  if (v === undefined || v === null || typeof v !== "object") return "{}";
  const g = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const x = g[k];
    if (x === undefined || x === null) continue;
    out[k] = Array.isArray(x) ? [...x].map(String).sort() : x;
  }
  return JSON.stringify(out);
}

/** A grant in the form diff compares. */
export const grantForm = (v: unknown): string => formOf(GRANT_KEYS, v);

/** A serial number or an id, in the form diff compares: the id resolved at the last write. */
function ticketForm(v: unknown, resolved: Record<string, string>): string {
  const s = String(v ?? "").trim();
  const key = UUID.test(s) ? s.toLowerCase() : s;
  return resolved[`ticket:${key}`] ?? key;
}

/** The lists a grant and a pin share: names or ids of assets and nodes, accounts, actions. */
const askLists = (z: Z) => ({
  assets: names(z),
  nodes: names(z),
  accounts: names(z),
  actions: names(z),
});
const askDate = (z: Z) => optional(text("expected a date string"))(z);

export const APPROVAL_INPUTS = {
  /** The ticket to decide: its serial number (202612010001) or its id. An apply-asset ticket. */
  ticket: input<string, "required">({
    shape: optional(text("expected a ticket serial number or id")),
    replaces: true,
    compare: ticketForm,
    presence: "required",
  }),
  /** "approve" or "reject". */
  decision: input<"approve" | "reject", "required">({
    shape: optional(text('expected "approve" or "reject"')),
    replaces: true,
    compare: "exact",
    presence: "required",
  }),
  /** Organization UUID the ticket belongs to; default the provider's `jumpserver:orgId`. */
  orgId: input<string>({
    shape: optional((z) =>
      z.string({ error: (i) => `expected an organization UUID, got ${JSON.stringify(i.input)}` }),
    ),
    replaces: true,
    compare: "id",
    wire: "org_id",
  }),
  /** Narrows what is granted (approve only): a subset of the asked assets, nodes (names or ids), accounts and actions, and an earlier dateExpired. */
  grant: input<Grant, "optional">({
    shape: optional((z) =>
      z.strictObject(
        { ...askLists(z), dateExpired: askDate(z) },
        { error: "expected { assets?, nodes?, accounts?, actions?, dateExpired? }" },
      ),
    ),
    replaces: true,
    compare: (v) => grantForm(v),
    presence: "optional",
  }),
  /** The ask this review saw, pinned (decision "approve"; required for a ticket not yet decided by this resource): `{ assets, nodes, accounts, actions, dateStart, dateExpired }`. `up` refuses, naming what changed, if the ticket no longer asks exactly this. */
  reviewed: input<Reviewed, "optional">({
    shape: optional((z) =>
      z.strictObject(
        { ...askLists(z), dateStart: askDate(z), dateExpired: askDate(z) },
        {
          error:
            "expected { assets?, nodes?, accounts?, actions?, dateStart?, dateExpired? }, the ticket's ask as preview printed it",
        },
      ),
    ),
    replaces: true,
    compare: (v) => formOf(REVIEWED_KEYS, v),
    presence: "optional",
  }),
  /** On delete, remove the asset permission the approval created. Default true. */
  revokeOnDelete: toggle(true),
};

export const APPROVAL_OUTPUTS = {
  /** The ticket id (also the resource id). */
  ticketId: output<string>(),
  /** The ticket's serial number (as JumpServer's UI shows it). */
  serialNum: output<string>(),
  /** The ticket's title. */
  title: output<string>(),
  /** "Name(username)" of the person who opened the ticket. */
  applicant: output<string>(),
  /** What the ticket asked for, as read before the decision. */
  asked: output<Asked>(),
  /** pending, approved, rejected or closed. */
  state: output<string>(),
  /** open or closed. */
  status: output<string>(),
  /** The level the ticket waits at (or was decided at). */
  approvalStep: output<number>(),
  /** Ids of the users who can act on the current step (empty once the ticket is closed). */
  currentApprovers: output<string[]>(),
  /** The levels this resource approved or rejected. */
  decidedLevels: output<number[]>(),
  /** The asset permission the final approval created (its id is the ticket id); "" until approved. */
  permissionId: output<string>(),
  /** The ticket's serial number and id, resolved to its id, so both compare equal without network. */
  resolvedIds: output<Record<string, string>>(),
  /** Work a failed create left for the next update: "decide" or "". */
  pendingAction: output<string>(),
};

export const APPROVAL_INPUT_KEYS = inputKeys(APPROVAL_INPUTS);
