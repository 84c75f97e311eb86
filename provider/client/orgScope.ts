// Which org a request is scoped to (the X-JMS-ORG header), named at every call: JumpServer answers
// differently per org (kit README, "Multi-org mode"), so no call may leave it to a default.
// - root: every org at once (lists span all orgs; the apply-asset ticket list is full only here;
//   relation lists are empty here);
// - org: that org (a community edition takes any org but Default and root as Default);
// - none: no header (the server's own default, Default; ticket detail routes don't care).
import { ROOT_ORG_ID } from "../settings";

export type OrgScope = { kind: "root" } | { kind: "org"; id: string } | { kind: "none" };

export const rootOrg: OrgScope = Object.freeze({ kind: "root" });
export const noOrgHeader: OrgScope = Object.freeze({ kind: "none" });

/** One org by id (the root org's id is the root scope). */
export function inOrg(id: string): OrgScope {
  return id.toLowerCase() === ROOT_ORG_ID ? rootOrg : { kind: "org", id };
}

/** The X-JMS-ORG value of a scope, or undefined for no header. */
export function orgHeader(scope: OrgScope): string | undefined {
  switch (scope.kind) {
    case "root":
      return ROOT_ORG_ID;
    case "org":
      return scope.id;
    case "none":
      return undefined;
  }
}

export function isOrgScope(v: unknown): v is OrgScope {
  return (
    typeof v === "object" &&
    v !== null &&
    ["root", "org", "none"].includes((v as { kind?: unknown }).kind as string)
  );
}
