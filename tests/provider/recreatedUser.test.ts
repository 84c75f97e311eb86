// A user deleted and recreated under the same name has a new id. The next write of a flow that
// names that user must use the new id, not the one recorded in state.
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

    it("writes the recreated user's new id at the next update", async () => {
      const rules = (who: string[]) =>
        mode.options.dialect === "strategy"
          ? [{ strategy: "custom_user", assignees: who }]
          : [{ users: { type: "ids", ids: who } }];
      let host = await ProviderHost.start(ticketFlowProvider, FLOW, stackConfig(sb));
      const { inputs } = await host.check({}, { orgId: DEFAULT, rules: rules(["approver"]) });
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
