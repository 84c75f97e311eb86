// Every resource in a second org of a server that scopes orgs as JumpServer Enterprise does (the
// sandbox's `orgs: "enterprise"`, modelled on the kit's multi-org servers, issue #18): a TicketFlow
// for Ops governs Ops's tickets and leaves Default's flow alone; an AssetAccessTicket in Ops names
// a user who exists only in Ops (invisible to user lookups in any other org), is opened, approved
// by that user, read, refreshed and revoked; a TicketApproval decides an Ops ticket.
import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ticketApprovalProvider } from "../../provider/resources/ticketApproval";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { ProviderHost, Props } from "../support/providerHost";
import {
  SYSTEM_ADMINS,
  approveWithFullGrant,
  client,
  openAsPerson,
  sandbox,
  stackConfig,
  user,
} from "../support/sandbox";
import { daysFromNow } from "../support/clock";

const DEFAULT = "00000000-0000-0000-0000-000000000002";
const FLOWS = "/api/v1/tickets/flows/";
const PERMS = "/api/v1/perms/asset-permissions/";

describe("every resource in Ops, on a server that scopes orgs (Enterprise)", function () {
  this.timeout(60_000);
  let sb: Sandbox;
  let flows: ProviderHost;
  let tickets: ProviderHost;
  let approvals: ProviderHost;
  let ops: string;
  let flow: { id: string; outs: Props } | undefined;

  before(async () => {
    sb = await sandbox({ dialect: "selector", errors: "conflict", orgs: "enterprise" });
    ops = sb.seed.orgs.find((o) => o.name === "Ops")!.id;
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
    approvals = await ProviderHost.start(
      ticketApprovalProvider,
      "pulumi-nodejs:dynamic/jumpserver:TicketApproval",
      cfg,
    );
  });
  after(async () => {
    if (flow) await flows.delete(flow.id, flow.outs);
    await Promise.all([flows?.close(), tickets?.close(), approvals?.close()]);
    await sb?.close();
  });

  const admin = () => client(sb, "admin");
  const flowOf = async (org: string) => {
    const list = await admin().list<Props>(FLOWS, { org });
    return list.find((f) => f.org_id === org && !f.name);
  };

  it("a TicketFlow for Ops, naming a user who is only in Ops, governs Ops and leaves Default's flow alone", async () => {
    const defaultBefore = JSON.stringify((await flowOf(DEFAULT))?.rules ?? null);
    const { inputs, failures } = await flows.check(
      {},
      {
        orgId: ops,
        rules: [{ users: SYSTEM_ADMINS }, { users: { type: "ids", ids: ["opsuser", "admin"] } }],
      },
    );
    assert.deepEqual(failures, []);
    flow = await flows.create(inputs);
    const own = await flowOf(ops);
    assert.ok(own, "Ops has its own flow now");
    assert.equal(own!.id, flow.id);
    assert.deepEqual(
      (own!.rules as Props[])
        .map((r) => r.users.ids ?? r.users.type)
        .flat()
        .sort(),
      ["attrs", user(sb, "admin").id, user(sb, "opsuser").id].sort(),
    );
    assert.equal(JSON.stringify((await flowOf(DEFAULT))?.rules ?? null), defaultBefore);
  });

  it("an AssetAccessTicket in Ops for a user only in Ops: opened, approved by that org's approvers, refreshed, revoked", async () => {
    const asked = {
      title: "ops: opsuser on ops-bastion",
      orgId: ops,
      applicant: "opsuser",
      assets: ["ops-bastion"],
      actions: ["connect"],
      dateStart: daysFromNow(30),
      dateExpired: daysFromNow(31),
      approve: true,
    };
    const { inputs, failures } = await tickets.check({}, asked);
    assert.deepEqual(failures, []);
    const { id, outs } = await tickets.create(inputs);
    // Level 1 (system admins) is the pipeline's; level 2 names opsuser and admin: the applicant
    // is excluded there, so admin approves too.
    assert.equal(outs.state, "approved", JSON.stringify(outs.currentApprovers));
    assert.equal(outs.applicantId, user(sb, "opsuser").id);
    const perm = await admin().get<Props>(`${PERMS}${id}/`, { org: ops });
    assert.deepEqual(
      (perm.assets as Props[]).map((a) => a.name),
      ["ops-bastion"],
    );
    // A refresh (through the lists) sees no drift; the update it would run changes nothing.
    const r = await tickets.read(id, outs);
    const news = (await tickets.check(r.inputs!, asked)).inputs;
    assert.equal((await tickets.diff(id, r.props, news)).changes, "none");
    assert.deepEqual(
      ((await admin().get<Props>(`${PERMS}${id}/`, { org: ops })).assets as Props[]).map(
        (a) => a.name,
      ),
      ["ops-bastion"],
    );
    await tickets.delete(id, r.props);
    await assert.rejects(admin().get(`${PERMS}${id}/`, { org: ops }), (e: any) => e.status === 404);
  });

  it("a TicketApproval decides an Ops ticket that a user only in Ops opened", async () => {
    const ask = {
      title: "ops: opsuser asks in the UI",
      orgId: ops,
      assets: ["ops-bastion"],
      accounts: ["@ALL"],
      actions: ["connect"],
      dateStart: daysFromNow(30),
      dateExpired: daysFromNow(31),
    };
    const t = await openAsPerson(client(sb, "opsuser"), sb.seed, ask);
    const reviewed = { ...ask, nodes: [] } as Props;
    delete reviewed.title;
    delete reviewed.orgId;
    const { inputs, failures } = await approvals.check(
      {},
      { ticket: t.serialNum, decision: "approve", orgId: ops, reviewed },
    );
    assert.deepEqual(failures, []);
    const made = await approvals.create(inputs);
    assert.equal(made.outs.state, "approved");
    const perm = await admin().get<Props>(`${PERMS}${t.id}/`, { org: ops });
    assert.deepEqual(
      (perm.users as Props[]).map((u) => u.id),
      [user(sb, "opsuser").id],
    );
    await approvals.delete(made.id, made.outs);
    // The person-approved path still works: opsuser approves a level of the Ops flow.
    const other = await openAsPerson(client(sb, "admin"), sb.seed, {
      ...ask,
      title: "ops: admin asks",
    });
    await approveWithFullGrant(admin(), client(sb, "admin"), other.id);
    await approveWithFullGrant(admin(), client(sb, "opsuser"), other.id);
  });
});
