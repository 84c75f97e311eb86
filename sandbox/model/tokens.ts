// The auth-tokens backend: bearer tokens a password login issues.
import { randomBytes } from "node:crypto";
import type { Model } from "./model";
import type { UserRec } from "./state";

export class TokensBackend {
  constructor(private readonly m: Model) {}

  /** Same token again for the same user and client address while it lives (24 h, refreshed). */
  issue(user: UserRec, ip: string): { token: string; expires: number } {
    const now = this.m.now();
    const ttl = 86_400_000;
    for (const [token, rec] of Object.entries(this.m.state.bearerTokens)) {
      if (rec.expires <= now) delete this.m.state.bearerTokens[token];
      else if (rec.userId === user.id && rec.ip === ip) {
        rec.expires = now + ttl;
        return { token, expires: rec.expires };
      }
    }
    const token = randomBytes(18).toString("hex");
    this.m.state.bearerTokens[token] = { userId: user.id, ip, expires: now + ttl };
    return { token, expires: now + ttl };
  }

  userFor(token: string): UserRec | undefined {
    const rec = this.m.state.bearerTokens[token];
    if (!rec || rec.expires <= this.m.now()) return undefined;
    return this.m.user(rec.userId);
  }
}
