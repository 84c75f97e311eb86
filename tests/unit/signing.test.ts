import { strict as assert } from "assert";
import { createHmac } from "crypto";
import httpSignature = require("http-signature");
import { signatureHeader } from "../../provider/client/signing";
import { buildPath, toPage } from "../../provider/client/client";

describe("access-key signing", () => {
  const date = "Thu, 21 Aug 2025 10:00:00 GMT";
  const headers = { accept: "application/json", date };

  it("signs (request-target) accept date with the query string, as JumpServer recomputes it", () => {
    const auth = signatureHeader(
      "GET",
      "/api/v1/tickets/flows/?type=apply_asset",
      headers,
      "kid",
      "s3cr3t",
    );
    assert.match(
      auth,
      /^Signature keyId="kid",algorithm="hmac-sha256",headers="\(request-target\) accept date",signature="/,
    );
    const expected = createHmac("sha256", "s3cr3t")
      .update(
        `(request-target): get /api/v1/tickets/flows/?type=apply_asset\naccept: application/json\ndate: ${date}`,
      )
      .digest("base64");
    assert.ok(auth.endsWith(`signature="${expected}"`), auth);
  });

  it("verifies with the library's own verifier, and fails once the path changes", () => {
    const auth = signatureHeader("POST", "/api/v1/x/?a=1", headers, "kid", "s3cr3t");
    const parse = (url: string) =>
      httpSignature.parseRequest(
        {
          method: "POST",
          url,
          httpVersion: "1.1",
          headers: { ...headers, authorization: auth },
        } as never,
        { clockSkew: 10 ** 10 },
      );
    assert.ok(httpSignature.verifyHMAC(parse("/api/v1/x/?a=1"), "s3cr3t"));
    assert.ok(!httpSignature.verifyHMAC(parse("/api/v1/x/?a=2"), "s3cr3t"));
  });
});

describe("paths and list shapes", () => {
  it("always ends the path with a slash and keeps query order", () => {
    assert.equal(
      buildPath("/api/v1/users/users", { username: "a b", limit: 5 }),
      "/api/v1/users/users/?username=a+b&limit=5",
    );
    assert.equal(buildPath("api/v1/x/?a=1", { b: 2, c: undefined }), "/api/v1/x/?a=1&b=2");
  });

  it("accepts bare arrays and envelopes", () => {
    assert.deepEqual(toPage([1, 2]), { count: 2, next: null, previous: null, results: [1, 2] });
    assert.deepEqual(toPage({ count: 5, next: "n", previous: null, results: [1] }), {
      count: 5,
      next: "n",
      previous: null,
      results: [1],
    });
    assert.throws(() => toPage({ detail: "x" }), /expected a list/);
  });
});
