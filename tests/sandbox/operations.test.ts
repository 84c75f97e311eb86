// Operations over real HTTP: faults, throttle, stats and hazards, strict mode, TLS, --state
// persistence, and bad input (malformed JSON, huge bodies, unknown routes).
import { strict as assert } from "node:assert";
import { selfSignedCert } from "../support/tls";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as http from "node:http";
import { startSandbox } from "../../sandbox";
import { call } from "./http";
import { Client, DEFAULT_ORG, useSandbox } from "./helpers";

const OPEN = "/api/v1/tickets/apply-asset-tickets/open/";

describe("sandbox faults", () => {
  it("injects the same random faults for the same seed, before or after handling", async () => {
    const outcomes = async () => {
      const sb = await startSandbox({ faults: "error=0.3,drop=0.2,dropAfter=0.1,seed=7" });
      const c = new Client(sb);
      const seen: string[] = [];
      for (let i = 0; i < 30; i++) {
        try {
          seen.push(String((await c.as("admin", "GET", "/api/v1/users/profile/")).status));
        } catch {
          seen.push("dropped");
        }
      }
      await sb.close();
      return seen;
    };
    const a = await outcomes();
    assert.deepEqual(await outcomes(), a);
    assert.ok(a.includes("503") && a.includes("dropped") && a.includes("200"), a.join(","));
  });

  it("dropAfter handles the request (the ticket exists) but never answers", async () => {
    const sb = await startSandbox({});
    const c = new Client(sb);
    try {
      sb.injectFault({ method: "POST", path: OPEN, kind: "dropAfter" });
      await assert.rejects(
        c.as("requester", "POST", OPEN, { body: c.openBody({ title: "lost-answer" }) }),
      );
      const list = (await c.as("requester", "GET", "/api/v1/tickets/tickets/?title=lost-answer"))
        .json as unknown[];
      assert.equal(list.length, 1);
      sb.injectFault({ path: /profile/, kind: "drop", times: 2 });
      await assert.rejects(c.as("admin", "GET", "/api/v1/users/profile/"));
      await assert.rejects(c.as("admin", "GET", "/api/v1/users/profile/"));
      assert.equal((await c.as("admin", "GET", "/api/v1/users/profile/")).status, 200);
      sb.injectFault({ path: "/api/v1/users/profile/", kind: "error", status: 429, retryAfter: 3 });
      const throttled = await c.as("admin", "GET", "/api/v1/users/profile/");
      assert.equal(throttled.status, 429);
      assert.equal(throttled.headers["retry-after"], "3");
      sb.injectFault({ path: "/api/v1/users/profile/", kind: "delay", delayMs: 150 });
      const t0 = Date.now();
      assert.equal((await c.as("admin", "GET", "/api/v1/users/profile/")).status, 200);
      assert.ok(Date.now() - t0 >= 140);
    } finally {
      await sb.close();
    }
  });

  it("refuses a malformed fault spec naming the key", async () => {
    await assert.rejects(startSandbox({ faults: "error=2" }), /"error" must be between 0 and 1/);
    await assert.rejects(startSandbox({ faults: "boom=1" }), /unknown key "boom"/);
  });
});

describe("sandbox throttle", () => {
  const c = useSandbox({ rateLimit: "3/2" });

  it("answers the request over the limit with 429, the throttle body and Retry-After", async () => {
    for (let i = 0; i < 3; i++)
      assert.equal((await c().as("approver", "GET", "/api/v1/users/profile/")).status, 200);
    const r = await c().as("approver", "GET", "/api/v1/users/profile/");
    assert.equal(r.status, 429);
    const wait = Number(r.headers["retry-after"]);
    assert.ok(wait >= 1 && wait <= 2);
    assert.deepEqual(r.json, {
      detail: `Request was throttled. Expected available in ${wait} seconds.`,
      code: "throttled",
    });
    // Per user: another identity is not affected.
    assert.equal((await c().as("requester", "GET", "/api/v1/users/profile/")).status, 200);
    await new Promise((res) => setTimeout(res, wait * 1000 + 50));
    assert.equal((await c().as("approver", "GET", "/api/v1/users/profile/")).status, 200);
  });
});

describe("sandbox stats, hazards and strict mode", () => {
  const c = useSandbox({});

  it("counts requests per route with ids replaced, readable at /_sandbox/stats, and resets", async () => {
    c().sb.resetStats();
    const t = await c().open("requester");
    await c().as("requester", "GET", `/api/v1/tickets/tickets/${t.id}/`);
    await c().as("requester", "GET", `/api/v1/tickets/tickets/${t.id}/?x=1`);
    const s = c().sb.stats();
    assert.equal(s.total, 3);
    assert.deepEqual(s.byRoute, {
      [`POST ${OPEN}`]: 1,
      "GET /api/v1/tickets/tickets/{id}/": 2,
    });
    const viaHttp = await call(c().sb.url, "GET", "/_sandbox/stats");
    assert.deepEqual(viaHttp.json, s);
    assert.equal((await call(c().sb.url, "POST", "/_sandbox/reset-stats")).status, 204);
    assert.equal(c().sb.stats().total, 0);
  });

  it("strict mode refuses hazards with a 400 naming the field (and counts them)", async () => {
    const sb = await startSandbox({ strict: true, errors: "legacy" });
    const s = new Client(sb);
    try {
      const body = s.openBody();
      delete body.apply_date_start;
      const open = await s.as("requester", "POST", OPEN, { body });
      assert.equal(open.status, 400);
      assert.deepEqual(open.json, { apply_date_start: ["This field is required."] });
      const t = await s.open("requester");
      const approve = await s.as(
        "admin",
        "PATCH",
        `/api/v1/tickets/apply-asset-tickets/${t.id}/approve/`,
        {
          body: { org_id: DEFAULT_ORG, apply_accounts: ["@ALL"] },
        },
      );
      assert.equal(approve.status, 400);
      assert.ok("apply_date_start" in (approve.json as object));
      const flow = (
        (await s.as("admin", "GET", "/api/v1/tickets/flows/")).json as Array<{ id: string }>
      )[0];
      const empty = await s.as("admin", "PATCH", `/api/v1/tickets/flows/${flow.id}/`, {
        body: { approval_level: 1 },
      });
      assert.equal(empty.status, 400);
      assert.ok("rules" in (empty.json as object));
      const mismatch = await s.as("admin", "PATCH", `/api/v1/tickets/flows/${flow.id}/`, {
        body: { approval_level: 2, rules: [{ users: { type: "all" } }] },
      });
      assert.ok("approval_level" in (mismatch.json as object));
      const nonUuid = await s.as("requester", "GET", "/api/v1/tickets/tickets/abc/");
      assert.deepEqual(nonUuid.json, { id: ['"abc" is not a valid UUID.'] });
      assert.deepEqual(
        sb.stats().hazards.map((h) => h.kind),
        [
          "open-without-dates",
          "approve-partial-grant",
          "flow-zero-rules",
          "approval-level-mismatch",
          "non-uuid-id",
        ],
      );
    } finally {
      await sb.close();
    }
  });
});

describe("sandbox bad input", () => {
  const c = useSandbox({});

  it("answers malformed JSON with DRF's parse_error and Python's message", async () => {
    const cases: Array<[string, string]> = [
      ["{not json", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"],
      ['{"a": 1,}', "Expecting property name enclosed in double quotes: line 1 column 9 (char 8)"],
      ['{"a" 1}', "Expecting ':' delimiter: line 1 column 6 (char 5)"],
      ["[1 2]", "Expecting ',' delimiter: line 1 column 4 (char 3)"],
      ['{"a": 1}\n{}', "Extra data: line 2 column 1 (char 9)"],
      ['{"a": "x', "Unterminated string starting at: line 1 column 7 (char 6)"],
    ];
    for (const [raw, msg] of cases) {
      const r = await c().as("requester", "POST", OPEN, { rawBody: raw });
      assert.equal(r.status, 400);
      assert.deepEqual(r.json, { detail: `JSON parse error - ${msg}`, code: "parse_error" }, raw);
    }
  });

  it("refuses wrong JSON shapes and media types, and bodies over 1 MiB", async () => {
    const list = await c().as("requester", "POST", OPEN, { body: [1, 2] });
    assert.deepEqual(list.json, {
      non_field_errors: ["Invalid data. Expected a dictionary, but got list."],
    });
    const text = await c().as("requester", "POST", OPEN, {
      rawBody: "hello",
      contentType: "text/plain",
    });
    assert.equal(text.status, 415);
    const huge = await c()
      .as("requester", "POST", OPEN, {
        rawBody: JSON.stringify({ title: "x".repeat(2 * 1024 * 1024) }),
      })
      .catch(() => null);
    // The answer is 413 unless the socket closed first while we were still sending.
    if (huge) assert.equal(huge.status, 413);
    assert.equal((await c().as("requester", "GET", "/api/v1/users/profile/")).status, 200);
  });

  it("answers unknown routes like Django: JSON 404 for JSON requests, HTML otherwise; 301 without slash", async () => {
    const json = await c().as("admin", "GET", "/api/v1/tickets/no-such-thing/");
    assert.equal(json.status, 404);
    assert.deepEqual(json.json, { error: "Not found" });
    const html = await call(c().sb.url, "GET", "/api/v1/nothing/", { contentType: null });
    assert.equal(html.status, 404);
    assert.match(String(html.headers["content-type"]), /^text\/html/);
    const noSlash = await c().as("admin", "GET", "/api/v1/users/profile?x=1");
    assert.equal(noSlash.status, 301);
    assert.equal(noSlash.headers.location, "/api/v1/users/profile/?x=1");
    const verb = await c().as("admin", "DELETE", "/api/v1/users/profile/");
    assert.deepEqual(verb.json, {
      detail: 'Method "DELETE" not allowed.',
      code: "method_not_allowed",
    });
  });
});

describe("sandbox TLS and persistence", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jms-sandbox-test-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("serves HTTPS with the given certificate", async function () {
    const { cert, key } = selfSignedCert();
    const sb = await startSandbox({ tls: { cert, key } });
    try {
      assert.match(sb.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const c = new Client(sb);
      const r = await c.as("admin", "GET", "/api/v1/users/profile/", { ca: cert });
      assert.equal(r.status, 200);
      await assert.rejects(
        new Promise((resolve, reject) =>
          http
            .get(sb.url.replace("https", "http") + "/api/v1/users/profile/", resolve)
            .on("error", reject)
            .setTimeout(2000, () => reject(new Error("timeout"))),
        ),
      );
    } finally {
      await sb.close();
    }
  });

  it("persists every acknowledged write and restores it after a restart", async () => {
    const file = path.join(dir, "state.json");
    const first = await startSandbox({ state: file, errors: "legacy" });
    const c1 = new Client(first);
    const t = await c1.open("requester", { title: "survives" });
    // Written through before the answer: the file already has it while the server still runs.
    assert.ok(fs.readFileSync(file, "utf8").includes("survives"));
    await c1.as("requester", "PUT", `/api/v1/tickets/apply-asset-tickets/${t.id}/close/`);
    await first.close();
    const second = await startSandbox({ state: file, errors: "legacy" });
    try {
      const c2 = new Client(second);
      const again = (await c2.as("requester", "GET", `/api/v1/tickets/tickets/${t.id}/`)).json as {
        state: { value: string };
      };
      assert.equal(again.state.value, "closed");
      const next = await c2.open("requester");
      assert.equal(Number(next.serial_num) - Number(t.serial_num), 1);
    } finally {
      await second.close();
    }
    await assert.rejects(
      startSandbox({ state: file, dialect: "strategy" }),
      /written by a selector\/legacy sandbox/,
    );
  });
});
