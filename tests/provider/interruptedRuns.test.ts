// Exactly once across runs: a CI job killed mid-`up` leaves tickets that no state records, and the
// next run calls create again for those resources. The marker is derived in check from the
// resource (project/stack/name) and what it asks for, so the second create finds the ticket the
// first opened instead of opening another (docs/reliability.md, "Interrupted runs").
import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { requestIdFor } from "../../provider/lifecycle/recovery";
import { check } from "../../provider/lifecycle/assetAccessTicket";
import { ProviderHost, Props } from "../support/providerHost";
import { SERVER_MODES, client, sandbox, stackConfig } from "../support/sandbox";
import { daysFromNow } from "../support/clock";

const TICKET = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
const DEFAULT = "00000000-0000-0000-0000-000000000002";
const OPEN = "POST /api/v1/tickets/apply-asset-tickets/open/";

describe("the marker a ticket is opened with", () => {
  const asks = {
    title: "t",
    orgId: DEFAULT,
    assets: ["web-01"],
    nodes: [],
    accounts: ["@ALL"],
    actions: ["all"],
    dateStart: daysFromNow(30),
    dateExpired: daysFromNow(31),
    comment: "",
    approve: false,
    revokeOnDelete: true,
  };
  it("is the same for the same resource asking for the same ticket, and UUID-shaped", () => {
    const a = requestIdFor("p/s/r", asks, undefined);
    assert.equal(a, requestIdFor("p/s/r", { ...asks, approve: true }, undefined));
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
  it("differs for another resource, another ask, or a later life of the same resource", () => {
    const a = requestIdFor("p/s/r", asks, undefined);
    assert.notEqual(a, requestIdFor("p/s/other", asks, undefined));
    assert.notEqual(a, requestIdFor("p/s/r", { ...asks, title: "u" }, undefined));
    assert.notEqual(a, requestIdFor("p/s/r", asks, a), "a forced replacement chains from it");
  });
});

describe("a run that changes nothing", () => {
  const asked = (): Props => ({
    title: "unchanged",
    instanceKey: "proj/stack/unchanged",
    orgId: DEFAULT,
    applicant: "requester",
    assets: ["web-01"],
    dateStart: daysFromNow(30),
    dateExpired: daysFromNow(31),
  });
  it("checks to the very inputs it had (the engine then saves no checkpoint for the resource)", async () => {
    const first = (await check({}, asked())).inputs!;
    let olds = first;
    for (let run = 0; run < 3; run++) {
      const again = (await check(olds, asked())).inputs!;
      assert.deepEqual(again, first);
      olds = again;
    }
  });
  it("a replacement, checked again with no old inputs, still gets another requestId", async () => {
    const first = (await check({}, asked())).inputs!;
    await check(first, { ...asked(), approve: true });
    const replacement = (await check({}, { ...asked(), approve: true })).inputs!;
    assert.notEqual(replacement.requestId, first.requestId);
  });
});

for (const mode of SERVER_MODES) {
  describe(`a create run again after an interrupted run — ${mode.label}`, function () {
    let sb: Sandbox;
    let host: ProviderHost;
    before(async () => {
      sb = await sandbox(mode.options);
      host = await ProviderHost.start(assetAccessTicketProvider, TICKET, stackConfig(sb));
    });
    after(async () => {
      await host?.close();
      await sb?.close();
    });
    let n = 0;
    const news = (extra: Props = {}): Props => ({
      title: `interrupted ${++n}`,
      instanceKey: `proj/stack/access-${n}`,
      orgId: DEFAULT,
      applicant: "requester",
      assets: ["web-01"],
      dateStart: daysFromNow(181),
      dateExpired: daysFromNow(182),
      ...extra,
    });
    const titled = async (title: string) =>
      (
        await client(sb, "admin").list<Record<string, any>>("/api/v1/tickets/tickets/", {
          query: { title },
          org: null,
        })
      ).map((t) => t.id);
    // What a fresh process sees after a kill: no state, so check gets no olds.
    const again = async (asked: Props) => {
      const fresh = await ProviderHost.start(assetAccessTicketProvider, TICKET, stackConfig(sb));
      try {
        const { inputs } = await fresh.check({}, asked);
        return await fresh.create(inputs);
      } finally {
        await fresh.close();
      }
    };

    for (const approve of [false, true]) {
      it(`finds the ${approve ? "approved" : "pending"} ticket the killed run opened, and opens none`, async () => {
        const asked = news({ approve });
        const { inputs } = await host.check({}, asked);
        const first = await host.create(inputs);
        assert.equal(first.outs.state, approve ? "approved" : "pending");
        sb.resetStats();
        const second = await again(asked);
        assert.equal(second.id, first.id);
        assert.equal(sb.stats().byRoute[OPEN] ?? 0, 0, "no second open");
        assert.deepEqual(await titled(asked.title), [first.id]);
        // Once that resource is destroyed, the same declaration asks for a new ticket.
        await host.delete(second.id, second.outs);
        const third = await again(asked);
        assert.notEqual(third.id, first.id);
        assert.equal((await titled(asked.title)).length, 2);
        await host.delete(third.id, third.outs);
      });
    }

    it("pays one list per process for the lookup, not a request per ticket", async () => {
      const fresh = await ProviderHost.start(assetAccessTicketProvider, TICKET, stackConfig(sb));
      try {
        const made = [];
        for (let i = 0; i < 3; i++)
          made.push(await fresh.create((await fresh.check({}, news())).inputs));
        sb.resetStats();
        for (let i = 0; i < 3; i++)
          made.push(await fresh.create((await fresh.check({}, news())).inputs));
        assert.deepEqual(sb.stats().byRoute, { [OPEN]: 3 }, "opens only, once the list is read");
        for (const m of made) await fresh.delete(m.id, m.outs);
      } finally {
        await fresh.close();
      }
    });
  });
}
