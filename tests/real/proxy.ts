// A recording proxy on loopback between the provider and a JumpServer: every request and every
// answer passes through unchanged, and is kept as an exchange in the golden-transcript shape
// (tests/golden/fixtures: step, who, org, method, path, body, status, contentType,
// wwwAuthenticate, response), with every credential of the ready file replaced by <redacted>.
// The suites read it to assert what was sent (a `type` on every flow write, no 403 before a
// super-ticket close, no collided open), and `--record` writes it as a transcript the sandbox replays.
// It can also answer a request itself, as a broken proxy in front of JumpServer would.
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import type { Exchange } from "../golden/replay-engine";
import type { ReadyFile } from "./targets";

/** One exchange, as a golden transcript line holds it (the replay numbers the lines). */
export type RecordedExchange = Omit<Exchange, "line">;

/** An answer the proxy gives itself instead of forwarding (what a broken proxy in front says). */
export interface ProxyAnswer {
  /** A method, or "*" for any. */
  method: string;
  /** Tested against the path with its query string. */
  path: RegExp;
  status: number;
  contentType: string;
  body: string;
  /** How many matching requests get it (default 1). */
  times?: number;
  /** Only requests whose Authorization header matches (a revoked key, say). */
  authorization?: RegExp;
}

export class RecordingProxy {
  /** Name of the current step, stamped on each exchange. */
  step = "setup";
  readonly exchanges: RecordedExchange[] = [];
  private readonly answers: ProxyAnswer[] = [];
  private readonly holds: { method: string; path: RegExp }[] = [];
  private readonly secrets: string[];

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly ready: ReadyFile,
  ) {
    this.secrets = ready.users
      .flatMap((u) => [u.password, u.privateToken, u.accessKey.secret])
      .filter((s) => typeof s === "string" && s.length >= 4);
  }

  static async start(ready: ReadyFile): Promise<RecordingProxy> {
    const upstream = new URL(ready.url);
    const agent = upstream.protocol === "https:" ? https : http;
    const self: { proxy?: RecordingProxy } = {};
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        const own = self.proxy!.takeAnswer(
          req.method ?? "GET",
          req.url ?? "/",
          String(req.headers.authorization ?? ""),
        );
        if (own) {
          res.writeHead(own.status, { "Content-Type": own.contentType });
          res.end(own.body);
          return;
        }
        const headers = { ...req.headers, host: upstream.host };
        const out = agent.request(
          {
            protocol: upstream.protocol,
            hostname: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers,
            rejectUnauthorized: false, // loopback test servers with self-signed certificates
          },
          (answer) => {
            const parts: Buffer[] = [];
            answer.on("data", (c: Buffer) => parts.push(c));
            answer.on("end", () => {
              const text = Buffer.concat(parts);
              self.proxy!.record(req, body, answer, text);
              if (self.proxy!.holding(req.method ?? "GET", req.url ?? "/")) return;
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(text);
            });
          },
        );
        out.on("error", () => req.socket.destroy()); // the client sees the same lost answer
        out.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    self.proxy = new RecordingProxy(server, `http://127.0.0.1:${port}`, ready);
    return self.proxy;
  }

  /** Answers the next matching request(s) itself, without forwarding; not recorded. */
  answer(a: ProxyAnswer): void {
    this.answers.push({ times: 1, ...a });
  }

  /** Forgets the answers not given yet. */
  clearAnswers(): void {
    this.answers.length = 0;
  }

  /**
   * Forwards matching requests and records their answers, but never passes those answers on
   * (the moment a run may be killed: the server acted, the client can't know). `clearHolds`
   * stops holding later requests.
   */
  hold(match: { method: string; path: RegExp }): void {
    this.holds.push(match);
  }

  clearHolds(): void {
    this.holds.length = 0;
  }

  private holding(method: string, path: string): boolean {
    return this.holds.some((h) => (h.method === "*" || h.method === method) && h.path.test(path));
  }

  private takeAnswer(method: string, path: string, auth: string): ProxyAnswer | undefined {
    const a = this.answers.find(
      (x) =>
        (x.method === "*" || x.method === method) &&
        x.path.test(path) &&
        (!x.authorization || x.authorization.test(auth)),
    );
    if (!a) return undefined;
    a.times = (a.times ?? 1) - 1;
    if (a.times <= 0) this.answers.splice(this.answers.indexOf(a), 1);
    return a;
  }

  /** Exchanges from `mark` (an earlier `exchanges.length`) on. */
  since(mark: number): RecordedExchange[] {
    return this.exchanges.slice(mark);
  }

  /** Counts by status code of the exchanges from `mark` on. */
  statuses(mark = 0): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.since(mark)) out[e.status] = (out[e.status] ?? 0) + 1;
    return out;
  }

  /** Writes the kept exchanges as a golden transcript (seed line first, no credentials). */
  writeTranscript(
    file: string,
    version: string,
    keep: (e: RecordedExchange) => boolean = () => true,
  ): void {
    const seed = {
      dialect: this.ready.dialect,
      version,
      url: "<url>",
      orgs: this.ready.orgs,
      users: this.ready.users.map(({ id, username, name, role }) => ({ id, username, name, role })),
      assets: this.ready.assets,
      nodes: this.ready.nodes,
      // A multi-org server's transcript replays against the sandbox's `orgs: "enterprise"`.
      ...(this.ready.multiOrg ? { multiOrg: true } : {}),
    };
    const lines = [
      JSON.stringify({ seed }),
      ...this.exchanges.filter(keep).map((e) => JSON.stringify(e)),
    ];
    fs.writeFileSync(file, this.scrub(lines.join("\n")) + "\n");
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private record(
    req: http.IncomingMessage,
    body: Buffer,
    answer: http.IncomingMessage,
    text: Buffer,
  ): void {
    const response = parse(text.toString("utf8")) ?? null;
    // A bearer token that a password login returns is a credential too.
    const token = (response as { token?: unknown } | null)?.token;
    if (typeof token === "string" && token.length >= 4) this.secrets.push(token);
    const contentType = (answer.headers["content-type"] as string | undefined) ?? null;
    const exchange: RecordedExchange = {
      step: this.step,
      who: this.who(String(req.headers.authorization ?? "")),
      org: (req.headers["x-jms-org"] as string | undefined) ?? null,
      method: req.method ?? "GET",
      path: req.url ?? "/",
      body: parse(body.toString("utf8")) ?? null,
      status: answer.statusCode ?? 0,
      contentType,
      wwwAuthenticate: (answer.headers["www-authenticate"] as string | undefined) ?? null,
      response,
    };
    this.exchanges.push(JSON.parse(this.scrub(JSON.stringify(exchange))) as RecordedExchange);
  }

  /** The ready-file user behind an Authorization header. */
  private who(authorization: string): string {
    if (!authorization) return "anonymous";
    const keyId = /keyId="([^"]+)"/.exec(authorization)?.[1];
    const token = /^(?:Token|Bearer) (.+)$/.exec(authorization)?.[1];
    const user = this.ready.users.find(
      (u) => (keyId && u.accessKey.id === keyId) || (token && u.privateToken === token),
    );
    return user?.username ?? "unknown";
  }

  private scrub(text: string): string {
    let out = text;
    // Users a suite adds to the ready file later (tests/real/orgs.ts) have credentials too.
    const later = this.ready.users
      .map((u) => u.password)
      .filter((s) => typeof s === "string" && s.length >= 4 && !this.secrets.includes(s));
    for (const s of [...this.secrets, ...later]) out = out.split(s).join("<redacted>");
    return out;
  }
}

function parse(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
