// v4.10.19's named flows: a TicketFlow with `name` is created by POST beside the org's default flow,
// and from then on every ticket in that org must say which flow it uses.
import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { getTicketFlows, getTickets } from "../../provider/readers";
import { ProviderHost, Props } from "../support/providerHost";
import { client, sandbox, stackConfig, user } from "../support/sandbox";
import { daysFromNow } from "../support/clock";

const DEFAULT = "00000000-0000-0000-0000-000000000002";

describe("named flows (v4.10.19) and the program-side readers", function () {
  let sb: Sandbox;
  let flows: ProviderHost;
  let tickets: ProviderHost;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    sb = await sandbox({ dialect: "selector", errors: "conflict" });
    const cfg = stackConfig(sb, "admin");
    flows = await ProviderHost.start(
      ticketFlowProvider,
      "pulumi-nodejs:dynamic/jumpserver:TicketFlow",
      cfg,
    );
    tickets = await ProviderHost.start(
      assetAccessTicketProvider,
      "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket",
      cfg,
    );
    for (const k of ["JUMPSERVER_URL", "JUMPSERVER_ACCESS_KEY_ID", "JUMPSERVER_ACCESS_KEY_SECRET"])
      saved[k] = process.env[k];
    process.env.JUMPSERVER_URL = sb.url;
    process.env.JUMPSERVER_ACCESS_KEY_ID = cfg["jumpserver:accessKeyId"];
    process.env.JUMPSERVER_ACCESS_KEY_SECRET = cfg["jumpserver:accessKeySecret"];
  });
  after(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await flows?.close();
    await tickets?.close();
    await sb?.close();
  });

  async function checked(host: ProviderHost, news: Props): Promise<Props> {
    const { inputs, failures } = await host.check({}, news);
    assert.deepEqual(failures, []);
    return inputs;
  }
  const ticket = (extra: Props): Props => ({
    title: `named ${Math.random()}`,
    orgId: DEFAULT,
    applicant: "requester",
    assets: ["web-02"],
    dateStart: daysFromNow(30),
    dateExpired: daysFromNow(31),
    ...extra,
  });

  let flow: { id: string; outs: Props };
  // The named flows name one approver, whom the tests then play (`currentApprovers`, what each
  // identity lists): the self-approval guardrail that refuses such a level is waived here.
  const oneApprover = { forbidSelfApproval: false };

  it("creates a named flow with CC users by POST, leaving the default flow alone", async () => {
    sb.resetStats();
    flow = await flows.create(
      await checked(flows, {
        orgId: DEFAULT,
        name: "db-access",
        rules: [{ users: { type: "ids", ids: ["approver"] } }],
        guardrails: oneApprover,
        ccUsers: ["requester"],
      }),
    );
    assert.equal(flow.outs.adopted, "created");
    assert.equal(flow.outs.namedFlows, true);
    assert.equal(sb.stats().byRoute["POST /api/v1/tickets/flows/"], 1);
    const live = await getTicketFlows({ orgId: DEFAULT });
    const named = live.find((f) => f.name === "db-access");
    assert.ok(named, JSON.stringify(live));
    assert.deepEqual(named!.ccUsers, [user(sb, "requester").id]);
    assert.ok(
      live.some((f) => f.name === ""),
      "the global default flow stays visible beside it",
    );
  });

  it("opens tickets under the named flow with `flow`, and names `flow` when it is missing", async () => {
    const t = await tickets.create(await checked(tickets, ticket({ flow: "db-access" })));
    assert.equal(t.outs.flowId, flow.id);
    assert.deepEqual(t.outs.currentApprovers, [user(sb, "approver").id]);
    await assert.rejects(tickets.create(await checked(tickets, ticket({}))), /flow \(flow_id\)/);
    await assert.rejects(
      tickets.create(await checked(tickets, ticket({ flow: "nope" }))),
      /flow: no apply_asset flow named "nope"/,
    );
    // getTickets lists what the identity is related to: the flow's approver sees the ticket, admin does not.
    assert.ok(!(await getTickets({ orgId: DEFAULT })).some((x) => x.id === t.id));
    const approver = user(sb, "approver").accessKey;
    process.env.JUMPSERVER_ACCESS_KEY_ID = approver.id;
    process.env.JUMPSERVER_ACCESS_KEY_SECRET = approver.secret;
    try {
      const mine = await getTickets({ state: "pending", orgId: DEFAULT });
      assert.ok(mine.some((x) => x.id === t.id && x.serialNum === t.outs.serialNum));
      await tickets.delete(t.id, t.outs);
      assert.equal((await getTickets({ title: t.outs.title }))[0].state, "closed");
    } finally {
      const cfg = stackConfig(sb, "admin");
      process.env.JUMPSERVER_ACCESS_KEY_ID = cfg["jumpserver:accessKeyId"];
      process.env.JUMPSERVER_ACCESS_KEY_SECRET = cfg["jumpserver:accessKeySecret"];
    }
  });

  it("finds a named flow created after this process first listed the org's flows", async () => {
    // As in one `up`: tickets in the org resolved their flows, then a TicketFlow created another.
    const late = await flows.create(
      await checked(flows, {
        orgId: DEFAULT,
        name: "late-access",
        rules: [{ users: { type: "ids", ids: ["approver"] } }],
        guardrails: oneApprover,
      }),
    );
    const t = await tickets.create(await checked(tickets, ticket({ flow: "late-access" })));
    assert.equal(t.outs.flowId, late.id);
    await tickets.delete(t.id, t.outs);
  });

  it("detects a hand edit of the CC users and heals it", async () => {
    await client(sb, "admin").request("PATCH", `/api/v1/tickets/flows/${flow.id}/`, {
      org: DEFAULT,
      body: {
        rules: [{ users: { type: "ids", ids: [user(sb, "approver").id] } }],
        approval_level: 1,
        cc_users: [],
      },
    });
    const r = await flows.read(flow.id, flow.outs);
    assert.deepEqual(r.props.ccUsers, []);
    const desired = await checked(flows, {
      orgId: DEFAULT,
      name: "db-access",
      rules: [{ users: { type: "ids", ids: ["approver"] } }],
      ccUsers: ["requester"],
      guardrails: oneApprover,
    });
    assert.equal((await flows.diff(flow.id, r.props, desired)).changes, "some");
    const healed = await flows.update(flow.id, r.props, desired);
    assert.deepEqual(healed.appliedCcUsers, [user(sb, "requester").id]);
  });

  it("leaves a created named flow in place on delete (JumpServer cannot delete flows)", async () => {
    await flows.delete(flow.id, flow.outs);
    assert.ok((await getTicketFlows({ orgId: DEFAULT })).some((f) => f.id === flow.id));
  });
});
