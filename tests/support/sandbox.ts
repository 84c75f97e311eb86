// Test helpers around the sandbox: start one per suite, and build clients or provider settings
// for its seed users.
import { Sandbox, SandboxOptions, SeedUser, startSandbox } from "../../sandbox";
import { ClientHooks, JumpServerClient } from "../../provider/client/client";
import { resolveSettings } from "../../provider/settings";
import { hazardRegistry } from "./hazards";

/** The three verified servers, as sandbox modes (docs/sandbox.md, "Checked against real servers"). */
export const SERVER_MODES = [
  { label: "v3.10.23 (strategy)", options: { dialect: "strategy" as const } },
  {
    label: "v4.10.16 (selector, legacy errors)",
    options: { dialect: "selector" as const, errors: "legacy" as const },
  },
  {
    label: "v4.10.19 (selector, named flows, 409s)",
    options: { dialect: "selector" as const, errors: "conflict" as const },
  },
];

/** The selector JumpServer's migration gives "super_admin": members with the System Admin role. */
export const SYSTEM_ADMINS = {
  type: "attrs" as const,
  attrs: [{ name: "system_roles", match: "m2m", value: ["00000000-0000-0000-0000-000000000001"] }],
};

export type AuthMode = "accessKey" | "privateToken" | "bearer" | "password";

export async function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sb = await startSandbox({ rateLimit: "off", ...options });
  // The root hook in ./hazards fails the run if any of these sandboxes saw a hazardous request;
  // resetStats clears the hazard list, so collect it first.
  hazardRegistry.watch(sb, `${sb.seed.version} at ${sb.url}`);
  const reset = sb.resetStats.bind(sb);
  sb.resetStats = () => {
    hazardRegistry.collect(sb);
    reset();
    hazardRegistry.resetSeen(sb);
  };
  return sb;
}

export function user(sb: Sandbox, username: string): SeedUser {
  const u = sb.seed.users.find((x) => x.username === username);
  if (!u) throw new Error(`no seed user ${username}`);
  return u;
}

/** Stack config (`jumpserver:*`) for a seed user, as `pulumi config set` would provide it. */
export function stackConfig(
  sb: Sandbox,
  username = "admin",
  mode: AuthMode = "accessKey",
  extra: Record<string, string> = {},
): Record<string, string> {
  const u = user(sb, username);
  const cfg: Record<string, string> = {
    "jumpserver:url": sb.url,
    "jumpserver:requestsPerMinute": "0",
  };
  if (mode === "accessKey") {
    cfg["jumpserver:accessKeyId"] = u.accessKey.id;
    cfg["jumpserver:accessKeySecret"] = u.accessKey.secret;
  } else if (mode === "privateToken") {
    cfg["jumpserver:privateToken"] = u.privateToken;
  } else if (mode === "password") {
    cfg["jumpserver:username"] = u.username;
    cfg["jumpserver:password"] = u.password;
  }
  return { ...cfg, ...extra };
}

export function client(
  sb: Sandbox,
  username = "admin",
  mode: AuthMode = "accessKey",
  extra: Record<string, string> = {},
  hooks: ClientHooks = {},
): JumpServerClient {
  const cfg = stackConfig(sb, username, mode, extra);
  return new JumpServerClient(
    resolveSettings((k) => cfg[k], {}),
    hooks,
  );
}

/** Approves the current step as `username` the way JumpServer's UI does: re-sending the full grant. */
export function approveAs(sb: Sandbox, username: string, ticketId: string): Promise<void> {
  return approveWithFullGrant(client(sb, "admin"), client(sb, username), ticketId);
}

/**
 * Approves a ticket's current level as `approver` the way JumpServer's UI does: `reader` (an
 * admin) reads the ticket and `approver` sends back its full grant, which is what the permission
 * will contain, with the approver's own `edits` (wire fields: JumpServer lets an approver change
 * apply_* at any level). Shared by the sandbox suites and the real layer.
 */
export async function approveWithFullGrant(
  reader: JumpServerClient,
  approver: JumpServerClient,
  ticketId: string,
  edits: Record<string, unknown> = {},
): Promise<void> {
  const path = `/api/v1/tickets/apply-asset-tickets/${ticketId}/`;
  const live = await reader.get<Record<string, any>>(path, { org: null });
  await approver.request("PATCH", `${path}approve/`, {
    org: null,
    body: {
      org_id: live.org_id,
      apply_assets: live.apply_assets.map((a: { id: string }) => a.id),
      apply_nodes: live.apply_nodes.map((n: { id: string }) => n.id),
      apply_accounts: live.apply_accounts,
      apply_actions: live.apply_actions.map((a: { value: string }) => a.value),
      apply_date_start: live.apply_date_start,
      apply_date_expired: live.apply_date_expired,
      ...edits,
    },
  });
}

/**
 * Opens an apply-asset ticket as `person` does in JumpServer's UI (their own ticket, the full
 * body), by asset and node names. Shared by the sandbox suites and the real layer.
 */
export async function openAsPerson(
  person: JumpServerClient,
  seed: { assets: { id: string; name: string }[]; nodes: { id: string; value: string }[] },
  ask: {
    title: string;
    orgId: string;
    assets?: string[];
    nodes?: string[];
    accounts?: string[];
    actions?: string[];
    dateStart: string;
    dateExpired: string;
    comment?: string;
  },
): Promise<{ id: string; serialNum: string }> {
  const id = (list: { id: string; name?: string; value?: string }[], name: string) => {
    const found = list.find((x) => x.name === name || x.value === name);
    if (!found) throw new Error(`no seed object ${name}`);
    return found.id;
  };
  const t = await person.request<Record<string, any>>(
    "POST",
    "/api/v1/tickets/apply-asset-tickets/open/",
    {
      org: ask.orgId,
      body: {
        title: ask.title,
        org_id: ask.orgId,
        apply_assets: (ask.assets ?? []).map((a) => id(seed.assets, a)),
        apply_nodes: (ask.nodes ?? []).map((n) => id(seed.nodes, n)),
        apply_accounts: ask.accounts ?? ["@ALL"],
        apply_actions: ask.actions ?? ["all"],
        apply_date_start: ask.dateStart,
        apply_date_expired: ask.dateExpired,
        comment: ask.comment ?? "",
      },
    },
  );
  return { id: String(t.id), serialNum: String(t.serial_num) };
}
