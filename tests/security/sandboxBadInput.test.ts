// Bad input, property-based with fast-check: the sandbox, fed malformed bodies, headers, ids and
// methods on every route, never crashes, answers JSON error shapes, and a 5xx only where the real
// server answers one (a request it marks as hazardous, docs/sandbox.md "Hazards and `--strict`");
// in strict mode never a 5xx. The providers' side is badInput.test.ts.
import { strict as assert } from "assert";
import * as http from "http";
import fc from "fast-check";
import * as httpSignature from "http-signature";
import { startSandbox } from "../../sandbox";
import { ROUTES } from "../../sandbox/routes";
import { UUIDS, date, json, rule, selector, text } from "./arbitraries";

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request with a raw path and raw headers (the test's own client: nothing normalised). */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
  sign?: { id: string; secret: string },
): Promise<Raw> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { method, hostname: url.hostname, port: url.port, path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (sign) {
      httpSignature.sign(req, {
        keyId: sign.id,
        key: sign.secret,
        algorithm: "hmac-sha256",
        headers: ["(request-target)", "accept", "date"],
      });
    }
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const printable = fc.stringMatching(/^[ -~]{0,40}$/);
const idSegment = fc.oneof(
  fc.constantFrom(...UUIDS, "50000000-0000-0000-0000-000000000001"),
  fc.uuid(),
  fc.constantFrom("not-a-uuid", "1", "%zz", "%E0%A4%A", "..", "%2F", "null"),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/),
);
const bodyArb = fc.oneof(
  fc.constant(undefined),
  json.map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        title: text,
        org_id: text,
        apply_assets: json,
        apply_accounts: json,
        apply_actions: json,
        apply_date_start: date,
        apply_date_expired: date,
        rules: fc.array(rule, { maxLength: 3 }),
        approval_level: json,
        users: selector,
        name: text,
        cc_users: json,
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 60 }),
  fc.constantFrom("{", '{"a":', "[1,", "\u0000", "null", '"str"', "1e999"),
);
const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "application/x-www-form-urlencoded",
  "text/plain",
  "multipart/form-data",
  "",
);
const methodArb = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD");
const authArb = fc.oneof(
  { arbitrary: fc.constantFrom("signed-admin", "signed-requester", "token-approver"), weight: 2 },
  { arbitrary: fc.constantFrom("signed-admin", "token-admin"), weight: 5 },
  printable.map((s) => `raw:${s}`),
  fc.constantFrom(
    'raw:Signature keyId="x",algorithm="hmac-sha256",headers="date",signature="AAAA"',
    "raw:Signature garbage",
    "raw:Token ",
    "raw:Bearer ",
    "raw:Basic YWRtaW46eA==",
    "none",
  ),
);
const requestArb = fc.record({
  route: fc.nat({ max: ROUTES.length - 1 }),
  id: idSegment,
  /** Mostly a method the route has, so most requests reach a handler rather than a 405. */
  method: fc.oneof({ arbitrary: methodArb, weight: 1 }, { arbitrary: fc.constant(""), weight: 4 }),
  methodPick: fc.nat(),
  auth: authArb,
  body: bodyArb,
  contentType,
  org: fc.oneof(fc.constantFrom(undefined, ...UUIDS.slice(0, 1)), printable),
  date: fc.oneof(fc.constant(undefined), printable),
  query: fc.oneof(
    fc.constant(""),
    fc.constantFrom("?limit=abc", "?limit=-1&offset=x", "?oid=zzz", "?type=apply_asset&state=x"),
    printable.map((s) => `?search=${encodeURIComponent(s)}`),
  ),
});

async function fuzzSandbox(strict: boolean, runs: number): Promise<Record<string, number>> {
  const sb = await startSandbox({ rateLimit: "off", errors: "legacy", strict });
  const user = (name: string) => sb.seed.users.find((u) => u.username === name)!;
  const internal: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  // The sandbox reports a crash of its own code on stderr ("internal error"): catch every one.
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (String(chunk).includes("jms-sandbox:")) internal.push(String(chunk));
    return write(chunk as string, ...(rest as []));
  }) as typeof process.stderr.write;
  const statuses: Record<string, number> = {};
  try {
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const crashesBefore = internal.length;
        const route = ROUTES[r.route];
        const allowed = Object.keys(route.methods);
        const method = r.method || allowed[r.methodPick % allowed.length];
        const path =
          "/api/v1/" + route.pattern.map((s) => (s === ":id" ? r.id : s)).join("/") + "/" + r.query;
        const headers: Record<string, string> = { Accept: "application/json" };
        if (r.contentType) headers["Content-Type"] = r.contentType;
        if (r.org !== undefined) headers["X-JMS-ORG"] = r.org;
        if (r.date !== undefined) headers["Date"] = r.date;
        let sign: { id: string; secret: string } | undefined;
        if (r.auth.startsWith("signed-")) {
          sign = user(r.auth.slice(7)).accessKey;
          headers["Date"] = new Date().toUTCString();
        } else if (r.auth.startsWith("token-")) {
          headers.Authorization = `Token ${user(r.auth.slice(6)).privateToken}`;
        } else if (r.auth.startsWith("raw:")) {
          headers.Authorization = r.auth.slice(4);
        }
        const body = method === "GET" || method === "HEAD" ? undefined : r.body;
        if (body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(body));
        const res = await send(sb.url, method, path, headers, body, sign);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        const where = `${method} ${path} -> ${res.status} ${res.text.slice(0, 200)}`;
        const hazard = res.headers["x-sandbox-hazard"];
        if (res.status >= 500) {
          assert.ok(!strict, `strict mode answered ${where}`);
          // Only where the real server answers 500: a request the sandbox marks as hazardous,
          // or an open in an org whose flow an earlier hazardous PATCH left without rules.
          const zeroRules = sb.stats().hazards.some((h) => h.kind === "flow-zero-rules");
          assert.ok(hazard || zeroRules, `undocumented 5xx: ${where}`);
          assert.deepEqual(JSON.parse(res.text), { error: "Server internal error" }, where);
        } else if (res.status >= 400 && method !== "HEAD") {
          const html = res.status === 404 && /text\/html/.test(String(res.headers["content-type"]));
          if (!html) {
            assert.match(String(res.headers["content-type"]), /application\/json/, where);
            const parsed = JSON.parse(res.text) as unknown;
            assert.ok(parsed !== null && typeof parsed === "object", where);
          }
        }
        assert.equal(
          internal.length,
          crashesBefore,
          `the sandbox crashed: ${internal.slice(crashesBefore).join("")}`,
        );
      }),
      { numRuns: runs, seed: strict ? 21 : 20 },
    );
  } finally {
    process.stderr.write = write;
  }
  assert.deepEqual(internal, [], "no crash of the sandbox's own code");
  // Still serving after all that.
  const alive = await send(
    sb.url,
    "GET",
    "/api/v1/users/profile/",
    { Accept: "application/json", Authorization: `Token ${user("admin").privateToken}` },
    undefined,
  );
  await sb.close();
  assert.equal(alive.status, 200);
  return statuses;
}

describe("bad input: malformed requests to every sandbox route (fast-check)", function () {
  this.timeout(120_000);

  it("default mode: no crash, JSON error shapes, 5xx only where the real server answers 500", async () => {
    const statuses = await fuzzSandbox(false, 1500);
    console.log(`      statuses: ${JSON.stringify(statuses)}`);
    assert.ok(Object.keys(statuses).length > 5, "the requests reached many code paths");
  });

  it("strict mode: the same requests never get a 5xx", async () => {
    const statuses = await fuzzSandbox(true, 1500);
    console.log(`      statuses: ${JSON.stringify(statuses)}`);
  });
});
