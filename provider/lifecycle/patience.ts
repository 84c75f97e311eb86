// Reads whose failure would fail a create that has written nothing yet (or that would leave work
// for the next `up`) are asked again after a transient failure, on top of the client's own
// retries: a read is always safe to repeat, and a create that fails cleanly costs a whole run.
import { JumpServerError } from "../client/errors";
import { sleep } from "../client/throttle";

/** Connection failures, 5xx and 429: the server may answer the same read next time. */
export function isTransient(e: unknown): boolean {
  return (
    e instanceof JumpServerError && (e.status === undefined || e.status >= 500 || e.status === 429)
  );
}

export async function patiently<T>(read: () => Promise<T>, rounds = 3): Promise<T> {
  for (let round = 1; ; round++) {
    try {
      return await read();
    } catch (e) {
      if (!isTransient(e) || round >= rounds) throw e;
      await sleep(500 * 2 ** (round - 1) * (0.5 + Math.random() / 2));
    }
  }
}
