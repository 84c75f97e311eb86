// TicketApproval's offline parts: input checks (property-based: every failure names a property,
// valid inputs check again unchanged, a decided ticket keeps its decision) and the grant an
// approval sends (within the ask it is sent whole, anything wider is refused by name).
import { strict as assert } from "assert";
import fc from "fast-check";
import { checkApprovalInputs, narrowGrant } from "../../provider/model/approvalInputs";
import type { Asked } from "../../provider/model/approvalFields";
import { APPROVAL_INPUT_KEYS } from "../../provider/model/approvalFields";
import { UUIDS, date, identifier, json, text, value } from "../security/arbitraries";
import { daysFromNow } from "../support/clock";

const DEFAULT = "00000000-0000-0000-0000-000000000002";
const PATH = /^[A-Za-z_$][\w$]*(\[\d+\]|\.[A-Za-z_$][\w$]*)*$/;
const KEYS: string[] = [...APPROVAL_INPUT_KEYS];
const ASKED: Asked = {
  assets: ["web-01", "web-02"],
  assetIds: ["30000000-0000-0000-0000-000000000001", "30000000-0000-0000-0000-000000000002"],
  nodes: ["probe-servers"],
  nodeIds: ["40000000-0000-0000-0000-000000000001"],
  accounts: ["@ALL"],
  actions: ["connect", "upload", "download"],
  dateStart: daysFromNow(30),
  dateExpired: daysFromNow(37),
};
/** The names above as the ticket's org resolves them (a node by its value and its full path). */
const IDS: Record<string, string> = {
  "assets:web-01": ASKED.assetIds[0],
  "assets:web-02": ASKED.assetIds[1],
  "assets:db-01": "30000000-0000-0000-0000-000000000003",
  "nodes:probe-servers": ASKED.nodeIds[0],
  "nodes:/DEFAULT/probe-servers": ASKED.nodeIds[0],
  // Another node whose value is the same: its full path must not name the asked one.
  "nodes:/Ops/probe-servers": "40000000-0000-0000-0000-0000000000a9",
};

const grant = fc.record(
  {
    assets: fc.array(fc.oneof(text, fc.constantFrom(...ASKED.assets, ...ASKED.assetIds))),
    nodes: fc.array(fc.oneof(text, fc.constantFrom("probe-servers", "/DEFAULT/probe-servers"))),
    accounts: fc.array(text, { maxLength: 3 }),
    actions: fc.array(fc.oneof(fc.constantFrom("connect", "all", "upload_file"), fc.string())),
    dateExpired: date,
  },
  { requiredKeys: [] },
);
const known = fc.record(
  {
    ticket: value(fc.constantFrom("202701040001", UUIDS[1], "abc", "")),
    decision: value(fc.constantFrom("approve", "reject", "maybe")),
    orgId: value(fc.constantFrom(DEFAULT, UUIDS[1], "Default")),
    grant: value(grant),
    revokeOnDelete: value(fc.boolean()),
  },
  { requiredKeys: [] },
);
/** Anything in every key (plus an unknown key at times), or a valid input with keys replaced. */
const news = fc.oneof(
  fc
    .tuple(known, fc.dictionary(identifier, json, { maxKeys: 1 }))
    .map(([k, extra]) => ({ ...extra, ...k }) as Record<string, unknown>),
  fc.tuple(fc.subarray(KEYS, { maxLength: 2 }), known).map(([replaced, k]) => {
    const out: Record<string, unknown> = { ticket: "202701040001", decision: "approve" };
    for (const key of replaced) if (key in k) out[key] = (k as Record<string, unknown>)[key];
    return out;
  }),
);

describe("TicketApproval inputs (offline)", function () {
  it("never throws; every failure names a property; valid inputs check again unchanged", () => {
    let valid = 0;
    fc.assert(
      fc.property(news, (n) => {
        const r = checkApprovalInputs(n, {}, DEFAULT);
        if (r.failures.length > 0) {
          for (const f of r.failures) {
            assert.ok(PATH.test(f.property), JSON.stringify(f));
            const root = f.property.split(/[.[]/)[0];
            assert.ok(KEYS.includes(root) || root in n, `unknown property ${f.property}`);
            assert.ok(f.reason.length > 0);
          }
          return;
        }
        valid++;
        const again = checkApprovalInputs(r.inputs as Record<string, unknown>, {}, DEFAULT);
        assert.deepEqual(again.failures, []);
        assert.deepEqual(again.inputs, r.inputs);
      }),
      { numRuns: 3000 },
    );
    assert.ok(valid > 50, `only ${valid} valid inputs were generated`);
  });

  it("refuses a changed decision, grant or org for the ticket it decided, and allows another ticket", () => {
    const olds = checkApprovalInputs(
      { ticket: "202701040001", decision: "approve", grant: { actions: ["connect"] } },
      {},
      DEFAULT,
    ).inputs as unknown as Record<string, unknown>;
    const f = (n: Record<string, unknown>) =>
      checkApprovalInputs(n, olds, DEFAULT).failures.map((x) => x.property);
    assert.deepEqual(f({ ...olds }), []);
    assert.deepEqual(f({ ...olds, revokeOnDelete: false }), []);
    assert.deepEqual(f({ ...olds, decision: "reject", grant: undefined }), ["decision", "grant"]);
    assert.deepEqual(f({ ...olds, grant: { actions: ["connect", "connect"] } }), []);
    assert.deepEqual(f({ ...olds, grant: undefined }), ["grant"]);
    assert.deepEqual(f({ ...olds, orgId: UUIDS[1] }), ["orgId"]);
    assert.deepEqual(f({ ...olds, ticket: "202701040002", decision: "reject", grant: null }), []);
  });
});

describe("TicketApproval grant (offline)", function () {
  it("sends the whole ask without a grant", () => {
    const { body, failures } = narrowGrant(ASKED, DEFAULT, undefined, IDS);
    assert.deepEqual(failures, []);
    assert.deepEqual(body, {
      org_id: DEFAULT,
      apply_assets: ASKED.assetIds,
      apply_nodes: ASKED.nodeIds,
      apply_accounts: ["@ALL"],
      apply_actions: ASKED.actions,
      apply_date_start: ASKED.dateStart,
      apply_date_expired: ASKED.dateExpired,
    });
  });

  it("sends any subset of the ask whole, and names every widening", () => {
    const subset = <T>(xs: T[]) => fc.subarray(xs, { minLength: 1 });
    fc.assert(
      fc.property(
        subset(ASKED.assets),
        subset(ASKED.actions),
        fc.integer({ min: 1, max: 7 * 24 }),
        fc.option(fc.constantFrom("db-01", "web-03", "30000000-0000-0000-0000-000000000009")),
        (assets, actions, hours, extra) => {
          const end = new Date(Date.parse(ASKED.dateStart) + hours * 3600_000);
          const dateExpired = end.toISOString().replace(/\.\d{3}Z$/, "Z");
          const g = { assets: extra ? [...assets, extra] : assets, actions, dateExpired };
          const { body, failures } = narrowGrant(ASKED, DEFAULT, g, IDS);
          if (extra) {
            assert.deepEqual(
              failures.map((f) => f.property),
              [`grant.assets[${assets.length}]`],
            );
            assert.equal(body, undefined);
            return;
          }
          assert.deepEqual(failures, []);
          const ids = assets.map((a) => ASKED.assetIds[ASKED.assets.indexOf(a)]);
          assert.deepEqual(body!.apply_assets, ids);
          assert.deepEqual(body!.apply_nodes, ASKED.nodeIds, "a field left out is the ask");
          assert.deepEqual(body!.apply_actions, actions);
          assert.equal(body!.apply_date_expired, dateExpired);
          assert.equal(body!.apply_date_start, ASKED.dateStart, "every field is sent");
        },
      ),
      { numRuns: 500 },
    );
  });

  it("names each widening: actions, accounts, nodes, a later end, an end before the start", () => {
    const f = (g: Record<string, unknown>) =>
      narrowGrant(ASKED, DEFAULT, g, IDS).failures.map((x) => x.property);
    assert.deepEqual(f({ actions: ["connect", "share"] }), ["grant.actions"]);
    assert.deepEqual(f({ actions: ["all"] }), ["grant.actions"]);
    assert.deepEqual(f({ accounts: ["@SPEC", "root"] }), []);
    assert.deepEqual(f({ accounts: ["@INPUT"] }), ["grant.accounts[0]"]);
    assert.deepEqual(f({ nodes: ["/DEFAULT/probe-servers"] }), []);
    assert.deepEqual(f({ nodes: ["other"] }), ["grant.nodes[0]"]);
    // A full path names one node: another org's node with the same last segment is not the asked one.
    assert.deepEqual(f({ nodes: ["/Ops/probe-servers"] }), ["grant.nodes[0]"]);
    assert.deepEqual(f({ dateExpired: daysFromNow(38) }), ["grant.dateExpired"]);
    assert.deepEqual(f({ dateExpired: daysFromNow(30) }), ["grant.dateExpired"]);
    assert.deepEqual(f({ assets: [], nodes: [] }), ["grant.assets"]);
  });
});
