// How a request proves who sends it: one small strategy per auth mode (modelled on
// @octokit/auth-token), so the client never switches on the kind. Each says how it signs one
// attempt, which values are secret (redacted from every message), and how it names itself.
import { createHash } from "node:crypto";

/** What a strategy sees of one attempt: axios's request config is one. */
export interface SignTarget {
  method?: string;
  /** The path with its query string, as sent. */
  url?: string;
  headers: { get(name: string): unknown; set(name: string, value: string): unknown };
}

export interface AuthStrategy {
  /** A short, non-secret description for errors and logs (key id, username or token fingerprint). */
  readonly identity: string;
  /** Every secret value this identity uses; may grow (a password login's bearer token). */
  readonly secrets: string[];
  /** Sets `Authorization` on one attempt; `Date` and `Accept` are already set. */
  sign(target: SignTarget): Promise<void>;
  /** After a 401: true when the credentials were renewed and the request may be sent once more. */
  renew?(): boolean;
}

/** A stable, non-reversible name for a secret (12 hex digits of its SHA-256). */
export function fingerprint(secret: string): string {
  return createHash("sha256").update(secret).digest("hex").slice(0, 12);
}

/** A token sent as `Authorization: <scheme> <token>`, named by its kind and fingerprint. */
export class SchemeTokenAuth implements AuthStrategy {
  readonly identity: string;
  readonly secrets: string[];

  constructor(
    private readonly scheme: string,
    kind: string,
    private readonly token: string,
  ) {
    this.identity = `${kind} sha256:${fingerprint(token)}`;
    this.secrets = [token];
  }

  async sign(target: SignTarget): Promise<void> {
    target.headers.set("Authorization", `${this.scheme} ${this.token}`);
  }
}
