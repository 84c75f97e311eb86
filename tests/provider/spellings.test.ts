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

    // Issue #17: an object given by id at the open, and by name since (or the other way round),
    // is the same object: a replacement would revoke a live grant.
    it("an asset, a node or the applicant by id, then by name, and the other way round: no change", async () => {
      const node = sb.seed.nodes.find((n) => n.value === "probe-servers")!;
      const web = sb.seed.assets.find((a) => a.name === "web-01")!;
      const requester = sb.seed.users.find((u) => u.username === "requester")!;
      const dates = { dateStart: "2031-08-01T00:00:00Z", dateExpired: "2031-08-02T00:00:00Z" };
      const ids = { assets: [web.id], nodes: [node.id], applicant: requester.id };
      const names = { assets: ["web-01"], nodes: ["probe-servers"], applicant: "requester" };
      const spelled = (from: Props, title: string) => ({
        title,
        orgId: DEFAULT,
        ...dates,
        ...from,
      });
      const lookups = () =>
        Object.entries(sb.stats().byRoute)
          .filter(([k]) => /^GET \/api\/v1\/(users\/users|assets\/assets|assets\/nodes)\/$/.test(k))
          .reduce((n, [, v]) => n + v, 0);
      // Opened by id, spelled by name (asset name, node value and full path, username) since.
      const byId = await tickets.create(await checked(tickets, spelled(ids, "by id")));
      for (const other of [
        { assets: ["web-01"] },
        { nodes: ["probe-servers"] },
        { nodes: [node.fullValue] },
        { applicant: "requester" },
        names,
        { ...names, nodes: [node.fullValue] },
      ]) {
        const news = await checked(tickets, { ...spelled(ids, "by id"), ...other });
        const d = await tickets.diff(byId.id, byId.outs, news);
        assert.equal(d.changes, "none", `by id, then ${JSON.stringify(other)}`);
      }
      // Opened by name (the node by its full path), spelled by id since.
      const byName = { ...names, nodes: [node.fullValue] };
      const named = await tickets.create(await checked(tickets, spelled(byName, "by name")));
      for (const other of [
        { assets: [web.id] },
        { nodes: [node.id] },
        { nodes: ["probe-servers"] },
        { applicant: requester.id },
        ids,
      ]) {
        const news = await checked(tickets, { ...spelled(byName, "by name"), ...other });
        const d = await tickets.diff(named.id, named.outs, news);
        assert.equal(d.changes, "none", `by name, then ${JSON.stringify(other)}`);
      }
      // Another object is still a change, by either spelling.
      const web2 = sb.seed.assets.find((a) => a.name === "web-02")!;
      for (const [t, base] of [
        [byId, spelled(ids, "by id")],
        [named, spelled(byName, "by name")],
      ] as const) {
        for (const assets of [["web-02"], [web2.id]]) {
          const d = await tickets.diff(t.id, t.outs, await checked(tickets, { ...base, assets }));
          assert.deepEqual(d.replaces, ["assets"], `another asset: ${assets}`);
        }
        const d = await tickets.diff(
          t.id,
          t.outs,
          await checked(tickets, { ...base, applicant: "approver" }),
        );
        assert.deepEqual(d.replaces, ["applicant"], "another applicant");
      }
      // One lookup per distinct name or id and process: the same ids again ask nothing.
      sb.resetStats();
      const again = await tickets.create(await checked(tickets, spelled(ids, "by id again")));
      assert.equal(lookups(), 0, JSON.stringify(sb.stats().byRoute));
      for (const t of [byId, named, again]) await tickets.delete(t.id, t.outs);
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

    // The approvers and CC users of a flow, by id at the write and by username since, or the
    // other way round: the same users (no update planned, so nothing is written either).
    it("a flow's approvers and CC users by id, then by username, and the other way round: no change", async () => {
      const flows = await ProviderHost.start(ticketFlowProvider, FLOW, stackConfig(sb));
      const id = (name: string) => sb.seed.users.find((u) => u.username === name)!.id;
      const strategy = mode.options.dialect === "strategy";
      const named = mode.options.errors === "conflict"; // names and CC users: v4.10.19+
      const flow = (who: string[], cc: string[], name: string) => ({
        orgId: DEFAULT,
        ...(named ? { name, ccUsers: cc } : {}),
        rules: [
          { strategy: "super_admin" },
          strategy
            ? { strategy: "custom_user", assignees: who }
            : { users: { type: "ids", ids: who } },
        ],
      });
      const ids = [id("approver"), id("admin")];
      const usernames = ["approver", "admin"];
      try {
        for (const [first, then, name] of [
          [ids, usernames, "spelled by id"],
          [usernames, ids, "spelled by username"],
        ] as const) {
          const cc = (who: readonly string[]) => (who === ids ? [id("requester")] : ["requester"]);
          const f = await flows.create(await checked(flows, flow([...first], cc(first), name)));
          for (const news of [
            flow([...then], cc(then), name),
            flow([then[0], first[1]], cc(first), name),
            flow([...first], cc(then), name),
          ]) {
            const d = await flows.diff(f.id, f.outs, await checked(flows, news));
            assert.equal(d.changes, "none", `${name}, then ${JSON.stringify(news.rules[1])}`);
          }
          const other = flow([then[0], "requester"], cc(first), name);
          const d = await flows.diff(f.id, f.outs, await checked(flows, other));
          assert.notEqual(d.changes, "none", "another approver is still a change");
          await flows.delete(f.id, f.outs);
        }
      } finally {
        await flows.close();
      }
    });
  });
}
