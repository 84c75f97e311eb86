// Opens of every process on this machine, one at a time per server. JumpServer numbers a ticket
// under a lock it releases before the transaction commits, so opens that overlap collide on the
// serial number (500 on PostgreSQL, `please_try_again` on MySQL) and are rolled back. Within a
// process `client.exclusive` already sends them one after another; stacks run side by side (one
// `pulumi up` per team or environment) share a lock file beside Pulumi's own files. Across
// machines only the exactly-once protocol helps (lifecycle/exactlyOnce.ts: look the ticket up by
// its marker, send again after a jittered pause).
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as lockfile from "proper-lockfile";
import { besidePulumi } from "./adoptions";
import { warn } from "./warn";

/**
 * Runs `fn` holding this machine's open lock for the server at `url`. A lock that can't be had
 * (an unwritable folder) costs nothing but the collisions it would have saved: the open goes on,
 * with one warning per process, and exactly-once still holds.
 */
export async function withOpenLock<T>(url: string, fn: () => Promise<T>): Promise<T> {
  const file = path.join(
    besidePulumi("locks"),
    createHash("sha256").update(url.toLowerCase().replace(/\/+$/, "")).digest("hex").slice(0, 32),
  );
  let release: (() => Promise<void>) | undefined;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    release = await lockfile.lock(file, {
      realpath: false,
      // An open takes tens of milliseconds; a crashed holder's lock goes stale after 10 s.
      stale: 10_000,
      retries: { retries: 2000, minTimeout: 5, maxTimeout: 100, randomize: true },
    });
  } catch (e) {
    warnOnce(
      `the open lock ${file} could not be taken (${(e as Error).message}); opens of stacks run side by side on this machine may collide, and are then resolved by their markers`,
    );
  }
  try {
    return await fn();
  } finally {
    await release?.().catch(() => undefined);
  }
}

let warned = false;
function warnOnce(text: string): void {
  if (warned) return;
  warned = true;
  warn(text);
}
