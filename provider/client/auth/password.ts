// Username and password, exchanged for a bearer token once per process and server (concurrent
// requests share one login). A refused login stays refused for the process and is never retried:
// seven wrong passwords lock the user. A 401 later (the token expired, 24 h by default) logs in
// again once. The HTTP exchange itself is the client's (`LoginTransport`).
import type { JumpServerError } from "../errors";
import { processState } from "../processState";
import { sleep } from "../throttle";
import { AuthStrategy, SignTarget, fingerprint } from "./strategy";

export const LOGIN_PATH = "/api/v1/authentication/auth/";

export interface LoginAnswer {
  status: number;
  retryAfterSeconds?: number;
  data: unknown;
}

export interface LoginTransport {
  /** POSTs the login body once (after the request budget), resolving with any status. */
  post(body: unknown): Promise<LoginAnswer>;
  /** The client's error for a login that gave no token (credentials redacted). */
  refused(summary: string, status: number, code?: string): JumpServerError;
}

export class PasswordAuth implements AuthStrategy {
  readonly identity: string;
  readonly secrets: string[];
  private readonly cacheKey: string;

  constructor(
    url: string,
    private readonly username: string,
    private readonly password: string,
    private readonly transport: LoginTransport,
  ) {
    this.identity = `user ${username}`;
    this.secrets = [password];
    // The password's fingerprint is part of the key: a corrected password must not reuse a token.
    this.cacheKey = `${url}|${this.identity}|${fingerprint(password)}`;
  }

  async sign(target: SignTarget): Promise<void> {
    target.headers.set("Authorization", `Bearer ${await this.token()}`);
  }

  renew(): boolean {
    return processState().logins.delete(this.cacheKey);
  }

  private token(): Promise<string> {
    const logins = processState().logins;
    let login = logins.get(this.cacheKey);
    if (!login) {
      login = this.login();
      logins.set(this.cacheKey, login);
    }
    return login;
  }

  private async login(): Promise<string> {
    const body = { username: this.username, password: this.password };
    let answer = await this.transport.post(body);
    // A 429 comes from the throttle, before the password is checked: waiting it out is safe.
    for (let throttled = 1; answer.status === 429 && throttled <= 5; throttled++) {
      await sleep((answer.retryAfterSeconds ?? 1) * 1000);
      answer = await this.transport.post(body);
    }
    const data = answer.data as Record<string, unknown> | undefined;
    const token = data && typeof data.token === "string" ? data.token : undefined;
    if (answer.status >= 200 && answer.status < 300 && token) {
      this.secrets.push(token); // never shown, even by accident
      return token;
    }
    const error = data && typeof data.error === "string" ? data.error : undefined;
    const msg = data && typeof data.msg === "string" ? data.msg : undefined;
    const detail = `${error ?? (answer.status < 300 ? "no token" : answer.status)}${msg ? `: ${msg}` : ""}`;
    const why =
      answer.status < 300
        ? `login for ${this.username} answered ${answer.status} without a token (${detail}); ${
            error === "mfa_required"
              ? "this user needs MFA, which an API client cannot answer: use an access key instead"
              : "use an access key or a private token instead"
          }`
        : `login for ${this.username} failed (${detail}); not retried (repeated wrong passwords lock the user)`;
    throw this.transport.refused(why, answer.status, error);
  }
}
