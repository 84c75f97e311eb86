// Guardrails: a platform team's limits on access requests and approval flows, judged at `preview`
// without a request. Stack config (`jumpserver:maxAccessDays` …) sets them for every resource; a
// resource's `guardrails` input overrides them in the program, where review sees it. A value not
// known at preview is judged again just before the request (lifecycle create/update).
import { ProviderError } from "../errors";
import { ACTIONS, normalizeActions } from "./actions";
import { parseDate } from "./dates";
import type { FlowRule } from "./flowRules";
import type { Failure } from "./inputShapes";
import { hasUnknown, isUnknown } from "./unknown";
import type { Selector } from "./wireRules";

/** The limits one resource is held to (absent: no limit). */
export interface Guardrails {
  /** The longest access a ticket may ask for: `dateExpired − dateStart`, in days. */
  maxAccessDays?: number;
  /** A ticket must say why (a non-empty `comment`). */
  requireComment?: boolean;
  /** The only actions a ticket may ask for. */
  allowedActions?: string[];
  /** The fewest approval levels a TicketFlow may have. */
  minApprovalLevels?: number;
  /** No ticket may be approved by its own applicant, nor a flow let it be (default true). */
  forbidSelfApproval?: boolean;
  /** A ticket nobody approved within this many days of its opening is closed by the next `up`. */
  pendingTimeoutDays?: number;
  /** Who may ask for break-glass access (usernames or ids); absent: nobody (break-glass is off). Stack only. */
  breakGlassApplicants?: string[];
  /** The longest break-glass access, in hours (default 4). Stack only. */
  breakGlassMaxHours?: number;
  /** Hours after its opening by which a break-glass grant must be ratified, or is revoked (default 24). Stack only. */
  breakGlassRatifyHours?: number;
}

export const BREAK_GLASS_DEFAULTS = { maxHours: 4, ratifyHours: 24 } as const;

/** Limits only the stack sets: a resource can't loosen its own emergency path. */
const STACK_ONLY: readonly string[] = [
  "breakGlassApplicants",
  "breakGlassMaxHours",
  "breakGlassRatifyHours",
];

/** What a resource's `guardrails` input may override. */
export type TicketGuardrails = Pick<
  Guardrails,
  | "maxAccessDays"
  | "requireComment"
  | "allowedActions"
  | "forbidSelfApproval"
  | "pendingTimeoutDays"
>;
export type FlowGuardrails = Pick<Guardrails, "minApprovalLevels" | "forbidSelfApproval">;

export const GUARDRAIL_KEYS = {
  maxAccessDays: {
    config: "jumpserver:maxAccessDays",
    env: "JUMPSERVER_MAX_ACCESS_DAYS",
    type: "number",
    doc: "The longest access a ticket may ask for (dateExpired - dateStart), in days.",
  },
  requireComment: {
    config: "jumpserver:requireComment",
    env: "JUMPSERVER_REQUIRE_COMMENT",
    type: "boolean",
    doc: "A ticket must say why: a non-empty comment.",
  },
  allowedActions: {
    config: "jumpserver:allowedActions",
    env: "JUMPSERVER_ALLOWED_ACTIONS",
    type: "array",
    doc: "The only actions a ticket may ask for.",
  },
  minApprovalLevels: {
    config: "jumpserver:minApprovalLevels",
    env: "JUMPSERVER_MIN_APPROVAL_LEVELS",
    type: "integer",
    doc: "The fewest approval levels a TicketFlow may have (1 to 5).",
  },
  forbidSelfApproval: {
    config: "jumpserver:forbidSelfApproval",
    env: "JUMPSERVER_FORBID_SELF_APPROVAL",
    type: "boolean",
    doc: "Never approve a ticket whose applicant is the provider's own identity, and refuse a flow level whose only approver is one user (default true).",
  },
  pendingTimeoutDays: {
    config: "jumpserver:pendingTimeoutDays",
    env: "JUMPSERVER_PENDING_TIMEOUT_DAYS",
    type: "number",
    doc: "Close a ticket nobody approved within this many days (the next `up` closes it; per resource in `guardrails` too).",
  },
  breakGlassApplicants: {
    config: "jumpserver:breakGlassApplicants",
    env: "JUMPSERVER_BREAK_GLASS_APPLICANTS",
    type: "array",
    doc: "The users who may ask for break-glass access (usernames or ids); unset = break-glass is off.",
  },
  breakGlassMaxHours: {
    config: "jumpserver:breakGlassMaxHours",
    env: "JUMPSERVER_BREAK_GLASS_MAX_HOURS",
    type: "number",
    doc: "The longest break-glass access, in hours (default 4).",
  },
  breakGlassRatifyHours: {
    config: "jumpserver:breakGlassRatifyHours",
    env: "JUMPSERVER_BREAK_GLASS_RATIFY_HOURS",
    type: "number",
    doc: "Hours within which a later reviewed change must ratify a break-glass grant (ratified: true) before `up` revokes it (default 24).",
  },
} as const;

type Key = keyof Guardrails;

/** A limit and where it comes from, for the failure's words. */
interface Limit<T> {
  value: T;
  source: string;
}
type Effective = { [K in Key]?: Limit<NonNullable<Guardrails[K]>> };

/**
 * Reads the stack's guardrails (`get` returns a setting's raw text). Each bad value is a problem
 * naming its key; the limit is then left unset.
 */
export function parseGuardrails(get: (key: Key) => string | undefined): {
  guardrails: Guardrails;
  problems: string[];
} {
  const problems: string[] = [];
  const out: Guardrails = { forbidSelfApproval: true };
  const name = (k: Key) => GUARDRAIL_KEYS[k].config;
  const text = (k: Key) => {
    const v = get(k);
    return v === undefined || String(v).trim() === "" ? undefined : String(v).trim();
  };
  const number = (
    k:
      | "maxAccessDays"
      | "minApprovalLevels"
      | "pendingTimeoutDays"
      | "breakGlassMaxHours"
      | "breakGlassRatifyHours",
    ok: (n: number) => boolean,
    want: string,
  ) => {
    const v = text(k);
    if (v === undefined) return;
    const n = Number(v);
    if (Number.isFinite(n) && ok(n)) out[k] = n;
    else problems.push(`${name(k)} must be ${want}, got "${v}"`);
  };
  const bool = (k: "requireComment" | "forbidSelfApproval") => {
    const v = text(k);
    if (v === undefined) return;
    if (/^(true|1|yes)$/i.test(v)) out[k] = true;
    else if (/^(false|0|no)$/i.test(v)) out[k] = false;
    else problems.push(`${name(k)} must be true or false, got "${v}"`);
  };
  number("maxAccessDays", (n) => n > 0, "a number of days above 0");
  bool("requireComment");
  number("minApprovalLevels", (n) => Number.isInteger(n) && n >= 1 && n <= 5, "1 to 5 (levels)");
  bool("forbidSelfApproval");
  number("pendingTimeoutDays", (n) => n > 0, "a number of days above 0");
  number("breakGlassMaxHours", (n) => n > 0, "a number of hours above 0");
  number("breakGlassRatifyHours", (n) => n > 0, "a number of hours above 0");
  const applicants = text("breakGlassApplicants");
  if (applicants !== undefined) {
    const list = listOf(applicants);
    if (list.length === 0 || list.some((u) => u.trim() === ""))
      problems.push(
        `${name("breakGlassApplicants")} must list usernames (JSON or comma-separated), got "${applicants}"`,
      );
    else out.breakGlassApplicants = list.map((u) => u.trim());
  }
  const actions = text("allowedActions");
  if (actions !== undefined) {
    const names = listOf(actions);
    const { actions: mapped, unknown } = normalizeActions(names);
    if (unknown.length > 0 || mapped.length === 0) {
      problems.push(
        `${name("allowedActions")} must list actions (${["all", ...ACTIONS].join(", ")}), got "${actions}"`,
      );
    } else out.allowedActions = mapped;
  }
  return { guardrails: out, problems };
}

/** A list in stack config arrives as JSON; a plain "connect,download" is accepted too. */
function listOf(text: string): string[] {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    list = text.split(/[\s,]+/).filter((a) => a !== "");
  }
  return Array.isArray(list) ? list.map(String) : [String(list)];
}

/** The stack's limits, with a resource's own overrides (an unknown override: judged at `up`). */
function effective(stack: Guardrails, own: unknown): Effective {
  const out: Effective = {};
  const mine = own && typeof own === "object" ? (own as Record<string, unknown>) : {};
  for (const k of Object.keys(GUARDRAIL_KEYS) as Key[]) {
    if (mine[k] !== undefined && mine[k] !== null && !STACK_ONLY.includes(k)) {
      if (hasUnknown(mine[k])) continue;
      const value =
        k === "allowedActions" ? normalizeActions(mine[k] as string[]).actions : mine[k];
      (out as Record<string, unknown>)[k] = { value, source: `guardrails.${k}` };
    } else if (stack[k] !== undefined) {
      (out as Record<string, unknown>)[k] = { value: stack[k], source: GUARDRAIL_KEYS[k].config };
    }
  }
  return out;
}

/** A pending ticket's timeout in days and where it comes from (the resource's own, else the stack's). */
export function pendingTimeout(
  stack: Guardrails,
  own: unknown,
): { days: number; source: string } | undefined {
  const limit = effective(stack, own).pendingTimeoutDays;
  return limit ? { days: limit.value, source: limit.source } : undefined;
}

/** Where a resource's forbidSelfApproval comes from, when it is in force (for the check at `up`). */
export function selfApprovalForbiddenBy(stack: Guardrails, own: unknown): string | undefined {
  const limit = effective(stack, own).forbidSelfApproval;
  return limit?.value ? limit.source : undefined;
}

/** Guardrails broken once every value is known, just before a request: nothing is sent. */
export class GuardrailError extends ProviderError {
  constructor(failures: Failure[]) {
    super(
      `${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")} (nothing was written to JumpServer)`,
      "GuardrailError",
    );
  }
}

/** What an AssetAccessTicket's guardrails need to know about it, once its inputs are checked. */
export interface TicketAsk {
  applicant?: string;
  actions: string[];
  dateStart: string;
  dateExpired: string;
  comment: string;
  approve: boolean;
  guardrails?: unknown;
  flow?: string;
  revokeOnDelete?: boolean;
  breakGlass?: { reason: string; incident?: string };
}

/**
 * The guardrails an AssetAccessTicket breaks. `identity` is the configured password login's
 * username, when there is one: the only identity the provider knows without a request.
 */
export function ticketGuardrailFailures(
  ask: TicketAsk,
  stack: Guardrails,
  identity: string | undefined,
): Failure[] {
  const limits = effective(stack, ask.guardrails);
  const failures: Failure[] = [];
  const max = limits.maxAccessDays;
  const start = instant(ask.dateStart);
  const end = instant(ask.dateExpired);
  if (max && start !== undefined && end !== undefined) {
    const days = (end - start) / 86_400_000;
    if (days > max.value) {
      failures.push({
        property: "dateExpired",
        reason: `${round(days)} days of access is longer than ${max.source} (${max.value})`,
      });
    }
  }
  const why = limits.requireComment;
  if (why?.value && !isUnknown(ask.comment) && String(ask.comment ?? "").trim() === "") {
    failures.push({
      property: "comment",
      reason: `a ticket must say why: ${why.source} is true and the comment is empty`,
    });
  }
  const ownActions = (ask.guardrails as TicketGuardrails | undefined)?.allowedActions;
  if (Array.isArray(ownActions) && !hasUnknown(ownActions)) {
    normalizeActions(ownActions).unknown.forEach((a) =>
      failures.push({
        property: "guardrails.allowedActions",
        reason: `unknown action "${a}"; expected ${["all", ...ACTIONS].join(", ")} (or an older name)`,
      }),
    );
  }
  const allowed = limits.allowedActions;
  if (
    allowed &&
    !allowed.value.includes("all") &&
    Array.isArray(ask.actions) &&
    !hasUnknown(ask.actions)
  ) {
    const asked = ask.actions.includes("all") ? [...ACTIONS] : ask.actions;
    const refused = asked.filter((a) => !allowed.value.includes(a));
    if (refused.length > 0) {
      failures.push({
        property: "actions",
        reason: `${refused.map((a) => JSON.stringify(a)).join(", ")} ${refused.length === 1 ? "is" : "are"} not in ${allowed.source} (${allowed.value.join(", ")})${ask.actions.includes("all") ? '; "all" asks for every action' : ""}`,
      });
    }
  }
  const self = limits.forbidSelfApproval;
  // A blank applicant opens the ticket as the identity itself, as a missing one does.
  const applicant =
    typeof ask.applicant === "string" && ask.applicant.trim() !== "" ? ask.applicant : undefined;
  if (self?.value && ask.approve === true && !isUnknown(applicant)) {
    const own =
      applicant === undefined
        ? "no applicant is given, so the ticket is the provider identity's own"
        : identity !== undefined && applicant.trim().toLowerCase() === identity.toLowerCase()
          ? `the applicant ${JSON.stringify(applicant)} is the provider's own identity`
          : undefined;
    if (own) failures.push({ property: "approve", reason: selfApproval(own, self.source) });
  }
  if (ask.breakGlass !== undefined && ask.breakGlass !== null && !isUnknown(ask.breakGlass))
    failures.push(...breakGlassFailures(ask, stack, applicant, start, end));
  return failures;
}

/**
 * What a break-glass ticket must be, on top of every other guardrail (which it never loosens):
 * asked for by someone `jumpserver:breakGlassApplicants` names, on their behalf, approved by the
 * pipeline under a flow named for it, for `jumpserver:breakGlassMaxHours` at most, and revoked
 * when its resource goes. These limits are the stack's: a resource can't set its own.
 */
function breakGlassFailures(
  ask: TicketAsk,
  stack: Guardrails,
  applicant: string | undefined,
  start: number | undefined,
  end: number | undefined,
): Failure[] {
  const failures: Failure[] = [];
  const who = stack.breakGlassApplicants;
  const key = GUARDRAIL_KEYS.breakGlassApplicants.config;
  if (!who || who.length === 0) {
    return [
      {
        property: "breakGlass",
        reason: `break-glass is off in this stack: ${key} names nobody who may ask for it`,
      },
    ];
  }
  if (applicant === undefined) {
    failures.push({
      property: "applicant",
      reason: `a break-glass ticket is opened on someone's behalf: name the applicant, one of ${key} (${who.join(", ")})`,
    });
  } else if (!isUnknown(applicant) && !mayBreakGlass(applicant, who)) {
    failures.push({
      property: "applicant",
      reason: `${JSON.stringify(applicant)} may not ask for break-glass access: not in ${key} (${who.join(", ")})`,
    });
  }
  if (ask.approve !== true) {
    failures.push({
      property: "approve",
      reason: "a break-glass ticket is approved by the pipeline at once: set approve: true",
    });
  }
  if (ask.flow === undefined || ask.flow === null || String(ask.flow).trim() === "") {
    failures.push({
      property: "flow",
      reason:
        "a break-glass ticket is opened under a flow meant for it: name that flow (a named flow whose approver is the pipeline's identity, JumpServer v4.10.19+; before v4.10.19 an org has one flow, so break-glass is refused there)",
    });
  }
  if (ask.revokeOnDelete === false) {
    failures.push({
      property: "revokeOnDelete",
      reason:
        "a break-glass grant is always revoked when its resource goes (or its ratify window passes): leave revokeOnDelete unset or true",
    });
  }
  const max = stack.breakGlassMaxHours ?? BREAK_GLASS_DEFAULTS.maxHours;
  if (start !== undefined && end !== undefined) {
    const hours = (end - start) / 3_600_000;
    if (hours > max) {
      failures.push({
        property: "dateExpired",
        reason: `${round(hours)} hours of break-glass access is longer than ${GUARDRAIL_KEYS.breakGlassMaxHours.config} (${max}${stack.breakGlassMaxHours === undefined ? ", the default" : ""})`,
      });
    }
  }
  return failures;
}

/** Whether a username or id (as the program or the server spells it) is one of `who`. */
export function mayBreakGlass(user: string, who: readonly string[]): boolean {
  const u = user.trim().toLowerCase();
  return who.some((w) => w.trim().toLowerCase() === u);
}

/** The words for an approval of one's own ticket (also used once the identity is known at `up`). */
export function selfApproval(why: string, source: string): string {
  return `${why}, and approving it would approve one's own ticket, which ${source} (true) forbids; open it on someone's behalf (applicant), or approve it as another identity`;
}

/** What a TicketFlow's guardrails need to know about it, once its inputs are checked. */
export interface FlowAsk {
  rules: FlowRule[];
  guardrails?: unknown;
}

/**
 * The guardrails a TicketFlow breaks, including (whatever the config) rules that let anyone
 * approve. At `up`, `userIds` (username → id, as resolved) tells a name and an id of one person
 * apart from two people, which the words alone can't at `preview`.
 */
export function flowGuardrailFailures(
  ask: FlowAsk,
  stack: Guardrails,
  userIds: Record<string, string> = {},
): Failure[] {
  const limits = effective(stack, ask.guardrails);
  const failures: Failure[] = [];
  if (!Array.isArray(ask.rules)) return failures; // unknown at preview
  const min = limits.minApprovalLevels;
  if (min && ask.rules.length < min.value) {
    failures.push({
      property: "rules",
      reason: `${ask.rules.length} approval level${ask.rules.length === 1 ? " is" : "s are"} fewer than ${min.source} (${min.value})`,
    });
  }
  const self = limits.forbidSelfApproval;
  ask.rules.forEach((rule, i) => {
    if (!rule || typeof rule !== "object") return; // unknown at preview
    const sole = self?.value ? onlyApprover(rule, userIds) : undefined;
    if (sole && self) {
      failures.push({
        property: `rules[${i}].${sole.property}`,
        reason: `${JSON.stringify(sole.user)} is this level's only approver, and JumpServer lets a level's only approver approve their own tickets, which ${self.source} (true) forbids; name a second approver, or set guardrails: { forbidSelfApproval: false } on this flow`,
      });
    }
    if (!("users" in rule) || rule.allowAnyApprover === true) return;
    const why = everyone(rule.users);
    if (why) {
      failures.push({
        property: `rules[${i}].users`,
        reason: `${why}, so anyone in the org may approve; set allowAnyApprover: true on this rule if that is meant`,
      });
    }
  });
  return failures;
}

/**
 * The one user a level names as its only approver, where its words alone say so: JumpServer's
 * `Ticket.exclude_applicant` (v3.10.23 to v4.10.19) takes the applicant out of a level's
 * approvers only when there are several, so a sole approver approves their own tickets.
 * Selectors and strategies that the server resolves (attrs, admins) can't be judged here.
 */
function onlyApprover(
  rule: FlowRule,
  userIds: Record<string, string>,
): { property: string; user: string } | undefined {
  const [list, property] =
    "strategy" in rule
      ? [rule.strategy === "custom_user" ? rule.assignees : undefined, "assignees"]
      : [rule.users?.type === "ids" ? rule.users.ids : undefined, "users.ids"];
  if (!Array.isArray(list) || hasUnknown(list) || list.length === 0) return undefined;
  // Two spellings are one user when they are the same text (any case), or, once names are
  // resolved at `up`, a name and the id it resolves to.
  const person = (u: string) => {
    const text = String(u).trim();
    return (
      Object.prototype.hasOwnProperty.call(userIds, text) ? userIds[text] : text
    ).toLowerCase();
  };
  const users = new Set(list.map(person));
  return users.size === 1 ? { property, user: String(list[0]).trim() } : undefined;
}

export const SYSTEM_USER_ROLE = "00000000-0000-0000-0000-000000000003";
export const ORG_USER_ROLE = "00000000-0000-0000-0000-000000000007";

/**
 * Why a selector matches every user of the org, where its words alone say so (JumpServer's
 * `RelatedManager.get_to_filter_qs` / `_get_filter_attrs_qs`, apps/common/db/fields.py, and the
 * users' `get_json_filter_attr_q`): type "all"; or attrs that each filter nothing. Strategies
 * (v3) never do: each names admins, org admins or listed users. Undefined: it may not.
 */
export function everyone(sel: Selector): string | undefined {
  if (isUnknown(sel) || isUnknown((sel as { type?: unknown }).type)) return undefined;
  if (sel.type === "all") return 'a {type: "all"} selector matches every user';
  if (sel.type !== "attrs" || hasUnknown(sel.attrs)) return undefined;
  const whys = sel.attrs.map(unfiltered);
  if (whys.length === 0 || whys.some((w) => w === undefined)) return undefined;
  return `an attrs selector whose ${whys.join(" and ")} matches every user`;
}

/** Why one attr (all of them are ANDed) filters no user out. */
function unfiltered(a: { name: string; match: string; value: unknown }): string | undefined {
  const { name, match, value } = a;
  const list = Array.isArray(value) ? value : [value];
  const has = (x: unknown) => list.some((v) => v === x);
  const what = `${name} ${match} ${JSON.stringify(value)}`;
  // Role attrs ignore `match` but m2m_all; every user holds the User role, every member OrgUser.
  if (name === "system_roles" || name === "org_roles") {
    const role = name === "system_roles" ? SYSTEM_USER_ROLE : ORG_USER_ROLE;
    const holds = (v: unknown) => String(v).toLowerCase() === role;
    const all = match === "m2m_all" ? list.length > 0 && list.every(holds) : list.some(holds);
    return all ? `${what} (the ${name === "system_roles" ? "User" : "OrgUser"} role)` : undefined;
  }
  if (match === "exact" && value === "*") return `${what} ("*" is JumpServer's wildcard)`;
  if (match === "in" && has("*")) return `${what} ("*" is JumpServer's wildcard)`;
  if (["contains", "startswith", "endswith"].includes(match) && value === "")
    return `${what} (every text contains "")`;
  if (match === "regex" && typeof value === "string" && matchesAnything(value))
    return `${what} (the pattern matches any text)`;
  if (name === "username") {
    const why = everyUsername(match, value);
    if (why) return `${what} (${why})`;
  }
  // The approvers' pool is the org's users less its service accounts (User.get_org_users), and
  // only an active user can sign in to approve.
  if (name === "is_active" && holdsBool(match, value, true))
    return `${what} (every user who can sign in is active)`;
  if (name === "is_service_account" && holdsBool(match, value, false))
    return `${what} (service accounts are never approvers)`;
  // An ip_in with no address left to match adds no condition.
  if (match === "ip_in" && list.every((v) => v === "" || (Array.isArray(v) && v[0] === "*")))
    return `${what} (no address to match)`;
  return undefined;
}

/**
 * Why a `username` attr filters no user out. A username is never empty: JumpServer's API refuses a
 * blank one (its serializer trims and requires it) and the column holds 128 characters at most.
 */
function everyUsername(match: string, value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  // `not` is ~Q(username=value): every user, when no username can be the value.
  if (match === "not" && value === "") return "no username is empty";
  if (match === "not" && value.length > USERNAME_MAX)
    return `no username is longer than ${USERNAME_MAX} characters`;
  // Every non-empty text sorts after "".
  if ((match === "gt" || match === "gte") && value === "") return 'every username sorts after ""';
  if (match === "regex") return anyUsernamePattern(value);
  return undefined;
}

const USERNAME_MAX = 128;

/**
 * Why a pattern finds a match in every username, read from its shape (not probed): one "any
 * character" atom (`.`, `[\s\S]` and the like), perhaps repeated, perhaps anchored. Unanchored,
 * or anchored at one end, it needs one character, and every username has one that is not a line
 * break (the API trims them). Anchored at both ends it must span the whole username: `[\s\S]+`
 * does; `.+` does for a username without a line break, which is every username the API accepts
 * but not one a directory sync might bring (so that reading is a heuristic, and says so).
 */
function anyUsernamePattern(pattern: string): string | undefined {
  const m =
    /^(\^?)(?:\((?:\?:)?)?(\.|\[\\s\\S\]|\[\\S\\s\]|\[\\w\\W\]|\[\\W\\w\]|\[\\d\\D\]|\[\\D\\d\])(\+|\*|\{1,\}|\{0,\}|)\??(\))?(\$?)$/.exec(
      pattern,
    );
  if (!m) return undefined;
  const [, start, atom, repeat, close, end] = m;
  const open = pattern.slice(start.length).startsWith("(");
  if (open !== (close !== undefined)) return undefined; // an unbalanced group: not this shape
  if (start === "" || end === "") return "every username has a character the pattern finds";
  if (repeat === "") return undefined; // ^.$ is one-character usernames only
  return atom === "."
    ? "the pattern spans every username without a line break (a heuristic: a directory sync may bring one with)"
    : "the pattern spans every username";
}

/** Whether a boolean attr, as Django reads the value (BooleanField.to_python), keeps every `want` user. */
function holdsBool(match: string, value: unknown, want: boolean): boolean {
  const read = (v: unknown) =>
    v === true || v === 1 || v === "t" || v === "True" || v === "1"
      ? true
      : v === false || v === 0 || v === "f" || v === "False" || v === "0"
        ? false
        : undefined;
  if (match === "exact") return read(value) === want;
  if (match === "not") return read(value) === !want;
  if (match === "in") return Array.isArray(value) && value.some((v) => read(v) === want);
  return false;
}

const PROBES = ["", "a", "admin", "Z9", "user.name@example.com", "-_ ./", "\n", "é"];

/** A pattern that finds a match in every probe (a search, as the database runs it) matches anything. */
function matchesAnything(pattern: string): boolean {
  try {
    const re = new RegExp(pattern, "u");
    return PROBES.every((p) => re.test(p));
  } catch {
    return false; // JumpServer matches nobody with a pattern it can't compile
  }
}

/** A date to judge: given and known (create may be handed inputs check never accepted). */
const instant = (v: unknown) => (typeof v === "string" && !isUnknown(v) ? parseDate(v) : undefined);

const round = (n: number) => Math.round(n * 100) / 100;
