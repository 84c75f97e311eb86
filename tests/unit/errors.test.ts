import { strict as assert } from "assert";
import { JumpServerError, flattenFieldErrors } from "../../provider/client/errors";

describe("JumpServerError", () => {
  it("flattens DRF field errors, nested list errors included", () => {
    assert.deepEqual(flattenFieldErrors({ rules: [{}, { users: ["This field is required."] }] }), [
      "rules[1].users: This field is required.",
    ]);
    assert.deepEqual(
      flattenFieldErrors({ title: ["This field is required."], org_id: ["x", "y"] }),
      ["title: This field is required.", "org_id: x", "org_id: y"],
    );
    assert.deepEqual(flattenFieldErrors(["Permission named `a` already exists"]), [
      "Permission named `a` already exists",
    ]);
    assert.deepEqual(flattenFieldErrors({ rules: ["The number of approval rules must match"] }), [
      "rules: The number of approval rules must match",
    ]);
    assert.deepEqual(flattenFieldErrors({ detail: "Not found.", code: "not_found" }), []);
  });

  it("puts status, route and field lines in the message", () => {
    const e = new JumpServerError("HTTP 400", {
      status: 400,
      request: { method: "PATCH", url: "http://h/api/v1/tickets/flows/x/", headers: {} },
      body: { rules: [{ users: ["Invalid type"] }] },
    });
    assert.equal(e.status, 400);
    assert.match(e.message, /PATCH http:\/\/h\/api\/v1\/tickets\/flows\/x\/: HTTP 400/);
    assert.match(e.message, /rules\[0\]\.users: Invalid type/);
  });

  it("recognises both 'already processed' answers", () => {
    const req = { method: "PUT", url: "u", headers: {} };
    assert.ok(
      new JumpServerError("x", {
        status: 409,
        request: req,
        body: { code: "ticket_already_processed" },
      }).isAlreadyProcessed,
    );
    assert.ok(
      new JumpServerError("x", {
        status: 400,
        request: req,
        body: { detail: "Ticket already closed", code: "error" },
      }).isAlreadyProcessed,
    );
    assert.ok(
      !new JumpServerError("x", { status: 400, request: req, body: { title: ["bad"] } })
        .isAlreadyProcessed,
    );
  });
});
