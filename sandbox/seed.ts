// The deterministic seed: the golden transcripts' names and (where they were fixed) ids, so a
// transcript replays without edits. Credentials are derived from the username, never random.
import { createHash } from "node:crypto";
import type { SeedCredentials } from "./types";

export const ROOT_ORG_ID = "00000000-0000-0000-0000-000000000000";
export const DEFAULT_ORG_ID = "00000000-0000-0000-0000-000000000002";
export const OPS_ORG_ID = "00000000-0000-0000-0000-0000000000a1";

/** Built-in role ids (apps/rbac/builtin.py). */
export const ROLE_SYSTEM_ADMIN = "00000000-0000-0000-0000-000000000001";
export const ROLE_SYSTEM_USER = "00000000-0000-0000-0000-000000000003";
export const ROLE_ORG_ADMIN = "00000000-0000-0000-0000-000000000005";
export const ROLE_ORG_USER = "00000000-0000-0000-0000-000000000007";

export const GLOBAL_FLOW_ID = "50000000-0000-0000-0000-000000000001";
export const DEFAULT_USER_GROUP_ID = "60000000-0000-0000-0000-000000000001";

export interface SeedUserDef {
  id: string;
  username: string;
  name: string;
  role: "admin" | "orgadmin" | "user";
}

export const SEED_USERS: SeedUserDef[] = [
  {
    id: "10000000-0000-0000-0000-000000000001",
    username: "admin",
    name: "Administrator",
    role: "admin",
  },
  {
    id: "10000000-0000-0000-0000-000000000002",
    username: "orgadmin",
    name: "Org Admin",
    role: "orgadmin",
  },
  {
    id: "10000000-0000-0000-0000-000000000003",
    username: "approver",
    name: "Approver",
    role: "user",
  },
  {
    id: "10000000-0000-0000-0000-000000000004",
    username: "requester",
    name: "Requester",
    role: "user",
  },
];

/** Seeded in enterprise mode only (SandboxOptions.orgs): a plain user who is a member of Ops only. */
export const OPS_USER: SeedUserDef = {
  id: "10000000-0000-0000-0000-0000000000a1",
  username: "opsuser",
  name: "Ops User",
  role: "user",
};

export const SEED_ASSETS = [
  {
    id: "30000000-0000-0000-0000-000000000001",
    name: "web-01",
    address: "10.0.0.11",
    orgId: DEFAULT_ORG_ID,
    nodeId: "40000000-0000-0000-0000-000000000001",
  },
  {
    id: "30000000-0000-0000-0000-000000000002",
    name: "web-02",
    address: "10.0.0.12",
    orgId: DEFAULT_ORG_ID,
    nodeId: "40000000-0000-0000-0000-000000000001",
  },
  {
    id: "30000000-0000-0000-0000-000000000003",
    name: "db-01",
    address: "10.0.0.21",
    orgId: DEFAULT_ORG_ID,
    nodeId: "40000000-0000-0000-0000-000000000000",
  },
  {
    id: "30000000-0000-0000-0000-0000000000a1",
    name: "ops-bastion",
    address: "10.1.0.5",
    orgId: OPS_ORG_ID,
    nodeId: "40000000-0000-0000-0000-0000000000a1",
  },
];

/** Nodes; `value: null` is the org's root node, named after the org (per version). */
export const SEED_NODES = [
  {
    id: "40000000-0000-0000-0000-000000000000",
    key: "1",
    value: null,
    parentKey: "",
    orgId: DEFAULT_ORG_ID,
  },
  {
    id: "40000000-0000-0000-0000-000000000001",
    key: "1:0",
    value: "probe-servers",
    parentKey: "1",
    orgId: DEFAULT_ORG_ID,
  },
  {
    id: "40000000-0000-0000-0000-0000000000a1",
    key: "2",
    value: "Ops",
    parentKey: "",
    orgId: OPS_ORG_ID,
  },
];

function derive(label: string, username: string): string {
  return createHash("sha256").update(`jms-sandbox:${label}:${username}`).digest("hex");
}

function uuidFrom(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface Credentials {
  password: string;
  privateToken: string;
  accessKeyId: string;
  accessKeySecret: string;
}

/** Deterministic credentials of a seed user, with the caller's overrides applied. */
export function credentialsFor(username: string, override: SeedCredentials = {}): Credentials {
  return {
    password: override.password ?? `Sandbox-${username}-pw1`,
    privateToken: override.privateToken ?? derive("token", username).slice(0, 40),
    accessKeyId: override.accessKeyId ?? uuidFrom(derive("akid", username)),
    accessKeySecret: override.accessKeySecret ?? uuidFrom(derive("aksecret", username)),
  };
}
