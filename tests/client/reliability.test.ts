import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { JumpServerError } from "../../provider/client/errors";
import { inOrg } from "../../provider/client/orgScope";
import { DEFAULT_ORG_ID } from "../../provider/settings";
import { client, sandbox } from "../support/sandbox";
import { daysFromNow } from "../support/clock";

const PROFILE = "/api/v1/users/profile/";
const OPEN = "/api/v1/tickets/apply-asset-tickets/open/";

describe("client retries, lists and throttle against the sandbox", () => {
  let sb: Sandbox;
  before(async () => (sb = await sandbox()));
  after(async () => sb.close());
  beforeEach(() => sb.resetStats());

  const count = (route: string) => sb.stats().byRoute[route] ?? 0;

  for (const status of [429, 502, 503, 504]) {
    it(`retries a GET answered ${status}`, async () => {
      sb.injectFault({
        method: "GET",
        path: PROFILE,
        kind: "error",
        status,
        retryAfter: status === 429 ? 0 : undefined,
      });
      const me = await client(sb, "approver").get<{ username: string }>(PROFILE, { org: null });
      assert.equal(me.username, "approver");
      assert.equal(count(`GET ${PROFILE}`), 2);
    });
  }

  it("retries a GET whose connection was dropped", async () => {
    sb.injectFault({ method: "GET", path: PROFILE, kind: "drop" });
    await client(sb, "approver").get(PROFILE, { org: null });
    assert.equal(
      count(`GET ${PROFILE}`),
      2,
      "the dropped attempt and its retry both reached the server",
    );
  });

  for (const status of [400, 401, 403, 404, 500]) {
    it(`does not retry a GET answered ${status}`, async () => {
      sb.injectFault({ method: "GET", path: PROFILE, kind: "error", status });
      await assert.rejects(client(sb, "approver").get(PROFILE, { org: null }), (e: unknown) => {
        assert.ok(e instanceof JumpServerError);
        assert.equal(e.status, status);
        return true;
      });
      assert.equal(count(`GET ${PROFILE}`), 1);
    });
  }

  it("gives up after maxRetries", async () => {
    sb.injectFault({ method: "GET", path: PROFILE, kind: "error", status: 503, times: 5 });
    const c = client(sb, "approver", "accessKey", { "jumpserver:maxRetries": "2" });
    await assert.rejects(c.get(PROFILE, { org: null }), (e: JumpServerError) => e.status === 503);
    assert.equal(count(`GET ${PROFILE}`), 3);
  });

  it("never resends a POST after a lost answer, and says the outcome is unknown", async () => {
    sb.injectFault({ method: "POST", path: OPEN, kind: "dropAfter" });
    const body = {
      title: "lost answer",
      org_id: "00000000-0000-0000-0000-000000000002",
      apply_assets: [],
      apply_accounts: ["@ALL"],
      apply_actions: ["connect"],
      apply_date_start: daysFromNow(30),
      apply_date_expired: daysFromNow(31),
    };
    await assert.rejects(
      client(sb, "requester").request("POST", OPEN, { body, org: inOrg(DEFAULT_ORG_ID) }),
      (e: unknown) => {
        assert.ok(e instanceof JumpServerError);
        assert.equal(e.ambiguous, true);
        assert.match(e.message, /may or may not have acted/);
        return true;
      },
    );
    assert.equal(count(`POST ${OPEN}`), 1);
    const mine = await client(sb, "requester").list<{ title: string }>("/api/v1/tickets/tickets/", {
      query: { title: "lost answer" },
      org: null,
    });
    assert.equal(mine.length, 1, "the server did act on the one POST");
  });

  it("does not resend a POST answered 503, but does resend one answered 429", async () => {
    sb.injectFault({ method: "POST", path: OPEN, kind: "error", status: 503 });
    await assert.rejects(
      client(sb, "requester").request("POST", OPEN, { body: {}, org: inOrg(DEFAULT_ORG_ID) }),
      (e: JumpServerError) => e.status === 503 && e.ambiguous,
    );
    assert.equal(count(`POST ${OPEN}`), 1);
    sb.resetStats();
    sb.injectFault({ method: "POST", path: OPEN, kind: "error", status: 429, retryAfter: 0 });
    await assert.rejects(
      client(sb, "requester").request("POST", OPEN, { body: {}, org: inOrg(DEFAULT_ORG_ID) }),
      (e: JumpServerError) => e.status === 400,
    );
    assert.equal(count(`POST ${OPEN}`), 2);
  });

  it("times out a POST as ambiguous, with no credential in the error", async () => {
    sb.injectFault({ method: "POST", path: OPEN, kind: "delay", delayMs: 1500 });
    const c = client(sb, "requester", "privateToken", { "jumpserver:timeoutSeconds": "1" });
    const token = c.settings.auth.kind === "privateToken" ? c.settings.auth.token : "";
    await assert.rejects(
      c.request("POST", OPEN, { body: {}, org: inOrg(DEFAULT_ORG_ID) }),
      (e: unknown) => {
        assert.ok(e instanceof JumpServerError);
        assert.equal(e.ambiguous, true);
        assert.match(e.message, /no answer within 1s/);
        assert.ok(!JSON.stringify({ m: e.message, s: e.stack, e }).includes(token));
        return true;
      },
    );
  });

  it("waits Retry-After before retrying a 429", async () => {
    sb.injectFault({ method: "GET", path: PROFILE, kind: "error", status: 429, retryAfter: 1 });
    const started = Date.now();
    await client(sb, "orgadmin").get(PROFILE, { org: null });
    assert.ok(Date.now() - started >= 1000, `waited ${Date.now() - started} ms`);
  });

  it("reads both list shapes and pages with limit/offset to the end", async () => {
    const c = client(sb, "admin");
    const bare = await c.get<unknown[]>("/api/v1/users/users/", { org: null });
    assert.ok(Array.isArray(bare) && bare.length >= 4);
    const page = await c.page<{ username: string }>("/api/v1/users/users/", {
      limit: 1,
      org: null,
    });
    assert.equal(page.results.length, 1);
    assert.ok(page.count >= 4);
    sb.resetStats();
    const all = await c.list<{ username: string }>("/api/v1/users/users/", {
      pageSize: 1,
      org: null,
    });
    assert.deepEqual(
      all.map((u) => u.username).sort(),
      (bare as Array<{ username: string }>).map((u) => u.username).sort(),
    );
    assert.equal(count("GET /api/v1/users/users/"), all.length, "one request per page of one");
  });

  it("holds a burst under its budget (sliding window)", async () => {
    const stamps: number[] = [];
    const c = client(
      sb,
      "requester",
      "accessKey",
      { "jumpserver:requestsPerMinute": "4" },
      {
        throttleWindowMs: 500,
        log: () => stamps.push(Date.now()),
      },
    );
    await Promise.all(Array.from({ length: 10 }, () => c.get(PROFILE, { org: null })));
    assert.equal(stamps.length, 10);
    // Stamps are taken after signing, a few ms after the budget granted the slot: allow 25 ms.
    for (let i = 4; i < stamps.length; i++) {
      const gap = stamps[i] - stamps[i - 4];
      assert.ok(gap >= 475, `requests ${i - 4} and ${i} were ${gap} ms apart`);
    }
    assert.ok(
      stamps[9] - stamps[0] >= 950,
      "ten requests at four per 500 ms span at least two windows",
    );
  });
});
