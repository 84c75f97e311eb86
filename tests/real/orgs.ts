// The orgs the real-layer suites run in. One suite body, parametrized by an org descriptor:
// - Default, on every target, with the ready file's people (`requester` applies, `approver`
//   approves level 2) and web-01/web-02;
// - Ops, with ops-bastion and the /Ops node. On a multi-org server (ready file `"multiOrg": true`,
//   JumpServer Enterprise's org scoping) every suite runs there too, its people being users who
//   exist only in Ops, created by the suite through JumpServer's API as an admin would
//   (POST users/users/ with Ops's X-JMS-ORG: the user gets Ops's OrgUser role and no other org).
//   On a community server X-JMS-ORG cannot name Ops (it reads as Default), only a ticket body's
//   org_id reaches it: there Ops runs only the second-org regressions (#18), with `requester`.
import type { JumpServerClient } from "../../provider/client/client";
import type { ReadyFile } from "./targets";

export const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";
export const ROOT_ORG = "00000000-0000-0000-0000-000000000000";

export type OrgKey = "default" | "ops";

export interface OrgCase {
  key: OrgKey;
  /** "Default" or "Ops". */
  label: string;
  id: string;
  /** Whether X-JMS-ORG reaches this org (Default always; Ops only on a multi-org server). */
  scoped: boolean;
  /** Asset names of the org, in the order the suites use them (the first is "the" asset). */
  assets: string[];
  /** An asset name outside the org's asks (for widening checks). */
  outsider: string;
  /** The org's own node: the `value` a ticket names it by, and its id. */
  node: { value: string; id: string };
  /** Who opens tickets and who approves the level the pipeline does not. */
  applicant: string;
  approver: string;
}

/** The orgs a target's suites run in: Default, and Ops when the server scopes orgs. */
export function orgKeys(multiOrg: boolean): OrgKey[] {
  return multiOrg ? ["default", "ops"] : ["default"];
}

export function orgLabel(key: OrgKey): string {
  return key === "default" ? "Default" : "Ops";
}

/**
 * The descriptor of `key` on this target. For Ops on a multi-org server the people are created
 * first (ensureOrgPeople) and added to `ready.users`.
 */
export function orgCase(ready: ReadyFile, key: OrgKey, multiOrg: boolean, run: string): OrgCase {
  if (key === "default") {
    const node = ready.nodes.find(
      (n) => n.orgId === DEFAULT_ORG && n.fullValue.split("/").length === 3,
    );
    return {
      key,
      label: "Default",
      id: DEFAULT_ORG,
      scoped: true,
      assets: ["web-01", "web-02"],
      outsider: "db-01",
      node: node ? { value: node.value, id: node.id } : { value: "probe-servers", id: "" },
      applicant: "requester",
      approver: "approver",
    };
  }
  const ops = ready.orgs.find((o) => o.name === "Ops");
  if (!ops) throw new Error("the ready file has no org Ops");
  const node = ready.nodes.find((n) => n.orgId === ops.id);
  if (!node) throw new Error("the ready file has no node in Ops");
  const assets = ready.assets.filter((a) => a.orgId === ops.id).map((a) => a.name);
  if (assets.length === 0) throw new Error("the ready file has no asset in Ops");
  return {
    key,
    label: "Ops",
    id: ops.id,
    scoped: multiOrg,
    assets,
    outsider: "web-01",
    node: { value: node.value, id: node.id },
    applicant: multiOrg ? opsUsername("requester", run) : "requester",
    approver: multiOrg ? opsUsername("approver", run) : "approver",
  };
}

const opsUsername = (role: string, run: string) => `ops-${role}-${run}`;

/**
 * Makes the org's people exist: on a multi-org server, Ops's applicant and approver are created
 * in Ops only (once per run and server; a kit reset removes them), with a password, and added to
 * `ready.users` so that the suites can act as them (username and password: a new user has no
 * access key). Elsewhere nothing to do.
 */
export async function ensureOrgPeople(
  admin: JumpServerClient,
  ready: ReadyFile,
  org: OrgCase,
): Promise<void> {
  if (org.key !== "ops" || !org.scoped) return;
  for (const username of [org.applicant, org.approver]) {
    if (ready.users.some((u) => u.username === username)) continue;
    const password = `Pjt#${username.replace(/[^a-z0-9]/gi, "").slice(-12)}Aa1`;
    const existing = await admin.list<Record<string, any>>("/api/v1/users/users/", {
      org: org.id,
      query: { username },
    });
    let id: string;
    if (existing.length > 0) {
      id = existing[0].id;
      // Same password as when it was created (derived from the name): nothing to change.
    } else {
      const made = await admin.request<Record<string, any>>("POST", "/api/v1/users/users/", {
        org: org.id,
        body: {
          username,
          name: username,
          email: `${username}@example.com`,
          password_strategy: "custom",
          password,
          need_update_password: false,
          mfa_level: 0,
        },
      });
      id = made.id;
    }
    ready.users.push({
      id,
      username,
      name: username,
      role: "user",
      password,
      privateToken: "",
      accessKey: { id: "", secret: "" },
    } as ReadyFile["users"][number]);
  }
  // The point of the case: these users are invisible from Default (as Enterprise answers).
  const fromDefault = await admin.list<Record<string, any>>("/api/v1/users/users/", {
    org: DEFAULT_ORG,
    query: { username: org.applicant },
  });
  if (fromDefault.length !== 0)
    throw new Error(`${org.applicant} shows in Default: the server does not scope users by org`);
}
