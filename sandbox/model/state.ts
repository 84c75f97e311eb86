// The sandbox's whole world as plain JSON-able records (so --state can write it as is), and the
// seed that fills it. No HTTP here.
import { randomUUID } from "node:crypto";
import type { Profile } from "../versions";
import type { SeedCredentials } from "../types";
import {
  credentialsFor,
  Credentials,
  DEFAULT_ORG_ID,
  GLOBAL_FLOW_ID,
  OPS_ORG_ID,
  OPS_USER,
  ROLE_ORG_ADMIN,
  ROLE_ORG_USER,
  ROLE_SYSTEM_ADMIN,
  ROLE_SYSTEM_USER,
  ROOT_ORG_ID,
  SEED_ASSETS,
  SEED_NODES,
  SEED_USERS,
} from "../seed";

export interface OrgRec {
  id: string;
  name: string;
  members: string[];
}

export interface UserRec {
  id: string;
  username: string;
  name: string;
  email: string;
  role: "admin" | "orgadmin" | "user";
  isSuperuser: boolean;
  systemRoles: string[];
  /** org id -> role ids */
  orgRoles: Record<string, string[]>;
  creds: Credentials;
  dateJoined: number;
  createdBy: string;
}

export interface AssetRec {
  id: string;
  name: string;
  address: string;
  orgId: string;
  nodeIds: string[];
  dateCreated: number;
}

export interface NodeRec {
  id: string;
  key: string;
  value: string;
  orgId: string;
}

/** A flow rule in either dialect, stored as the server stores it. */
export interface RuleRec {
  level: number;
  users?: unknown;
  strategy?: string;
  assignees?: string[];
}

export interface FlowRec {
  id: string;
  orgId: string;
  name: string;
  type: string;
  approvalLevel: number;
  rules: RuleRec[];
  ccUserIds: string[];
  createdBy: string;
  dateCreated: number;
  dateUpdated: number;
}

export interface StepRec {
  level: number;
  state: "pending" | "approved" | "rejected" | "closed";
  assignees: string[];
  processor: string;
  /** Microseconds since the epoch; rendered with Python's str() in process_map. */
  dateUpdated: number;
}

export interface TicketRec {
  id: string;
  seq: number;
  title: string;
  orgId: string;
  type: string;
  applicantId: string;
  flowId: string | null;
  ccUserIds: string[];
  state: "pending" | "approved" | "rejected" | "closed";
  status: "open" | "closed";
  approvalStep: number;
  serialNum: string;
  comment: string;
  steps: StepRec[];
  applyAssets: string[];
  applyNodes: string[];
  applyAccounts: unknown;
  applyActions: number;
  dateStart: number | null;
  dateExpired: number | null;
  permissionName: string;
  dateCreated: number;
  dateUpdated: number;
}

export interface PermissionRec {
  id: string;
  name: string;
  orgId: string;
  userIds: string[];
  /** Always [] here: the sandbox has no user groups, but a hand edit could add some on a real server. */
  userGroupIds: string[];
  assetIds: string[];
  nodeIds: string[];
  accounts: unknown;
  actions: number;
  dateStart: number | null;
  dateExpired: number | null;
  isActive: boolean;
  dateCreated: number;
  createdBy: string;
  comment: string;
  /**
   * Made by a ticket's final approval (read-only through the API: only the approval sets it).
   * Absent in state files written before hand-made permissions existed: those were all a ticket's.
   */
  fromTicket?: boolean;
}

export interface State {
  /** `orgs` absent: a community edition (state files written before the mode existed). */
  mode: { version: string; dialect: string; errors: string; orgs?: "community" | "enterprise" };
  orgs: OrgRec[];
  users: UserRec[];
  assets: AssetRec[];
  nodes: NodeRec[];
  flows: FlowRec[];
  tickets: TicketRec[];
  permissions: PermissionRec[];
  /** day stamp -> last serial counter */
  serials: Record<string, number>;
  /** bearer token -> user id and expiry (ms) */
  bearerTokens: Record<string, { userId: string; ip: string; expires: number }>;
  ticketSeq: number;
}

export const newId = (): string => randomUUID();

/** A fresh, seeded world for a version. */
export function seedState(
  profile: Profile,
  overrides: Record<string, SeedCredentials> = {},
  now = Date.now(),
  orgsMode: "community" | "enterprise" = "community",
): State {
  const allUserIds = SEED_USERS.map((u) => u.id);
  const enterprise = orgsMode === "enterprise";
  const admin = SEED_USERS[0];
  const users: UserRec[] = SEED_USERS.map((u) => ({
    id: u.id,
    username: u.username,
    name: u.name,
    email: `${u.username}@example.com`,
    role: u.role,
    isSuperuser: u.role === "admin",
    systemRoles: [u.role === "admin" ? ROLE_SYSTEM_ADMIN : ROLE_SYSTEM_USER],
    orgRoles: {
      [DEFAULT_ORG_ID]: [u.role === "orgadmin" ? ROLE_ORG_ADMIN : ROLE_ORG_USER],
      ...(u.id === admin.id ? { [OPS_ORG_ID]: [ROLE_ORG_USER] } : {}),
    },
    creds: credentialsFor(u.username, overrides[u.username]),
    dateJoined: now,
    createdBy: u.id === admin.id ? "System" : "seed",
  }));
  // Enterprise mode: `opsuser`, a plain user of Ops only (invisible to Default's user lookups).
  if (enterprise)
    users.push({
      id: OPS_USER.id,
      username: OPS_USER.username,
      name: OPS_USER.name,
      email: `${OPS_USER.username}@example.com`,
      role: OPS_USER.role,
      isSuperuser: false,
      systemRoles: [ROLE_SYSTEM_USER],
      orgRoles: { [OPS_ORG_ID]: [ROLE_ORG_USER] },
      creds: credentialsFor(OPS_USER.username, overrides[OPS_USER.username]),
      dateJoined: now,
      createdBy: "seed",
    });
  const orgs: OrgRec[] = [
    { id: DEFAULT_ORG_ID, name: profile.defaultOrgName, members: allUserIds },
    {
      id: ROOT_ORG_ID,
      name: profile.rootOrgName,
      members: enterprise ? [...allUserIds, OPS_USER.id] : allUserIds,
    },
    { id: OPS_ORG_ID, name: "Ops", members: enterprise ? [admin.id, OPS_USER.id] : [admin.id] },
  ];
  const nodes: NodeRec[] = SEED_NODES.map((n) => ({
    id: n.id,
    key: n.key,
    value: n.value ?? profile.defaultOrgName,
    orgId: n.orgId,
  }));
  const assets: AssetRec[] = SEED_ASSETS.map((a) => ({
    id: a.id,
    name: a.name,
    address: a.address,
    orgId: a.orgId,
    nodeIds: [a.nodeId],
    dateCreated: now,
  }));
  const globalRule: RuleRec =
    profile.dialect === "strategy"
      ? { level: 1, strategy: "super_admin", assignees: [] }
      : {
          level: 1,
          users: {
            type: "attrs",
            attrs: [{ name: "system_roles", match: "m2m", value: [ROLE_SYSTEM_ADMIN] }],
          },
        };
  const flows: FlowRec[] = [
    {
      id: GLOBAL_FLOW_ID,
      orgId: ROOT_ORG_ID,
      name: "",
      type: "apply_asset",
      approvalLevel: 1,
      rules: [globalRule],
      ccUserIds: [],
      createdBy: "System",
      dateCreated: now,
      dateUpdated: now,
    },
  ];
  return {
    mode: {
      version: profile.version,
      dialect: profile.dialect,
      errors: profile.errors,
      ...(enterprise ? { orgs: orgsMode } : {}),
    },
    orgs,
    users,
    assets,
    nodes,
    flows,
    tickets: [],
    permissions: [],
    serials: {},
    bearerTokens: {},
    ticketSeq: 0,
  };
}
