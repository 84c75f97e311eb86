// Inputs are checked in two passes: their shape with zod (keys, types, at any depth, Pulumi's
// unknown placeholder allowed anywhere), then their meaning. Every failure names its property
// path; one `preview` names every problem, in the order of the inputs.
import { strict as assert } from "node:assert";
import { checkFlowInputs } from "../../provider/model/flowInputs";
import { checkTicketInputs } from "../../provider/model/ticketInputs";
import { pathOf } from "../../provider/model/inputShapes";
import { UNKNOWN } from "../../provider/model/unknown";
import { daysFromNow } from "../support/clock";

const DEFAULT = "00000000-0000-0000-0000-000000000002";
const ticket = {
  title: "t",
  assets: ["web-01"],
  dateStart: daysFromNow(30, 8),
  dateExpired: daysFromNow(37, 8),
};

describe("input shapes", () => {
  it("names paths as users write them", () => {
    assert.equal(pathOf(["rules", 1, "users", "ids"]), "rules[1].users.ids");
    assert.equal(pathOf(["assets", 0]), "assets[0]");
  });

  it("reports shape and meaning together, in the order of the inputs", () => {
    const { failures } = checkTicketInputs(
      {
        ...ticket,
        revokeOnDelete: "no",
        actions: ["conect"],
        assets: ["web-01", 7, UNKNOWN],
        title: "x".repeat(257),
        color: "red",
      },
      DEFAULT,
    );
    assert.deepEqual(failures, [
      { property: "title", reason: "expected at most 256 characters, got 257" },
      { property: "assets[1]", reason: "expected a non-empty name or id" },
      {
        property: "actions",
        reason:
          'unknown action "conect"; expected all, connect, upload, download, copy, paste, delete, share (or upload_file, download_file, updownload, clipboard_copy, clipboard_paste, clipboard_copy_paste)',
      },
      { property: "revokeOnDelete", reason: "expected true or false" },
      {
        property: "color",
        reason:
          "unknown input; AssetAccessTicket takes title, orgId, applicant, assets, nodes, accounts, actions, dateStart, dateExpired, comment, flow, approve, revokeOnDelete, guardrails, breakGlass, ratified",
      },
    ]);
  });

  it("accepts the unknown placeholder for a whole list or one element, and checks nothing of it", () => {
    const { inputs, failures } = checkTicketInputs(
      { ...ticket, assets: UNKNOWN, nodes: [UNKNOWN], approve: UNKNOWN },
      DEFAULT,
    );
    assert.deepEqual(failures, []);
    assert.equal(inputs!.assets as unknown, UNKNOWN);
    assert.deepEqual(inputs!.nodes, [UNKNOWN]);
  });

  it("names a flow's CC user by its index, and its rules by their path", () => {
    const { failures } = checkFlowInputs(
      { rules: [{ users: { type: "ids", ids: [3] } }], ccUsers: ["a", ""], orgId: 5 },
      DEFAULT,
    );
    assert.deepEqual(
      failures.map((f) => f.property),
      ["orgId", "rules[0].users.ids[0]", "ccUsers[1]"],
    );
    assert.equal(failures[0].reason, "expected an organization UUID, got 5");
  });
});
