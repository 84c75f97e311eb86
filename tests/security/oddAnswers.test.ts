// An odd answer must not shrink a grant (docs/security.md): a ticket answer that lacks
// apply_accounts / apply_actions (a proxy, a maintenance layer, a patched server) was read as "no
// accounts, no actions", became the drift baseline (approvedGrant), and `up --refresh` wrote it
// over the asset permission. Found by the adversarial review; the approved grant, once recorded
// whole, is now kept, and a grant with no account, action or end is never written back.
import { strict as assert } from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { Sandbox } from "../../sandbox";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ProviderHost } from "../support/providerHost";
import { SYSTEM_ADMINS, client, sandbox, stackConfig } from "../support/sandbox";
import { daysFromNow } from "../support/clock";

const TICKET_TYPE = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
const DEFAULT = "00000000-0000-0000-0000-000000000002";
const FLOWS = "/api/v1/tickets/flows/";
const PERMS = "/api/v1/perms/asset-permissions/";

/** A pass-through proxy that, while `tamper` is on, drops two fields from ticket answers. */
function startProxy(target: string) {
  const state = { tamper: false };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const u = new URL(target);
      const up = http.request(
        {
          host: u.hostname,
          port: u.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (r) => {
          const body: Buffer[] = [];
          r.on("data", (c) => body.push(c));
          r.on("end", () => {
            let out = Buffer.concat(body);
            const ticketRead =
              req.method === "GET" &&
              (req.url ?? "").startsWith("/api/v1/tickets/apply-asset-tickets/");
            if (state.tamper && ticketRead && r.statusCode === 200) {
              const j = JSON.parse(out.toString("utf8"));
              const strip = (t: any) => {
                delete t.apply_accounts;
                delete t.apply_actions;
              };
              if (Array.isArray(j)) j.forEach(strip);
              else if (Array.isArray(j.results)) j.results.forEach(strip);
              else strip(j);
              out = Buffer.from(JSON.stringify(j));
            }
            const headers = { ...r.headers, "content-length": String(out.length) };
            delete (headers as any)["transfer-encoding"];
            res.writeHead(r.statusCode ?? 502, headers);
            res.end(out);
          });
        },
      );
      up.on("error", () => {
        res.writeHead(502);
        res.end();
      });
      up.end(Buffer.concat(chunks));
    });
  });
  return new Promise<{ url: string; state: typeof state; close: () => Promise<void> }>((ok) =>
    server.listen(0, "127.0.0.1", () =>
      ok({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        state,
        close: () => new Promise((c) => server.close(() => c())),
      }),
    ),
  );
}

describe("an odd ticket answer (accounts and actions missing) never shrinks a grant", function () {
  this.timeout(60_000);
  let sb: Sandbox;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let tickets: ProviderHost;
  before(async () => {
    sb = await sandbox({ dialect: "selector", errors: "legacy" });
    proxy = await startProxy(sb.url);
    tickets = await ProviderHost.start(assetAccessTicketProvider, TICKET_TYPE, {
      ...stackConfig(sb, "admin"),
      "jumpserver:url": proxy.url,
    });
  });
  after(async () => {
    await tickets?.close();
    await proxy?.close();
    await sb?.close();
  });

  it("a refresh through it plans nothing, and the permission keeps its accounts and actions", async () => {
    const admin = client(sb, "admin");
    const flows = await admin.list<Record<string, any>>(FLOWS, { org: DEFAULT });
    const own = flows.find((f) => !f.name) ?? flows[0];
    await admin.request("PATCH", `${FLOWS}${own.id}/`, {
      org: DEFAULT,
      body: { type: "apply_asset", rules: [{ users: SYSTEM_ADMINS }], approval_level: 1 },
    });
    const asked = {
      title: "oddity #1",
      orgId: DEFAULT,
      applicant: "requester",
      assets: ["db-01"],
      accounts: ["@ALL"],
      actions: ["connect", "download"],
      dateStart: daysFromNow(1),
      dateExpired: daysFromNow(3),
      approve: true,
      instanceKey: "attack/dev/oddity",
    };
    const { inputs } = await tickets.check({}, asked);
    const { id, outs } = await tickets.create(inputs);
    assert.equal(outs.state, "approved");
    const perm = () => admin.get<Record<string, any>>(`${PERMS}${id}/`, { org: DEFAULT });
    const before = await perm();
    assert.deepEqual(before.accounts, ["@ALL"]);
    assert.equal(before.actions.length, 2);

    // The scheduled `preview --refresh` / `up --refresh`: one odd ticket answer during the read.
    proxy.state.tamper = true;
    const r = await tickets.read(id, outs);
    proxy.state.tamper = false;
    const news = (await tickets.check(r.inputs!, asked)).inputs;
    const d = await tickets.diff(id, r.props, news);
    assert.equal(
      d.changes,
      "none",
      "the odd answer is no drift: the recorded approved grant stands",
    );
    assert.deepEqual(r.props.approvedGrant, outs.approvedGrant);
    const after = await perm();
    assert.deepEqual(after.accounts, ["@ALL"]);
    assert.equal(after.actions.length, 2);
    await tickets.delete(id, r.props);
  });
});
