// What the report says, before it is rendered (markdown.ts) or written as JSON: one entry per
// resource of the stack, and the problems found in them, worst first. No network here.
import { endsWithin } from "../model/grants";
import type { ImportResource, PermissionEntry } from "./inventory";
import { parseDate } from "../model/dates";
import { inWords } from "../model/durations";

export interface FlowLevel {
  level: number;
  /** Users named as approvers (usernames; the id of a user that can't be found). */
  users: string[];
  /** Approvers named by what they are: "system admins", "org admins", "anyone in the org". */
  groups: string[];
}

export interface FlowEntry {
  /** The resource's name in the program. */
  name: string;
  id: string;
  org: string;
  orgId: string;
  /** The JumpServer flow's own name (named flows, v4.10.19+). */
  flowName?: string;
  levels: FlowLevel[];
  ccUsers?: string[];
  /** Inputs that differ from the program's, as `pulumi preview --refresh` would plan them. */
  drift: string[];
  /** Those of them that replace the resource. */
  replaces: string[];
  /** Whether `pulumi preview --refresh` would plan a change (drift or unfinished work). */
  changes: boolean;
  /** The flow no longer exists in JumpServer. */
  deleted: boolean;
  pendingAction?: string;
  /** Why it could not be read (the entry then shows the state's last known values). */
  unreadable?: string;
}

export interface AccessEntry {
  name: string;
  id: string;
  serialNum: string;
  title: string;
  org: string;
  applicant: string;
  assets: string[];
  nodes: string[];
  accounts: string[];
  actions: string[];
  dateStart: string;
  dateExpired: string;
  /** pending, approved, rejected or closed. */
  state: string;
  status: string;
  approvalStep: number;
  /** Who can approve the current level (pending tickets). */
  currentApprovers: string[];
  expired: boolean;
  daysLeft: number;
  /** Inputs that differ from the program's (a change of any but the switches replaces the ticket). */
  drift: string[];
  replaces: string[];
  changes: boolean;
  /** Grant properties on which the live permission differs from what the approval granted, or ["deleted"]. */
  grantDrift: string[];
  pendingAction?: string;
  mismatch?: string;
  unreadable?: string;
  /** An emergency grant: why, and the incident. */
  breakGlass?: { reason: string; incident?: string };
  ratified?: boolean;
  /** When the ticket was opened (deadlines count from it). */
  openedAt?: string;
  /** When `up` closed it for want of an approval. */
  timedOutAt?: string;
  /** When `up` revoked the unratified break-glass grant. */
  revokedAt?: string;
  /** The ticket's next deadline: "timeout" closes the request, "revoke" the break-glass grant. */
  deadline?: { kind: "timeout" | "revoke"; at: string; source: string };
  /** A renewal in flight: the earlier grant this ticket keeps alive, and until when at the latest. */
  renewal?: Renewal;
}

export interface Renewal {
  /** The earlier ticket's serial number (or id). */
  predecessor: string;
  /** The kept grant's end: it stays until this ticket is approved, or until then. */
  until: string;
  /** This ticket is approved, or the kept grant has ended: the next `up` revokes it. */
  due: boolean;
}

export type ProblemKind =
  | "breakGlass"
  | "unreadable"
  | "deleted"
  | "permissionDeleted"
  | "permissionDisabled"
  | "permissionChanged"
  | "drift"
  | "pendingAction"
  | "interrupted"
  | "expiring"
  | "waitingForApproval"
  | "notGranted"
  | "timedOut"
  | "timingOut"
  | "renewal"
  | "permissionReplaced"
  | "unmanagedAccess"
  | "standingAccess";

export interface Problem {
  kind: ProblemKind;
  /** "TicketFlow flow-name", "AssetAccessTicket name" or "stack". */
  resource: string;
  message: string;
}

export interface Report {
  /** "project/stack". */
  stack: string;
  generatedAt: string;
  server: string;
  /** The identity the report read JumpServer as (its username). */
  identity: string;
  expiryWarningDays: number;
  problems: Problem[];
  flows: FlowEntry[];
  access: AccessEntry[];
  /** `--all`: every asset permission the identity can see, each in its kind. */
  permissions?: PermissionEntry[];
  /** `--all`: "every org", or the one org id listed when the root org refused the identity. */
  scope?: string;
  /** `--adopt`: what the import file holds, and where it was written. */
  adopted?: { file: string; resources: ImportResource[] };
}

/** The order problems are listed in: what is broken now first, what only needs watching last. */
const ORDER: ProblemKind[] = [
  "breakGlass",
  "unreadable",
  "deleted",
  "permissionDeleted",
  "permissionDisabled",
  "permissionChanged",
  "permissionReplaced",
  "drift",
  "pendingAction",
  "interrupted",
  "timedOut",
  "notGranted",
  "standingAccess",
  "unmanagedAccess",
  "timingOut",
  "expiring",
  "renewal",
  "waitingForApproval",
];

/** Names and property names, each quoted (the Markdown shows them as code). */
const list = (xs: string[]) => xs.map((x) => `\`${x.replace(/`/g, "'")}\``).join(", ");
/** "2030-01-08T00:00:00Z" → "2030-01-08 00:00 UTC". */
const when = (iso: string) => iso.replace(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}).*Z$/, "$1 $2 UTC");

export function flowProblems(f: FlowEntry): Problem[] {
  const resource = `TicketFlow ${f.name}`;
  const p = (kind: ProblemKind, message: string): Problem => ({ kind, resource, message });
  if (f.unreadable) return [p("unreadable", `cannot be read: ${f.unreadable}`)];
  if (f.deleted) {
    return [
      p(
        "deleted",
        "the flow no longer exists in JumpServer; `pulumi refresh` drops it from the state and `pulumi up` adopts the org's flow again",
      ),
    ];
  }
  const out: Problem[] = [];
  if (f.drift.length > 0) {
    out.push(
      p(
        "drift",
        `changed in JumpServer: ${list(f.drift)} (${f.replaces.length > 0 ? "`pulumi up` replaces it" : "`pulumi up` writes the program's back"})`,
      ),
    );
  }
  if (f.pendingAction) {
    out.push(
      p(
        "pendingAction",
        "a failed run left its write unfinished; `pulumi up` writes the rules again",
      ),
    );
  }
  return out;
}

/** `warningDays` 0 turns the expiry warning off, as for preview's (`jumpserver:expiryWarningDays`). */
export function accessProblems(a: AccessEntry, warningDays: number, now = Date.now()): Problem[] {
  const resource = `AssetAccessTicket ${a.name}`;
  const p = (kind: ProblemKind, message: string): Problem => ({ kind, resource, message });
  const emergency = breakGlassProblems(a, now);
  if (a.unreadable) return [...emergency, p("unreadable", `cannot be read: ${a.unreadable}`)];
  const out: Problem[] = [...emergency];
  if (a.grantDrift.includes("deleted")) {
    out.push(
      p(
        "permissionDeleted",
        "its asset permission was deleted in JumpServer: the access is gone; a new ticket (changed inputs) asks for it again",
      ),
    );
  } else {
    if (a.grantDrift.includes("active")) {
      out.push(p("permissionDisabled", "its asset permission was disabled in JumpServer"));
    }
    const changed = a.grantDrift.filter((k) => k !== "active");
    if (changed.length > 0) {
      out.push(
        p(
          "permissionChanged",
          `its asset permission was changed in JumpServer: ${list(changed)} differ from what the approval granted`,
        ),
      );
    }
  }
  if (a.drift.length > 0) {
    out.push(
      p(
        "drift",
        `differs from the program: ${list(a.drift)} (${a.replaces.length > 0 ? "`pulumi up` opens a new ticket" : "`pulumi up` updates it"})`,
      ),
    );
  }
  if (a.pendingAction === "approve") {
    out.push(
      p("pendingAction", "a failed run left its approval unfinished; `pulumi up` approves it"),
    );
  } else if (a.pendingAction === "close") {
    out.push(
      p(
        "pendingAction",
        `JumpServer opened it narrower than asked (${a.mismatch || "narrowed by the server"}); change its inputs so that a new ticket is opened`,
      ),
    );
  } else if (a.pendingAction) {
    out.push(p("pendingAction", `a failed run left work unfinished (${a.pendingAction})`));
  }
  const open = a.state === "pending" && a.status !== "closed";
  const passed = a.deadline !== undefined && (parseDate(a.deadline.at) ?? Infinity) <= now;
  if (a.timedOutAt) {
    out.push(
      p(
        "timedOut",
        `timed out: nobody approved it in time, so \`pulumi up\` closed it (${when(a.timedOutAt)}); change the request to ask again`,
      ),
    );
  } else if (a.state === "rejected") out.push(p("notGranted", "rejected: no access was granted"));
  else if (a.revokedAt) {
    out.push(
      p(
        "notGranted",
        `break-glass grant revoked by \`pulumi up\` (${when(a.revokedAt)}): nobody ratified it in time`,
      ),
    );
  } else if (a.state === "closed" || (a.state === "pending" && !open)) {
    if (!a.pendingAction)
      out.push(p("notGranted", "closed without approval: no access was granted"));
  }
  if (open && a.deadline?.kind === "timeout") {
    const at = parseDate(a.deadline.at) ?? now;
    const opened = (a.openedAt && parseDate(a.openedAt)) || at;
    if (passed) {
      out.push(
        p(
          "timedOut",
          `waited past ${a.deadline.source} without approval: the next \`pulumi up\` closes it`,
        ),
      );
    } else if (at - now <= (at - opened) / 4) {
      // The last quarter of its window.
      out.push(
        p(
          "timingOut",
          `times out ${when(a.deadline.at)} (in ${inWords(at - now)}, ${a.deadline.source}) unless approved before`,
        ),
      );
    }
  }
  const live = a.state === "approved" && !a.grantDrift.includes("deleted") && !a.revokedAt;
  if (live && warningDays > 0 && endsWithin(a.dateExpired, warningDays, now)) {
    out.push(
      p(
        "expiring",
        `access ends ${a.daysLeft === 0 ? `in ${inWords((parseDate(a.dateExpired) ?? now) - now)}` : `in ${a.daysLeft} day${a.daysLeft === 1 ? "" : "s"}`} (${when(a.dateExpired)})`,
      ),
    );
  }
  if (a.renewal) {
    const earlier = `the earlier grant (ticket ${list([a.renewal.predecessor])})`;
    out.push(
      p(
        "renewal",
        a.renewal.due
          ? `renewal done: ${earlier} is revoked at the next \`pulumi up\``
          : `renewal in flight: ${earlier} stays until this ticket is approved, or until ${when(a.renewal.until)}, whichever comes first`,
      ),
    );
  }
  if (open) {
    const who = a.currentApprovers.length > 0 ? ` (approvers: ${list(a.currentApprovers)})` : "";
    out.push(p("waitingForApproval", `waiting for approval at level ${a.approvalStep}${who}`));
  }
  return out;
}

/** An emergency grant nobody has ratified yet: the report's first problem until one does. */
export function breakGlassProblems(a: AccessEntry, now = Date.now()): Problem[] {
  if (!a.breakGlass || a.ratified || a.revokedAt || a.state !== "approved") return [];
  const why = `${JSON.stringify(a.breakGlass.reason.replace(/`/g, "'"))}${a.breakGlass.incident ? ` (incident ${JSON.stringify(a.breakGlass.incident.replace(/`/g, "'"))})` : ""}`;
  const by = a.deadline?.kind === "revoke" ? a.deadline : undefined;
  const passed = by !== undefined && (parseDate(by.at) ?? Infinity) <= now;
  return [
    {
      kind: "breakGlass",
      resource: `AssetAccessTicket ${a.name}`,
      message: passed
        ? `break-glass grant to ${a.applicant} for ${why}, not ratified within ${by.source}: the next \`pulumi up\` revokes it`
        : `break-glass grant to ${a.applicant} for ${why}, not ratified yet: a reviewed change sets \`ratified: true\`${by ? `, or the first \`pulumi up\` after ${when(by.at)} revokes it` : ""}`,
    },
  ];
}

/** Every problem of the report, worst kind first (stable within a kind: the stack's order). */
export function sortProblems(problems: Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((x, y) => ORDER.indexOf(x.p.kind) - ORDER.indexOf(y.p.kind) || x.i - y.i)
    .map(({ p }) => p);
}

/** A permission's own words: who, on what, until when (names quoted). */
function grantWords(e: PermissionEntry): string {
  const who =
    e.users.length + e.userGroups.length > 0 ? list([...e.users, ...e.userGroups]) : "no one";
  const what = [...e.assets, ...e.nodes];
  const until = e.dateExpired ? ` until ${when(e.dateExpired)}` : "";
  return `${who} on ${what.length > 0 ? list(what) : "nothing"}${until}${e.active ? "" : " (disabled)"}`;
}

/** `--all`: access outside the stack is a problem; expired grants are listed, not problems. */
export function permissionProblems(e: PermissionEntry): Problem[] {
  const resource = `permission ${e.id}`;
  if (e.kind === "managed") {
    // The stack's id, but JumpServer says no ticket made it: someone deleted the grant and made
    // one by hand with the same id (the id is writable on create).
    return e.byTicket
      ? []
      : [
          {
            kind: "permissionReplaced",
            resource: e.managedBy ?? resource,
            message: `its permission was made by hand (created by ${list([e.createdBy])}), not by the ticket's approval: ${grantWords(e)}`,
          },
        ];
  }
  if (e.kind === "ticket") {
    return [
      {
        kind: "unmanagedAccess",
        resource,
        message: `access from ${e.ticket ? `ticket ${e.ticket.serialNum}` : "a ticket"} that no stack resource manages: ${grantWords(e)}; ${e.adoption}`,
      },
    ];
  }
  if (e.kind === "handMade") {
    return [
      {
        kind: "standingAccess",
        resource,
        message: `standing access made by hand (no ticket): ${grantWords(e)}`,
      },
    ];
  }
  return [];
}
