// Edges a real JumpServer produces that the main lifecycle suites don't: slow servers, second
// orgs on a community edition, emptied flows, identities that cannot open on behalf, and creates
// that stop half-way.
import { strict as assert } from "assert";
import { Sandbox, startSandbox } from "../../sandbox";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { ProviderHost, Props } from "../support/providerHost";
import { SYSTEM_ADMINS, client, sandbox, stackConfig, user } from "../support/sandbox";
import { daysFromNow } from "../support/clock";

const TICKET = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
const FLOW = "pulumi-nodejs:dynamic/jumpserver:TicketFlow";
const DEFAULT = "00000000-0000-0000-0000-000000000002";
const OPEN = "/api/v1/tickets/apply-asset-tickets/open/";
const APPROVE = /\/api\/v1\/tickets\/apply-asset-tickets\/[0-9a-f-]+\/approve\//;

let n = 0;
const ticket = (extra: Props = {}): Props => ({
  title: `edge #${++n}`,
  orgId: DEFAULT,
  applicant: "requester",
  assets: ["web-01"],
  dateStart: daysFromNow(30),
  dateExpired: daysFromNow(31),
  ...extra,
});

async function checked(host: ProviderHost, news: Props): Promise<Props> {
  const { inputs, failures } = await host.check({}, news);
  assert.deepEqual(failures, []);
  return inputs;
}

describe("AssetAccessTicket edge cases (v4.10.16)", function () {
  let sb: Sandbox;
  let host: ProviderHost;
  before(async () => {
    sb = await sandbox({ dialect: "selector", errors: "legacy" });
    host = await ProviderHost.start(
      assetAccessTicketProvider,
      TICKET,
      stackConfig(sb, "admin", "accessKey", { "jumpserver:timeoutSeconds": "1" }),
    );
  });
  after(async () => {
    await host?.close();
    await sb?.close();
  });
  const titled = (title: string) =>
    client(sb, "admin").list<Record<string, any>>("/api/v1/tickets/tickets/", {
      query: { title },
      org: null,
    });

  it("waits for a slow server that is still opening the ticket instead of opening a second one", async () => {
    // The server takes 1.5 s; the client gives up after 1 s. The open still happens.
    sb.injectFault({ method: "POST", path: OPEN, kind: "delay", delayMs: 1500 });
    sb.resetStats();
    const inputs = await checked(host, ticket({ approve: true }));
    const { id, outs } = await host.create(inputs);
    assert.equal(sb.stats().byRoute[`POST ${OPEN}`], 1, "opened once");
    assert.deepEqual(
      (await titled(inputs.title)).map((t) => t.id),
      [id],
    );
    assert.equal(outs.state, "approved");
    await host.delete(id, outs);
  });

  it("opens again after v4.10.19's please_try_again (the server rolled the open back)", async () => {
    sb.injectFault({
      method: "POST",
      path: OPEN,
      kind: "error",
      status: 400,
      body: { detail: "Please try again", code: "please_try_again" },
    });
    sb.resetStats();
    const inputs = await checked(host, ticket());
    const { id, outs } = await host.create(inputs);
    assert.equal(sb.stats().byRoute[`POST ${OPEN}`], 2);
    assert.deepEqual(
      (await titled(inputs.title)).map((t) => t.id),
      [id],
    );
    await host.delete(id, outs);
  });

  it("revokes a grant in a second org that X-JMS-ORG cannot address on a community edition", async () => {
    const ops = sb.seed.orgs.find((o) => o.name === "Ops")!.id;
    const { id, outs } = await host.create(
      await checked(host, ticket({ orgId: ops, assets: ["ops-bastion"], approve: true })),
    );
    assert.equal(outs.state, "approved");
    const perm = () =>
      client(sb, "admin")
        .get(`/api/v1/perms/asset-permissions/${id}/`, {
          org: "00000000-0000-0000-0000-000000000000",
        })
        .then(() => true)
        .catch((e) => (e.status === 404 ? false : Promise.reject(e)));
    assert.equal(await perm(), true);
    await host.delete(id, outs);
    assert.equal(await perm(), false, "the permission is gone");
  });

  it("leaves a create whose approval failed recorded, and the next update approves it", async () => {
    sb.injectFault({ method: "PATCH", path: APPROVE, kind: "error", status: 500 });
    const inputs = await checked(host, ticket({ approve: true }));
    const failed = await host.create(inputs).then(
      () => assert.fail("create should fail"),
      (e) => e,
    );
    assert.ok(failed.initFailed, String(failed));
    assert.match(failed.message, /approving it failed/);
    const partial = failed.initFailed.properties;
    assert.equal(partial.pendingAction, "approve");
    assert.equal(partial.state, "pending");
    assert.equal((await host.diff(failed.initFailed.id, partial, inputs)).changes, "some");
    const outs = await host.update(failed.initFailed.id, partial, inputs);
    assert.equal(outs.state, "approved");
    assert.equal(outs.pendingAction, "");
    assert.equal((await titled(inputs.title)).length, 1, "never opened again");
    await host.delete(failed.initFailed.id, outs);
  });

  it("keeps failing for a ticket the server narrowed, until the inputs change", async () => {
    const opsAsset = sb.seed.assets.find((a) => a.name === "ops-bastion")!.id;
    const inputs = await checked(host, ticket({ assets: ["web-01", opsAsset] }));
    const failed = await host.create(inputs).then(
      () => assert.fail("create should fail"),
      (e) => e,
    );
    const partial = failed.initFailed.properties;
    assert.equal(partial.state, "closed");
    assert.match(partial.mismatch, /dropped by the server/);
    assert.equal((await host.diff(failed.initFailed.id, partial, inputs)).changes, "some");
    await assert.rejects(
      host.update(failed.initFailed.id, partial, inputs),
      /did not grant what was asked .* change the inputs/,
    );
    const fixed = await checked(host, { ...inputs, assets: ["web-01"] });
    assert.deepEqual((await host.diff(failed.initFailed.id, partial, fixed)).replaces, ["assets"]);
  });
});

describe("TicketFlow on a v4.10.16 whose flows were all emptied", function () {
  let sb: Sandbox;
  let host: ProviderHost;
  before(async () => {
    // Started directly, not through support/sandbox: the setup sends a hazard on purpose (a
    // PATCH without rules), which the guard for client and provider suites would rightly flag.
    sb = await startSandbox({ dialect: "selector", errors: "legacy", rateLimit: "off" });
    host = await ProviderHost.start(ticketFlowProvider, FLOW, stackConfig(sb, "admin"));
  });
  after(async () => {
    await host?.close();
    await sb?.close();
  });

  it("learns the dialect from the global flow and stores real selectors, not 'anyone'", async () => {
    const admin = client(sb, "admin");
    const [global] = await admin.list<Record<string, any>>("/api/v1/tickets/flows/", {
      org: DEFAULT,
    });
    // An earlier PATCH without rules gave Default its own, empty copy (docs/sandbox.md, hazard `flow-zero-rules`).
    const copy = await admin.request<Record<string, any>>(
      "PATCH",
      `/api/v1/tickets/flows/${global.id}/`,
      {
        org: DEFAULT,
        body: { type: "apply_asset", approval_level: 1 },
      },
    );
    assert.equal(copy.rules.length, 0);
    sb.resetStats();
    const { inputs } = await host.check(
      {},
      { orgId: DEFAULT, rules: [{ strategy: "super_admin" }] },
    );
    const { id, outs } = await host.create(inputs);
    assert.equal(id, copy.id);
    assert.deepEqual(outs.appliedRules, [{ users: SYSTEM_ADMINS }]);
    assert.equal(outs.previousRules.length, 0);
    await host.delete(id, outs); // nothing to restore: rules stay, with a warning
    const live = await admin.get<Record<string, any>>(`/api/v1/tickets/flows/${id}/`, {
      org: DEFAULT,
    });
    assert.deepEqual(
      live.rules.map((r: any) => r.users),
      [SYSTEM_ADMINS],
    );
  });
});

describe("AssetAccessTicket opened on behalf by an identity that may not (v3.10.23)", function () {
  let sb: Sandbox;
  let host: ProviderHost;
  before(async () => {
    sb = await sandbox({ dialect: "strategy" });
    host = await ProviderHost.start(assetAccessTicketProvider, TICKET, stackConfig(sb, "orgadmin"));
  });
  after(async () => {
    await host?.close();
    await sb?.close();
  });

  it("closes the ticket JumpServer opened for the wrong applicant and says why", async () => {
    const inputs = await checked(host, ticket());
    await assert.rejects(host.create(inputs), (e: any) => {
      assert.match(
        e.message,
        /applicant is .*\(orgadmin\), not requester \(opening on behalf of someone needs a system admin identity\)/,
      );
      assert.equal(e.initFailed.properties.state, "closed");
      return true;
    });
    const mine = await client(sb, "orgadmin").list<Record<string, any>>(
      "/api/v1/tickets/tickets/",
      {
        query: { title: inputs.title },
        org: null,
      },
    );
    assert.deepEqual(
      mine.map((t) => t.state.value),
      ["closed"],
    );
    assert.equal(user(sb, "orgadmin").username, "orgadmin");
  });
});
