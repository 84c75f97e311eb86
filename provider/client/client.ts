// The HTTP client every resource uses: small layers, each policy written down once.
// - Auth (client/auth/): one strategy per mode signs each attempt and names the identity.
// - Every request sends Accept, Date and (for org-scoped calls) X-JMS-ORG; paths end with "/".
// - Budget (throttle.ts): a process-wide sliding window (`requestsPerMinute`) per server and identity.
// - Throttle (throttle.ts `waitOutThrottle`): a 429 is waited out (`Retry-After`) and sent again, for
//   every method, and never fails an operation: the throttle answers before the view runs.
// - Retries (retry.ts, axios-retry, exponential backoff with equal jitter): requests marked `retry: "safe"`
//   (GETs by default) on network errors, 502, 503 and 504, within `maxRetries`. Anything else
//   (POST, approve, close, copy-on-write PATCH) is never resent: a lost answer surfaces as
//   `JumpServerError.ambiguous` so the caller can look the object up and decide (lifecycle/).
import * as http from "http";
import * as https from "https";
import axios, { AxiosError, AxiosInstance, AxiosResponse } from "axios";
import { Settings } from "../settings";
import { AuthStrategy, LOGIN_PATH, LoginAnswer, authStrategy, fingerprint } from "./auth";
import { JumpServerError, RedactedRequest, codeOf, detailOf } from "./errors";
import { processState } from "./processState";
import { retryLostAnswers, retryState } from "./retry";
import { SlidingWindow, retryAfterSeconds, waitOutThrottle } from "./throttle";
import { ListPage, Query, buildPath, parseBody, toPage } from "./wire";
import { OrgScope, inOrg, isOrgScope, noOrgHeader, orgHeader, rootOrg } from "./orgScope";

export { buildPath, toPage };
export type { ListPage, Query, OrgScope };
export { inOrg, noOrgHeader, rootOrg };

/**
 * What `org` accepts: an OrgScope. An interface so that a test suite written against the earlier
 * options can widen it for itself (tests/support/legacyOrgOptions.ts); the package's build does
 * not see that, so provider/ code names a scope at every call.
 */
export interface OrgOptionValues {
  scope: OrgScope;
}
export type OrgOption = OrgOptionValues[keyof OrgOptionValues];

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** The org the request is scoped to (X-JMS-ORG): `rootOrg`, `inOrg(id)` or `noOrgHeader`. */
  org: OrgOption;
  /** "safe" = may be resent after a lost answer or 502/503/504. Default: safe for GET only. */
  retry?: "safe" | "never";
  /**
   * Wraps each time the request goes out (not the waits between: a 429's Retry-After): a ticket
   * open holds the machine's open lock only while it is on the wire.
   */
  eachSend?: (send: () => Promise<AxiosResponse>) => Promise<AxiosResponse>;
}

export interface ClientHooks {
  /** Called once per attempt with a redacted one-line description (for debug logs). */
  log?: (line: string) => void;
  /** The throttle's window (default 60 s, matching `requestsPerMinute`); tests shorten it. */
  throttleWindowMs?: number;
}

const PAGE_SIZE = 200;
/** 429 answers are waited out, never failed; this only bounds a server that throttles forever. */
const MAX_THROTTLED_WAITS = 50;

export class JumpServerClient {
  readonly settings: Settings;
  /** Per-client memo for lookups (names to ids) that do not change during one Pulumi operation. */
  readonly memo = new Map<string, Promise<unknown>>();
  /** Lists that answer reads (lifecycle/snapshot.ts), with the write count they were taken at. */
  readonly snapshots = new Map<
    string,
    { writes: number; value: Promise<unknown>; served: Set<string> }
  >();
  /** Requests sent that may change something (every method but GET): read snapshots end there. */
  writes = 0;
  private readonly http: AxiosInstance;
  private readonly budget: SlidingWindow;
  private readonly auth: AuthStrategy;
  private readonly hooks: ClientHooks;

  constructor(settings: Settings, hooks: ClientHooks = {}) {
    this.settings = settings;
    this.hooks = hooks;
    this.auth = authStrategy(settings.url, settings.auth, {
      post: (body) => this.postLogin(body),
      refused: (summary, status, code) =>
        new JumpServerError(this.redact(summary), {
          status,
          code,
          request: this.redactedRequest("POST", LOGIN_PATH),
        }),
    });
    const state = processState();
    const windowMs = hooks.throttleWindowMs ?? 60_000;
    const budgetKey = `${settings.url}|${this.identity}|${settings.requestsPerMinute}|${windowMs}`;
    let budget = state.budgets.get(budgetKey);
    if (!budget) {
      budget = new SlidingWindow(settings.requestsPerMinute, windowMs);
      state.budgets.set(budgetKey, budget);
    }
    this.budget = budget;

    const isHttps = settings.url.toLowerCase().startsWith("https:");
    this.http = axios.create({
      baseURL: settings.url,
      timeout: settings.timeoutSeconds * 1000,
      // We read every status ourselves; axios must not throw on 4xx/5xx bodies we want to render.
      validateStatus: () => true,
      maxRedirects: 0, // a 301 to the slash-less URL would turn a POST into a GET
      responseType: "text",
      transitional: { clarifyTimeoutError: true },
      httpAgent: isHttps ? undefined : new http.Agent({ keepAlive: true }),
      httpsAgent: isHttps
        ? new https.Agent({
            keepAlive: true,
            ca: settings.caCert,
            rejectUnauthorized: !settings.insecure,
          })
        : undefined,
    });
    // Pace and sign every attempt (axios-retry re-runs request interceptors on each retry, so a
    // retry gets a fresh Date and signature and is counted against the budget).
    this.http.interceptors.request.use(async (config) => {
      // When the budget let it go: the throttle layer counts what the server accepted by it.
      (config as { sentAt?: number }).sentAt = await this.budget.acquire();
      config.headers.set("Date", new Date().toUTCString());
      await this.auth.sign(config);
      this.hooks.log?.(`${config.method?.toUpperCase()} ${config.url}`);
      return config;
    });
    retryLostAnswers(this.http, settings.maxRetries);
  }

  /** The identity's short, non-secret description (key id, username or token fingerprint). */
  get who(): string {
    return this.identity;
  }

  private get identity(): string {
    return this.auth.identity;
  }

  async request<T = unknown>(method: string, path: string, options: RequestOptions): Promise<T> {
    const res = await this.send(method, path, options);
    return res.data as T;
  }

  get<T = unknown>(path: string, options: Omit<RequestOptions, "body">): Promise<T> {
    return this.request<T>("GET", path, options);
  }

  /** Every item of a list route, walking limit/offset to the end (bare arrays are capped at 200). */
  async list<T = unknown>(
    path: string,
    options: Omit<RequestOptions, "body"> & { pageSize?: number },
  ): Promise<T[]> {
    const items: T[] = [];
    const limit = options.pageSize ?? PAGE_SIZE;
    for (let offset = 0; ;) {
      const page = await this.page<T>(path, { ...options, limit, offset });
      items.push(...page.results);
      offset += page.results.length;
      if (page.results.length === 0 || offset >= page.count || !page.next) return items;
    }
  }

  /** Every row, or undefined (after one page) when the list holds more than `maxRows`. */
  async listUpTo<T = unknown>(
    path: string,
    maxRows: number,
    options: Omit<RequestOptions, "body">,
  ): Promise<T[] | undefined> {
    const first = await this.page<T>(path, { ...options, limit: PAGE_SIZE, offset: 0 });
    if (first.count > maxRows) return undefined;
    const items = [...first.results];
    for (let offset = items.length; first.next && offset < first.count && offset > 0;) {
      const page = await this.page<T>(path, { ...options, limit: PAGE_SIZE, offset });
      if (page.results.length === 0) break;
      items.push(...page.results);
      offset += page.results.length;
    }
    return items;
  }

  /** One page of a list route, in the envelope shape whichever shape the server answered. */
  async page<T = unknown>(
    path: string,
    options: Omit<RequestOptions, "body"> & { limit: number; offset?: number },
  ): Promise<ListPage<T>> {
    const query = { ...options.query, limit: options.limit, offset: options.offset ?? 0 };
    const data = await this.get<unknown>(path, { ...options, query });
    return toPage<T>(data);
  }

  /** Sends one request and returns the response; throws JumpServerError for anything not 2xx. */
  async send(
    method: string,
    path: string,
    options: RequestOptions,
    relogin = true,
  ): Promise<AxiosResponse> {
    const url = buildPath(path, options.query);
    const upper = method.toUpperCase();
    const safe = (options.retry ?? (upper === "GET" ? "safe" : "never")) === "safe";
    if (upper !== "GET") this.writes += 1;
    // English answers: "Ticket already closed" and other texts are matched in English, and an
    // out-of-the-box v3 answers in Chinese otherwise.
    const headers: Record<string, string> = { Accept: "application/json", "Accept-Language": "en" };
    const org = headerFor(options.org, this.settings.orgId);
    if (org) headers["X-JMS-ORG"] = org;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    const request = () =>
      this.http.request({
        method: upper,
        url,
        headers: { ...headers },
        data: body,
        ...retryState(safe),
      } as never) as Promise<AxiosResponse>;
    const eachSend = options.eachSend;
    const attempt = eachSend ? () => eachSend(request) : request;
    let res: AxiosResponse;
    try {
      res = await waitOutThrottle(attempt, this.budget, MAX_THROTTLED_WAITS);
    } catch (e) {
      if (e instanceof JumpServerError) throw e; // from the login inside the request interceptor
      throw this.toError(e, upper, url, safe);
    }
    const data = parseBody(res);
    res.data = data;
    if (res.status >= 200 && res.status < 300) return res;
    // Credentials that can be renewed (a password login's bearer token expires): once.
    if (res.status === 401 && relogin && this.auth.renew?.()) {
      return this.send(method, path, options, false);
    }
    throw this.httpError(upper, url, res.status, data, res.headers?.["retry-after"]);
  }

  /**
   * Runs `fn` after every earlier `fn` queued under the same name for this server, in this process
   * (all provider copies share it). Ticket opens go through here: JumpServer numbers tickets with a
   * lock released before the transaction commits, so concurrent opens collide on the serial number
   * and answer 500 (PostgreSQL) or `please_try_again` (MySQL): tickets/models/ticket/general.py
   * `set_serial_num`.
   */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const queues = processState().queues;
    const key = `${name}|${this.settings.url.toLowerCase()}`;
    const before = queues.get(key) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    queues.set(key, tail);
    void tail.then(() => {
      if (queues.get(key) === tail) queues.delete(key);
    });
    return run;
  }

  /** The caller's own user (`/api/v1/users/profile/`), fetched once per process and identity. */
  profile(): Promise<{ id: string; username: string; name: string; [k: string]: unknown }> {
    const state = processState();
    const key = `${this.settings.url}|${this.identity}|${fingerprint(this.auth.secrets.join("|"))}`;
    let p = state.profiles.get(key);
    if (!p) {
      p = this.get("/api/v1/users/profile/", { org: noOrgHeader });
      p.catch(() => state.profiles.delete(key));
      state.profiles.set(key, p);
    }
    return p as Promise<{ id: string; username: string; name: string }>;
  }

  /** Removes every known credential value from a text (defence in depth for messages and logs). */
  redact(text: string): string {
    let out = text;
    for (const s of this.auth.secrets) {
      if (s.length >= 4) out = out.split(s).join("<redacted>");
    }
    return out;
  }

  /** One login exchange for the password strategy: budgeted, never retried here, any status. */
  private async postLogin(body: unknown): Promise<LoginAnswer> {
    await this.budget.acquire();
    let res: AxiosResponse;
    try {
      res = await axios.post(this.settings.url + LOGIN_PATH, JSON.stringify(body), {
        headers: {
          Accept: "application/json",
          "Accept-Language": "en",
          "Content-Type": "application/json",
          Date: new Date().toUTCString(),
        },
        timeout: this.settings.timeoutSeconds * 1000,
        validateStatus: () => true,
        maxRedirects: 0,
        responseType: "text",
        // (The scheme's case does not matter: HTTPS:// is https.)
        httpsAgent: this.settings.url.toLowerCase().startsWith("https:")
          ? new https.Agent({
              ca: this.settings.caCert,
              rejectUnauthorized: !this.settings.insecure,
            })
          : undefined,
      });
    } catch (e) {
      throw this.toError(e, "POST", LOGIN_PATH, false);
    }
    return {
      status: res.status,
      retryAfterSeconds: retryAfterSeconds(res.headers?.["retry-after"]),
      data: parseBody(res),
    };
  }

  private toError(e: unknown, method: string, url: string, safe: boolean): JumpServerError {
    const err = e as AxiosError;
    if (err && err.isAxiosError && err.response) {
      const data = parseBody(err.response);
      return this.httpError(
        method,
        url,
        err.response.status,
        data,
        err.response.headers?.["retry-after"],
      );
    }
    const code = (err && (err.code as string)) || "";
    const notSent = code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN";
    const tls = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(
      code + " " + (err?.message ?? ""),
    );
    const ambiguous = !notSent && !tls && !safe;
    let summary: string;
    if (tls) {
      summary = `TLS verification failed (${code || err?.message}); trust the server's CA with jumpserver:caCert (JUMPSERVER_CA_CERT), or set jumpserver:insecure=true to skip verification`;
    } else if (code === "ETIMEDOUT" || code === "ECONNABORTED") {
      summary = `no answer within ${this.settings.timeoutSeconds}s (jumpserver:timeoutSeconds)`;
    } else {
      summary = `connection failed (${code || err?.message || "unknown error"})`;
    }
    if (ambiguous) summary += "; the server may or may not have acted on it";
    return new JumpServerError(this.redact(summary), {
      code: code || undefined,
      request: this.redactedRequest(method, url),
      ambiguous,
    });
  }

  private httpError(
    method: string,
    url: string,
    status: number,
    data: unknown,
    retryAfter: unknown,
  ): JumpServerError {
    const detail = detailOf(data);
    let summary = `HTTP ${status}${detail ? `: ${detail}` : ""}`;
    if (status === 403 && /\/tickets\/flows\//.test(url)) {
      summary +=
        " (ticket flows can only be read and changed by a system administrator's credentials; an org admin gets 403)";
    }
    if (status === 401) summary += ` (identity ${this.identity})`;
    // 502/503/504 on a request that was not safe to resend: the server may have acted on it.
    const ambiguous = method !== "GET" && (status === 502 || status === 503 || status === 504);
    if (ambiguous) summary += "; the server may or may not have acted on it";
    const body = typeof data === "string" && data.length > 500 ? data.slice(0, 500) + "…" : data;
    return new JumpServerError(this.redact(summary), {
      status,
      code: codeOf(data),
      request: this.redactedRequest(method, url),
      body: redactDeep(body, this),
      ambiguous,
      retryAfterSeconds: retryAfterSeconds(retryAfter),
    });
  }

  private redactedRequest(method: string, url: string): RedactedRequest {
    return {
      method,
      url: this.redact(this.settings.url + url),
      headers: { Accept: "application/json", Authorization: "<redacted>" },
    };
  }
}

/**
 * The X-JMS-ORG value. The scope is required by the types; at run time, callers written against
 * the earlier options (an org id string, `null` for no header, nothing for the settings' org:
 * tests/real, scripts in JavaScript) are still understood as they were.
 */
function headerFor(org: unknown, settingsOrg: string): string | undefined {
  if (isOrgScope(org)) return orgHeader(org);
  if (org === undefined) return settingsOrg || undefined;
  if (typeof org === "string" && org) return org;
  if (org === null || org === "") return undefined;
  throw new TypeError(`not an org scope: ${JSON.stringify(org)}`);
}

function redactDeep(value: unknown, client: JumpServerClient): unknown {
  if (typeof value === "string") return client.redact(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, client));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactDeep(v, client)]),
    );
  }
  return value;
}
