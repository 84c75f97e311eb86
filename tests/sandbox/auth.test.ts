// Auth over real HTTP: access-key signatures, private tokens, bearer tokens and the 401 shapes.
import { strict as assert } from "node:assert";
import { call } from "./http";
import { DEFAULT_ORG, useSandbox } from "./helpers";

describe("sandbox auth", () => {
  const c = useSandbox({ dialect: "selector", errors: "legacy" });

  it("accepts an access-key signature over path + query and a days-old Date", async () => {
    const admin = c().user("admin");
    const old = new Date(Date.now() - 3 * 86_400_000).toUTCString();
    const r = await call(c().sb.url, "GET", "/api/v1/users/users/?username=approver", {
      auth: { accessKey: admin.accessKey },
      date: old,
    });
    assert.equal(r.status, 200);
    assert.equal((r.json as Array<{ username: string }>)[0].username, "approver");
  });

  it("rejects a wrong secret and an unknown key id with 401 Invalid signature", async () => {
    const admin = c().user("admin");
    for (const accessKey of [
      { id: admin.accessKey.id, secret: "x".repeat(36) },
      { id: "11111111-2222-3333-4444-555555555555", secret: admin.accessKey.secret },
    ]) {
      const r = await call(c().sb.url, "GET", "/api/v1/users/profile/", { auth: { accessKey } });
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, { detail: "Invalid signature.", code: "authentication_failed" });
      assert.equal(
        r.headers["www-authenticate"],
        'Signature realm="api",headers="(request-target) date"',
      );
    }
  });

  it("signs the query string: a signature for another query fails", async () => {
    const admin = c().user("admin");
    // Sign a request for one path, then send it to another by rewriting the path after signing.
    const http = await import("node:http");
    const httpSignature = await import("http-signature");
    const url = new URL(c().sb.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          method: "GET",
          hostname: url.hostname,
          port: url.port,
          path: "/api/v1/users/users/?username=admin",
          agent: false,
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      httpSignature.sign(req, {
        keyId: admin.accessKey.id,
        key: admin.accessKey.secret,
        algorithm: "hmac-sha256",
        headers: ["(request-target)", "date"],
      });
      req.path = "/api/v1/users/users/?username=approver";
      req.end();
    });
    assert.equal(status, 401);
  });

  it("answers 500 when the signature leaves out date (as the real server), counting a hazard", async () => {
    const admin = c().user("admin");
    c().sb.resetStats();
    const r = await call(c().sb.url, "GET", "/api/v1/users/profile/", {
      auth: { accessKey: admin.accessKey, signHeaders: ["(request-target)", "accept"] },
    });
    assert.equal(r.status, 500);
    assert.deepEqual(r.json, { error: "Server internal error" });
    assert.deepEqual(
      c()
        .sb.stats()
        .hazards.map((h) => h.kind),
      ["signature-without-date"],
    );
  });

  it("private tokens: valid one works, unknown one is 401 Invalid token.", async () => {
    const ok = await call(c().sb.url, "GET", "/api/v1/users/profile/", {
      auth: { privateToken: c().user("approver").privateToken },
    });
    assert.equal(ok.status, 200);
    assert.equal((ok.json as { username: string }).username, "approver");
    const bad = await call(c().sb.url, "GET", "/api/v1/users/profile/", {
      auth: { privateToken: "nope" },
    });
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.json, { detail: "Invalid token.", code: "authentication_failed" });
  });

  it("bearer tokens: 201, the same token again for the same user, unknown token = not authenticated", async () => {
    const u = c().user("requester");
    const first = await c().anon("POST", "/api/v1/authentication/auth/", {
      body: { username: "requester", password: u.password },
    });
    assert.equal(first.status, 201);
    const body = first.json as {
      token: string;
      keyword: string;
      date_expired: string;
      user: { username: string };
    };
    assert.equal(body.keyword, "Bearer");
    assert.equal(body.user.username, "requester");
    assert.match(body.date_expired, /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} \+0800$/);
    const again = await c().anon("POST", "/api/v1/authentication/tokens/", {
      body: { username: "requester", password: u.password },
    });
    assert.equal((again.json as { token: string }).token, body.token);
    const me = await call(c().sb.url, "GET", "/api/v1/users/profile/", {
      auth: { bearer: body.token },
    });
    assert.equal((me.json as { username: string }).username, "requester");
    const unknown = await call(c().sb.url, "GET", "/api/v1/users/profile/", {
      auth: { bearer: "f".repeat(36) },
    });
    assert.equal(unknown.status, 401);
    assert.deepEqual(unknown.json, {
      detail: "Authentication credentials were not provided.",
      code: "not_authenticated",
    });
  });

  it("a wrong password is 400 password_failed and never echoes the password", async () => {
    const r = await c().anon("POST", "/api/v1/authentication/auth/", {
      body: { username: "approver", password: "Secret-Guess-123" },
    });
    assert.equal(r.status, 400);
    assert.equal((r.json as { error: string }).error, "password_failed");
    assert.ok(!r.text.includes("Secret-Guess-123"));
  });

  it("anonymous calls get 401 not_authenticated", async () => {
    const r = await c().anon("GET", "/api/v1/tickets/tickets/", { org: DEFAULT_ORG });
    assert.equal(r.status, 401);
    assert.equal((r.json as { code: string }).code, "not_authenticated");
  });
});

describe("sandbox auth, v3 mode and credential overrides", () => {
  const c = useSandbox({
    dialect: "strategy",
    credentials: {
      admin: {
        accessKeyId: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
        accessKeySecret: "S".repeat(36),
        privateToken: "PT-distinct-value",
      },
    },
  });

  it("sends WWW-Authenticate: Bearer on v3", async () => {
    const r = await c().anon("GET", "/api/v1/tickets/flows/");
    assert.equal(r.status, 401);
    assert.equal(r.headers["www-authenticate"], "Bearer");
  });

  it("uses the overridden credentials and reports them in the seed", async () => {
    const admin = c().user("admin");
    assert.equal(admin.accessKey.id, "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
    assert.equal(admin.privateToken, "PT-distinct-value");
    const r = await call(c().sb.url, "GET", "/api/v1/users/profile/", {
      auth: { accessKey: admin.accessKey },
    });
    assert.equal(r.status, 200);
    const t = await call(c().sb.url, "GET", "/api/v1/users/profile/", {
      auth: { privateToken: "PT-distinct-value" },
    });
    assert.equal(t.status, 200);
  });
});
