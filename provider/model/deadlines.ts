// What time alone asks of a ticket: a request nobody approved within `pendingTimeoutDays` is
// closed, and a break-glass grant nobody ratified within `breakGlassRatifyHours` is revoked. Both
// count from `openedAt`, which this provider recorded (never later than the server's own
// date_created), so nothing read from JumpServer can move a deadline later. Pure: diff says it
// is due (preview shows it, the drift gate fails), update does it, the report lists it.
import { parseDate } from "./dates";
import { BREAK_GLASS_DEFAULTS, Guardrails, pendingTimeout } from "./guardrails";
import type { BreakGlass } from "./ticketFields";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** What a deadline needs to know of a ticket's last known outputs and the program's inputs. */
export interface TimedTicket {
  state: string;
  status: string;
  openedAt?: string;
  timedOutAt?: string;
  revokedAt?: string;
  breakGlass?: BreakGlass;
  ratified?: boolean;
  guardrails?: unknown;
}

export interface Deadline {
  /** "timeout": close the pending request; "revoke": revoke the unratified break-glass grant. */
  kind: "timeout" | "revoke";
  /** Epoch ms. */
  at: number;
  /** The setting that set it, and its value, for the words: "jumpserver:pendingTimeoutDays (3)". */
  source: string;
}

/** A request still waiting for a person. */
const waiting = (t: TimedTicket) => t.state === "pending" && t.status !== "closed";

/**
 * The next deadline of a ticket, passed or not (undefined: none). `olds` are the last outputs,
 * `news` the program's inputs: a ratification or another timeout in the program counts at once.
 */
export function deadlineOf(
  olds: TimedTicket,
  news: Pick<TimedTicket, "ratified" | "guardrails">,
  stack: Guardrails,
): Deadline | undefined {
  const opened = olds.openedAt ? parseDate(olds.openedAt) : undefined;
  if (opened === undefined) return undefined;
  if (waiting(olds) && !olds.timedOutAt) {
    const limit = pendingTimeout(stack, news.guardrails);
    if (limit)
      return {
        kind: "timeout",
        at: opened + limit.days * DAY_MS,
        source: `${limit.source} (${limit.days})`,
      };
  }
  if (
    olds.breakGlass &&
    olds.state === "approved" &&
    !olds.revokedAt &&
    news.ratified !== true &&
    olds.ratified !== true
  ) {
    const hours = stack.breakGlassRatifyHours ?? BREAK_GLASS_DEFAULTS.ratifyHours;
    return {
      kind: "revoke",
      at: opened + hours * HOUR_MS,
      source: `jumpserver:breakGlassRatifyHours (${hours}${stack.breakGlassRatifyHours === undefined ? ", the default" : ""})`,
    };
  }
  return undefined;
}

/** The deadline that has passed, which the next `up` acts on. */
export function dueNow(
  olds: TimedTicket,
  news: Pick<TimedTicket, "ratified" | "guardrails">,
  stack: Guardrails,
  now = Date.now(),
): Deadline | undefined {
  const d = deadlineOf(olds, news, stack);
  return d && d.at <= now ? d : undefined;
}

/** The instant a ticket's deadlines count from: ours, or the server's date_created when earlier. */
export function openedAtOf(
  previous: string | undefined,
  serverCreated: unknown,
  now: number,
): string {
  if (previous && parseDate(previous) !== undefined) return previous;
  const server = typeof serverCreated === "string" ? parseDate(serverCreated) : undefined;
  const at = server !== undefined ? Math.min(server, now) : now;
  return new Date(Math.floor(at / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
