// AssetAccessTicket's fields, each described once (see fields.ts). A ticket can't be edited in
// JumpServer, so every input but the two switches asks for a new ticket. The order of the inputs
// is part of the marker's hash (lifecycle/recovery.ts): add new ones at the end.
import { input, inputKeys, output, toggle } from "./fields";
import type { Grant, LiveGrant } from "./grants";
import type { Predecessor } from "./renewal";
import type { TicketGuardrails } from "./guardrails";
import { flag, guardrailsShape, names, optional, orUnknown, text } from "./inputShapes";

export const TICKET_INPUTS = {
  /** The ticket's title (at most 256 characters). */
  title: input<string, "required">({
    shape: (z) =>
      orUnknown(
        z,
        z
          .string({ error: "expected a non-empty title" })
          .refine((t) => t.trim() !== "", { error: "expected a non-empty title" })
          .refine((t) => t.length <= 256, {
            error: (i) => `expected at most 256 characters, got ${(i.input as string).length}`,
          }),
      ),
    replaces: true,
    compare: "exact",
    wire: "title",
    presence: "required",
  }),
  /** Organization UUID of the assets; default the provider's `jumpserver:orgId`. */
  orgId: input<string>({
    shape: optional((z) =>
      z.string({ error: (i) => `expected an organization UUID, got ${JSON.stringify(i.input)}` }),
    ),
    replaces: true,
    compare: "id",
    wire: "org_id",
  }),
  /** Username or id to open the ticket on behalf of (needs a system admin identity); default the identity itself. */
  applicant: input<string, "optional">({
    shape: optional(text("expected a username or user id")),
    replaces: true,
    compare: "named",
    wire: "applicant",
    presence: "optional",
  }),
  /** Asset names or ids, all in `orgId`. */
  assets: input<string[]>({
    shape: names,
    replaces: true,
    compare: "namedSet",
    wire: "apply_assets",
  }),
  /** Node values ("probe-servers"), full values ("/DEFAULT/probe-servers") or ids. */
  nodes: input<string[]>({
    shape: names,
    replaces: true,
    compare: "namedSet",
    wire: "apply_nodes",
  }),
  /** Accounts: "@ALL" (default), "@SPEC" followed by names, "@INPUT", "@USER", "@ANON", names, "%<template id>". */
  accounts: input<string[]>({
    shape: names,
    replaces: true,
    compare: "set",
    wire: "apply_accounts",
  }),
  /** Actions: all (default), connect, upload, download, copy, paste, delete, share; older names are mapped. */
  actions: input<string[]>({
    shape: optional((z) =>
      z.array(orUnknown(z, z.string({ error: "expected a list of action names" })), {
        error: "expected a list of action names",
      }),
    ),
    replaces: true,
    compare: "exact",
    wire: "apply_actions",
  }),
  /** Start of access: ISO-8601 (no zone = UTC) or "YYYY/MM/DD HH:MM:SS +ZZZZ". */
  dateStart: input<string, "required">({
    shape: optional(text("expected a date string")),
    replaces: true,
    compare: "exact",
    wire: "apply_date_start",
    presence: "required",
  }),
  /** End of access, later than dateStart. */
  dateExpired: input<string, "required">({
    shape: optional(text("expected a date string")),
    replaces: true,
    compare: "exact",
    wire: "apply_date_expired",
    presence: "required",
  }),
  /** Why the access is needed; shown to approvers. The provider appends its `[pulumi:…]` marker. */
  comment: input<string>({
    shape: optional(text("expected text")),
    replaces: true,
    compare: "text",
    wire: "comment",
  }),
  /** Name or id of the flow to open under, where the org has several (v4.10.19+). */
  flow: input<string, "optional">({
    shape: optional(text("expected a flow name or id")),
    replaces: true,
    compare: "flow",
    wire: "flow_id",
    presence: "optional",
  }),
  /** Approve every level at which this identity is an approver. Default false. */
  approve: toggle(false),
  /** On delete, remove the asset permission an approval created. Default true. */
  revokeOnDelete: toggle(true),
  /**
   * This ticket's own limits, overriding the stack's `jumpserver:maxAccessDays`,
   * `jumpserver:requireComment`, `jumpserver:allowedActions`, `jumpserver:forbidSelfApproval` and
   * `jumpserver:pendingTimeoutDays` (checked at preview; see docs/asset-access-ticket.md,
   * "Guardrails"). The break-glass limits are the stack's alone.
   */
  guardrails: input<TicketGuardrails, "optional">({
    shape: guardrailsShape({
      maxAccessDays: "days",
      requireComment: "flag",
      allowedActions: "actions",
      forbidSelfApproval: "flag",
      pendingTimeoutDays: "days",
    }),
    replaces: false,
    compare: "exact",
    presence: "optional",
  }),
  /**
   * An emergency: opened and approved at once by the pipeline under a flow meant for it (`flow`,
   * v4.10.19+), reported as the first problem until a later change sets `ratified`, and revoked
   * by the next `up` past `jumpserver:breakGlassRatifyHours`. `reason` is required; both go into
   * the ticket's comment, so JumpServer's audit trail holds them (docs/access-over-time.md).
   */
  breakGlass: input<BreakGlass, "optional">({
    shape: optional((z) =>
      z.strictObject(
        {
          reason: orUnknown(
            z,
            z
              .string({ error: "required: say why emergency access is needed" })
              .refine((t) => t.trim() !== "", {
                error: "required: say why emergency access is needed",
              }),
          ),
          incident: optional(text("expected an incident reference (text)"))(z),
        },
        { error: "expected { reason, incident? }" },
      ),
    ),
    replaces: true,
    // The engine's Structs sort an object's keys: compare the two fields, not the text.
    compare: (v) => {
      const bg = v as BreakGlass | undefined | null;
      return JSON.stringify(bg ? [bg.reason, bg.incident ?? ""] : null);
    },
    presence: "optional",
  }),
  /** A break-glass grant reviewed after the fact: set by a later change, in place. Default false. */
  ratified: input<boolean, "optional">({
    shape: flag,
    replaces: false,
    compare: "exact",
    whenAbsent: false,
    presence: "optional",
  }),
};

/** Why emergency access was taken, and the incident it was taken for. */
export interface BreakGlass {
  reason: string;
  incident?: string;
}

export const TICKET_OUTPUTS = {
  /** The ticket id (also the resource id). */
  ticketId: output<string>(),
  /** The ticket's serial number (as JumpServer's UI shows it). */
  serialNum: output<string>(),
  /** pending, approved, rejected or closed. */
  state: output<string>(),
  /** open or closed. */
  status: output<string>(),
  /** The level the ticket waits at (or was decided at). */
  approvalStep: output<number>(),
  /** Ids of the users who can act on the current step (empty once the ticket is closed). */
  currentApprovers: output<string[]>(),
  /** The applicant's user id. */
  applicantId: output<string>(),
  /** The applicant as JumpServer shows them: "Name(username)". */
  applicantDisplay: output<string>(),
  /** The org's name, as JumpServer shows it. */
  orgName: output<string>(),
  /** The name of the asset permission an approval creates. */
  permissionName: output<string>(),
  /** The asset permission the final approval created (its id is the ticket id); "" until approved. */
  permissionId: output<string>(),
  /** The asset ids the ticket asks for. */
  assetIds: output<string[]>(),
  /** The node ids the ticket asks for. */
  nodeIds: output<string[]>(),
  /** The flow the ticket was opened under (v4.10.19+; otherwise ""). */
  flowId: output<string>(),
  /** Stable for one resource asking for one ticket (from its name, its ask and the previous one); the marker is derived from it. */
  requestId: output<string>(),
  /** The `[pulumi:…]` marker in the ticket's comment: the requestId keyed with the identity's credential, so no one else can make a ticket look like this resource's. Used to find the ticket after a lost answer or a killed run. (Secret in the plugin's state: a stack reader can't copy it into a ticket of their own.) */
  marker: output<string | undefined>({ secret: true }),
  /** Names resolved to ids at create, so names and ids compare equal without network. */
  resolvedIds: output<Record<string, string>>(),
  /** Work a failed create left for the next update: "approve", "close" or "". */
  pendingAction: output<string>(),
  /** Why the ticket was closed right after opening (JumpServer granted less than asked), if it was. */
  mismatch: output<string | undefined>(),
  /** What the approval granted (the closed ticket's values, an approver's edits included); absent until approved. */
  approvedGrant: output<Grant | undefined>(),
  /** The live asset permission, or "deleted"; absent until approved. Drift is this against approvedGrant. */
  grant: output<LiveGrant | undefined>(),
  /** Whether the access has ended (dateExpired has passed). An expired grant is not drift. */
  expired: output<boolean>(),
  /** Whole days until dateExpired (0 once expired), as of the last read. */
  daysLeft: output<number>(),
  /**
   * A renewal in flight: the earlier approved grant this pending ticket keeps alive until it is
   * approved, or until that grant's own end (never later); revoked with this resource. Absent
   * otherwise (docs/access-over-time.md).
   */
  predecessor: output<Predecessor | undefined>(),
  /** When the ticket was opened (this provider's clock, or the server's if earlier): timeouts and ratify windows count from it. */
  openedAt: output<string | undefined>(),
  /** When `up` closed the ticket because nobody approved it within `pendingTimeoutDays`. */
  timedOutAt: output<string | undefined>(),
  /** When `up` revoked the break-glass grant because nobody ratified it in time. */
  revokedAt: output<string | undefined>(),
};

export const TICKET_INPUT_KEYS = inputKeys(TICKET_INPUTS);

/** Replacing inputs added after markers were first derived: they enter the hash only when set, so existing resources keep theirs. */
export const HASHED_WHEN_SET: readonly string[] = ["breakGlass"];

/** Inputs whose change asks for a different ticket, in their declared order. */
export const REPLACING_KEYS = TICKET_INPUT_KEYS.filter((k) => TICKET_INPUTS[k].replaces);

/** JumpServer's field names in an open's errors, and the inputs they come from. */
export const TICKET_WIRE_NAMES: Record<string, string> = Object.fromEntries(
  TICKET_INPUT_KEYS.flatMap((k) => {
    const wire = (TICKET_INPUTS[k] as { wire?: string }).wire;
    return wire ? [[wire, k]] : [];
  }),
);
