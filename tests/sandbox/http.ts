// A tiny real-HTTP client for sandbox tests and the golden replay: signs with the npm package
// http-signature exactly as JumpServer clients do (path + query, "(request-target) accept date").
import * as http from "node:http";
import * as https from "node:https";
import * as httpSignature from "http-signature";

export interface Auth {
  accessKey?: { id: string; secret: string };
  /** Signed header list; default ["(request-target)", "accept", "date"]. */
  signHeaders?: string[];
  privateToken?: string;
  bearer?: string;
}

export interface CallOptions {
  auth?: Auth;
  org?: string;
  body?: unknown;
  /** Send this exact text as the body (malformed JSON tests). */
  rawBody?: string;
  contentType?: string | null;
  headers?: Record<string, string>;
  date?: string;
  ca?: string;
}

export interface CallResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: unknown;
}

export function call(
  baseUrl: string,
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<CallResult> {
  const url = new URL(path, baseUrl);
  const payload =
    opts.rawBody !== undefined
      ? opts.rawBody
      : opts.body === undefined
        ? undefined
        : JSON.stringify(opts.body);
  const headers: Record<string, string> = { Accept: "application/json", ...(opts.headers ?? {}) };
  if (opts.contentType !== null) headers["Content-Type"] = opts.contentType ?? "application/json";
  if (opts.org) headers["X-JMS-ORG"] = opts.org;
  if (payload !== undefined) headers["Content-Length"] = String(Buffer.byteLength(payload));
  if (opts.date) headers["Date"] = opts.date;
  const a = opts.auth;
  if (a?.privateToken) headers.Authorization = `Token ${a.privateToken}`;
  if (a?.bearer) headers.Authorization = `Bearer ${a.bearer}`;
  const mod = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      {
        method,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        headers,
        ...(opts.ca ? { ca: opts.ca } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown = undefined;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (a?.accessKey) {
      httpSignature.sign(req, {
        keyId: a.accessKey.id,
        key: a.accessKey.secret,
        algorithm: "hmac-sha256",
        headers: a.signHeaders ?? ["(request-target)", "accept", "date"],
      });
    }
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
