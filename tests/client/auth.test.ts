import { strict as assert } from "assert";
import axios from "axios";
import { Sandbox } from "../../sandbox";
import { JumpServerClient, inOrg, noOrgHeader } from "../../provider/client/client";
import { JumpServerError } from "../../provider/client/errors";
import { signatureHeader } from "../../provider/client/signing";
import { DEFAULT_ORG_ID, resolveSettings } from "../../provider/settings";
import { client, sandbox, user } from "../support/sandbox";

describe("client auth against the sandbox", () => {
  let sb: Sandbox;
  before(async () => (sb = await sandbox()));
  after(async () => sb.close());

  for (const mode of ["accessKey", "privateToken", "password"] as const) {
    it(`authenticates with ${mode}`, async () => {
      const me = await client(sb, "approver", mode).get<{ username: string }>(
        "/api/v1/users/profile/",
        { org: null },
      );
      assert.equal(me.username, "approver");
    });
  }

  it("authenticates with a bearer token from /authentication/auth/", async () => {
    const u = user(sb, "requester");
    const res = await axios.post(`${sb.url}/api/v1/authentication/auth/`, {
      username: u.username,
      password: u.password,
    });
    assert.equal(res.status, 201);
    const c = new JumpServerClient(
      resolveSettings(() => undefined, {
        JUMPSERVER_URL: sb.url,
        JUMPSERVER_TOKEN: res.data.token,
      }),
    );
    const me = await c.get<{ username: string }>("/api/v1/users/profile/", { org: null });
    assert.equal(me.username, "requester");
  });

  it("shares one login among concurrent requests, and never repeats a refused one", async () => {
    sb.resetStats();
    const c = new JumpServerClient(
      resolveSettings(() => undefined, {
        JUMPSERVER_URL: sb.url,
        JUMPSERVER_USERNAME: "orgadmin",
        JUMPSERVER_PASSWORD: "WRONG-FOR-ORGADMIN",
      }),
    );
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => c.get("/api/v1/users/profile/", { org: null })),
    );
    assert.ok(results.every((r) => r.status === "rejected"));
    await assert.rejects(
      c.get("/api/v1/users/profile/", { org: null }),
      /login for orgadmin failed/,
    );
    assert.equal(
      sb.stats().byRoute["POST /api/v1/authentication/auth/"],
      1,
      "ten requests, one login",
    );
    const good = client(sb, "orgadmin", "password");
    const all = await Promise.all(
      Array.from({ length: 5 }, () =>
        good.get<{ username: string }>("/api/v1/users/profile/", { org: null }),
      ),
    );
    assert.ok(
      all.every((u) => u.username === "orgadmin"),
      "the right password is a different login, and not locked out",
    );
    assert.equal(sb.stats().byRoute["POST /api/v1/authentication/auth/"], 2);
  });

  it("fails a wrong password once, naming the cause, and never retries the login", async () => {
    sb.resetStats();
    const c = new JumpServerClient(
      resolveSettings(() => undefined, {
        JUMPSERVER_URL: sb.url,
        JUMPSERVER_USERNAME: "approver",
        JUMPSERVER_PASSWORD: "WRONG-PASSWORD-123",
      }),
    );
    await assert.rejects(c.get("/api/v1/users/profile/", { org: noOrgHeader }), (e: Error) => {
      assert.match(e.message, /login for approver failed \(password_failed/);
      assert.ok(!e.message.includes("WRONG-PASSWORD-123"));
      assert.ok(!JSON.stringify(e).includes("WRONG-PASSWORD-123"));
      return true;
    });
    assert.equal(sb.stats().byRoute["POST /api/v1/authentication/auth/"], 1);
  });

  it("signs the query string: a signature made for another query, path, method or date is refused", async () => {
    const u = user(sb, "admin");
    const date = new Date().toUTCString();
    const headers = { accept: "application/json", date };
    const signed = signatureHeader(
      "GET",
      "/api/v1/users/users/?username=admin",
      headers,
      u.accessKey.id,
      u.accessKey.secret,
    );
    const send = (method: string, path: string, d = date) =>
      axios.request({
        method,
        url: sb.url + path,
        headers: { Accept: "application/json", Date: d, Authorization: signed },
        validateStatus: () => true,
      });
    assert.equal((await send("GET", "/api/v1/users/users/?username=admin")).status, 200);
    for (const [method, path, d] of [
      ["GET", "/api/v1/users/users/?username=approver", date],
      ["GET", "/api/v1/users/users/", date],
      ["DELETE", "/api/v1/users/users/?username=admin", date],
      ["GET", "/api/v1/users/users/?username=admin", new Date(Date.now() - 3600_000).toUTCString()],
    ] as const) {
      const res = await send(method, path, d);
      assert.equal(res.status, 401, `${method} ${path} ${d}`);
      assert.deepEqual(res.data, { detail: "Invalid signature.", code: "authentication_failed" });
    }
  });

  it("reports a bad secret as a 401 that names the identity but not the secret", async () => {
    const u = user(sb, "admin");
    const c = client(sb, "admin", "accessKey", {
      "jumpserver:accessKeySecret": "NOT-THE-SECRET-42",
    });
    await assert.rejects(
      c.get("/api/v1/tickets/flows/", { org: inOrg(DEFAULT_ORG_ID) }),
      (e: unknown) => {
        assert.ok(e instanceof JumpServerError);
        assert.equal(e.status, 401);
        assert.equal(e.code, "authentication_failed");
        assert.match(e.message, new RegExp(`access key ${u.accessKey.id}`));
        assert.ok(!JSON.stringify({ m: e.message, e }).includes("NOT-THE-SECRET-42"));
        assert.equal(e.request.headers.Authorization, "<redacted>");
        return true;
      },
    );
  });

  it("sends X-JMS-ORG, Accept and Date, and explains an org admin's 403 on flows", async () => {
    await assert.rejects(
      client(sb, "orgadmin").get("/api/v1/tickets/flows/", { org: inOrg(DEFAULT_ORG_ID) }),
      (e: unknown) => {
        assert.ok(e instanceof JumpServerError);
        assert.equal(e.status, 403);
        assert.match(e.message, /system administrator/);
        return true;
      },
    );
  });
});

describe("client password login against servers that answer 200 without a token", () => {
  // The sandbox has no MFA; a minimal loopback server gives JumpServer's documented answers.
  const http = require("http") as typeof import("http");
  let server: import("http").Server;
  let url: string;
  let answer: Record<string, unknown> = {};
  let logins = 0;

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === "/api/v1/authentication/auth/") logins += 1;
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(answer));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(server.address() as import("net").AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  for (const [error, expected] of [
    ["mfa_required", /answered 200 without a token \(mfa_required: .*\); this user needs MFA/],
    ["login_confirm_wait", /answered 200 without a token \(login_confirm_wait/],
  ] as const) {
    it(`fails on ${error}, saying so, without the password`, async () => {
      answer = { error, msg: "needs more", data: {} };
      logins = 0;
      const c = new JumpServerClient(
        resolveSettings(() => undefined, {
          JUMPSERVER_URL: url,
          JUMPSERVER_USERNAME: `ops-${error}`, // one login per user and process: a fresh user each
          JUMPSERVER_PASSWORD: "PW-SHOULD-NOT-LEAK",
        }),
      );
      await assert.rejects(c.get("/api/v1/users/profile/", { org: noOrgHeader }), (e: Error) => {
        assert.match(e.message, expected);
        assert.ok(!JSON.stringify({ m: e.message, e }).includes("PW-SHOULD-NOT-LEAK"));
        return true;
      });
      assert.equal(logins, 1);
    });
  }
});
