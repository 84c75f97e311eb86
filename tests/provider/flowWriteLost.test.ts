// The rules a flow had before the stack first touched it are never lost. When the adopting write's
// answer is lost (it may have landed), create keeps the flow in state with those rules instead of
// recording nothing: otherwise the next `up` would read the stack's own rules as the originals, and
// destroy would "restore" them.
import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { ProviderHost, Props } from "../support/providerHost";
import { SERVER_MODES, client, sandbox, stackConfig } from "../support/sandbox";

const FLOW = "pulumi-nodejs:dynamic/jumpserver:TicketFlow";
const DEFAULT = "00000000-0000-0000-0000-000000000002";
const FLOWS = "/api/v1/tickets/flows/";

for (const mode of SERVER_MODES) {
  describe(`a TicketFlow whose adopting write got no answer — ${mode.label}`, function () {
    let sb: Sandbox;
    let host: ProviderHost;
    before(async () => {
      sb = await sandbox(mode.options);
      host = await ProviderHost.start(
        ticketFlowProvider,
        FLOW,
        stackConfig(sb, "admin", "accessKey", { "jumpserver:maxRetries": "1" }),
      );
    });
    after(async () => {
      await host?.close();
      await sb?.close();
    });
    // Two approvers: one alone could approve their own tickets (forbidSelfApproval).
    const rules = (): Props[] =>
      mode.options.dialect === "strategy"
        ? [{ strategy: "custom_user", assignees: ["approver", "admin"] }]
        : [{ users: { type: "ids", ids: ["approver", "admin"] } }];
    const shape = (rs: any[]) =>
      canonical(
        [...rs]
          .sort((a, b) => a.level - b.level)
          .map((r) => [r.strategy?.value ?? null, r.assignees_read_only ?? null, r.users ?? null]),
      );

    it("keeps the flow and its earlier rules in state; the next up writes, destroy restores", async () => {
      const admin = client(sb, "admin");
      // Default gets a flow of its own first, with rules the stack did not write.
      const [global] = await admin.list<Record<string, any>>(FLOWS, { org: DEFAULT });
      const own = await admin.request<Record<string, any>>("PATCH", `${FLOWS}${global.id}/`, {
        org: DEFAULT,
        body: { type: "apply_asset", rules: global.rules.map(toWrite), approval_level: 1 },
      });
      const original = shape(own.rules);
      // The PATCH is handled, then every answer is lost (the first try and its one retry).
      sb.injectFault({ method: "PATCH", path: `${FLOWS}${own.id}/`, kind: "dropAfter", times: 2 });
      const { inputs } = await host.check({}, { orgId: DEFAULT, rules: rules() });
      const failed = await host.create(inputs).then(
        () => assert.fail("create should fail"),
        (e) => e,
      );
      assert.ok(failed.initFailed, `kept in state: ${failed.message}`);
      const kept = failed.initFailed.properties;
      assert.equal(failed.initFailed.id, own.id);
      assert.equal(kept.pendingAction, "write");
      assert.equal(
        shape(kept.previousRules.map(asLive)),
        original,
        "the earlier rules are recorded",
      );
      // The next up: diff plans the update, which writes and clears the pending write.
      const d = await host.diff(own.id, kept, inputs);
      assert.equal(d.changes, "some");
      const done = await host.update(own.id, kept, inputs);
      assert.equal(done.pendingAction, undefined);
      // destroy puts the earlier rules back, not the stack's.
      await host.delete(own.id, done);
      const live = await admin.get<Record<string, any>>(`${FLOWS}${own.id}/`, { org: DEFAULT });
      assert.equal(shape(live.rules), original);
    });
  });
}

/** A rule as the server shows it, in the shape a PATCH writes it. */
function toWrite(r: any): unknown {
  if (r.strategy) {
    const strategy = r.strategy.value;
    return { strategy, assignees: strategy === "custom_user" ? (r.assignees_read_only ?? []) : [] };
  }
  return { users: r.users };
}

/** A recorded wire rule, shaped like the server's answer for comparison. */
function asLive(r: any, i: number): unknown {
  return "strategy" in r
    ? {
        level: i + 1,
        strategy: { value: r.strategy },
        assignees_read_only: r.strategy === "custom_user" ? r.assignees : [],
      }
    : { level: i + 1, users: r.users };
}

/** JSON with object keys sorted, so equal data gives equal text. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}
