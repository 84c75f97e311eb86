// JumpServer's answers are checked before they are read: a missing id is an error naming where it
// is missing, never the text "undefined" sent back in the next request.
import { strict as assert } from "node:assert";
import { parseFlow } from "../../provider/api/flows";
import { parseTicket } from "../../provider/api/tickets";

const TICKET = "6f1c4a2e-8b0d-4c7e-9a51-3d2b1e0f9c84";

describe("answers", () => {
  it("a ticket without an id is refused, naming the path", () => {
    assert.throws(
      () => parseTicket({ title: "t", state: "pending" }),
      /JumpServer's answer to a ticket request is not what this provider can read: id: /,
    );
  });

  it("a step's assignee without an id is refused, naming the path", () => {
    assert.throws(
      () => parseTicket({ id: TICKET, process_map: [{ assignees: [{ name: "x" }] }] }),
      /process_map\.0\.assignees\.0/,
    );
  });

  it("a flow rule's assignee without an id is refused; a well-formed flow reads as before", () => {
    assert.throws(
      () => parseFlow({ id: TICKET, rules: [{ strategy: "custom_user", assignees: [{}] }] }),
      /rules\.0\.assignees\.0/,
    );
    const flow = parseFlow({
      id: TICKET,
      type: { value: "apply_asset", label: "Apply asset" },
      rules: [{ level: 1, users: { type: "ids", ids: ["b", "a"] } }],
      cc_users: [{ id: "u2" }, "u1"],
    });
    assert.equal(flow.id, TICKET);
    assert.deepEqual(flow.rules, [{ users: { type: "ids", ids: ["a", "b"] } }]);
    assert.deepEqual(flow.ccUsers, ["u1", "u2"]);
  });

  it("ids of related objects are read from either shape", () => {
    const t = parseTicket({
      id: TICKET,
      apply_assets: ["a1", { id: "a2", name: "web" }],
      flow: { id: "f1" },
    });
    assert.deepEqual(t.assetIds, ["a1", "a2"]);
    assert.equal(t.flowId, "f1");
  });
});
