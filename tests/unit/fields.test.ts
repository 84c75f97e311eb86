// The field tables (provider/model/*Fields.ts) drive check's keys, diff's plan, the resource's
// props and the names in JumpServer's field errors. These hold what must not move when a field
// is added: the marker of an existing ticket, and the plan for each kind of change.
import { strict as assert } from "node:assert";
import { comparable, differs } from "../../provider/model/fields";
import { FLOW_INPUTS, FLOW_INPUT_KEYS, FLOW_OUTPUTS } from "../../provider/model/flowFields";
import {
  HASHED_WHEN_SET,
  REPLACING_KEYS,
  TICKET_INPUTS,
  TICKET_INPUT_KEYS,
  TICKET_OUTPUTS,
  TICKET_WIRE_NAMES,
} from "../../provider/model/ticketFields";
import { checkTicketInputs } from "../../provider/model/ticketInputs";
import { requestIdFor } from "../../provider/lifecycle/recovery";
import { propsOf } from "../../provider/resources/fieldTypes";
import { UNKNOWN } from "../../provider/model/unknown";

const DEFAULT = "00000000-0000-0000-0000-000000000002";

describe("field tables", () => {
  it("keep the marker of a ticket opened by an earlier version (replacing inputs in their order)", () => {
    // Fixed dates on purpose: the marker hashes the inputs, and nothing here reads the clock.
    const { inputs } = checkTicketInputs(
      {
        title: "t",
        assets: ["web-01"],
        dateStart: "2027-01-04T08:00:00Z",
        dateExpired: "2027-01-11T08:00:00Z",
      },
      DEFAULT,
    );
    // Computed by the release before the tables; a reordered or renamed input changes it.
    assert.equal(
      requestIdFor("quickstart/dev/requester-web-01", inputs!, undefined),
      "400bb38c-024a-46ed-a529-393a3c18699e",
    );
    // Replacing inputs added since enter the hash only when set (breakGlass).
    assert.deepEqual(
      REPLACING_KEYS.filter((k) => !HASHED_WHEN_SET.includes(k)),
      TICKET_INPUT_KEYS.slice(0, 11),
    );
  });

  it("plan a ticket's changes: names, ids, order and case are no change; the two switches update", () => {
    const olds = {
      applicant: "requester",
      assets: ["web-01", "db-01"],
      accounts: ["@SPEC", "ro"],
      flow: "ops",
      orgId: DEFAULT,
      approve: false,
    };
    const resolved = {
      "applicant:requester": "10000000-0000-0000-0000-000000000004",
      "assets:web-01": "20000000-0000-0000-0000-000000000001",
      "flow:ops": "30000000-0000-0000-0000-000000000001",
    };
    const same = {
      ...olds,
      applicant: "10000000-0000-0000-0000-000000000004",
      assets: ["db-01", "20000000-0000-0000-0000-000000000001"],
      accounts: ["ro", "@SPEC"],
      flow: "30000000-0000-0000-0000-000000000001".toUpperCase(),
      orgId: DEFAULT.toUpperCase(),
    };
    for (const k of TICKET_INPUT_KEYS) {
      assert.equal(differs(TICKET_INPUTS[k], k, olds, same, resolved), false, k);
    }
    assert.equal(differs(TICKET_INPUTS.assets, "assets", olds, { assets: ["web-01"] }, {}), true);
    assert.equal(differs(TICKET_INPUTS.approve, "approve", olds, { approve: true }, {}), true);
    assert.equal(differs(TICKET_INPUTS.approve, "approve", {}, { approve: false }, {}), false);
    assert.equal(differs(TICKET_INPUTS.title, "title", olds, { title: UNKNOWN }, {}), true);
  });

  it("plan a flow's changes: unmanaged CC users are no change, names and ids of approvers compare equal", () => {
    const ids = { approver: "10000000-0000-0000-0000-000000000003" };
    const olds = { rules: [{ strategy: "custom_user", assignees: ["approver"] }], ccUsers: ["a"] };
    const news = {
      rules: [{ strategy: "custom_user", assignees: ["10000000-0000-0000-0000-000000000003"] }],
    };
    const changed = FLOW_INPUT_KEYS.filter((k) => differs(FLOW_INPUTS[k], k, olds, news, ids));
    assert.deepEqual(changed, []);
    assert.equal(comparable(FLOW_INPUTS.type, "type", undefined, {}), '"apply_asset"');
    assert.deepEqual(
      FLOW_INPUT_KEYS.filter((k) => FLOW_INPUTS[k].replaces),
      ["type", "orgId", "name"],
    );
  });

  it("name JumpServer's open fields after the inputs, and give the resource every field once", () => {
    assert.equal(TICKET_WIRE_NAMES.apply_date_expired, "dateExpired");
    assert.equal(TICKET_WIRE_NAMES.flow_id, "flow");
    const props = propsOf(TICKET_INPUTS, TICKET_OUTPUTS, { title: "t", approve: true });
    assert.deepEqual(Object.keys(props), [
      ...Object.keys(TICKET_INPUTS),
      ...Object.keys(TICKET_OUTPUTS),
    ]);
    assert.equal(props.title, "t");
    assert.equal(props.ticketId, undefined);
    assert.deepEqual(
      Object.keys(propsOf(FLOW_INPUTS, FLOW_OUTPUTS, {})).filter((k) => k in FLOW_INPUTS),
      FLOW_INPUT_KEYS,
    );
  });
});
