// Guardrails through the real dynamic-provider host over gRPC, with the limits in stack config as
// `configure` delivers them: a preview-time check names the property, the rule and its limit, and
// sends no request; a value unknown at preview is judged again at create, before anything is
// written to JumpServer.
import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { UNKNOWN } from "../../provider/model/unknown";
import { ProviderHost, Props } from "../support/providerHost";
import { client, sandbox, stackConfig, user } from "../support/sandbox";
import { daysFromNow } from "../support/clock";

const TICKET = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
const FLOW = "pulumi-nodejs:dynamic/jumpserver:TicketFlow";
const DEFAULT = "00000000-0000-0000-0000-000000000002";
const FLOWS = "/api/v1/tickets/flows/";
const OPEN = "POST /api/v1/tickets/apply-asset-tickets/open/";
const LIMITS = {
  "jumpserver:maxAccessDays": "30",
  "jumpserver:requireComment": "true",
  "jumpserver:allowedActions": '["connect","download"]',
  "jumpserver:minApprovalLevels": "2",
};

let n = 0;
const ticket = (extra: Props = {}): Props => ({
  title: `guardrails #${++n}`,
  orgId: DEFAULT,
  applicant: "requester",
  assets: ["web-01"],
  actions: ["connect"],
  dateStart: daysFromNow(30),
  dateExpired: daysFromNow(37),
  comment: "incident 4521",
  ...extra,
});
const TWO_LEVELS = [
  { strategy: "super_admin" },
  { users: { type: "ids", ids: ["approver", "admin"] } },
];

describe("guardrails through the provider host (v4.10.19)", function () {
  let sb: Sandbox;
  const hosts: ProviderHost[] = [];
  const start = async (
    provider: typeof ticketFlowProvider,
    type: string,
    config: Record<string, string>,
  ) => {
    const host = await ProviderHost.start(provider, type, config);
    hosts.push(host);
    return host;
  };

  before(async () => {
    sb = await sandbox({ dialect: "selector", errors: "conflict" });
  });
  after(async () => {
    for (const h of hosts) await h.close();
    await sb?.close();
  });

  it("AssetAccessTicket check names the property, the rule and its limit, with zero requests", async () => {
    const host = await start(
      assetAccessTicketProvider,
      TICKET,
      stackConfig(sb, "admin", "accessKey", LIMITS),
    );
    sb.resetStats();
    const { failures } = await host.check(
      {},
      ticket({ dateExpired: daysFromNow(75), comment: "", actions: ["all"] }),
    );
    assert.deepEqual(
      failures.map((f) => f.property),
      ["dateExpired", "comment", "actions"],
    );
    assert.equal(
      failures[0].reason,
      "45 days of access is longer than jumpserver:maxAccessDays (30)",
    );
    assert.match(failures[1].reason, /jumpserver:requireComment is true/);
    assert.match(
      failures[2].reason,
      /"upload", .* not in jumpserver:allowedActions \(connect, download\)/,
    );
    // Within the limits, or with the resource's own (visible) override: accepted.
    assert.deepEqual((await host.check({}, ticket())).failures, []);
    const own = ticket({
      dateExpired: daysFromNow(75),
      guardrails: { maxAccessDays: 60 },
    });
    const accepted = await host.check({}, own);
    assert.deepEqual(accepted.failures, []);
    assert.deepEqual(accepted.inputs.guardrails, { maxAccessDays: 60 });
    assert.equal(sb.stats().total, 0);
  });

  it("refuses approving the identity's own ticket at preview when the password login names it", async () => {
    const host = await start(
      assetAccessTicketProvider,
      TICKET,
      stackConfig(sb, "admin", "password"),
    );
    sb.resetStats();
    for (const news of [
      ticket({ applicant: undefined, approve: true }),
      ticket({ applicant: "admin", approve: true }),
    ]) {
      const { failures } = await host.check({}, news);
      assert.deepEqual(
        failures.map((f) => f.property),
        ["approve"],
        JSON.stringify(failures),
      );
      assert.match(failures[0].reason, /jumpserver:forbidSelfApproval \(true\) forbids/);
    }
    const off = await start(
      assetAccessTicketProvider,
      TICKET,
      stackConfig(sb, "admin", "password", { "jumpserver:forbidSelfApproval": "false" }),
    );
    assert.deepEqual(
      (await off.check({}, ticket({ applicant: "admin", approve: true }))).failures,
      [],
    );
    assert.equal(sb.stats().total, 0);
  });

  it("judges at create what preview could not know, before the ticket is opened", async () => {
    const host = await start(
      assetAccessTicketProvider,
      TICKET,
      stackConfig(sb, "admin", "accessKey", LIMITS),
    );
    // Unknown at preview: accepted.
    const preview = await host.check({}, ticket({ dateExpired: UNKNOWN }));
    assert.deepEqual(preview.failures, []);
    // Known at `up` (the engine checks again only when inputs change; create must not trust it).
    sb.resetStats();
    const known = { ...preview.inputs, dateExpired: daysFromNow(89) };
    await assert.rejects(
      host.create(known),
      /dateExpired: 59 days of access is longer than jumpserver:maxAccessDays \(30\).*nothing was written/,
    );
    assert.equal(sb.stats().total, 0);

    // An access key names no one until the server is asked: "admin" as applicant is seen at create.
    const self = await host.check({}, ticket({ applicant: "admin", approve: true }));
    assert.deepEqual(self.failures, []);
    sb.resetStats();
    await assert.rejects(
      host.create(self.inputs),
      /approve: the applicant "admin" is the provider's own identity.*forbidSelfApproval/,
    );
    assert.equal(sb.stats().byRoute[OPEN] ?? 0, 0, "no ticket was opened");
  });

  it("refuses at update to approve the identity's own ticket it opened unapproved", async () => {
    const host = await start(assetAccessTicketProvider, TICKET, stackConfig(sb, "admin"));
    const opened = await host.check({}, ticket({ applicant: "admin" }));
    const { id, outs } = await host.create(opened.inputs);
    assert.equal(outs.state, "pending");
    const approve = await host.check(opened.inputs, { ...opened.inputs, approve: true });
    assert.deepEqual(approve.failures, [], "an access key names no one at preview");
    sb.resetStats();
    await assert.rejects(
      host.update(id, outs, approve.inputs),
      /approve: the applicant "admin" is the provider's own identity.*forbidSelfApproval/,
    );
    assert.equal(
      Object.keys(sb.stats().byRoute).filter((k) => k.includes("/approve/")).length,
      0,
      "nothing was approved",
    );
    await host.delete(id, outs);
  });

  it("TicketFlow check refuses too few levels and a rule anyone may approve, with zero requests", async () => {
    const host = await start(
      ticketFlowProvider,
      FLOW,
      stackConfig(sb, "admin", "accessKey", LIMITS),
    );
    sb.resetStats();
    const one = await host.check({}, { orgId: DEFAULT, rules: [{ strategy: "super_admin" }] });
    assert.deepEqual(one.failures, [
      {
        property: "rules",
        reason: "1 approval level is fewer than jumpserver:minApprovalLevels (2)",
      },
    ]);
    const own = await host.check(
      {},
      {
        orgId: DEFAULT,
        rules: [{ strategy: "super_admin" }],
        guardrails: { minApprovalLevels: 1 },
      },
    );
    assert.deepEqual(own.failures, []);
    const anyone = await host.check(
      {},
      {
        orgId: DEFAULT,
        rules: [
          { strategy: "super_admin" },
          { users: { type: "attrs", attrs: [{ name: "username", match: "regex", value: ".*" }] } },
        ],
      },
    );
    assert.deepEqual(
      anyone.failures.map((f) => f.property),
      ["rules[1].users"],
    );
    assert.match(anyone.failures[0].reason, /matches every user.*allowAnyApprover: true/);
    const bad = await host.check(
      {},
      { orgId: DEFAULT, rules: TWO_LEVELS, guardrails: { minApprovalLevels: 9, maxAccessDays: 3 } },
    );
    assert.deepEqual(bad.failures.map((f) => f.property).sort(), [
      "guardrails.maxAccessDays",
      "guardrails.minApprovalLevels",
    ]);
    assert.equal(sb.stats().total, 0);
  });

  it("TicketFlow refuses a level whose only approver is one user, at check and again at create", async () => {
    const host = await start(ticketFlowProvider, FLOW, stackConfig(sb, "admin"));
    const tickets = await start(assetAccessTicketProvider, TICKET, stackConfig(sb, "admin"));
    const sole = (who: string) =>
      `${JSON.stringify(who)} is this level's only approver, and JumpServer lets a level's only approver approve their own tickets, which jumpserver:forbidSelfApproval (true) forbids; name a second approver, or set guardrails: { forbidSelfApproval: false } on this flow`;
    sb.resetStats();
    const refused = await host.check(
      {},
      {
        orgId: DEFAULT,
        rules: [
          { strategy: "custom_user", assignees: ["approver"] },
          { users: { type: "ids", ids: ["approver", "APPROVER"] } }, // one user, two spellings
        ],
      },
    );
    assert.deepEqual(refused.failures, [
      { property: "rules[0].assignees", reason: sole("approver") },
      { property: "rules[1].users.ids", reason: sole("approver") },
    ]);
    // Two users, or approvers the server resolves: accepted.
    assert.deepEqual((await host.check({}, { orgId: DEFAULT, rules: TWO_LEVELS })).failures, []);
    // Unknown at preview: accepted, then judged at create before anything is asked.
    const later = await host.check(
      {},
      {
        orgId: DEFAULT,
        rules: [{ strategy: "super_admin" }, { users: { type: "ids", ids: [UNKNOWN] } }],
      },
    );
    assert.deepEqual(later.failures, []);
    const known = {
      ...later.inputs,
      rules: [{ strategy: "super_admin" }, { users: { type: "ids", ids: ["approver"] } }],
    };
    await assert.rejects(
      host.create(known),
      /rules\[1\]\.users\.ids: "approver" is this level's only approver.*nothing was written/,
    );
    assert.equal(sb.stats().total, 0, "no request");
    // The flow's own override lets it through, and JumpServer then makes the applicant the
    // level's only approver of their own ticket: what the guardrail prevents.
    const own = await host.check(
      {},
      {
        orgId: DEFAULT,
        rules: [{ users: { type: "ids", ids: ["approver"] } }],
        guardrails: { forbidSelfApproval: false },
      },
    );
    assert.deepEqual(own.failures, []);
    const flow = await host.create(own.inputs);
    const t = await tickets.create(
      (await tickets.check({}, ticket({ applicant: "approver" }))).inputs,
    );
    assert.deepEqual(t.outs.currentApprovers, [user(sb, "approver").id]);
    await tickets.delete(t.id, t.outs);
    await host.delete(flow.id, flow.outs);
  });

  it("a rule with allowAnyApprover: true is written without the flag", async () => {
    const host = await start(ticketFlowProvider, FLOW, stackConfig(sb, "admin"));
    const { inputs, failures } = await host.check(
      {},
      {
        orgId: DEFAULT,
        rules: [{ strategy: "super_admin" }, { users: { type: "all" }, allowAnyApprover: true }],
      },
    );
    assert.deepEqual(failures, []);
    const { id, outs } = await host.create(inputs);
    const live = await client(sb, "admin").get<Record<string, any>>(`${FLOWS}${id}/`, {
      org: DEFAULT,
    });
    assert.deepEqual(
      live.rules.map((r: any) => r.users),
      [
        {
          type: "attrs",
          attrs: [
            { name: "system_roles", match: "m2m", value: ["00000000-0000-0000-0000-000000000001"] },
          ],
        },
        { type: "all" },
      ],
    );
    assert.doesNotMatch(JSON.stringify(outs.appliedRules), /allowAnyApprover/);
    assert.equal(outs.rules[1].allowAnyApprover, true);
    await host.delete(id, outs);
  });

  it("a bad guardrail in stack config fails check, naming the key", async () => {
    const host = await start(
      ticketFlowProvider,
      FLOW,
      stackConfig(sb, "admin", "accessKey", { "jumpserver:minApprovalLevels": "two" }),
    );
    await assert.rejects(
      host.check({}, { orgId: DEFAULT, rules: TWO_LEVELS }),
      /jumpserver:minApprovalLevels must be 1 to 5 \(levels\), got "two"/,
    );
  });
});
