// Spelling an object another way is not a change: an uppercase id, a node's full path instead of
// its value, a flow's id instead of its name. Each would otherwise replace the ticket and revoke a
// live grant.
import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { ProviderHost, Props } from "../support/providerHost";
import { SERVER_MODES, sandbox, stackConfig } from "../support/sandbox";
import { daysFromNow } from "../support/clock";

const TICKET = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
const FLOW = "pulumi-nodejs:dynamic/jumpserver:TicketFlow";
const DEFAULT = "00000000-0000-0000-0000-000000000002";

for (const mode of SERVER_MODES) {
  describe(`the same object spelled another way — ${mode.label}`, function () {
    let sb: Sandbox;
    let tickets: ProviderHost;
    before(async () => {
      sb = await sandbox(mode.options);
      tickets = await ProviderHost.start(assetAccessTicketProvider, TICKET, stackConfig(sb));
    });
    after(async () => {
      await tickets?.close();
      await sb?.close();
    });
    const checked = async (host: ProviderHost, news: Props) => {
      const { inputs, failures } = await host.check({}, news);
      assert.deepEqual(failures, []);
      return inputs;
    };

    it("a node's full path or id, an uppercase asset or applicant id: no change", async () => {
      const node = sb.seed.nodes.find((n) => n.value === "probe-servers")!;
      const web = sb.seed.assets.find((a) => a.name === "web-01")!;
      const base = {
        title: "spellings",
        orgId: DEFAULT,
        applicant: "requester",
        assets: [web.id],
        nodes: ["probe-servers"],
        dateStart: daysFromNow(30),
        dateExpired: daysFromNow(31),
      };
      const t = await tickets.create(await checked(tickets, base));
      for (const other of [
        { nodes: [node.fullValue] },
        { nodes: [node.id.toUpperCase()] },
        { assets: [web.id.toUpperCase()] },
        { applicant: sb.seed.users.find((u) => u.username === "requester")!.id.toUpperCase() },
      ]) {
        const d = await tickets.diff(t.id, t.outs, await checked(tickets, { ...base, ...other }));
        assert.equal(d.changes, "none", JSON.stringify(other));
      }
      const moved = await tickets.diff(
        t.id,
        t.outs,
        await checked(tickets, { ...base, nodes: ["/elsewhere/probe-servers"] }),
      );
      assert.deepEqual(moved.replaces, ["nodes"], "another node is still a change");
      await tickets.delete(t.id, t.outs);
    });

    if (mode.options.errors === "conflict") {
      it("a flow's id, in any case, instead of the name it was opened with, and the other way round: no change", async () => {
        const flows = await ProviderHost.start(ticketFlowProvider, FLOW, stackConfig(sb));
        try {
          const f = await flows.create(
            await checked(flows, {
              orgId: DEFAULT,
              name: "spelled",
              // Two approvers: one alone could approve their own tickets (forbidSelfApproval).
              rules: [{ users: { type: "ids", ids: ["approver", "admin"] } }],
            }),
          );
          const base = {
            title: "spelled flow",
            orgId: DEFAULT,
            applicant: "requester",
            assets: ["web-02"],
            flow: "spelled",
            dateStart: daysFromNow(30),
            dateExpired: daysFromNow(31),
          };
          const t = await tickets.create(await checked(tickets, base));
          for (const flow of [f.id, f.id.toUpperCase(), "SPELLED"]) {
            const d = await tickets.diff(t.id, t.outs, await checked(tickets, { ...base, flow }));
            assert.equal(d.changes, "none", flow);
          }
          await tickets.delete(t.id, t.outs);
          // Opened with the id, then spelled by name: the same flow.
          const byId = await tickets.create(
            await checked(tickets, { ...base, title: "spelled flow by id", flow: f.id }),
          );
          for (const flow of ["spelled", "SPELLED"]) {
            const d = await tickets.diff(
              byId.id,
              byId.outs,
              await checked(tickets, { ...base, title: "spelled flow by id", flow }),
            );
            assert.equal(d.changes, "none", flow);
          }
          await tickets.delete(byId.id, byId.outs);
        } finally {
          await flows.close();
        }
      });
    }
  });
}
