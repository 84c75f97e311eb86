// HTTP requests per provider operation, counted by the sandbox (stats() deltas), for one server
// mode. Each row carries the budget issue #9 allows, so tests/performance/requestCounts.test.ts
// asserts it and scripts/bench.ts prints it. Runs in fresh provider hosts (fresh processes), so
// name lookups start uncached; the identity's profile is fetched once per process, and rows say
// whether it was already cached.
import { Sandbox, SandboxOptions } from "../../sandbox";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { ProviderHost, Props } from "../support/providerHost";
import { sandbox, stackConfig, SYSTEM_ADMINS } from "../support/sandbox";
import { DEFAULT_ORG, FLOW_TYPE, TICKET_TYPE } from "../reliability/faultScenario";
import { daysFromNow } from "../support/clock";

export interface CountRow {
  operation: string;
  requests: number;
  /** Name lookups among them (GET users/assets/nodes lists). */
  lookups: number;
  /** The most issue #9 allows. */
  allowed: number;
  /** Exactly this many when the operation cannot legitimately need fewer. */
  exact?: boolean;
  routes: Record<string, number>;
}

const LOOKUP = /^GET \/api\/v1\/(users\/users|assets\/assets|assets\/nodes)\/$/;

export async function measureRequestCounts(
  mode: SandboxOptions,
): Promise<{ version: string; rows: CountRow[] }> {
  const sb: Sandbox = await sandbox(mode);
  const config = stackConfig(sb, "admin");
  const flows = await ProviderHost.start(ticketFlowProvider, FLOW_TYPE, config);
  const tickets = await ProviderHost.start(assetAccessTicketProvider, TICKET_TYPE, config);
  const rows: CountRow[] = [];
  async function count<T>(
    operation: string,
    allowed: number,
    exact: boolean,
    fn: () => Promise<T>,
  ): Promise<T> {
    sb.resetStats();
    const out = await fn();
    const s = sb.stats();
    const lookups = Object.entries(s.byRoute)
      .filter(([k]) => LOOKUP.test(k))
      .reduce((n, [, v]) => n + v, 0);
    rows.push({ operation, requests: s.total, lookups, allowed, exact, routes: s.byRoute });
    return out;
  }
  const strategy = mode.dialect === "strategy";
  const twoUsers = strategy
    ? [{ strategy: "custom_user", assignees: ["approver", "requester"] }]
    : [{ users: { type: "ids", ids: ["approver", "requester"] } }];
  const adminsOnly = strategy
    ? [{ strategy: "super_admin" }]
    : [
        {
          users: SYSTEM_ADMINS,
        },
      ];
  const ticket = (i: number, extra: Props): Props => ({
    title: `counted ${i}`,
    orgId: DEFAULT_ORG,
    accounts: ["@ALL"],
    actions: ["connect"],
    dateStart: daysFromNow(30),
    dateExpired: daysFromNow(31),
    ...extra,
  });
  try {
    const fIn = await count("TicketFlow check", 0, true, async () => {
      const r = await flows.check({}, { orgId: DEFAULT_ORG, rules: twoUsers });
      return r.inputs;
    });
    const f = await count("TicketFlow create (2 distinct user names)", 3 + 2, false, () =>
      flows.create(fIn),
    );
    const fIn2 = (await flows.check({}, { orgId: DEFAULT_ORG, rules: adminsOnly })).inputs;
    await count("TicketFlow diff", 0, true, () => flows.diff(f.id, f.outs, fIn2));
    // On a strategy-dialect server, writes of recorded rules first ask which dialect it speaks
    // now (an upgrade to v4.1+ would read them as "anyone may approve"): one GET more.
    const dialectCheck = mode.dialect === "strategy" ? 1 : 0;
    const fOuts = await count(
      "TicketFlow update (rules, no new names)",
      2 + dialectCheck,
      true,
      () => flows.update(f.id, f.outs, fIn2),
    );
    const fRead = await count("TicketFlow read", 1, true, () => flows.read(f.id, fOuts));

    // The identity's own ticket, approved by itself: an exception to forbidSelfApproval, stated.
    const own = { assets: ["web-01"], approve: true, guardrails: { forbidSelfApproval: false } };
    const warmIn = (await tickets.check({}, ticket(0, own))).inputs;
    await count(
      "AssetAccessTicket open+approve, first in the process (profile + 1 name)",
      2 + 1 + 1,
      true,
      () => tickets.create(warmIn),
    );
    const tIn = await count("AssetAccessTicket check", 0, true, async () => {
      const r = await tickets.check(
        {},
        ticket(1, { applicant: "requester", assets: ["web-02", "db-01"], approve: true }),
      );
      return r.inputs;
    });
    await count(
      "AssetAccessTicket open+approve, 1-level flow (profile cached, 3 new names)",
      2 + 3,
      true,
      () => tickets.create(tIn),
    );
    const t2In = (
      await tickets.check(
        {},
        ticket(2, { applicant: "requester", assets: ["web-02", "db-01"], approve: true }),
      )
    ).inputs;
    const t = await count(
      "AssetAccessTicket open+approve, 1-level flow (names cached)",
      2,
      true,
      () => tickets.create(t2In),
    );
    await count("AssetAccessTicket diff", 0, true, () => tickets.diff(t.id, t.outs, t2In));
    // The first read of a process lists: tickets, grants, and the grants' users and assets (the
    // node and user-group lists are skipped while no grant has any); later reads ask nothing.
    const tr = await count("AssetAccessTicket read, first in the process (4 lists)", 4, true, () =>
      tickets.read(t.id, t.outs),
    );
    await count("AssetAccessTicket delete, approved (permission DELETE)", 1, true, () =>
      tickets.delete(t.id, tr.props),
    );
    const pIn = (await tickets.check({}, ticket(3, { applicant: "requester", assets: ["web-02"] })))
      .inputs;
    const p = await count("AssetAccessTicket open, no approve (names cached)", 1, true, () =>
      tickets.create(pIn),
    );
    await count(
      "AssetAccessTicket delete, pending, opened on behalf (super-ticket close)",
      1,
      true,
      () => tickets.delete(p.id, p.outs),
    );
    // As the resource class declares it: with its project/stack/name, the first create of a
    // process also reads the identity's recent tickets once (finding what a killed run opened).
    const keyed = (i: number) =>
      ticket(i, { applicant: "requester", assets: ["web-02"], instanceKey: `p/s/counted-${i}` });
    const k1 = await count(
      "AssetAccessTicket open, first with the resource's key in the process (+ recent-tickets list)",
      2,
      true,
      async () => tickets.create((await tickets.check({}, keyed(4))).inputs),
    );
    const k2 = await count(
      "AssetAccessTicket open, later with the resource's key (list already read)",
      1,
      true,
      async () => tickets.create((await tickets.check({}, keyed(5))).inputs),
    );
    await tickets.delete(k1.id, k1.outs);
    await tickets.delete(k2.id, k2.outs);
    await count("TicketFlow delete (restore previous rules)", 1 + dialectCheck, true, () =>
      flows.delete(f.id, fRead.props),
    );
    return { version: sb.seed.version, rows };
  } finally {
    await flows.close();
    await tickets.close();
    await sb.close();
  }
}
