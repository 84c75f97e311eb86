// "Send, and after an answer that may have been lost look the object up before sending again":
// the one protocol behind every write JumpServer does not make idempotent (a ticket open, the
// copy-on-write of the global flow, a named flow's POST). What differs between them is data: a
// `Policy` (what is ambiguous, how often and how long to look, how often to send) and the
// operation's own send and lookup.
import type { JumpServerClient } from "../client/client";
import { JumpServerError } from "../client/errors";
import { sleep } from "../client/throttle";
import { isTransient } from "./patience";

export interface Policy {
  /** Answers after which the write may or may not have landed. */
  ambiguous(e: unknown): boolean;
  /** How many sends at most, given the client's `maxRetries` (each resend follows a lookup that found nothing). */
  sends(maxRetries: number): number;
  /** Lookups per decision (each also has the client's own retries), and the pause before the next. */
  lookups: number;
  lookupPauseMs(round: number): number;
  /** After a send that timed out, keep looking for as long again (the server may still be at it). */
  lookAsLongAsTheTimeout: boolean;
  /** The pause before sending again. */
  resendPauseMs(send: number): number;
}

export interface Operation<T> {
  send(): Promise<T>;
  /** The object the write made, if it exists. */
  find(): Promise<T | undefined>;
  /** What to do with an object a lookup found (default: take it as it is). */
  found?(existing: T): Promise<T>;
  /** Before a resend: may throw when a resend would be unsafe (the lookup can't see the object). */
  beforeResend?(e: JumpServerError): Promise<void>;
  /** The error for an answer that says the write did not land (default: the error itself). */
  refused?(e: unknown): unknown;
  /** The error when the lookups themselves fail (default: the lookup's error). */
  lookupFailed?(e: unknown): unknown;
}

/** Random between half and all of `ms`, so that clients that failed together do not retry together. */
const jitter = (ms: number) => ms * (0.5 + Math.random() / 2);

/** A ticket open: a lost answer, a timeout or a collision on the serial number (500, `please_try_again`). */
export const TICKET_OPEN: Policy = {
  ambiguous: (e) =>
    e instanceof JumpServerError &&
    (e.ambiguous || e.status === 500 || e.code === "please_try_again"),
  // Twice the retry budget lets a full-size `up` against a flaky server finish in one run.
  sends: (maxRetries) => 2 * (maxRetries + 1),
  // A lookup that gives up would leave a ticket that exists but that no state records.
  lookups: 5,
  lookupPauseMs: (round) => 1000 * 2 ** (round - 1),
  lookAsLongAsTheTimeout: true,
  // A struggling server, or another client opening too: step aside a little.
  resendPauseMs: (send) => jitter(Math.min(2000, 100 * 2 ** send)),
};

/**
 * A flow's write that makes an object: the copy-on-write PATCH of the global flow (each one that
 * lands makes another copy), and a named flow's POST (v4.10.19+). Each resend follows a lookup
 * that found nothing, so resending is as safe as the lookup, and a flaky server gets the client's
 * retry budget (two sends were too few: two 503s in a row failed a create).
 */
export const FLOW_WRITE: Policy = {
  ambiguous: (e) => e instanceof JumpServerError && e.ambiguous,
  sends: (maxRetries) => 2 * maxRetries + 1,
  lookups: 3,
  lookupPauseMs: (round) => jitter(500 * 2 ** (round - 1)),
  lookAsLongAsTheTimeout: false,
  resendPauseMs: () => 0,
};

export async function exactlyOnce<T>(
  client: JumpServerClient,
  policy: Policy,
  op: Operation<T>,
): Promise<T> {
  for (let sent = 1; ; sent++) {
    try {
      return await op.send();
    } catch (e) {
      if (!(e instanceof JumpServerError) || !policy.ambiguous(e)) throw op.refused?.(e) ?? e;
      let existing = await look(policy, op);
      if (existing === undefined && policy.lookAsLongAsTheTimeout && timedOut(e)) {
        const deadline = Date.now() + client.settings.timeoutSeconds * 1000;
        while (existing === undefined && Date.now() < deadline) {
          await sleep(Math.min(1000, Math.max(0, deadline - Date.now())));
          existing = await look(policy, op);
        }
      }
      if (existing !== undefined) return op.found ? op.found(existing) : existing;
      await op.beforeResend?.(e);
      if (sent >= policy.sends(client.settings.maxRetries)) throw op.refused?.(e) ?? e;
      await sleep(policy.resendPauseMs(sent));
    }
  }
}

async function look<T>(policy: Policy, op: Operation<T>): Promise<T | undefined> {
  for (let round = 1; ; round++) {
    try {
      return await op.find();
    } catch (e) {
      if (!isTransient(e) || round >= policy.lookups) throw op.lookupFailed?.(e) ?? e;
      await sleep(policy.lookupPauseMs(round));
    }
  }
}

function timedOut(e: JumpServerError): boolean {
  return e.code === "ETIMEDOUT" || e.code === "ECONNABORTED";
}
