// The pure part of renewal without a lapse (provider/model/renewal.ts): what counts as a renewal
// of an approved grant, and that a kept grant's end only ever moves earlier.
import * as assert from "node:assert/strict";
import type { Grant } from "../../provider/model/grants";
import { beyondRenewal, earlierEnd, widenedBeyond } from "../../provider/model/renewal";
import { daysFromNow } from "../support/clock";

const ORG = "00000000-0000-0000-0000-000000000002";
const approved: Grant = {
  users: ["u1"],
  userGroups: [],
  assets: ["a1", "a2"],
  nodes: ["n1"],
  accounts: ["@SPEC", "root"],
  actions: ["connect", "download"],
  dateStart: daysFromNow(-1),
  dateExpired: daysFromNow(5),
  active: true,
};
const ask = {
  orgId: ORG,
  applicantId: "U1",
  assetIds: ["A1"],
  nodeIds: [],
  accounts: ["root"],
  actions: ["download_file"],
};

describe("renewal: what counts as one", () => {
  it("the same person and org, no more than the approved grant (ids in any case, older action names)", () => {
    assert.deepEqual(beyondRenewal(ask, approved, ORG), []);
    assert.deepEqual(
      beyondRenewal({ ...ask, assetIds: ["a1", "a2"], nodeIds: ["n1"] }, approved, ORG),
      [],
    );
  });
  it("names what goes beyond it", () => {
    assert.deepEqual(beyondRenewal({ ...ask, applicantId: "u2" }, approved, ORG), ["applicant"]);
    assert.deepEqual(beyondRenewal(ask, approved, "00000000-0000-0000-0000-000000000009"), ["org"]);
    assert.deepEqual(
      beyondRenewal(
        { ...ask, assetIds: ["a3"], nodeIds: ["n2"], accounts: ["admin"], actions: ["all"] },
        approved,
        ORG,
      ),
      ["assets", "nodes", "accounts", "actions"],
    );
  });
  it("an @ALL grant admits any accounts; all actions admit any", () => {
    const wide = { ...approved, accounts: ["@ALL"], actions: ["all"] };
    assert.deepEqual(
      beyondRenewal({ ...ask, accounts: ["@INPUT"], actions: ["share"] }, wide, ORG),
      [],
    );
  });
});

describe("renewal: the kept grant", () => {
  it("takes an earlier end, never a later one, and keeps its own when the other can't be read", () => {
    const end = daysFromNow(5);
    assert.equal(earlierEnd(end, daysFromNow(3)), daysFromNow(3));
    assert.equal(earlierEnd(end, daysFromNow(90)), end);
    assert.equal(earlierEnd(end, "not a date"), end);
    assert.equal(earlierEnd(end, undefined), end);
  });
  it("names what a permission edited in JumpServer grants beyond its approval", () => {
    assert.deepEqual(widenedBeyond({ ...approved, dateExpired: daysFromNow(90) }, approved), []);
    assert.deepEqual(widenedBeyond({ ...approved, assets: ["a1"] }, approved), []);
    assert.deepEqual(
      widenedBeyond(
        { ...approved, users: ["u1", "u2"], assets: ["a1", "a9"], actions: ["all"] },
        approved,
      ),
      ["users", "assets", "actions"],
    );
  });
});
