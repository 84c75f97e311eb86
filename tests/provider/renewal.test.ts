// Renewal without a lapse (docs/access-over-time.md): a replacement that only extends or narrows an
// approved grant keeps the old permission until the new ticket is approved, or until the old
// grant's own end. Driven as the engine drives a create-before-delete replacement: check with the
// old state, diff, check again without it, create the new ticket, delete the old one.
import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ProviderHost, Props } from "../support/providerHost";
import {
  SERVER_MODES,
  approveWithFullGrant,
  client,
  sandbox,
  stackConfig,
  user,
} from "../support/sandbox";
import { daysFromNow } from "../support/clock";
import { parseDate } from "../../provider/model/dates";

const TYPE = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
const DEFAULT = "00000000-0000-0000-0000-000000000002";
const FLOWS = "/api/v1/tickets/flows/";
const TICKETS = "/api/v1/tickets/apply-asset-tickets/";
const PERMS = "/api/v1/perms/asset-permissions/";

for (const mode of SERVER_MODES) {
  describe(`renewal without a lapse — ${mode.label}`, function () {
    let sb: Sandbox;
    let host: ProviderHost;
    let n = 0;
    before(async () => {
      sb = await sandbox(mode.options);
      host = await ProviderHost.start(assetAccessTicketProvider, TYPE, stackConfig(sb));
      // Every level is a person's: the pipeline opens, `approver` decides.
      const approver = user(sb, "approver").id;
      const rules =
        mode.options.dialect === "strategy"
          ? [{ strategy: "custom_user", assignees: [approver] }]
          : [{ users: { type: "ids", ids: [approver] } }];
      const flows = await admin().list<Record<string, any>>(FLOWS, { org: DEFAULT });
      const own = flows.find((f) => !f.name) ?? flows[0];
      await admin().request("PATCH", `${FLOWS}${own.id}/`, {
        org: DEFAULT,
        body: { type: "apply_asset", rules, approval_level: rules.length },
      });
    });
    after(async () => {
      await host?.close();
      await sb?.close();
    });

    const admin = () => client(sb, "admin");
    // The person reads the ticket as JumpServer shows it to them (the opener, not an approver, can't).
    const approveAs = (_sb: Sandbox, who: string, id: string) =>
      approveWithFullGrant(client(sb, who), client(sb, who), id);
    const permission = (id: string) =>
      admin()
        .get<Record<string, any>>(`${PERMS}${id}/`, { org: DEFAULT })
        .catch((e) => (e.status === 404 ? undefined : Promise.reject(e)));
    const declared = (extra: Props = {}): Props => ({
      title: `renewal ${mode.label} #${++n}`,
      instanceKey: `proj/stack/oncall-${n}`,
      orgId: DEFAULT,
      applicant: "requester",
      assets: ["web-01", "web-02"],
      accounts: ["@ALL"],
      actions: ["connect", "download"],
      dateStart: daysFromNow(-1),
      dateExpired: daysFromNow(5),
      ...extra,
    });

    /** An approved grant: opened by the pipeline, approved by the person, refreshed. */
    async function approvedGrant(asked: Props) {
      const { inputs } = await host.check({}, asked);
      const made = await host.create(inputs);
      assert.equal(made.outs.state, "pending");
      await approveAs(sb, "approver", made.id);
      const read = await host.read(made.id, made.outs);
      assert.equal(read.props.state, "approved");
      return { id: made.id, props: read.props, inputs };
    }

    /** `pulumi up` of changed inputs: a create-before-delete replacement, as the engine runs it. */
    async function replace(old: { id: string; props: Props }, asked: Props) {
      const first = await host.check(old.props, asked);
      assert.deepEqual(first.failures, []);
      const d = await host.diff(old.id, old.props, first.inputs);
      assert.ok(d.replaces.length > 0, "a new ticket is planned");
      const { inputs } = await host.check({}, asked);
      const made = await host.create(inputs);
      await host.delete(old.id, old.props);
      return { ...made, inputs };
    }

    const isValid = async (id: string, until: string) => {
      const p = await permission(id);
      assert.ok(p, `permission ${id} exists`);
      assert.notEqual(p!.is_active, false, "and is active");
      const end = parseDate(String(p!.date_expired)) ?? NaN;
      assert.equal(
        new Date(end).toISOString().replace(/\.000Z$/, "Z"),
        until,
        "its end never moved",
      );
      assert.ok(end > Date.now(), "and it has not ended");
    };

    it("keeps the current grant while the extension waits for a person, and revokes it once approved", async () => {
      const asked = declared();
      const old = await approvedGrant(asked);
      const renewed = await replace(old, { ...asked, dateExpired: daysFromNow(20) });
      assert.equal(renewed.outs.state, "pending");
      assert.equal(renewed.outs.predecessor?.ticketId, old.id, "the new state holds the old grant");
      assert.equal(renewed.outs.predecessor?.dateExpired, asked.dateExpired);
      await isValid(old.id, asked.dateExpired);

      // A refresh while the person has not acted: nothing moves.
      const waiting = await host.read(renewed.id, renewed.outs);
      assert.equal(waiting.props.predecessor?.ticketId, old.id);
      await isValid(old.id, asked.dateExpired);
      const quiet = await host.diff(renewed.id, waiting.props, renewed.inputs);
      assert.equal(quiet.changes, "none", "a renewal in flight is not drift");

      // The person approves; the next `up` sees it in diff and the update revokes the old grant.
      await approveAs(sb, "approver", renewed.id);
      const d = await host.diff(renewed.id, waiting.props, renewed.inputs);
      assert.equal(d.changes, "some");
      assert.deepEqual(d.replaces, []);
      const updated = await host.update(renewed.id, waiting.props, renewed.inputs);
      assert.equal(updated.state, "approved");
      assert.equal(updated.predecessor, undefined, "forgotten once revoked");
      assert.equal(await permission(old.id), undefined, "the old grant is revoked");
      assert.ok(await permission(renewed.id), "the new grant is in place");
      await host.delete(renewed.id, updated);
    });

    it("a refresh after the approval only reads; the next up revokes the kept grant", async () => {
      const asked = declared();
      const old = await approvedGrant(asked);
      const renewed = await replace(old, { ...asked, dateExpired: daysFromNow(20) });
      await isValid(old.id, asked.dateExpired);
      await approveAs(sb, "approver", renewed.id);
      const before = sb.stats();
      const read = await host.read(renewed.id, renewed.outs);
      const writes = Object.entries(sb.stats().byRoute)
        .filter(([k, n]) => !k.startsWith("GET ") && n !== (before.byRoute[k] ?? 0))
        .map(([k]) => k);
      assert.deepEqual(writes, [], "a read (preview --refresh runs it) never writes");
      assert.equal(read.props.state, "approved");
      assert.equal(read.props.predecessor?.ticketId, old.id, "still recorded: up revokes it");
      await isValid(old.id, asked.dateExpired);
      const d = await host.diff(renewed.id, read.props, renewed.inputs);
      assert.equal(d.changes, "some", "the drift gate shows the revoke up will make");
      const updated = await host.update(renewed.id, read.props, renewed.inputs);
      assert.equal(updated.predecessor, undefined);
      assert.equal(await permission(old.id), undefined);
      await host.delete(renewed.id, updated);
    });

    it("keeps tracking the earlier grant when its revoke gets no clear answer", async () => {
      const asked = declared();
      const old = await approvedGrant(asked);
      const renewed = await replace(old, { ...asked, dateExpired: daysFromNow(20) });
      await approveAs(sb, "approver", renewed.id);
      // A process that does not retry, so one 503 is the whole answer.
      const once = await ProviderHost.start(
        assetAccessTicketProvider,
        TYPE,
        stackConfig(sb, "admin", "accessKey", { "jumpserver:maxRetries": "0" }),
      );
      try {
        sb.injectFault({
          method: "DELETE",
          path: `${PERMS}${old.id}/`,
          kind: "error",
          status: 503,
        });
        const read = await once.read(renewed.id, renewed.outs);
        assert.equal(read.props.state, "approved");
        const unsure = await once.update(renewed.id, read.props, renewed.inputs);
        assert.equal(unsure.predecessor?.ticketId, old.id, "still recorded");
        await isValid(old.id, asked.dateExpired);
        const next = await once.update(renewed.id, unsure, renewed.inputs);
        assert.equal(next.predecessor, undefined);
        assert.equal(await permission(old.id), undefined, "revoked by the next run");
        await once.delete(renewed.id, next);
      } finally {
        await once.close();
      }
    });

    it("lets a rejected renewal's kept grant run to its own end, and revokes it with the resource", async () => {
      const asked = declared({ assets: ["web-01"] });
      const old = await approvedGrant(asked);
      // Narrowing (fewer actions) is a renewal too.
      const renewed = await replace(old, {
        ...asked,
        actions: ["connect"],
        dateExpired: daysFromNow(30),
      });
      assert.equal(renewed.outs.predecessor?.ticketId, old.id);
      await client(sb, "approver").request("PUT", `${TICKETS}${renewed.id}/reject/`, {
        org: null,
        body: {},
      });
      const read = await host.read(renewed.id, renewed.outs);
      assert.equal(read.props.state, "rejected");
      assert.equal(read.props.predecessor?.ticketId, old.id, "still tracked");
      await isValid(old.id, asked.dateExpired);
      await host.delete(renewed.id, read.props);
      assert.equal(await permission(old.id), undefined, "destroyed with its successor");
    });

    it("never takes a later end edited into the kept permission, and takes an earlier one", async () => {
      const asked = declared();
      const old = await approvedGrant(asked);
      const renewed = await replace(old, { ...asked, dateExpired: daysFromNow(20) });
      const editEnd = (iso: string) =>
        admin().request("PATCH", `${PERMS}${old.id}/`, {
          org: DEFAULT,
          body: { date_expired: iso },
        });
      await editEnd(daysFromNow(90));
      const later = await host.read(renewed.id, renewed.outs);
      assert.equal(later.props.predecessor?.dateExpired, asked.dateExpired, "never later");
      await editEnd(daysFromNow(3));
      const earlier = await host.read(renewed.id, later.props);
      assert.equal(
        earlier.props.predecessor?.dateExpired,
        daysFromNow(3),
        "an earlier end is taken",
      );
      await host.delete(renewed.id, earlier.props);
      assert.equal(await permission(old.id), undefined);
    });

    it("keeps a kept grant no longer once it is widened in JumpServer", async () => {
      const asked = declared({ assets: ["web-01"] });
      const old = await approvedGrant(asked);
      const renewed = await replace(old, { ...asked, dateExpired: daysFromNow(20) });
      assert.equal(renewed.outs.predecessor?.ticketId, old.id);
      const db = sb.seed.assets.find((a) => a.name === "db-01")!.id;
      const web = sb.seed.assets.find((a) => a.name === "web-01")!.id;
      await admin().request("PATCH", `${PERMS}${old.id}/`, {
        org: DEFAULT,
        body: { assets: [web, db] },
      });
      const r = await host.read(renewed.id, renewed.outs);
      assert.deepEqual(r.props.predecessor?.widened, ["assets"], "a read notes it");
      assert.ok(await permission(old.id), "and writes nothing");
      const d = await host.diff(renewed.id, r.props, renewed.inputs);
      assert.equal(d.changes, "some");
      const updated = await host.update(renewed.id, r.props, renewed.inputs);
      assert.equal(updated.predecessor, undefined);
      assert.equal(await permission(old.id), undefined, "revoked by up, not kept widened");
      await host.delete(renewed.id, updated);
    });

    it("revokes at once when the new ticket asks for more than the approved grant", async () => {
      const asked = declared({ assets: ["web-01"] });
      const old = await approvedGrant(asked);
      const wider = await replace(old, { ...asked, assets: ["web-01", "db-01"] });
      assert.equal(wider.outs.predecessor, undefined);
      assert.equal(await permission(old.id), undefined, "not a renewal: revoked as before");
      // Once that one is approved, narrowing it back is a renewal of it.
      await approveAs(sb, "approver", wider.id);
      const approved = await host.read(wider.id, wider.outs);
      const narrower = await replace(
        { id: wider.id, props: approved.props },
        { ...asked, assets: ["web-01"], dateExpired: daysFromNow(6) },
      );
      assert.equal(narrower.outs.predecessor?.ticketId, wider.id);
      await isValid(wider.id, asked.dateExpired);
      await host.delete(narrower.id, narrower.outs);
      assert.equal(await permission(wider.id), undefined);
    });

    it("passes the kept grant on when a pending renewal is itself replaced", async () => {
      const asked = declared();
      const old = await approvedGrant(asked);
      const first = await replace(old, { ...asked, dateExpired: daysFromNow(20) });
      const second = await replace(
        { id: first.id, props: first.outs },
        { ...asked, dateExpired: daysFromNow(25) },
      );
      assert.equal(second.outs.predecessor?.ticketId, old.id, "handed over");
      await isValid(old.id, asked.dateExpired);
      const closed = await admin().get<Record<string, any>>(
        `/api/v1/tickets/super-tickets/${first.id}/status/`,
        { org: null },
      );
      assert.equal(closed.status?.value ?? closed.status, "closed", "the first renewal is closed");
      await host.delete(second.id, second.outs);
      assert.equal(await permission(old.id), undefined);
    });

    it("keeps the grant after a run killed between the create and the delete", async () => {
      const asked = declared();
      const old = await approvedGrant(asked);
      const next = { ...asked, dateExpired: daysFromNow(20) };
      const first = await host.check(old.props, next);
      await host.diff(old.id, old.props, first.inputs);
      const { inputs } = await host.check({}, next);
      const made = await host.create(inputs);
      // Killed here. The next run, a fresh process, diffs the program's resources first and
      // deletes the old one, pending deletion, last.
      const fresh = await ProviderHost.start(assetAccessTicketProvider, TYPE, stackConfig(sb));
      try {
        const again = await fresh.check(made.outs, next);
        const d = await fresh.diff(made.id, made.outs, again.inputs);
        assert.equal(d.changes, "none");
        await fresh.delete(old.id, old.props);
      } finally {
        await fresh.close();
      }
      await isValid(old.id, asked.dateExpired);
      await host.delete(made.id, made.outs);
      assert.equal(await permission(old.id), undefined);
    });
  });
}
