// Access-key signing. JumpServer verifies draft-cavage HTTP Signatures over
// `(request-target) accept date`, where (request-target) is the lower-case method plus the path
// WITH its query string (Django's get_full_path()). The `http-signature` library builds the
// signing string and the header; we only hand it the exact path the request will use.
import httpSignature = require("http-signature");

export const SIGNED_HEADERS = ["(request-target)", "accept", "date"];

export function signatureHeader(
  method: string,
  pathWithQuery: string,
  headers: Record<string, string>,
  keyId: string,
  secret: string,
): string {
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  let authorization = "";
  const target = {
    method: method.toUpperCase(),
    path: pathWithQuery,
    getHeader: (name: string) => lower[name.toLowerCase()],
    setHeader: (name: string, value: string) => {
      if (name.toLowerCase() === "authorization") authorization = value;
      else lower[name.toLowerCase()] = value;
    },
  };
  const ok = httpSignature.sign(target as never, {
    keyId,
    key: secret,
    algorithm: "hmac-sha256",
    headers: SIGNED_HEADERS,
  });
  if (!ok || !authorization)
    throw new Error("http-signature did not produce an Authorization header");
  return authorization;
}
