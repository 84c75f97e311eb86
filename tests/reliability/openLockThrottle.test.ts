// Stacks side by side on one machine take turns at a lock beside Pulumi's files to open tickets
// (lifecycle/openLock.ts). An open that meets a 429 (the identity's budget spent, often by the
// other stacks) waits out its Retry-After, up to a minute on v4.10.16; holding the lock through
// that wait would stop every other stack's opens too. The lock is held only while the open is on
// the wire.
import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Sandbox } from "../../sandbox";
import type { OpenBody } from "../../provider/api/tickets";
import { processState } from "../../provider/client/processState";
import { withOpenLock } from "../../provider/lifecycle/openLock";
import { openExactlyOnce } from "../../provider/lifecycle/ticketOpen";
import type { TicketInputs } from "../../provider/model/ticketInputs";
import { client, sandbox } from "../support/sandbox";
import { Client } from "../sandbox/helpers";

const OPEN = "POST /api/v1/tickets/apply-asset-tickets/open/";

describe("the open lock while an open waits out a 429", function () {
  this.timeout(60_000);
  let sb: Sandbox;
  let home: string;
  const savedHome = process.env.PULUMI_HOME;
  before(async () => {
    sb = await sandbox({ rateLimit: "4/3" });
    home = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-lock-"));
    process.env.PULUMI_HOME = home;
  });
  after(async () => {
    if (savedHome === undefined) delete process.env.PULUMI_HOME;
    else process.env.PULUMI_HOME = savedHome;
    fs.rmSync(home, { recursive: true, force: true });
    await sb?.close();
  });

  it("is free for the other stacks during the wait, and the open then goes through once", async () => {
    processState().budgets.clear();
    // No pacing of its own, so the open meets the spent budget instead of waiting for it here.
    const c = client(sb, "requester", "accessKey", { "jumpserver:requestsPerMinute": "0" });
    sb.resetStats();
    const me = await c.profile();
    // Spend the four requests the server allows in 3 s (the profile may have been one of them).
    while (sb.stats().total < 4) await c.get("/api/v1/users/profile/", { org: null });
    const marker = "[pulumi:open-lock-test]";
    const body = new Client(sb).openBody({ comment: `ask ${marker}` }) as unknown as OpenBody;
    sb.resetStats();
    const opening = openExactlyOnce(c, body, {
      inputs: { title: body.title, orgId: body.org_id } as TicketInputs,
      applicantId: me.id,
      meId: me.id,
      marker,
      mismatch: () => [],
    });
    for (const t0 = Date.now(); !sb.stats().byStatus["429"] && Date.now() - t0 < 2000;)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(sb.stats().byStatus["429"], 1, "the open met the spent budget and is waiting");
    // Another stack of this machine opens now: it gets the lock at once, not after the wait.
    const asked = Date.now();
    const gotAt = await withOpenLock(c.settings.url, async () => Date.now());
    assert.ok(gotAt - asked < 1000, `the lock came ${gotAt - asked} ms after it was asked for`);
    const t = await opening;
    assert.equal(t.title, body.title);
    assert.equal(sb.stats().byRoute[OPEN], 2, "one 429, one open");
    assert.equal(sb.stats().byStatus["201"], 1);
  });
});
