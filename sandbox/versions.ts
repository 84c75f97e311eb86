// What differs between the three real servers the sandbox imitates (the golden transcripts in
// tests/golden/fixtures, and docs/sandbox.md "What it reproduces"). Everything version-specific lives here so the rest reads as one server.
import type { Dialect, ErrorMode } from "./types";

export type VersionName = "v3.10.23" | "v4.10.16" | "v4.10.19";

export interface Profile {
  version: VersionName;
  dialect: Dialect;
  errors: ErrorMode;
  /** v4.10.19: named flows, cc_users, flow_id at open, up to 5 levels. */
  namedFlows: boolean;
  maxLevels: number;
  /** Unpaged lists stop at this many rows (v4 only). */
  unpagedCap: number | null;
  /** Default throttle as [requests, seconds], or null (v3). */
  rateLimit: [number, number] | null;
  wwwAuthenticate: string;
  defaultOrgName: string;
  rootOrgName: string;
  /** v4.10.19 requires both dates when opening and approving (400 instead of 500). */
  datesRequired: boolean;
  labels: {
    type: string;
    level: (n: number) => string;
    state: Record<string, string>;
    status: Record<string, string>;
    actions: Record<string, string>;
    strategy: Record<string, string>;
    mfaDisabled: string;
    source: string;
    passwordStrategy: string;
    systemRole: Record<string, string>;
  };
  messages: {
    passwordFailed: string;
    dateOrder: string;
    actionsNotList: string;
    invalidChoice: (v: string) => string;
    invalidPk: (v: string) => string;
    /** The 404 of a detail route (`<Model> object does not exist`, with or without a period). */
    notFound: (model: string) => string;
    permissionName: (title: string) => string;
    permissionComment: (
      title: string,
      applicant: string,
      processors: string[],
      id: string,
    ) => string;
    ruleCount: string;
    duplicateFlowName: string;
    noFlowSelected: string;
    wrongFlow: string;
  };
}

const LEVEL_WORDS = ["", "One level", "Two level", "Three level", "Four level", "Five level"];

const ACTIONS_V4: Record<string, string> = {
  connect: "Connect (All protocols)",
  upload: "Upload (RDP, SFTP)",
  download: "Download (RDP, SFTP)",
  copy: "Copy (RDP, VNC)",
  paste: "Paste (RDP, VNC)",
  delete: "Delete (SFTP)",
  share: "Share (Web SSH, Web RDP, Web VNC)",
};

const STRATEGY_LABELS: Record<string, string> = {
  super_admin: "Super admin",
  org_admin: "Org admin",
  super_org_admin: "Super admin and org admin",
  custom_user: "Custom user",
};

const legacyMessages = {
  passwordFailed:
    "The username or password you entered is incorrect, please enter it again. You can also try 7 times (The account will be temporarily locked for 30 minutes)",
  dateOrder: "The expiration date should be greater than the start date",
  actionsNotList: "Invalid data type, should be list",
  invalidChoice: (v: string) => `Invalid choice: ${v}`,
  invalidPk: (v: string) => `Invalid pk "${v}" - object does not exist.`,
  notFound: (model: string) => `${model} object does not exist.`,
  permissionName: (t: string) => `Created by ticket (${t})`,
  ruleCount: "The number of approval rules must match the number of approval levels",
  duplicateFlowName: "A workflow with the same name and type already exists",
  noFlowSelected: "Please select work order flow",
  wrongFlow: "The selected workflow is unavailable",
};

const V3: Profile = {
  version: "v3.10.23",
  dialect: "strategy",
  errors: "legacy",
  namedFlows: false,
  maxLevels: 2,
  unpagedCap: null,
  rateLimit: null,
  wwwAuthenticate: "Bearer",
  defaultOrgName: "Default",
  rootOrgName: "GLOBAL",
  datesRequired: false,
  labels: {
    type: "Apply for asset",
    level: (n) => LEVEL_WORDS[n] ?? `Level ${n}`,
    state: { pending: "Open", approved: "Approved", rejected: "Rejected", closed: "Cancel" },
    status: { open: "Open", closed: "Finished" },
    actions: { ...ACTIONS_V4, share: "Share (SSH)" },
    strategy: STRATEGY_LABELS,
    mfaDisabled: "Disable",
    source: "Local",
    passwordStrategy: "Reset link will be generated and sent to the user",
    systemRole: { admin: "SystemAdmin", user: "User" },
  },
  messages: {
    ...legacyMessages,
    permissionComment: (title, applicant, processors, id) =>
      `Created by the ticket ticket title: ${title} ticket applicant: ${applicant} ticket processor: ${processors[0] ?? ""}, ticket ID: ${id}`,
  },
};

const V4_10_16: Profile = {
  version: "v4.10.16",
  dialect: "selector",
  errors: "legacy",
  namedFlows: false,
  maxLevels: 2,
  unpagedCap: 200,
  rateLimit: [180, 60],
  wwwAuthenticate: 'Signature realm="api",headers="(request-target) date"',
  defaultOrgName: "DEFAULT",
  rootOrgName: "GLOBAL",
  datesRequired: false,
  labels: {
    type: "Apply for asset",
    level: (n) => LEVEL_WORDS[n] ?? `Level ${n}`,
    state: {
      pending: "Pending approval",
      approved: "Approved",
      rejected: "Rejected",
      closed: "Closed",
    },
    status: { open: "Pending approval", closed: "Completed" },
    actions: ACTIONS_V4,
    strategy: STRATEGY_LABELS,
    mfaDisabled: "Disabled",
    source: "Local",
    passwordStrategy: "Reset link will be generated and sent to the user",
    systemRole: { admin: "System Admin", user: "User" },
  },
  messages: {
    ...legacyMessages,
    permissionComment: (title, applicant, processors, id) =>
      `Created by the ticket ticket title: ${title} ticket applicant: ${applicant} ticket processor: ${processors.join(",")} ticket ID: ${id}`,
  },
};

const V4_10_19: Profile = {
  ...V4_10_16,
  version: "v4.10.19",
  errors: "conflict",
  namedFlows: true,
  maxLevels: 5,
  rateLimit: [4096, 60],
  rootOrgName: "Global Organization",
  datesRequired: true,
  labels: {
    ...V4_10_16.labels,
    type: "Request Asset",
    level: (n) => `Level ${n}`,
    actions: { ...ACTIONS_V4, connect: "Connect (All Protocols)" },
    source: "Database",
    passwordStrategy: "Generate password reset link, send to user via email",
    systemRole: { admin: "System Admin", user: "System Operator" },
  },
  messages: {
    ...legacyMessages,
    passwordFailed:
      "The username or password you entered is incorrect, please try again. You have 7 more attempt(s) (the account will be temporarily locked for 30 minutes)",
    dateOrder: "Expiration time must be later than start time",
    actionsNotList: "Incorrect data type, should be a list.",
    invalidChoice: (v: string) => `Invalid option: ${v}`,
    invalidPk: (v: string) => `Invalid pk "${v}" - object does not exist`,
    notFound: (model: string) => `${model} object does not exist`,
    permissionName: (t: string) => `Created via work order (${t})`,
    permissionComment: (title, applicant, processors, id) =>
      `Created via ticket, Ticket Title: ${title}, Ticket Applicant: ${applicant}, Ticket Handler: ${processors.join(",")}, Ticket ID: ${id}`,
  },
};

/** The profile for a dialect/error-mode pair; `errors` only changes how illegal transitions answer. */
export function profileFor(dialect: Dialect, errors: ErrorMode | undefined): Profile {
  if (dialect === "strategy") return { ...V3, errors: errors ?? "legacy" };
  const base = (errors ?? "conflict") === "conflict" ? V4_10_19 : V4_10_16;
  return { ...base };
}
