// A flow adopted while JumpServer spoke the strategy dialect (v3, v4.0), on a server upgraded
// since to selectors (v4.1+): its recorded rules are translated, never written as rules without a
// selector (which v4.1+ stores as "anyone in the org may approve"), and every write, the restore
// at destroy included, is checked against what was sent.
import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { ProviderHost, Props } from "../support/providerHost";
import { SYSTEM_ADMINS, client, sandbox, stackConfig, user } from "../support/sandbox";

const FLOW = "pulumi-nodejs:dynamic/jumpserver:TicketFlow";
const DEFAULT = "00000000-0000-0000-0000-000000000002";
const FLOWS = "/api/v1/tickets/flows/";

describe("a TicketFlow recorded in the strategy dialect, on a server that now speaks selectors", function () {
  let sb: Sandbox;
  let host: ProviderHost;
  before(async () => {
    sb = await sandbox({ dialect: "selector", errors: "legacy" });
    host = await ProviderHost.start(ticketFlowProvider, FLOW, stackConfig(sb));
  });
  after(async () => {
    await host?.close();
    await sb?.close();
  });

  it("translates on update and on the restore at destroy", async () => {
    const rules = [{ strategy: "super_admin" }];
    const { inputs } = await host.check({}, { orgId: DEFAULT, rules });
    const made = await host.create(inputs);
    // The state an adoption before the upgrade left: strategy-dialect rules everywhere.
    const approver = user(sb, "approver").id;
    const before: Props = {
      ...made.outs,
      dialect: "strategy",
      appliedRules: [{ strategy: "super_admin", assignees: [] }],
      previousRules: [
        { strategy: "super_admin", assignees: [] },
        { strategy: "custom_user", assignees: [approver] },
      ],
    };
    const next = (
      await host.check(
        {},
        {
          orgId: DEFAULT,
          rules: [{ strategy: "custom_user", assignees: ["approver"] }],
          // One approver, as the recorded rules had; the self-approval guardrail is not the point.
          guardrails: { forbidSelfApproval: false },
        },
      )
    ).inputs;
    const updated = await host.update(made.id, before, next);
    assert.equal(updated.dialect, "selector");
    const live = async () =>
      (
        await client(sb, "admin").get<Record<string, any>>(`${FLOWS}${made.id}/`, { org: DEFAULT })
      ).rules
        .sort((a: any, b: any) => a.level - b.level)
        .map((r: any) => r.users);
    assert.deepEqual(await live(), [{ type: "ids", ids: [approver] }]);
    await host.delete(made.id, { ...updated, dialect: "strategy" });
    assert.deepEqual(await live(), [SYSTEM_ADMINS, { type: "ids", ids: [approver] }]);
  });

  it("refuses to restore a rule the selector dialect can't hold faithfully, writing nothing", async () => {
    const { inputs } = await host.check(
      {},
      { orgId: DEFAULT, rules: [{ strategy: "super_admin" }] },
    );
    const made = await host.create(inputs);
    sb.resetStats();
    await assert.rejects(
      host.delete(made.id, {
        ...made.outs,
        dialect: "strategy",
        previousRules: [{ strategy: "super_org_admin", assignees: [] }],
      }),
      /super_org_admin has no faithful `users` selector/,
    );
    assert.equal(sb.stats().byRoute[`PATCH ${FLOWS}{id}/`] ?? 0, 0, "nothing written");
  });
});
