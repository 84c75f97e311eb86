// TicketFlow through the real dynamic-provider host over gRPC, against the sandbox in each mode.
import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { ProviderHost, Props } from "../support/providerHost";
import { client, sandbox, stackConfig, user, SERVER_MODES } from "../support/sandbox";

const TYPE = "pulumi-nodejs:dynamic/jumpserver:TicketFlow";
const DEFAULT = "00000000-0000-0000-0000-000000000002";
const ROOT = "00000000-0000-0000-0000-000000000000";
const FLOWS = "/api/v1/tickets/flows/";

const modes = SERVER_MODES;

for (const mode of modes) {
  describe(`TicketFlow provider over gRPC — ${mode.label}`, function () {
    let sb: Sandbox;
    let host: ProviderHost;
    let approverId: string;
    let requesterId: string;

    before(async () => {
      sb = await sandbox(mode.options);
      // Level 2 names one approver throughout, and the request counts hold one lookup; the
      // self-approval guardrail those levels break is tested in guardrails.test.ts.
      host = await ProviderHost.start(
        ticketFlowProvider,
        TYPE,
        stackConfig(sb, "admin", "accessKey", { "jumpserver:forbidSelfApproval": "false" }),
      );
      approverId = user(sb, "approver").id;
      requesterId = user(sb, "requester").id;
    });
    after(async () => {
      await host?.close();
      await sb?.close();
    });

    const admin = () => client(sb, "admin");
    const flowsOf = (org: string) => admin().list<Record<string, any>>(FLOWS, { org });
    const liveRules = async (id: string, org = DEFAULT) =>
      ((await admin().get<Record<string, any>>(`${FLOWS}${id}/`, { org })).rules as any[]).sort(
        (a, b) => a.level - b.level,
      );

    async function checked(news: Props): Promise<Props> {
      const { inputs, failures } = await host.check({}, news);
      assert.deepEqual(failures, []);
      return inputs;
    }

    let created: { id: string; outs: Props };
    let globalId: string;
    let globalRulesBefore: unknown;

    it("adopts the global flow for an org that only inherits it: the copy gets a new id, the global flow is untouched", async () => {
      const before = await flowsOf(DEFAULT);
      assert.equal(before.length, 1);
      globalId = before[0].id;
      assert.equal(before[0].org_id, ROOT);
      globalRulesBefore = await liveRules(globalId, ROOT);
      sb.resetStats();
      const inputs = await checked({
        orgId: DEFAULT,
        rules: [{ strategy: "super_admin" }, { strategy: "custom_user", assignees: ["approver"] }],
      });
      assert.equal(sb.stats().total, 0, "check makes no request");
      created = await host.create(inputs);
      assert.notEqual(created.id, globalId);
      assert.equal(created.outs.adopted, "global-copy");
      assert.equal(created.outs.flowId, created.id);
      assert.deepEqual(created.outs.rules, inputs.rules);
      assert.deepEqual(created.outs.userIds, { approver: approverId });
      assert.ok(
        sb.stats().total <= 4,
        `create used ${sb.stats().total} requests (list, one lookup, PATCH, list that proves it governs)`,
      );
      const live = await liveRules(created.id);
      assert.equal(live.length, 2);
      if (mode.options.dialect === "strategy") {
        assert.equal(live[1].strategy.value, "custom_user");
        assert.deepEqual(live[1].assignees_read_only, [approverId]);
      } else {
        assert.deepEqual(live[1].users, { type: "ids", ids: [approverId] });
      }
      assert.deepEqual(await liveRules(globalId, ROOT), globalRulesBefore, "global flow unchanged");
      const after = await flowsOf(DEFAULT);
      assert.deepEqual(
        after.map((f) => f.id),
        [created.id],
        "the org now sees only its own copy",
      );
    });

    it("reports no changes for unchanged inputs, and none for a username swapped for its id", async () => {
      sb.resetStats();
      const same = await checked({
        orgId: DEFAULT,
        rules: [{ strategy: "super_admin" }, { strategy: "custom_user", assignees: ["approver"] }],
      });
      assert.equal((await host.diff(created.id, created.outs, same)).changes, "none");
      const byId = await checked({
        orgId: DEFAULT,
        rules: [{ strategy: "super_admin" }, { strategy: "custom_user", assignees: [approverId] }],
      });
      assert.equal((await host.diff(created.id, created.outs, byId)).changes, "none");
      assert.equal(sb.stats().total, 0, "diff makes no request");
    });

    it("reads back exactly what create returned when nothing changed", async () => {
      sb.resetStats();
      const r = await host.read(created.id, created.outs);
      assert.equal(r.id, created.id);
      assert.deepEqual(r.props, created.outs);
      assert.deepEqual(r.inputs!.rules, created.outs.rules);
      assert.equal(sb.stats().total, 1, "read is one GET");
    });

    it("shows a hand edit in JumpServer as drift of `rules`, and update heals it with one PATCH (and one list)", async () => {
      const edited =
        mode.options.dialect === "strategy"
          ? [{ strategy: "custom_user", assignees: [requesterId] }]
          : [{ users: { type: "ids", ids: [requesterId] } }];
      await admin().request("PATCH", `${FLOWS}${created.id}/`, {
        org: DEFAULT,
        body: { rules: edited, approval_level: 1 },
      });
      const r = await host.read(created.id, created.outs);
      assert.equal((r.props.rules as unknown[]).length, 1);
      assert.notDeepEqual(r.inputs!.rules, created.outs.rules);
      const desired = await checked({
        orgId: DEFAULT,
        rules: [{ strategy: "super_admin" }, { strategy: "custom_user", assignees: ["approver"] }],
      });
      const d = await host.diff(created.id, r.props, desired);
      assert.equal(d.changes, "some");
      assert.deepEqual(d.replaces, []);
      sb.resetStats();
      const outs = await host.update(created.id, r.props, desired);
      assert.equal(
        sb.stats().total,
        mode.options.dialect === "strategy" ? 3 : 2,
        "update is one PATCH and the list that proves it governs (and, on a strategy server, the GET that asks which dialect it speaks now)",
      );
      assert.deepEqual(outs.rules, desired.rules);
      assert.equal((await liveRules(created.id)).length, 2);
      const again = await host.read(created.id, outs);
      assert.equal((await host.diff(created.id, again.props, desired)).changes, "none");
      created = { id: created.id, outs };
    });

    it("plans a replacement when orgId or type changes", async () => {
      const moved = await checked({ orgId: ROOT, rules: created.outs.rules });
      const d = await host.diff(created.id, created.outs, moved);
      assert.equal(d.changes, "some");
      assert.deepEqual(d.replaces, ["orgId"]);
      const retyped = { ...created.outs, type: "login_confirm" };
      assert.deepEqual(
        (
          await host.diff(
            created.id,
            retyped,
            await checked({ orgId: DEFAULT, rules: created.outs.rules }),
          )
        ).replaces,
        ["type"],
      );
    });

    it("delete restores the rules the flow had before adoption", async () => {
      await host.delete(created.id, created.outs);
      const live = await liveRules(created.id);
      assert.deepEqual(
        live.map((r) => (mode.options.dialect === "strategy" ? r.strategy.value : r.users)),
        (globalRulesBefore as any[]).map((r) =>
          mode.options.dialect === "strategy" ? r.strategy.value : r.users,
        ),
      );
    });

    it("adopts the org's own flow in place the second time (same id, one PATCH)", async () => {
      sb.resetStats();
      const inputs = await checked({
        orgId: DEFAULT,
        rules: [{ users: { type: "ids", ids: ["approver", "requester"] } }],
      });
      if (mode.options.dialect === "strategy") {
        const c = await host.create(inputs);
        assert.equal(c.id, created.id);
        assert.equal(c.outs.adopted, "own");
        assert.deepEqual(
          (await liveRules(c.id))[0].assignees_read_only.sort(),
          [approverId, requesterId].sort(),
        );
        await host.delete(c.id, c.outs);
        return;
      }
      const c = await host.create(inputs);
      assert.equal(c.id, created.id);
      assert.equal(c.outs.adopted, "own");
      assert.equal(sb.stats().byRoute[`PATCH ${FLOWS}{id}/`], 1);
      await host.delete(c.id, c.outs);
    });

    it("rejects bad inputs in check, naming the property, with zero requests", async () => {
      sb.resetStats();
      const cases: Array<[Props, string]> = [
        [{ rules: [] }, "rules"],
        [{ rules: [{ strategy: "custom_user" }] }, "rules[0].assignees"],
        [{ rules: [{ strategy: "custom_user", assignees: [] }] }, "rules[0].assignees"],
        [{ rules: [{ strategy: "org_admin", assignees: ["x"] }] }, "rules[0].assignees"],
        [{ rules: [{ strategy: "boss" }] }, "rules[0].strategy"],
        [{ rules: [{}] }, "rules[0]"],
        [{ rules: [{ users: { type: "ids" } }] }, "rules[0].users.ids"],
        [{ rules: [{ users: { type: "bad" } }] }, "rules[0].users.type"],
        [{ rules: [{ users: { type: "attrs", attrs: [] } }] }, "rules[0].users.attrs"],
        [
          {
            rules: [
              { strategy: "super_admin" },
              { strategy: "super_admin" },
              { strategy: "super_admin" },
              { strategy: "super_admin" },
              { strategy: "super_admin" },
              { strategy: "super_admin" },
            ],
          },
          "rules",
        ],
        [{ rules: [{ strategy: "super_admin" }], type: "login_confirm" }, "type"],
        [{ rules: [{ strategy: "super_admin" }], orgId: "Default" }, "orgId"],
        [{ rules: [{ strategy: "super_admin" }], ccUsers: "approver" }, "ccUsers"],
      ];
      for (const [news, property] of cases) {
        const { failures } = await host.check({}, news);
        assert.ok(
          failures.some((f) => f.property === property),
          `${JSON.stringify(news)} → ${JSON.stringify(failures)}`,
        );
      }
      assert.equal(sb.stats().total, 0);
    });

    it("fails create naming the input when the server cannot hold it", async () => {
      const named = mode.options.errors === "conflict";
      const three = await checked({
        orgId: DEFAULT,
        rules: [
          { strategy: "super_admin" },
          { strategy: "super_admin" },
          { strategy: "super_admin" },
        ],
      });
      if (named) return; // v4.10.19 allows 5 levels
      await assert.rejects(
        host.create(three),
        /rules: this JumpServer allows at most 2 approval levels/,
      );
      await assert.rejects(
        host.create(
          await checked({ orgId: DEFAULT, name: "x", rules: [{ strategy: "super_admin" }] }),
        ),
        /name: this JumpServer has one flow/,
      );
    });

    it("refuses an unknown username, naming it", async () => {
      const inputs = await checked({
        orgId: DEFAULT,
        rules: [{ strategy: "custom_user", assignees: ["approver", "nobody-here"] }],
      });
      await assert.rejects(host.create(inputs), /no user named "nobody-here"/);
    });

    it("keeps credentials out of the serialized provider and the outputs", async () => {
      const cfg = stackConfig(sb, "admin");
      const secret = cfg["jumpserver:accessKeySecret"];
      assert.ok(!host.providerText.includes(secret));
      assert.ok(!JSON.stringify(created.outs).includes(secret));
      assert.ok(!host.stderr.join("").includes(secret));
    });
  });
}

describe("TicketFlow on a community edition, for an org other than Default", function () {
  let sb: Sandbox;
  let host: ProviderHost;
  before(async () => {
    sb = await sandbox({ dialect: "selector", errors: "conflict" });
    host = await ProviderHost.start(ticketFlowProvider, TYPE, stackConfig(sb, "admin"));
  });
  after(async () => {
    await host?.close();
    await sb?.close();
  });

  it("fails naming orgId instead of silently rewriting Default's flow, and leaves Default's rules as they were", async () => {
    const ops = sb.seed.orgs.find((o) => o.name === "Ops")!.id;
    const before = await client(sb, "admin").list<Record<string, any>>(FLOWS, { org: DEFAULT });
    const { inputs } = await host.check(
      {},
      { orgId: ops, rules: [{ users: { type: "ids", ids: ["approver", "admin"] } }] },
    );
    await assert.rejects(
      host.create(inputs),
      /orgId: JumpServer answered for org .* when asked for org 00000000-0000-0000-0000-0000000000a1/,
    );
    const after = await client(sb, "admin").list<Record<string, any>>(FLOWS, { org: DEFAULT });
    assert.deepEqual(
      after.map((f) => f.rules.map((r: any) => r.users)),
      before.map((f) => f.rules.map((r: any) => r.users)),
    );
    // a second attempt (Default now has its own copy) is refused before anything is written
    sb.resetStats();
    await assert.rejects(host.create(inputs), /orgId: JumpServer answered for org/);
    assert.equal(sb.stats().byRoute["PATCH /api/v1/tickets/flows/{id}/"] ?? 0, 0);
  });
});
