// startSandbox(): the HTTP(S) server around the model: faults, body limit, routing, auth,
// throttle, handlers, write-through persistence, request log and the /_sandbox/ admin routes.
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Hazard, Sandbox, SandboxOptions, SeedInfo } from "./types";
import { profileFor, Profile } from "./versions";
import { Model } from "./model/model";
import { seedState, State } from "./model/state";
import { resolveRequestOrg } from "./model/users";
import { StateFile } from "./persistence";
import { ApiError, methodNotAllowed, serverError } from "./errors";
import { Faults, parseFaultSpec } from "./http/faults";
import { parseRateLimit, RateLimiter } from "./http/ratelimit";
import { Stats } from "./http/stats";
import { BodyTooLarge, MAX_BODY_BYTES, parseBody, readBody } from "./http/body";
import { authenticate, notAuthenticated } from "./http/auth";
import { Ctx, makeHazard, Reply } from "./http/context";
import { matchRoute } from "./routes";
import type { UserRec } from "./model/state";
import { SEED_ASSETS } from "./seed";
import { fullValue } from "./render/assets";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const OPEN_PATH = "/api/v1/tickets/apply-asset-tickets/open/";
/** How long an open works between reading the last serial number and committing its own. */
const OPEN_WORK_MS = 15;

function validateOptions(o: SandboxOptions): void {
  if (o.dialect !== undefined && o.dialect !== "strategy" && o.dialect !== "selector")
    throw new Error(`dialect must be "strategy" or "selector", got "${String(o.dialect)}"`);
  if (o.errors !== undefined && o.errors !== "legacy" && o.errors !== "conflict")
    throw new Error(`errors must be "legacy" or "conflict", got "${String(o.errors)}"`);
  if (o.orgs !== undefined && o.orgs !== "community" && o.orgs !== "enterprise")
    throw new Error(`orgs must be "community" or "enterprise", got "${String(o.orgs)}"`);
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535))
    throw new Error(`port must be an integer 0-65535, got ${String(o.port)}`);
  if (o.openRace !== undefined && !["postgres", "mysql", "off"].includes(o.openRace))
    throw new Error(`openRace must be "postgres", "mysql" or "off", got "${String(o.openRace)}"`);
  if (o.now !== undefined && !Number.isFinite(o.now))
    throw new Error(`now must be an instant in epoch milliseconds, got ${String(o.now)}`);
  if (o.tls && (typeof o.tls.cert !== "string" || typeof o.tls.key !== "string"))
    throw new Error("tls needs PEM strings `cert` and `key`");
}

function seedInfo(url: string, state: State, profile: Profile): SeedInfo {
  return {
    url,
    dialect: profile.dialect,
    errors: profile.errors,
    version: profile.version,
    ...(state.mode.orgs === "enterprise" ? { orgsMode: "enterprise" as const } : {}),
    orgs: state.orgs.map((o) => ({ id: o.id, name: o.name })),
    users: state.users.map((u) => ({
      id: u.id,
      username: u.username,
      name: u.name,
      role: u.role,
      password: u.creds.password,
      privateToken: u.creds.privateToken,
      accessKey: { id: u.creds.accessKeyId, secret: u.creds.accessKeySecret },
    })),
    assets: state.assets
      .filter((a) => SEED_ASSETS.some((s) => s.id === a.id))
      .map((a) => ({ id: a.id, name: a.name, address: a.address, orgId: a.orgId })),
    nodes: state.nodes.map((n) => ({
      id: n.id,
      value: n.value,
      fullValue: fullValue(state, n),
      orgId: n.orgId,
    })),
  };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  raw?: string,
): void {
  if (res.headersSent || res.destroyed) return;
  if (raw !== undefined) {
    res.writeHead(status, { "Content-Length": Buffer.byteLength(raw), ...headers });
    res.end(raw);
    return;
  }
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  validateOptions(options);
  const dialect = options.dialect ?? "selector";
  const profile = profileFor(dialect, options.errors);
  const faults = new Faults(parseFaultSpec(options.faults));
  const limiter = new RateLimiter(parseRateLimit(options.rateLimit, profile.rateLimit));
  const stats = new Stats();
  const stateFile = options.state ? new StateFile(options.state) : null;

  let state = stateFile?.load() ?? null;
  if (state && (state.mode.dialect !== profile.dialect || state.mode.errors !== profile.errors))
    throw new Error(
      `state: ${options.state} was written by a ${state.mode.dialect}/${state.mode.errors} sandbox; start with the same --dialect/--errors or use another file`,
    );
  const orgsMode = options.orgs ?? "community";
  if (state && (state.mode.orgs ?? "community") !== orgsMode)
    throw new Error(
      `state: ${options.state} was written by a sandbox with --orgs ${state.mode.orgs ?? "community"}; start with the same --orgs or use another file`,
    );
  const clockOffsetMs = options.now === undefined ? 0 : options.now - Date.now();
  if (!state) {
    state = seedState(profile, options.credentials, Date.now() + clockOffsetMs, orgsMode);
    stateFile?.save(state);
  }
  const model = new Model(state, profile, clockOffsetMs);
  const tls = !!options.tls;
  const openRace = options.openRace ?? "postgres";

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const method = (req.method ?? "GET").toUpperCase();
    const rawUrl = req.url ?? "/";
    const url = new URL(rawUrl, "http://sandbox.invalid");
    const path = url.pathname;
    let who = "-";
    if (options.log)
      res.on("close", () => {
        process.stderr.write(
          `${new Date(started).toISOString()} ${method} ${rawUrl} ${res.headersSent ? res.statusCode : "dropped"} ${Date.now() - started}ms ${who}\n`,
        );
      });

    if (path.startsWith("/_sandbox/")) return admin(method, path, res);
    stats.count(method, path);

    const fault = faults.decide(method, path, rawUrl);
    // Latency of a request that fails (drop, error) comes before the failure; that of a request
    // that is handled comes after its body was read, as a slow server's would: a client that
    // times out meanwhile does not stop the server from acting on it.
    const failsEarly = fault.kind === "drop" || fault.kind === "error";
    if (failsEarly && fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault.kind === "drop") {
      stats.outcome("dropped");
      req.socket.destroy();
      return;
    }
    if (fault.kind === "error") {
      const throttled = fault.status === 429;
      const wait = fault.retryAfter ?? 1;
      stats.outcome(fault.status);
      return sendJson(
        res,
        fault.status,
        fault.body !== undefined
          ? fault.body
          : throttled
            ? {
                detail: `Request was throttled. Expected available in ${wait} seconds.`,
                code: "throttled",
              }
            : { error: "Injected fault (jms-sandbox)" },
        {
          "X-Sandbox-Fault": "error",
          ...(throttled || fault.retryAfter ? { "Retry-After": String(wait) } : {}),
        },
      );
    }

    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        res.setHeader("Connection", "close");
        stats.outcome(413);
        sendJson(res, 413, {
          detail: `Request body larger than ${MAX_BODY_BYTES} bytes.`,
          code: "request_too_large",
        });
        req.socket.end();
        return;
      }
      stats.outcome("dropped");
      req.socket.destroy();
      return;
    }

    if (!failsEarly && fault.delayMs > 0) await sleep(fault.delayMs);

    // An open reads the last serial number, works for a while, then commits: if another open
    // committed meanwhile, this one collides on the unique serial and is rolled back.
    let openRaceLost: Ctx["openRaceLost"] = null;
    if (openRace !== "off" && method === "POST" && path === OPEN_PATH) {
      const seqBefore = model.state.ticketSeq;
      await sleep(OPEN_WORK_MS);
      if (model.state.ticketSeq !== seqBefore) openRaceLost = openRace;
    }

    const hazards: string[] = [];
    let reply: Reply;
    let ctx: Ctx | null = null;
    try {
      reply = route(req, method, path, url, raw, hazards, (c) => (ctx = c), openRaceLost);
      who = (ctx as Ctx | null)?.user?.username ?? "-";
    } catch (e) {
      who = (ctx as Ctx | null)?.user?.username ?? "-";
      if (e instanceof ApiError) reply = { status: e.status, body: e.body, headers: e.headers };
      else {
        process.stderr.write(
          `jms-sandbox: internal error on ${method} ${path}: ${(e as Error).stack ?? String(e)}\n`,
        );
        reply = { status: 500, body: { error: "Server internal error" } };
      }
    }
    const c = ctx as Ctx | null;
    if (c && c.mutated && stateFile) {
      try {
        stateFile.save(model.state);
      } catch (e) {
        process.stderr.write(`jms-sandbox: cannot persist state: ${(e as Error).message}\n`);
        reply = { status: 500, body: { error: "Server internal error" } };
      }
    }
    if (fault.kind === "dropAfter") {
      stats.outcome("dropped");
      req.socket.destroy();
      return;
    }
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    if (reply.status === 401) headers["WWW-Authenticate"] = profile.wwwAuthenticate;
    if (hazards.length) headers["X-Sandbox-Hazard"] = [...new Set(hazards)].join(", ");
    stats.outcome(reply.status);
    sendJson(res, reply.status, reply.body, headers, reply.raw);
  };

  function route(
    req: IncomingMessage,
    method: string,
    path: string,
    url: URL,
    raw: Buffer,
    hazards: string[],
    expose: (c: Ctx) => void,
    openRaceLost: Ctx["openRaceLost"] = null,
  ): Reply {
    const matched = matchRoute(path);
    if (!matched) {
      if (path.startsWith("/api/") && !path.endsWith("/") && matchRoute(path + "/"))
        return { status: 301, headers: { Location: path + "/" + url.search } };
      if ((req.headers["content-type"] ?? "").includes("application/json"))
        return { status: 404, body: { error: "Not found" } };
      return {
        status: 404,
        raw: "<!doctype html><html><head><title>Not Found</title></head><body><h1>Not Found</h1></body></html>",
        headers: { "Content-Type": "text/html; charset=utf-8" },
      };
    }
    const recordHazard = (kind: string) => {
      hazards.push(kind);
      const h: Hazard = { kind, method, path };
      stats.hazard(h);
    };
    const base = { strict: !!options.strict, method, path };
    const ctx: Ctx = {
      method,
      path,
      query: url.searchParams,
      headers: req.headers,
      body: undefined,
      params: matched.params,
      user: null as unknown as UserRec,
      orgId: "",
      model,
      profile,
      strict: !!options.strict,
      origin: `${tls ? "https" : "http"}://${req.headers.host ?? "127.0.0.1"}`,
      clientIp: req.socket.remoteAddress ?? "",
      openRaceLost,
      mutated: false,
      hazard: makeHazard(base, recordHazard),
    };
    expose(ctx);
    if (!matched.route.public) {
      const result = authenticate(req, model);
      if (result.user && result.unsignedDate) {
        ctx.hazard(
          "signature-without-date",
          "headers",
          'The signature must sign "(request-target)" and "date"',
        );
        throw serverError();
      }
      if (!result.user) throw notAuthenticated();
      ctx.user = result.user;
    }
    const wait = limiter.hit(ctx.user ? `user:${ctx.user.id}` : `ip:${ctx.clientIp}`);
    if (wait !== null)
      throw new ApiError(
        429,
        {
          detail: `Request was throttled. Expected available in ${wait} seconds.`,
          code: "throttled",
        },
        { "Retry-After": String(wait) },
      );
    const cookieOrg = /(?:^|;\s*)X-JMS-ORG=([^;]+)/.exec(String(req.headers.cookie ?? ""))?.[1];
    ctx.orgId = resolveRequestOrg(
      model.state,
      url.searchParams.get("oid"),
      (req.headers["x-jms-org"] as string | undefined) ?? cookieOrg,
    );
    const handler = matched.route.methods[method];
    if (!handler) throw methodNotAllowed(method);
    ctx.body = parseBody(raw, req.headers["content-type"]);
    return handler(ctx);
  }

  function admin(method: string, path: string, res: ServerResponse): void {
    if (method === "GET" && path === "/_sandbox/stats") return sendJson(res, 200, stats.snapshot());
    if (method === "POST" && path === "/_sandbox/reset-stats") {
      stats.reset();
      return sendJson(res, 204, undefined);
    }
    sendJson(res, 404, {
      error: "Not found",
      routes: ["GET /_sandbox/stats", "POST /_sandbox/reset-stats"],
    });
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e) => {
      process.stderr.write(`jms-sandbox: ${(e as Error).stack ?? String(e)}\n`);
      if (!res.headersSent) {
        stats.outcome(500);
        sendJson(res, 500, { error: "Server internal error" });
      }
    });
  };
  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : http.createServer(listener);

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${tls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const seed = seedInfo(url, model.state, profile);

  let closing: Promise<void> | null = null;
  return {
    url,
    seed,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
    injectFault: (f) => faults.inject(f),
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
  };
}
