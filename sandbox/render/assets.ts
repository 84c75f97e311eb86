// Asset, node and suggestion shapes of each version (golden lookups #7-#10).
import type { AssetRec, NodeRec, State } from "../model/state";
import type { Profile } from "../versions";
import { formatDate } from "../dates";
import { findOrg } from "../model/users";
import { ROOT_ORG_ID } from "../seed";

function autoConfig(p: Profile) {
  return {
    su_enabled: true,
    ...(p.version === "v3.10.23" ? { domain_enabled: true } : { gateway_enabled: true }),
    ansible_enabled: true,
    id: 1,
    ansible_config: { ansible_connection: "smart" },
    ping_enabled: true,
    ping_method: "posix_ping",
    ping_params: {},
    gather_facts_enabled: true,
    gather_facts_method: "gather_facts_posix",
    gather_facts_params: {},
    change_secret_enabled: true,
    change_secret_method: "change_secret_posix",
    change_secret_params: {},
    push_account_enabled: true,
    push_account_method: "push_account_posix",
    push_account_params: { home: "", sudo: "/bin/whoami", shell: "/bin/bash", groups: "" },
    verify_account_enabled: true,
    verify_account_method: "verify_account_posix",
    verify_account_params: {},
    gather_accounts_enabled: true,
    gather_accounts_method: "gather_accounts_posix",
    gather_accounts_params: {},
    remove_account_enabled: true,
    remove_account_method: "remove_account_posix",
    remove_account_params: {},
    platform: 1,
  };
}

export const orgName = (state: State, orgId: string): string => findOrg(state, orgId)?.name ?? "";

/** "/DEFAULT/probe-servers": the node's value path from its org's root node. */
export function fullValue(state: State, node: NodeRec): string {
  const parts: string[] = [];
  const keys = node.key.split(":");
  for (let i = 1; i <= keys.length; i++) {
    const key = keys.slice(0, i).join(":");
    const n = state.nodes.find((x) => x.key === key);
    parts.push(n ? n.value : "");
  }
  return "/" + parts.join("/");
}

export function renderAsset(state: State, a: AssetRec, p: Profile): Record<string, unknown> {
  const nodes = a.nodeIds
    .map((id) => state.nodes.find((n) => n.id === id))
    .filter((n): n is NodeRec => !!n);
  const created = formatDate(a.dateCreated);
  const head = { id: a.id, name: a.name, address: a.address };
  const middle = {
    nodes: nodes.map((n) => ({ id: n.id, name: n.value })),
    labels: [],
    protocols: [{ name: "ssh", port: 22 }],
    nodes_display: nodes.map((n) => fullValue(state, n)),
  };
  const kinds = {
    category: { value: "host", label: "Host" },
    type: { value: "linux", label: "Linux" },
    connectivity: { value: "-", label: "Unknown" },
    auto_config: autoConfig(p),
  };
  if (p.version === "v3.10.23")
    return {
      ...head,
      comment: "",
      domain: null,
      platform: { id: 1, name: "Linux" },
      ...middle,
      ...kinds,
      created_by: "seed",
      org_id: a.orgId,
      org_name: orgName(state, a.orgId),
      is_active: true,
      date_verified: null,
      date_created: created,
    };
  return {
    ...head,
    zone: null,
    platform: { id: 1, name: "Linux", type: "linux" },
    ...middle,
    directory_services: [],
    accounts_amount: 0,
    ...kinds,
    org_id: a.orgId,
    org_name: orgName(state, a.orgId),
    is_active: true,
    date_verified: null,
    ...(p.version === "v4.10.19" ? { date_last_login: null } : {}),
    date_created: created,
    date_updated: created,
    comment: "",
    created_by: "seed",
  };
}

export function renderSuggestion(a: AssetRec, p: Profile): Record<string, unknown> {
  return p.version === "v3.10.23"
    ? { id: a.id, name: a.name, address: a.address }
    : { id: a.id, name: a.name, address: a.address, zone: null, platform: 1 };
}

export function renderNode(state: State, n: NodeRec): Record<string, unknown> {
  return {
    id: n.id,
    key: n.key,
    value: n.value,
    org_id: n.orgId,
    name: n.value,
    full_value: fullValue(state, n),
    org_name: orgName(state, n.orgId),
  };
}

/** Org-scoped objects of the current org; the root org sees all orgs. */
export const inOrg = (orgId: string, objOrg: string): boolean =>
  orgId === ROOT_ORG_ID || orgId === objOrg;
