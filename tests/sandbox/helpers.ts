// Shared set-up for sandbox behaviour tests: start a sandbox per suite and call it as a seed user.
import { startSandbox } from "../../sandbox";
import type { Sandbox, SandboxOptions } from "../../sandbox";
import { call, CallOptions, CallResult } from "./http";

export const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";
export const ROOT_ORG = "00000000-0000-0000-0000-000000000000";
export const OPS_ORG = "00000000-0000-0000-0000-0000000000a1";

export type Who = "admin" | "orgadmin" | "approver" | "requester";

export class Client {
  constructor(readonly sb: Sandbox) {}

  user(who: Who) {
    const u = this.sb.seed.users.find((x) => x.username === who);
    if (!u) throw new Error(`no seed user ${who}`);
    return u;
  }

  asset(name: string): string {
    const a = this.sb.seed.assets.find((x) => x.name === name);
    if (!a) throw new Error(`no seed asset ${name}`);
    return a.id;
  }

  /** A signed request as a seed user (access key), in the Default org unless `org` says otherwise. */
  as(who: Who, method: string, path: string, opts: CallOptions = {}): Promise<CallResult> {
    return call(this.sb.url, method, path, {
      org: DEFAULT_ORG,
      ...opts,
      auth: opts.auth ?? { accessKey: this.user(who).accessKey },
    });
  }

  anon(method: string, path: string, opts: CallOptions = {}): Promise<CallResult> {
    return call(this.sb.url, method, path, opts);
  }

  /** A valid open body for Default's web-01, overridable per field. */
  openBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
    const start = new Date(Date.now() - 60_000);
    return {
      title: `t-${Math.random().toString(36).slice(2, 8)}`,
      org_id: DEFAULT_ORG,
      apply_assets: [this.asset("web-01")],
      apply_accounts: ["@ALL"],
      apply_actions: ["connect"],
      apply_date_start: start.toISOString(),
      apply_date_expired: new Date(start.getTime() + 7 * 86_400_000).toISOString(),
      ...extra,
    };
  }

  async open(who: Who, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const r = await this.as(who, "POST", "/api/v1/tickets/apply-asset-tickets/open/", {
      body: this.openBody(extra),
    });
    if (r.status !== 201) throw new Error(`open failed: ${r.status} ${r.text}`);
    return r.json as Record<string, unknown>;
  }

  /** The full grant of a ticket, as an approve body should carry it. */
  grantOf(
    t: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ): Record<string, unknown> {
    return {
      org_id: t.org_id,
      apply_assets: (t.apply_assets as Array<{ id: string }>).map((a) => a.id),
      apply_nodes: (t.apply_nodes as Array<{ id: string }>).map((n) => n.id),
      apply_accounts: t.apply_accounts,
      apply_actions: (t.apply_actions as Array<{ value: string }>).map((a) => a.value),
      apply_date_start: t.apply_date_start,
      apply_date_expired: t.apply_date_expired,
      ...extra,
    };
  }
}

/** Start a sandbox for the enclosing mocha suite; returns a getter for its client. */
export function useSandbox(options: SandboxOptions = {}): () => Client {
  let client: Client | null = null;
  before(async () => {
    client = new Client(await startSandbox(options));
  });
  after(async () => {
    await client?.sb.close();
  });
  return () => {
    if (!client) throw new Error("sandbox not started");
    return client;
  };
}

/** Make a selector flow for Default with the given rules (copy-on-write of the global flow). */
export async function setDefaultFlow(
  c: Client,
  rules: unknown[],
): Promise<Record<string, unknown>> {
  const list = await c.as("admin", "GET", "/api/v1/tickets/flows/?type=apply_asset");
  const flow = (list.json as Array<{ id: string }>)[0];
  const r = await c.as("admin", "PATCH", `/api/v1/tickets/flows/${flow.id}/`, {
    body: { type: "apply_asset", approval_level: rules.length, rules },
  });
  if (r.status !== 200) throw new Error(`flow update failed: ${r.status} ${r.text}`);
  return r.json as Record<string, unknown>;
}

export const ids = (...users: string[]) => ({ users: { type: "ids", ids: users } });
