// What both real-layer suites share: a client through the proxy, and flow rules in either dialect.
import { JumpServerClient } from "../../provider/client/client";
import { resolveSettings } from "../../provider/settings";
import type { Props } from "../support/providerHost";
import { approveWithFullGrant } from "../support/sandbox";
import { configFor, ReadyFile } from "./targets";

const SYSTEM_ADMIN_ROLE = "00000000-0000-0000-0000-000000000001";

/** Approves a ticket's current level as `username` (see approveWithFullGrant). */
export function approveAs(
  ready: ReadyFile,
  url: string,
  username: string,
  ticketId: string,
): Promise<void> {
  return approveWithFullGrant(clientFor(ready, url), clientFor(ready, url, username), ticketId);
}

/** A JumpServer client through the proxy, for the test's own checks and the people it plays. */
export function clientFor(ready: ReadyFile, url: string, username = "admin"): JumpServerClient {
  // A real v4.10.16 throttles at 180 requests a minute per user; the test's own checks, made while
  // the provider is idle, pace themselves too, and wait out any 429.
  const cfg = configFor(ready, url, username, { "jumpserver:requestsPerMinute": "50" });
  return new JumpServerClient(resolveSettings((k) => cfg[k], {}));
}

export function adminsRule(dialect: string): Props {
  return dialect === "strategy"
    ? { strategy: "super_admin" }
    : {
        users: {
          type: "attrs",
          attrs: [{ name: "system_roles", match: "m2m", value: [SYSTEM_ADMIN_ROLE] }],
        },
      };
}

export function usersRule(dialect: string, username: string): Props {
  return dialect === "strategy"
    ? { strategy: "custom_user", assignees: [username] }
    : { users: { type: "ids", ids: [username] } };
}

export const choice = (v: unknown) =>
  v && typeof v === "object" && "value" in v ? (v as any).value : v;

/** A rule naming one user by id, in the server's write shape. */
export function usersRuleWire(dialect: string, id: string): Props {
  return dialect === "strategy"
    ? { strategy: "custom_user", assignees: [id] }
    : { users: { type: "ids", ids: [id] } };
}

/** JSON with keys sorted at every level. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as any)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as any)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

/**
 * What the program suite reads back from JumpServer as an admin: whether a permission exists,
 * the org's flow rules in a comparable form (`defaultFlowRules`: the org's unnamed flow, Default
 * unless `orgId` is given), and the tickets a run titled `prefix …` (asked in the root org).
 */
export function runViews(
  admin: () => JumpServerClient,
  orgId = "00000000-0000-0000-0000-000000000002",
) {
  const DEFAULT = orgId;
  const ruleShape = (rules: Props[]) =>
    canonical(
      [...rules]
        .sort((a, b) => a.level - b.level)
        .map((r) => [r.strategy?.value ?? r.strategy, r.assignees_read_only, r.users]),
    );
  return {
    permission: (id: string) =>
      admin()
        .get(`/api/v1/perms/asset-permissions/${id}/`, { org: DEFAULT })
        .then(
          () => true,
          (e) => (e.status === 404 ? false : Promise.reject(e)),
        ),
    defaultFlowRules: async () => {
      const flows = await admin().list<Props>("/api/v1/tickets/flows/", {
        org: DEFAULT,
        query: { type: "apply_asset" },
      });
      return ruleShape((flows.find((f) => f.org_id === DEFAULT && !f.name) ?? flows[0]).rules);
    },
    ticketsOfRun: async (prefix: string) =>
      (
        await admin().list<Props>("/api/v1/tickets/tickets/", {
          query: { search: prefix, type: "apply_asset" },
          org: "00000000-0000-0000-0000-000000000000",
        })
      ).filter((t) => String(t.title).startsWith(prefix + " ")),
  };
}
