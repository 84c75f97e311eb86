// One error type for every failed JumpServer call (modelled on @octokit/request-error): the HTTP
// status, the server's `code`, the request with credentials redacted, and field errors flattened
// to `path: message` lines so a Pulumi user sees exactly which input the server rejected.
import { ProviderError } from "../errors";

export interface RedactedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
}

export interface JumpServerErrorOptions {
  status?: number;
  code?: string;
  request: RedactedRequest;
  body?: unknown;
  /** True when the request may or may not have reached the server (timeout, reset after sending). */
  ambiguous?: boolean;
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class JumpServerError extends ProviderError {
  readonly status?: number;
  readonly code?: string;
  readonly request: RedactedRequest;
  readonly body?: unknown;
  readonly fieldErrors: string[];
  readonly ambiguous: boolean;
  readonly retryAfterSeconds?: number;

  constructor(summary: string, options: JumpServerErrorOptions) {
    const fieldErrors = flattenFieldErrors(options.body);
    const where = `${options.request.method} ${options.request.url}`;
    const lines = [`${where}: ${summary}`, ...fieldErrors.map((l) => `  ${l}`)];
    super(lines.join("\n"), "JumpServerError");
    this.status = options.status;
    this.code = options.code;
    this.request = options.request;
    this.body = options.body;
    this.fieldErrors = fieldErrors;
    this.ambiguous = options.ambiguous ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /**
   * JumpServer's own "this object does not exist": a 404 whose body is its JSON `{detail, code}`.
   * A proxy's HTML 404, or the `{"error": "Not found"}` of a route the server lacks, says nothing
   * about the object, and must never make state forget it.
   */
  get isNotFound(): boolean {
    const b = this.body as { detail?: unknown } | undefined;
    return this.status === 404 && !!b && typeof b === "object" && typeof b.detail === "string";
  }

  /** The "ticket already processed" family: 400 `Ticket already closed` (legacy) or 409 (v4.10.19+). */
  get isAlreadyProcessed(): boolean {
    if (this.status === 409) return true;
    const detail = detailOf(this.body);
    return this.status === 400 && /already closed/i.test(detail ?? "");
  }
}

export function detailOf(body: unknown): string | undefined {
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    for (const k of ["detail", "msg", "error"]) {
      if (typeof b[k] === "string") return b[k] as string;
    }
  }
  if (typeof body === "string") return body;
  return undefined;
}

export function codeOf(body: unknown): string | undefined {
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if (typeof b.code === "string") return b.code;
    if (typeof b.error === "string" && typeof b.msg === "string") return b.error;
  }
  return undefined;
}

/**
 * Flattens DRF error bodies into `path: message` lines.
 * `{"rules": [{}, {"users": ["x"]}]}` becomes `rules[1].users: x`; a bare list (save-time errors)
 * becomes one line per message; `{"detail","code"}` bodies give no field lines (the summary has them).
 */
export function flattenFieldErrors(body: unknown): string[] {
  if (body === null || body === undefined) return [];
  if (Array.isArray(body)) {
    return body.flatMap((item) => flattenAt("", item));
  }
  if (typeof body !== "object") return [];
  const b = body as Record<string, unknown>;
  if (typeof b.detail === "string" || (typeof b.error === "string" && Object.keys(b).length <= 3)) {
    return [];
  }
  return Object.keys(b).flatMap((k) => flattenAt(k, b[k]));
}

function flattenAt(path: string, value: unknown): string[] {
  if (typeof value === "string") return [path ? `${path}: ${value}` : value];
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === "string")) {
      return value.map((v) => (path ? `${path}: ${v}` : String(v)));
    }
    return value.flatMap((v, i) => flattenAt(`${path}[${i}]`, v));
  }
  if (value && typeof value === "object") {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      flattenAt(path ? `${path}.${k}` : k, v),
    );
  }
  if (value === null || value === undefined) return [];
  return [path ? `${path}: ${String(value)}` : String(value)];
}
