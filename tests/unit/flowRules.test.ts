import { strict as assert } from "assert";
import { canonicalRules, checkRules, fromWire, toWire } from "../../provider/model/flowRules";
import { normalizeActions } from "../../provider/model/actions";
import { normalizeDate } from "../../provider/model/dates";

const ADMIN = "00000000-0000-0000-0000-000000000001";
const ORGADMIN = "00000000-0000-0000-0000-000000000005";
const U1 = "10000000-0000-0000-0000-000000000003";

describe("flow rules", () => {
  it("translates the seed's strategies to selectors as JumpServer's migration does", () => {
    const wire = toWire(
      [
        { strategy: "super_admin" },
        { strategy: "org_admin" },
        { strategy: "custom_user", assignees: ["approver"] },
      ],
      "selector",
      { approver: U1 },
    );
    assert.deepEqual(wire, [
      { users: { type: "attrs", attrs: [{ name: "system_roles", match: "m2m", value: [ADMIN] }] } },
      { users: { type: "attrs", attrs: [{ name: "org_roles", match: "m2m", value: [ORGADMIN] }] } },
      { users: { type: "ids", ids: [U1] } },
    ]);
  });

  it("refuses super_org_admin on a selector server instead of narrowing it", () => {
    assert.throws(
      () => toWire([{ strategy: "super_org_admin" }], "selector", {}),
      /rules\[0\]\.strategy: super_org_admin has no faithful/,
    );
  });

  it("translates selectors to strategies where one exists, and refuses the rest", () => {
    assert.deepEqual(
      toWire([{ users: { type: "ids", ids: ["approver"] } }], "strategy", { approver: U1 }),
      [{ strategy: "custom_user", assignees: [U1] }],
    );
    assert.deepEqual(
      toWire(
        [
          {
            users: {
              type: "attrs",
              attrs: [{ name: "system_roles", match: "m2m", value: [ADMIN] }],
            },
          },
        ],
        "strategy",
        {},
      ),
      [{ strategy: "super_admin", assignees: [] }],
    );
    assert.throws(
      () => toWire([{ users: { type: "all" } }], "strategy", {}),
      /rules\[0\]\.users: this server \(v3\/v4\.0\) only knows strategies/,
    );
  });

  it("always sends assignees in the strategy dialect (a rule without them crashes v3)", () => {
    assert.deepEqual(toWire([{ strategy: "org_admin" }], "strategy", {}), [
      { strategy: "org_admin", assignees: [] },
    ]);
  });

  it("presents live rules in the user's dialect with usernames, and compares names and ids alike", () => {
    const live = [{ users: { type: "ids" as const, ids: [U1] } }];
    assert.deepEqual(fromWire(live, "strategy", { [U1]: "approver" }), [
      { strategy: "custom_user", assignees: ["approver"] },
    ]);
    assert.equal(
      canonicalRules([{ strategy: "custom_user", assignees: ["approver"] }], { approver: U1 }),
      canonicalRules([{ users: { type: "ids", ids: [U1] } }], {}),
    );
    assert.notEqual(
      canonicalRules([{ strategy: "custom_user", assignees: ["approver"] }], {}),
      canonicalRules([{ strategy: "custom_user", assignees: ["requester"] }], {}),
    );
  });

  it("treats usernames such as `constructor` as names, not as Object.prototype members", () => {
    assert.deepEqual(
      toWire([{ strategy: "custom_user", assignees: ["constructor"] }], "strategy", {}),
      [{ strategy: "custom_user", assignees: ["constructor"] }],
    );
    assert.notEqual(
      canonicalRules([{ strategy: "custom_user", assignees: ["toString"] }], {}),
      canonicalRules([{ strategy: "custom_user", assignees: ["valueOf"] }], {}),
    );
  });

  it("checks shapes and folds duplicate assignees", () => {
    const { rules, failures } = checkRules([
      { strategy: "custom_user", assignees: ["a", "a", "b"] },
    ]);
    assert.deepEqual(failures, []);
    assert.deepEqual(rules, [{ strategy: "custom_user", assignees: ["a", "b"] }]);
    assert.deepEqual(
      checkRules([
        { users: { type: "attrs", attrs: [{ name: "email", match: "like", value: "x" }] } },
      ]).failures.map((f) => f.property),
      ["rules[0].users.attrs[0].match"],
    );
  });
});

describe("actions and dates", () => {
  it("maps the seed's action names and folds duplicates in bit order", () => {
    assert.deepEqual(
      normalizeActions(["download_file", "connect", "upload_file", "connect"]).actions,
      ["connect", "upload", "download"],
    );
    assert.deepEqual(normalizeActions(["updownload", "clipboard_copy_paste"]).actions, [
      "upload",
      "download",
      "copy",
      "paste",
    ]);
    assert.deepEqual(
      normalizeActions(["connect", "upload", "download", "copy", "paste", "delete", "share"])
        .actions,
      ["all"],
    );
    assert.deepEqual(normalizeActions(["fly"]).unknown, ["fly"]);
    // "all" grants everything, but does not hide a typo beside it.
    assert.deepEqual(normalizeActions(["all", "conect"]), {
      actions: ["all"],
      unknown: ["conect"],
    });
    assert.deepEqual(normalizeActions(["conect", "all"]).unknown, ["conect"]);
  });

  it("parses ISO-8601 with or without zone and JumpServer's own format, as instants", () => {
    assert.equal(normalizeDate("2026-12-01T00:00:00Z"), "2026-12-01T00:00:00Z");
    assert.equal(normalizeDate("2026-12-01T08:00:00+08:00"), "2026-12-01T00:00:00Z");
    assert.equal(normalizeDate("2026-12-01 00:00:00"), "2026-12-01T00:00:00Z");
    assert.equal(normalizeDate("2026/12/01 08:00:00 +0800"), "2026-12-01T00:00:00Z");
    assert.equal(normalizeDate("2026-12-01T00:00:00.987Z"), "2026-12-01T00:00:00Z");
    assert.equal(normalizeDate("2026-02-30T00:00:00Z"), undefined);
    assert.equal(normalizeDate("next tuesday"), undefined);
  });
});
