// The report's parts that need no network: reading a stack export, finding problems, naming
// approvers (its output, Markdown and the command line, is in reportOutput.test.ts).
import * as assert from "node:assert/strict";
import { approverLevels } from "../../provider/report/approvers";
import { AccessEntry, accessProblems, flowProblems } from "../../provider/report/model";
import {
  FLOW_TYPE,
  SECRET,
  StateInputError,
  TICKET_TYPE,
  parseStackExport,
} from "../../provider/report/state";
import { ORG_ADMIN_ROLE, SYSTEM_ADMIN_ROLE } from "../../provider/model/wireRules";
import { NOW, SIG, access, ending, exportOf, flow, reportOf, urn } from "./reportFixtures";

describe("report: the stack export", () => {
  it("refuses what is not a stack export, in one line each", () => {
    const cases: Array<[string, RegExp]> = [
      ["", /no state on stdin/],
      ["{not json", /not JSON/],
      ["[1, 2]", /not a Pulumi stack export/],
      ['{"version": 3}', /not a Pulumi stack export/],
      ['{"version": 3, "deployment": {"resources": {}}}', /deployment.resources is not a list/],
      [exportOf([]), /no TicketFlow or AssetAccessTicket/],
      [
        exportOf([{ urn: urn("pulumi:pulumi:Stack", "s"), type: "pulumi:pulumi:Stack" }]),
        /no TicketFlow or AssetAccessTicket/,
      ],
    ];
    for (const [text, expected] of cases) {
      assert.throws(
        () => parseStackExport(text),
        (e: unknown) =>
          e instanceof StateInputError && expected.test(e.message) && !/\n/.test(e.message),
        text,
      );
    }
  });

  it("keeps our resources, drops __provider, hides every secret value, notes interrupted runs", () => {
    const secret = { [SIG]: "1b47061264138c4ac30d75fd1eb44270", plaintext: '"hunter2"' };
    const state = parseStackExport(
      exportOf(
        [
          {
            urn: urn(FLOW_TYPE, "flow"),
            type: FLOW_TYPE,
            id: "f1",
            inputs: { __provider: "code" },
            outputs: { __provider: "code", orgName: "Default" },
          },
          {
            urn: urn(TICKET_TYPE, "web"),
            type: TICKET_TYPE,
            id: "t1",
            inputs: { title: secret },
            outputs: { title: secret, nested: [{ x: secret }] },
          },
          { urn: urn(TICKET_TYPE, "old"), type: TICKET_TYPE, id: "t0", delete: true },
          {
            urn: urn("pulumi:providers:pulumi-nodejs", "default"),
            type: "pulumi:providers:pulumi-nodejs",
            inputs: { "jumpserver:accessKeySecret": secret },
          },
        ],
        {
          pending_operations: [
            { type: "creating", resource: { urn: urn(TICKET_TYPE, "db"), type: TICKET_TYPE } },
          ],
        },
      ),
    );
    assert.equal(state.stack, "access/prod");
    assert.deepEqual(
      state.resources.map((r) => `${r.kind} ${r.name} ${r.id}`),
      ["TicketFlow flow f1", "AssetAccessTicket web t1"],
    );
    assert.deepEqual(state.resources[0].outputs, { orgName: "Default" });
    assert.deepEqual(state.resources[1].outputs, { title: SECRET, nested: [{ x: SECRET }] });
    assert.ok(!JSON.stringify(state).includes("hunter2"));
    assert.ok(!JSON.stringify(state).includes("__provider"));
    assert.deepEqual(state.interrupted, ["creating db"]);
  });
});

describe("report: problems", () => {
  it("names what the live permission lost, and only a new ticket brings a deleted one back", () => {
    const kinds = (a: AccessEntry) => accessProblems(a, 7, NOW).map((p) => p.kind);
    assert.deepEqual(kinds(access({ grantDrift: ["deleted"] })), ["permissionDeleted"]);
    assert.deepEqual(kinds(access({ grantDrift: ["active"] })), ["permissionDisabled"]);
    assert.deepEqual(kinds(access({ grantDrift: ["assets", "actions"] })), ["permissionChanged"]);
    assert.match(
      accessProblems(access({ grantDrift: ["assets", "actions"] }), 7, NOW)[0].message,
      /`assets`, `actions`/,
    );
    assert.deepEqual(kinds(access({ drift: ["title"], replaces: ["title"] })), ["drift"]);
    assert.deepEqual(kinds(access()), []);
  });

  it("warns of grants ending within the warning days, but not of expired or far ones", () => {
    const kinds = (a: AccessEntry, days = 7) => accessProblems(a, days, NOW).map((p) => p.kind);
    assert.deepEqual(kinds(access(ending(6.5))), ["expiring"]);
    assert.deepEqual(kinds(access(ending(7))), ["expiring"]);
    assert.deepEqual(kinds(access(ending(7.5))), []);
    assert.deepEqual(kinds(access(ending(7.5)), 8), ["expiring"]);
    assert.deepEqual(kinds(access(ending(2)), 0), [], "0 turns the warning off");
    assert.deepEqual(kinds(access({ ...ending(-1), daysLeft: 0, expired: true })), []);
    assert.match(
      accessProblems(access(ending(1)), 7, NOW)[0].message,
      /in 1 day \(2030-01-02 00:00 UTC\)/,
    );
  });

  it("lists waiting, refused and unfinished tickets; an unreadable one only as unreadable", () => {
    const pending = access({
      state: "pending",
      status: "open",
      approvalStep: 2,
      currentApprovers: ["approver"],
    });
    assert.deepEqual(
      accessProblems(pending, 7, NOW).map((p) => p.message),
      ["waiting for approval at level 2 (approvers: `approver`)"],
    );
    assert.deepEqual(
      accessProblems(access({ state: "rejected" }), 7, NOW).map((p) => p.kind),
      ["notGranted"],
    );
    assert.deepEqual(
      accessProblems(
        access({ state: "closed", pendingAction: "close", mismatch: "no web-02" }),
        7,
      ).map((p) => p.kind),
      ["pendingAction"],
    );
    assert.deepEqual(
      accessProblems(
        access({ state: "pending", status: "open", pendingAction: "approve" }),
        7,
        NOW,
      ).map((p) => p.kind),
      ["pendingAction", "waitingForApproval"],
    );
    // A renewal in flight says which earlier grant stays until when; once approved, when it goes.
    const renewing = access({
      state: "pending",
      status: "open",
      approvalStep: 1,
      currentApprovers: ["approver"],
      renewal: { predecessor: "203001010001", until: "2030-01-05T00:00:00Z", due: false },
    });
    assert.deepEqual(
      accessProblems(renewing, 7, NOW).map((p) => [p.kind, p.message]),
      [
        [
          "renewal",
          "renewal in flight: the earlier grant (ticket `203001010001`) stays until this ticket is approved, or until 2030-01-05 00:00 UTC, whichever comes first",
        ],
        ["waitingForApproval", "waiting for approval at level 1 (approvers: `approver`)"],
      ],
    );
    assert.match(
      accessProblems(
        access({
          renewal: { predecessor: "203001010001", until: "2030-01-05T00:00:00Z", due: true },
        }),
        7,
        NOW,
      )[0].message,
      /^renewal done: the earlier grant \(ticket `203001010001`\) is revoked at the next `pulumi up`$/,
    );
    assert.deepEqual(
      accessProblems(access({ unreadable: "HTTP 403", grantDrift: ["deleted"] }), 7, NOW).map(
        (p) => p.kind,
      ),
      ["unreadable"],
    );
  });

  it("flows: drift, a deleted flow and an unfinished write", () => {
    assert.deepEqual(flowProblems(flow()), []);
    assert.match(
      flowProblems(flow({ drift: ["rules"] }))[0].message,
      /`rules` .*writes the program's back/,
    );
    assert.match(
      flowProblems(flow({ drift: ["type"], replaces: ["type"] }))[0].message,
      /replaces it/,
    );
    assert.deepEqual(
      flowProblems(flow({ deleted: true })).map((p) => p.kind),
      ["deleted"],
    );
    assert.deepEqual(
      flowProblems(flow({ pendingAction: "write" })).map((p) => p.kind),
      ["pendingAction"],
    );
  });

  it("sorts what is broken before what only needs watching", () => {
    const r = reportOf(
      [flow({ name: "f", drift: ["rules"] })],
      [
        access({ name: "soon", ...ending(2) }),
        access({ name: "waiting", state: "pending", status: "open" }),
        access({ name: "gone", grantDrift: ["deleted"] }),
      ],
    );
    assert.deepEqual(
      r.problems.map((p) => `${p.kind} ${p.resource}`),
      [
        "permissionDeleted AssetAccessTicket gone",
        "drift TicketFlow f",
        "expiring AssetAccessTicket soon",
        "waitingForApproval AssetAccessTicket waiting",
      ],
    );
  });
});

describe("report: approvers by level", () => {
  it("says who approves, by username or by what the rule means", () => {
    const names = { "11111111-1111-1111-1111-111111111111": "alice" };
    assert.deepEqual(
      approverLevels(
        [
          {
            strategy: "custom_user",
            assignees: [
              "11111111-1111-1111-1111-111111111111",
              "22222222-2222-2222-2222-222222222222",
            ],
          },
          { strategy: "super_org_admin", assignees: [] },
          { users: { type: "all" } },
          {
            users: {
              type: "attrs",
              attrs: [
                { name: "system_roles", match: "m2m", value: [SYSTEM_ADMIN_ROLE, ORG_ADMIN_ROLE] },
              ],
            },
          },
          {
            users: {
              type: "attrs",
              attrs: [{ name: "username", match: "startswith", value: "ops-" }],
            },
          },
        ],
        names,
      ),
      [
        { level: 1, users: ["alice", "22222222-2222-2222-2222-222222222222"], groups: [] },
        { level: 2, users: [], groups: ["system admins", "org admins"] },
        { level: 3, users: [], groups: ["anyone in the org"] },
        { level: 4, users: [], groups: ["system admins or org admins"] },
        { level: 5, users: [], groups: ["users whose username startswith ops-"] },
      ],
    );
  });
});
