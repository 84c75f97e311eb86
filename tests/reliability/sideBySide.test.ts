// Stacks side by side (issue #19): platform teams run one stack per team or environment, and CI
// runs them in parallel against one JumpServer. Opens from different processes collide on the
// serial number just as opens of one process did (the sandbox's open race is on by default, as on
// the kit's PostgreSQL servers). Four provider processes, each applying 25 approved tickets at the
// CLI's parallelism: on one machine they share the open lock beside Pulumi's files, and no open
// collides; on separate machines (separate PULUMI_HOMEs) collisions are resolved by the markers.
// Either way: every process finishes in one run, with exactly one ticket per resource.
import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Sandbox } from "../../sandbox";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ProviderHost } from "../support/providerHost";
import { client, sandbox, stackConfig } from "../support/sandbox";
import { applyAll } from "./apply";
import { TICKET_TYPE, approvedTicket } from "./faultScenario";

const STACKS = 4;
const PER_STACK = 25;
const OPEN = "POST /api/v1/tickets/apply-asset-tickets/open/";

describe("stacks side by side: four processes opening at once", function () {
  this.timeout(240_000);
  let sb: Sandbox;
  const homes: string[] = [];
  before(async () => (sb = await sandbox({ dialect: "selector", errors: "conflict" })));
  after(async () => {
    await sb?.close();
    for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
  });
  const home = () => {
    const h = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-home-"));
    homes.push(h);
    return h;
  };

  async function sideBySide(label: string, homeOf: (stack: number) => string) {
    const hosts = await Promise.all(
      Array.from({ length: STACKS }, (_, s) =>
        ProviderHost.start(assetAccessTicketProvider, TICKET_TYPE, stackConfig(sb, "admin"), {
          PULUMI_HOME: homeOf(s),
        }),
      ),
    );
    try {
      sb.resetStats();
      const reports = await Promise.all(
        hosts.map((host, s) =>
          applyAll(
            host,
            Array.from({ length: PER_STACK }, (_, i) => approvedTicket(`${label} ${s}-${i}`)),
            { parallelism: 8, maxRuns: 1 },
          ),
        ),
      );
      for (const r of reports) {
        assert.deepEqual(r.errors, []);
        assert.equal(r.unfinished, 0);
        assert.equal(r.runs, 1);
        assert.ok(r.resources.every((x) => x!.outs.state === "approved"));
      }
      const live = await client(sb, "admin").list<Record<string, any>>("/api/v1/tickets/tickets/", {
        query: { type: "apply_asset" },
        org: null,
      });
      const titles = live.map((t) => String(t.title)).filter((t) => t.startsWith(`${label} `));
      assert.equal(titles.length, STACKS * PER_STACK, "exactly one ticket per resource");
      assert.equal(new Set(titles).size, titles.length, "none duplicated");
      return sb.stats();
    } finally {
      await Promise.all(hosts.map((h) => h.close()));
    }
  }

  it("on one machine they take turns: no open collides", async () => {
    const shared = home();
    const stats = await sideBySide("same-machine", () => shared);
    assert.equal(stats.byRoute[OPEN], STACKS * PER_STACK, JSON.stringify(stats.byStatus));
    assert.equal(stats.byStatus["500"] ?? 0, 0);
  });

  it("on separate machines they collide, and each collision is resolved by its marker", async () => {
    const stats = await sideBySide("machines", () => home());
    assert.ok(stats.byRoute[OPEN] >= STACKS * PER_STACK);
  });
});
