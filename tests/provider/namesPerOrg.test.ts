// Asset and node names resolve per org: two orgs may each have their own "db-01", and one `up`
// may open a ticket for each (the lookup cache must not hand one org's id to the other).
import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Sandbox } from "../../sandbox";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ProviderHost, Props } from "../support/providerHost";
import { sandbox, stackConfig } from "../support/sandbox";
import { daysFromNow } from "../support/clock";

const TICKET = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
const DEFAULT = "00000000-0000-0000-0000-000000000002";

describe("AssetAccessTicket names per org (v4.10.19)", function () {
  let sb: Sandbox;
  let host: ProviderHost;
  let dir: string;
  let opsDb: string;
  let defaultDb: string;
  let ops: string;

  before(async () => {
    // A second "db-01", in Ops, written into the sandbox's persisted state.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pjt-names-"));
    const file = path.join(dir, "state.json");
    await (await sandbox({ state: file })).close();
    const state = JSON.parse(fs.readFileSync(file, "utf8"));
    const original = state.assets.find((a: { name: string }) => a.name === "db-01");
    ops = state.orgs.find((o: { name: string }) => o.name === "Ops").id;
    opsDb = "30000000-0000-0000-0000-0000000000b1";
    state.assets.push({ ...original, id: opsDb, orgId: ops, address: "10.1.0.21", nodeIds: [] });
    fs.writeFileSync(file, JSON.stringify(state));
    sb = await sandbox({ state: file });
    defaultDb = sb.seed.assets.find((a) => a.name === "db-01" && a.orgId === DEFAULT)!.id;
    host = await ProviderHost.start(assetAccessTicketProvider, TICKET, stackConfig(sb));
  });
  after(async () => {
    await host?.close();
    await sb?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const ticket = (title: string, orgId: string): Props => ({
    title,
    orgId,
    assets: ["db-01"],
    dateStart: daysFromNow(30),
    dateExpired: daysFromNow(31),
  });

  it("opens a ticket for each org's own db-01 in one provider process", async () => {
    const a = await host.create((await host.check({}, ticket("names default", DEFAULT))).inputs);
    const b = await host.create((await host.check({}, ticket("names ops", ops))).inputs);
    assert.deepEqual(a.outs.assetIds, [defaultDb]);
    assert.deepEqual(b.outs.assetIds, [opsDb]);
    await host.delete(a.id, a.outs);
    await host.delete(b.id, b.outs);
  });
});
