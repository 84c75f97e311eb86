// Request bodies: read with a size limit, then parsed the way DRF's parsers do (JSON with
// Python's error text, form-encoded, or 415 for anything else).
import type { IncomingMessage } from "node:http";
import { ApiError } from "../errors";
import { pythonJsonError } from "./pyjson";

export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLarge extends Error {}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => !failed && resolve(Buffer.concat(chunks)));
    req.on("error", (e) => !failed && reject(e));
  });
}

export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  const text = raw.toString("utf8");
  if (type === "" || type === "application/json" || type.endsWith("+json")) {
    try {
      return JSON.parse(text);
    } catch {
      const msg = pythonJsonError(text) ?? "Expecting value: line 1 column 1 (char 0)";
      throw new ApiError(400, { detail: `JSON parse error - ${msg}`, code: "parse_error" });
    }
  }
  if (type === "application/x-www-form-urlencoded")
    return Object.fromEntries(new URLSearchParams(text));
  throw new ApiError(415, {
    detail: `Unsupported media type "${type}" in request.`,
    code: "unsupported_media_type",
  });
}
