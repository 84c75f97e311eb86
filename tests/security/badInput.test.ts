// Bad input (issue #9), property-based with fast-check:
// - both providers' `check`, in-process (thousands of inputs) and through the gRPC host (hundreds):
//   never throws; either every failure names a property (an input name or a path such as
//   rules[1].users.ids) or the inputs are valid (checking them again changes nothing); and not one
//   HTTP request is made (the settings point at a sandbox whose counters must stay at zero);
// - the sandbox, fed malformed bodies, headers, ids and methods on every route: never crashes,
//   answers JSON error shapes, and a 5xx only where the real server answers one (a request it
//   marks as hazardous, docs/sandbox.md "Hazards and `--strict`"); in strict mode never a 5xx.
import { strict as assert } from "assert";
import * as http from "http";
import fc from "fast-check";
import * as httpSignature from "http-signature";
import { Sandbox, startSandbox } from "../../sandbox";
import { ROUTES } from "../../sandbox/routes";
import * as flowLifecycle from "../../provider/lifecycle/ticketFlow";
import * as ticketLifecycle from "../../provider/lifecycle/assetAccessTicket";
import { configure } from "../../provider/lifecycle/context";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { ProviderHost } from "../support/providerHost";
import { sandbox, stackConfig } from "../support/sandbox";
import { FLOW_TYPE, TICKET_TYPE } from "../reliability/faultScenario";

const FLOW_KEYS = ["type", "orgId", "name", "rules", "ccUsers", "restoreOnDelete"];
const TICKET_KEYS = [
  "title",
  "orgId",
  "applicant",
  "assets",
  "nodes",
  "accounts",
  "actions",
  "dateStart",
  "dateExpired",
  "comment",
  "flow",
  "approve",
  "revokeOnDelete",
];
const PATH = /^[A-Za-z_$][\w$]*(\[\d+\]|\.[A-Za-z_$][\w$]*)*$/;
const UUIDS = [
  "00000000-0000-0000-0000-000000000002",
  "10000000-0000-0000-0000-000000000001",
  "30000000-0000-0000-0000-000000000001",
];

// Near-valid values mixed with anything: most inputs get past the first check and exercise deeper ones.
const identifier = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/);
const text = fc.oneof(
  fc.string(),
  fc.constantFrom("", " ", "web-01", "requester", "admin", "@ALL", "@SPEC", "root", ...UUIDS),
);
const date = fc.oneof(
  fc.constantFrom("2030-01-01T00:00:00Z", "2030/01/01 08:00:00 +0800", "2030-01-02", "yesterday"),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.string(),
);
const json = fc.jsonValue({ maxDepth: 3 });
const value = (specific: fc.Arbitrary<unknown>) =>
  fc.oneof(specific, specific, json, fc.anything());
const selector = fc.oneof(
  fc.record(
    { type: fc.constantFrom("all", "ids", "attrs", "bad"), ids: fc.array(text), attrs: json },
    { requiredKeys: [] },
  ),
  fc.record({
    type: fc.constant("attrs"),
    attrs: fc.array(
      fc.record(
        { name: text, match: fc.constantFrom("m2m", "exact", "in", "nope"), value: json },
        { requiredKeys: [] },
      ),
    ),
  }),
  json,
);
// Rules a user would plausibly write, so a share of the inputs is valid and the valid branch runs.
const goodRule = fc.oneof(
  fc.record({ strategy: fc.constantFrom("super_admin", "org_admin") }),
  fc.record({
    strategy: fc.constant("custom_user"),
    assignees: fc.array(fc.constantFrom("approver", "requester", UUIDS[1]), { minLength: 1 }),
  }),
  fc.record({
    users: fc.record({
      type: fc.constant("ids"),
      ids: fc.array(fc.constantFrom("approver", UUIDS[1]), { minLength: 1 }),
    }),
  }),
  fc.constant({ users: { type: "all" } }),
);
const rule = fc.oneof(
  goodRule,
  fc.record(
    {
      strategy: fc.constantFrom("super_admin", "org_admin", "super_org_admin", "custom_user", "x"),
      assignees: value(fc.array(text)),
    },
    { requiredKeys: [] },
  ),
  fc.record({ users: selector }),
  json,
);
const flowSpecific: Record<string, fc.Arbitrary<unknown>> = {
  type: fc.constantFrom("apply_asset", "login_confirm", ""),
  orgId: text,
  name: text,
  rules: fc.oneof(
    fc.array(goodRule, { minLength: 1, maxLength: 3 }),
    fc.array(rule, { maxLength: 7 }),
  ),
  ccUsers: fc.array(text),
  restoreOnDelete: fc.boolean(),
};
const ticketSpecific: Record<string, fc.Arbitrary<unknown>> = {
  title: text,
  orgId: text,
  applicant: text,
  assets: fc.array(text, { maxLength: 4 }),
  nodes: fc.array(text, { maxLength: 3 }),
  accounts: fc.array(text, { maxLength: 4 }),
  actions: fc.array(
    fc.oneof(fc.constantFrom("connect", "all", "upload_file", "clipboard_copy_paste"), fc.string()),
    { maxLength: 4 },
  ),
  dateStart: date,
  dateExpired: date,
  comment: fc.oneof(text, fc.constant("why [pulumi:abc]")),
  flow: text,
  approve: fc.boolean(),
  revokeOnDelete: fc.boolean(),
};
/** Either anything in every key, or a valid input with up to three keys replaced or removed. */
function inputsOf(
  keys: string[],
  specific: Record<string, fc.Arbitrary<unknown>>,
  valid: Record<string, unknown>,
) {
  const known = fc.record(Object.fromEntries(keys.map((k) => [k, value(specific[k])])), {
    requiredKeys: [],
  });
  const extra = fc.dictionary(identifier, json, { maxKeys: 2 });
  const random = fc
    .tuple(known, extra, fc.boolean())
    .map(([k, e, withExtra]) => (withExtra ? { ...e, ...k } : k) as Record<string, unknown>);
  const nearlyValid = fc
    .tuple(fc.subarray(keys, { maxLength: 3 }), known, fc.boolean())
    .map(([replaced, k, remove]) => {
      const out: Record<string, unknown> = { ...valid };
      for (const key of replaced) {
        if (remove) delete out[key];
        else if (key in k) out[key] = k[key];
      }
      return out;
    });
  return fc.oneof(random, nearlyValid);
}
const flowInputs = inputsOf(FLOW_KEYS, flowSpecific, {
  orgId: UUIDS[0],
  rules: [{ strategy: "super_admin" }, { users: { type: "ids", ids: ["approver"] } }],
});
const ticketInputs = inputsOf(TICKET_KEYS, ticketSpecific, {
  title: "access",
  applicant: "requester",
  assets: ["web-01"],
  dateStart: "2030-01-01T00:00:00Z",
  dateExpired: "2030-01-02T00:00:00Z",
  approve: true,
});

type Check = (
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
) => Promise<{
  inputs?: Record<string, unknown>;
  failures?: { property: string; reason: string }[];
}>;

/** The property every check result must have; returns "valid" or "rejected" for the tallies. */
async function judge(
  check: Check,
  keys: string[],
  news: Record<string, unknown>,
): Promise<"valid" | "rejected"> {
  const r = await check({}, news);
  const failures = r.failures ?? [];
  if (failures.length > 0) {
    for (const f of failures) {
      assert.ok(typeof f.property === "string" && PATH.test(f.property), JSON.stringify(f));
      const root = f.property.split(/[.[]/)[0];
      assert.ok(keys.includes(root) || root in news, `unknown property ${f.property}`);
      assert.ok(typeof f.reason === "string" && f.reason.length > 0, JSON.stringify(f));
    }
    return "rejected";
  }
  assert.ok(r.inputs && typeof r.inputs === "object", "valid inputs come back");
  // What check returns is what the engine stores: checking it again must accept it unchanged.
  const again = await check({}, r.inputs);
  assert.deepEqual(again.failures ?? [], []);
  assert.deepEqual(again.inputs, r.inputs);
  return "valid";
}

describe("bad input: property-based checks of both providers (fast-check)", function () {
  this.timeout(120_000);
  let sb: Sandbox;

  before(async () => {
    sb = await sandbox({ errors: "legacy" });
    // In-process check reads the same settings as the provider: point them at the sandbox, so
    // any request would show up in its counters.
    const cfg = stackConfig(sb, "admin");
    await configure({ config: { get: (k: string) => cfg[k] } });
    sb.resetStats();
  });
  after(async () => {
    await configure({});
    await sb?.close();
  });

  for (const [label, check, keys, arb] of [
    ["TicketFlow", flowLifecycle.check as Check, FLOW_KEYS, flowInputs],
    ["AssetAccessTicket", ticketLifecycle.check as Check, TICKET_KEYS, ticketInputs],
  ] as const) {
    it(`${label} check, in-process: 3000 malformed inputs, property-named failures or valid, no request`, async () => {
      const tally = { valid: 0, rejected: 0 };
      await fc.assert(
        fc.asyncProperty(arb, async (news) => {
          tally[await judge(check, keys, news)]++;
        }),
        { numRuns: 3000, seed: 9 },
      );
      assert.equal(sb.stats().total, 0, "check made no HTTP request");
      assert.ok(tally.rejected > 1000 && tally.valid > 20, JSON.stringify(tally));
      console.log(`      ${label}: ${tally.rejected} rejected, ${tally.valid} valid`);
    });
  }

  it("names that are Object.prototype members are plain names, not crashes", async () => {
    for (const name of ["valueOf", "constructor", "__proto__", "toString", "hasOwnProperty"]) {
      for (const news of [
        { title: "t", dateStart: "2030-01-01", dateExpired: "2030-01-02", actions: [name] },
        { title: "t", dateStart: "2030-01-01", dateExpired: "2030-01-02", accounts: [name] },
        { title: name, dateStart: "2030-01-01", dateExpired: "2030-01-02", assets: [name] },
      ])
        await judge(ticketLifecycle.check as Check, TICKET_KEYS, news);
      for (const news of [
        { rules: [{ strategy: name }] },
        { rules: [{ users: { type: name } }] },
        { rules: [{ strategy: "custom_user", assignees: [name] }], ccUsers: [name] },
      ])
        await judge(flowLifecycle.check as Check, FLOW_KEYS, news);
    }
    assert.equal(sb.stats().total, 0);
  });

  for (const [label, provider, type, keys, arb] of [
    ["TicketFlow", ticketFlowProvider, FLOW_TYPE, FLOW_KEYS, flowInputs],
    ["AssetAccessTicket", assetAccessTicketProvider, TICKET_TYPE, TICKET_KEYS, ticketInputs],
  ] as const) {
    it(`${label} check through the gRPC host: 300 malformed inputs, same property, no request`, async () => {
      const host = await ProviderHost.start(provider, type, stackConfig(sb, "admin"));
      try {
        const viaHost: Check = async (olds, news) => {
          const r = await host.check(olds, news);
          return r.failures.length ? { failures: r.failures } : { inputs: r.inputs };
        };
        // The engine sends JSON-like Structs (no undefined): drop what JSON cannot carry.
        const jsonArb = arb.map((x) => JSON.parse(JSON.stringify(x)) as Record<string, unknown>);
        await fc.assert(
          fc.asyncProperty(jsonArb, async (news) => {
            await judge(viaHost, keys, news);
          }),
          { numRuns: 300, seed: 10 },
        );
        assert.equal(sb.stats().total, 0, "check made no HTTP request");
      } finally {
        await host.close();
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------

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
