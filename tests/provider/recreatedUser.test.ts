// A user deleted and recreated under the same name has a new id. Refresh shows the flow that lost
// its approver as drift, and the next write of a flow that names that user uses the new id, not
// the one recorded in state.
import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Sandbox } from "../../sandbox";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { ProviderHost } from "../support/providerHost";
import { SERVER_MODES, client, sandbox, stackConfig } from "../support/sandbox";

const FLOW = "pulumi-nodejs:dynamic/jumpserver:TicketFlow";
const DEFAULT = "00000000-0000-0000-0000-000000000002";
const NEW_ID = "10000000-0000-0000-0000-0000000000c3";

for (const mode of SERVER_MODES) {
  describe(`a flow naming a user who was deleted and recreated — ${mode.label}`, function () {
    let dir: string;
    let file: string;
    let sb: Sandbox;
    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-recreated-"));
      file = path.join(dir, "state.json");
      sb = await sandbox({ ...mode.options, state: file });
    });
    after(async () => {
      await sb?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const rules = (who: string[]) =>
      mode.options.dialect === "strategy"
        ? [{ strategy: "custom_user", assignees: who }]
        : [{ users: { type: "ids", ids: who } }];

    /** Deletes `username` and creates it again with a new id; the flow's rule keeps the old one. */
    const recreate = async (username: string, newId: string) => {
      await sb.close();
      const state = JSON.parse(fs.readFileSync(file, "utf8"));
      const oldId = state.users.find((u: { username: string }) => u.username === username).id;
      const next = JSON.parse(JSON.stringify(state).split(oldId).join(newId));
      next.flows = state.flows; // the flow's rule still names the old id
      fs.writeFileSync(file, JSON.stringify(next));
      sb = await sandbox({ ...mode.options, state: file });
    };

    // JumpServer answers a rule's users with the ids that still exist (v4: JSONManyToManyField's
    // to_representation in apps/common/serializers/fields.py; v3: the assignees many-to-many), so
    // the rule that named the deleted user reads without them.
    it("shows at refresh, as drift of `rules`, a flow whose approver was deleted and recreated", async () => {
      let host = await ProviderHost.start(ticketFlowProvider, FLOW, stackConfig(sb));
      // Two approvers (one alone could approve their own tickets); requester is recreated.
      const { inputs } = await host.check(
        {},
        { orgId: DEFAULT, rules: rules(["requester", "approver"]) },
      );
      const made = await host.create(inputs);
      await host.close();
      await recreate("requester", "10000000-0000-0000-0000-0000000000c4");
      host = await ProviderHost.start(ticketFlowProvider, FLOW, stackConfig(sb)); // the drift job
      try {
        const r = await host.read(made.id, made.outs);
        assert.notDeepEqual(r.inputs!.rules, inputs.rules, "the rule no longer names requester");
        const d = await host.diff(made.id, r.props!, inputs);
        assert.equal(d.changes, "some");
        assert.deepEqual(d.replaces, []);
        const outs = await host.update(made.id, r.props!, inputs);
        assert.equal(outs.userIds.requester, "10000000-0000-0000-0000-0000000000c4");
      } finally {
        await host.close();
      }
    });

    it("writes the recreated user's new id at the next update", async () => {
      let host = await ProviderHost.start(ticketFlowProvider, FLOW, stackConfig(sb));
      const { inputs } = await host.check(
        {},
        // One approver first, then two: the self-approval guardrail is not the point here.
        { orgId: DEFAULT, rules: rules(["approver"]), guardrails: { forbidSelfApproval: false } },
      );
      const made = await host.create(inputs);
      await host.close();
      // `approver` is deleted and created again: same name, new id (edited in the saved state).
      await sb.close();
      const state = JSON.parse(fs.readFileSync(file, "utf8"));
      const approver = state.users.find((u: { username: string }) => u.username === "approver");
      const oldId = approver.id;
      approver.id = NEW_ID;
      fs.writeFileSync(file, JSON.stringify(state).split(oldId).join(NEW_ID));
      sb = await sandbox({ ...mode.options, state: file });
      // The next `up`, a new process: the flow now names approver and admin.
      host = await ProviderHost.start(ticketFlowProvider, FLOW, stackConfig(sb));
      try {
        const next = (await host.check({}, { orgId: DEFAULT, rules: rules(["approver", "admin"]) }))
          .inputs;
        const outs = await host.update(made.id, made.outs, next);
        assert.equal(outs.userIds.approver, NEW_ID);
        const live = await client(sb, "admin").get<Record<string, any>>(
          `/api/v1/tickets/flows/${made.id}/`,
          { org: DEFAULT },
        );
        const ids: string[] =
          mode.options.dialect === "strategy"
            ? live.rules[0].assignees_read_only
            : live.rules[0].users.ids;
        assert.ok(ids.includes(NEW_ID), JSON.stringify(ids));
        assert.ok(!ids.includes(oldId));
      } finally {
        await host.close();
      }
    });
  });
}
