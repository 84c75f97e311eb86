// TicketApproval inputs, validated without network access, and the grant an approval sends.
// Every failure names the property. A ticket this resource already decided keeps its decision:
// changing `decision`, `grant` or `orgId` for the same ticket fails here, at preview.
import { ACTIONS, normalizeActions } from "./actions";
import { normalizeDate, parseDate } from "./dates";
import { UUID } from "../settings";
import { Failure, inInputOrder, shapeFailures, tableShape } from "./inputShapes";
import type { CheckedInputs } from "./fields";
import { comparable } from "./fields";
import {
  APPROVAL_INPUTS,
  APPROVAL_INPUT_KEYS,
  Asked,
  GRANT_KEYS,
  Grant,
  Reviewed,
} from "./approvalFields";
import type { GrantBody } from "./grants";
import { hasUnknown, isUnknown } from "./unknown";

export type ApprovalInputs = CheckedInputs<typeof APPROVAL_INPUTS>;

const SERIAL = /^\d{12,}$/;
const ACCOUNT_ALIASES = ["@ALL", "@SPEC", "@INPUT", "@USER", "@ANON"];

export function checkApprovalInputs(
  news: Record<string, unknown>,
  olds: Record<string, unknown>,
  defaultOrgId: string,
): { inputs?: ApprovalInputs; failures: Failure[] } {
  const unknownInput = `unknown input; TicketApproval takes ${APPROVAL_INPUT_KEYS.join(", ")}`;
  const failures: Failure[] = shapeFailures(tableShape(APPROVAL_INPUTS), news, () => unknownInput)
    // A key the grant lacks: named as a grant field (an odd key such as "" names the grant).
    .map((f) => {
      if (!f.property.startsWith("grant.") || f.reason !== unknownInput) return f;
      const key = f.property.slice("grant.".length);
      const reason = `unknown field ${JSON.stringify(key)}; a grant takes ${GRANT_KEYS.join(", ")}`;
      return { property: /^[A-Za-z_$][\w$]*$/.test(key) ? f.property : "grant", reason };
    });
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const misshapen = new Set(failures.map((f) => f.property.split(/[.[]/)[0]));
  const shaped = (key: string) => !misshapen.has(key);

  let ticket = typeof news.ticket === "string" ? news.ticket.trim() : "";
  if (shaped("ticket") && !isUnknown(news.ticket)) {
    if (UUID.test(ticket)) ticket = ticket.toLowerCase();
    else if (!SERIAL.test(ticket))
      fail(
        "ticket",
        `expected a ticket serial number (12 digits, e.g. 202612010001) or id, got ${JSON.stringify(news.ticket ?? null)}`,
      );
  }
  if (isUnknown(news.ticket)) ticket = news.ticket as string;

  const decision = news.decision as ApprovalInputs["decision"];
  if (shaped("decision") && !isUnknown(decision) && decision !== "approve" && decision !== "reject")
    fail("decision", `expected "approve" or "reject", got ${JSON.stringify(decision ?? null)}`);

  let orgId = (
    !shaped("orgId") || news.orgId === undefined || news.orgId === null || news.orgId === ""
      ? defaultOrgId
      : news.orgId
  ) as string;
  if (!isUnknown(orgId) && UUID.test(orgId)) orgId = orgId.toLowerCase();
  if (shaped("orgId") && !isUnknown(orgId) && !UUID.test(orgId))
    fail("orgId", `expected an organization UUID, got ${JSON.stringify(orgId)}`);

  let grant: Grant | undefined;
  if (shaped("grant") && news.grant !== undefined && news.grant !== null) {
    if (decision === "reject")
      fail("grant", 'a grant narrows an approval; leave it out with decision "reject"');
    grant = isUnknown(news.grant) ? (news.grant as Grant) : checkGrant(news.grant as Grant, fail);
  }
  let reviewed: Reviewed | undefined;
  if (shaped("reviewed") && news.reviewed !== undefined && news.reviewed !== null) {
    if (decision === "reject")
      fail(
        "reviewed",
        'reviewed pins what an approval approves; leave it out with decision "reject"',
      );
    reviewed = isUnknown(news.reviewed)
      ? (news.reviewed as Reviewed)
      : checkReviewed(news.reviewed as Reviewed, fail);
  }
  const revokeOnDelete = (news.revokeOnDelete ?? true) as boolean;

  // The same ticket already decided by this resource: its decision stands.
  const same =
    typeof olds.ticket === "string" &&
    !isUnknown(ticket) &&
    comparable(APPROVAL_INPUTS.ticket, "ticket", olds.ticket, {}) ===
      comparable(APPROVAL_INPUTS.ticket, "ticket", ticket, {});
  if (same && failures.length === 0) {
    const now: Record<string, unknown> = { decision, orgId, grant, reviewed };
    for (const key of ["decision", "grant", "orgId", "reviewed"] as const) {
      if (hasUnknown(now[key])) continue;
      const spec = APPROVAL_INPUTS[key];
      if (comparable(spec, key, olds[key], {}) === comparable(spec, key, now[key], {})) continue;
      fail(
        key,
        `ticket ${ticket} was already decided by this TicketApproval (${String(olds.decision)}): a decision can't be undone or changed (JumpServer has no reopen). Keep ${key} as it was; to take the access back, remove the TicketApproval (its delete revokes the permission) and let a new ticket be opened`,
      );
    }
  }

  if (failures.length > 0) return { failures: inInputOrder(failures, APPROVAL_INPUT_KEYS) };
  const inputs: ApprovalInputs = { ticket, decision, orgId, revokeOnDelete };
  if (grant !== undefined) inputs.grant = grant;
  if (reviewed !== undefined) inputs.reviewed = reviewed;
  return { inputs, failures };
}

/** The pinned ask, spelled as the grant is (ids lowercased, actions folded, dates as instants). */
function checkReviewed(r: Reviewed, fail: (p: string, r: string) => void): Reviewed {
  const out: Reviewed = {};
  for (const k of ["assets", "nodes", "accounts"] as const) {
    const v = r[k];
    if (v === undefined || v === null) continue;
    out[k] = isUnknown(v) ? v : v.map((x) => (isUnknown(x) ? x : lower(x.trim())));
  }
  if (r.actions !== undefined && r.actions !== null) {
    if (hasUnknown(r.actions)) out.actions = r.actions;
    else {
      const { actions, unknown } = normalizeActions(r.actions);
      unknown.forEach((u) =>
        fail("reviewed.actions", `unknown action "${u}"; expected all, ${ACTIONS.join(", ")}`),
      );
      out.actions = actions;
    }
  }
  for (const k of ["dateStart", "dateExpired"] as const) {
    const v = r[k];
    if (v === undefined || v === null || v === "") continue;
    if (isUnknown(v)) out[k] = v;
    else {
      const iso = normalizeDate(v);
      if (!iso)
        fail(
          `reviewed.${k}`,
          `not a date: ${JSON.stringify(v)}; expected ISO-8601 or YYYY/MM/DD HH:MM:SS +ZZZZ`,
        );
      else out[k] = iso;
    }
  }
  return out;
}

function checkGrant(g: Grant, fail: (p: string, r: string) => void): Grant {
  const out: Grant = {};
  const list = (k: "assets" | "nodes" | "accounts") => {
    const v = g[k];
    if (v === undefined || v === null) return;
    out[k] = isUnknown(v) ? v : v.map((x) => (isUnknown(x) ? x : lower(x.trim())));
  };
  list("assets");
  list("nodes");
  list("accounts");
  const known = (v: unknown): v is string[] => Array.isArray(v) && !hasUnknown(v);
  if (known(out.assets) && known(out.nodes) && out.assets.length + out.nodes.length === 0)
    fail(
      "grant.assets",
      "grant at least one asset or node (JumpServer refuses the final approval otherwise)",
    );
  if (known(out.accounts)) {
    out.accounts.forEach((a, i) => {
      if (a.startsWith("@") && !ACCOUNT_ALIASES.includes(a))
        fail(`grant.accounts[${i}]`, `unknown alias ${a}; expected ${ACCOUNT_ALIASES.join(", ")}`);
    });
    if (out.accounts.length === 0)
      fail("grant.accounts", "grant at least one account or alias such as @ALL");
  }
  if (g.actions !== undefined && g.actions !== null) {
    if (!known(g.actions)) out.actions = g.actions;
    else {
      const { actions, unknown } = normalizeActions(g.actions);
      unknown.forEach((u) =>
        fail("grant.actions", `unknown action "${u}"; expected all, ${ACTIONS.join(", ")}`),
      );
      if (actions.length === 0 && unknown.length === 0)
        fail("grant.actions", "expected at least one action (an empty list grants nothing)");
      out.actions = actions;
    }
  }
  if (g.dateExpired !== undefined && g.dateExpired !== null && g.dateExpired !== "") {
    if (isUnknown(g.dateExpired)) out.dateExpired = g.dateExpired;
    else {
      const iso = normalizeDate(g.dateExpired);
      if (!iso)
        fail(
          "grant.dateExpired",
          `not a date: ${JSON.stringify(g.dateExpired)}; expected ISO-8601 or YYYY/MM/DD HH:MM:SS +ZZZZ`,
        );
      else out.dateExpired = iso;
    }
  }
  return out;
}

/**
 * The grant within what the ticket asked for; every widening is a failure naming the property.
 * Names were resolved to ids in the ticket's org beforehand (`ids`: "assets:<name>" → id, nodes by
 * value or full path), so a node's full path names that node, never another with its last segment.
 */
export function narrowGrant(
  asked: Asked,
  orgId: string,
  grant: Grant | undefined,
  ids: Record<string, string>,
): { body?: GrantBody; failures: Failure[] } {
  const failures: Failure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const g = grant ?? {};
  const pick = (k: "assets" | "nodes", names: string[], askedIds: string[]) => {
    if (g[k] === undefined) return askedIds;
    const out: string[] = [];
    g[k]!.forEach((x, i) => {
      const id = UUID.test(x) ? x.toLowerCase() : ids[`${k}:${x}`];
      if (id === undefined || !askedIds.includes(id))
        fail(
          `grant.${k}[${i}]`,
          `${JSON.stringify(x)} is not among the ${k} the ticket asked for (${names.join(", ") || "none"}); a grant can only narrow`,
        );
      else if (!out.includes(id)) out.push(id);
    });
    return out;
  };
  const assets = pick("assets", asked.assets, asked.assetIds);
  const nodes = pick("nodes", asked.nodes, asked.nodeIds);
  if (assets.length + nodes.length === 0 && (g.assets || g.nodes))
    fail("grant.assets", "grant at least one asset or node");

  const accounts = g.accounts ?? asked.accounts;
  if (g.accounts) {
    const all = asked.accounts.includes("@ALL");
    g.accounts.forEach((a, i) => {
      const within = asked.accounts.includes(a) || (all && (a === "@SPEC" || !a.startsWith("@")));
      if (!within)
        fail(
          `grant.accounts[${i}]`,
          `${JSON.stringify(a)} is not within the accounts the ticket asked for (${asked.accounts.join(", ")}); a grant can only narrow`,
        );
    });
  }

  const bits = (list: string[]) => (list.includes("all") ? [...ACTIONS] : list);
  const actions = g.actions ?? asked.actions;
  if (g.actions) {
    const allowed = bits(asked.actions);
    const wider = bits(g.actions).filter((a) => !(allowed as string[]).includes(a));
    if (wider.length > 0)
      fail(
        "grant.actions",
        `${wider.join(", ")} not among the actions the ticket asked for (${asked.actions.join(", ")}); a grant can only narrow`,
      );
  }

  const dateExpired = g.dateExpired ?? asked.dateExpired;
  if (g.dateExpired) {
    const end = parseDate(g.dateExpired)!;
    if (end > parseDate(asked.dateExpired)!)
      fail(
        "grant.dateExpired",
        `${g.dateExpired} is later than the ticket's dateExpired ${asked.dateExpired}; a grant can only end earlier`,
      );
    else if (end <= parseDate(asked.dateStart)!)
      fail(
        "grant.dateExpired",
        `${g.dateExpired} must be later than the ticket's dateStart ${asked.dateStart}`,
      );
  }
  if (failures.length > 0) return { failures };
  return {
    failures,
    body: {
      org_id: orgId,
      apply_assets: assets,
      apply_nodes: nodes,
      apply_accounts: accounts,
      apply_actions: actions,
      apply_date_start: asked.dateStart,
      apply_date_expired: dateExpired,
    },
  };
}

function lower(x: string): string {
  return UUID.test(x) ? x.toLowerCase() : x;
}
