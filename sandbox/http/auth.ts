// Authentication as JumpServer's DRF backends do it: access-key HTTP Signature (HMAC over the
// signed headers, path including the query string, no clock check), `Token` private tokens and
// `Bearer` tokens. Failures carry the server's exact 401 bodies.
import type { ClientRequest, IncomingMessage } from "node:http";
import * as httpSignature from "http-signature";
import { ApiError, serverError } from "../errors";
import type { Model } from "../model/model";
import type { UserRec } from "../model/state";

/** About ten years: the real servers accept days-old signatures; the library's default is 300 s. */
const CLOCK_SKEW_SECONDS = 10 * 365 * 24 * 3600;

const unauthorized = (text: string, code: string) => new ApiError(401, { detail: text, code });
export const notAuthenticated = () =>
  unauthorized("Authentication credentials were not provided.", "not_authenticated");
const invalidSignature = () => unauthorized("Invalid signature.", "authentication_failed");

export interface AuthResult {
  user: UserRec | null;
  /** The signature left `date` (or `(request-target)`) unsigned: the real server answers 500. */
  unsignedDate?: boolean;
}

export function authenticate(req: IncomingMessage, model: Model): AuthResult {
  const header = req.headers.authorization;
  if (!header) return { user: null };
  const [scheme, ...rest] = header.trim().split(/\s+/);
  const credential = rest.join(" ");
  switch (scheme.toLowerCase()) {
    case "signature":
      return verifySignature(req, model);
    case "token": {
      if (!credential || rest.length > 1)
        throw unauthorized(
          "Invalid token header. No credentials provided.",
          "authentication_failed",
        );
      const user = model.state.users.find((u) => u.creds.privateToken === credential);
      if (!user) throw unauthorized("Invalid token.", "authentication_failed");
      return { user };
    }
    case "bearer": {
      if (!credential || rest.length > 1)
        throw unauthorized(
          "Invalid token header. No credentials provided.",
          "authentication_failed",
        );
      // An unknown or expired bearer token is "no user", not an error (AccessTokenAuthentication).
      return { user: model.tokens.userFor(credential) ?? null };
    }
    default:
      return { user: null };
  }
}

function verifySignature(req: IncomingMessage, model: Model): AuthResult {
  let parsed: ReturnType<typeof httpSignature.parseRequest>;
  try {
    // The typings say ClientRequest; the library reads `headers`, `method` and `url` of a server request.
    parsed = httpSignature.parseRequest(req as unknown as ClientRequest, {
      clockSkew: CLOCK_SKEW_SECONDS,
      headers: [],
    });
  } catch {
    throw invalidSignature();
  }
  const user = model.state.users.find((u) => u.creds.accessKeyId === parsed.params.keyId);
  if (!user) throw invalidSignature();
  const signed = parsed.params.headers.map((h) => h.toLowerCase());
  if (!signed.includes("(request-target)") || !signed.includes("date"))
    return { user, unsignedDate: true };
  let good = false;
  try {
    good = httpSignature.verifyHMAC(parsed, user.creds.accessKeySecret);
  } catch {
    good = false;
  }
  if (!good) throw invalidSignature();
  return { user };
}

export { serverError };
