// The one rule for every approve the package sends (AssetAccessTicket create, update and a lost
// answer; TicketApproval): the body is the grant the program declared, resolved to ids, never the
// live ticket's. Any approver may edit a ticket's apply_* at their level, so the live ticket is
// untrusted: it can narrow what is approved (a person's narrowing stays theirs), never widen it.
import { ACTIONS, normalizeActions } from "./actions";
import { isoSeconds, parseDate } from "./dates";
import type { GrantBody } from "./grants";

/** A grant as ids: what the program declared, or what the live ticket asks for now. */
export interface GrantAsk {
  orgId: string;
  assetIds: string[];
  nodeIds: string[];
  accounts: string[];
  actions: string[];
  dateStart: string;
  dateExpired: string;
}

export type ApprovalBody =
  | {
      body: GrantBody;
      /** The fields on which the live ticket asked for more than was declared (narrowed away). */
      narrowed: string[];
    }
  | { refused: string };

const lower = (xs: readonly string[]) => [...new Set(xs.map((x) => String(x).toLowerCase()))];
const actionBits = (xs: readonly string[]): string[] => {
  const { actions } = normalizeActions([...xs]);
  return actions.includes("all") ? [...ACTIONS] : actions;
};

/** Accounts within both: an "@ALL" side admits every account the other side names. */
function commonAccounts(declared: string[], live: string[]): string[] {
  if (declared.includes("@ALL")) return [...live];
  if (live.includes("@ALL")) return [...declared];
  return declared.filter((a) => live.includes(a));
}

/**
 * The body that approves what both the program declared and the live ticket asks for: the
 * intersection, field by field (assets, nodes, accounts, actions; the later start, the earlier
 * end). Refused when the ticket moved to another org or nothing would be left to grant.
 */
export function approvalBody(declared: GrantAsk, live: GrantAsk): ApprovalBody {
  if (declared.orgId.toLowerCase() !== live.orgId.toLowerCase())
    return {
      refused: `the ticket is now in org ${live.orgId}, not the declared ${declared.orgId}`,
    };
  const narrowed: string[] = [];
  const within = (field: string, mine: string[], theirs: string[]) => {
    const keep = mine.filter((x) => theirs.includes(x));
    if (theirs.some((x) => !mine.includes(x))) narrowed.push(field);
    return keep;
  };
  const assets = within("assets", lower(declared.assetIds), lower(live.assetIds));
  const nodes = within("nodes", lower(declared.nodeIds), lower(live.nodeIds));
  if (assets.length + nodes.length === 0)
    return {
      refused: `the ticket now asks for none of the declared assets and nodes (it asks for assets [${live.assetIds.join(", ")}], nodes [${live.nodeIds.join(", ")}])`,
    };
  const accounts = commonAccounts(declared.accounts, live.accounts);
  if (live.accounts.some((a) => !accounts.includes(a))) narrowed.push("accounts");
  if (accounts.length === 0)
    return {
      refused: `the ticket's accounts (${live.accounts.join(", ")}) share none with the declared ${declared.accounts.join(", ")}`,
    };
  const mine = actionBits(declared.actions);
  const theirs = actionBits(live.actions);
  const actions = within("actions", mine, theirs);
  if (actions.length === 0)
    return {
      refused: `the ticket's actions (${live.actions.join(", ")}) share none with the declared ${declared.actions.join(", ")}`,
    };
  const at = (text: string) => parseDate(text);
  const [ds, ls, de, le] = [
    at(declared.dateStart),
    at(live.dateStart),
    at(declared.dateExpired),
    at(live.dateExpired),
  ];
  if (ds === undefined || de === undefined)
    return { refused: "the declared grant has no valid dateStart and dateExpired" };
  // An unreadable live date is no licence: the declared one stands.
  const start = ls !== undefined && ls > ds ? ls : ds;
  const end = le !== undefined && le < de ? le : de;
  if (ls !== undefined && ls < ds) narrowed.push("dateStart");
  if (le !== undefined && le > de) narrowed.push("dateExpired");
  if (end <= start)
    return {
      refused: `the ticket's dates (${live.dateStart} to ${live.dateExpired}) leave no time within the declared ${declared.dateStart} to ${declared.dateExpired}`,
    };
  return {
    narrowed,
    body: {
      org_id: declared.orgId,
      apply_assets: assets,
      apply_nodes: nodes,
      apply_accounts: accounts,
      apply_actions: normalizeActions(actions).actions,
      apply_date_start: isoSeconds(start),
      apply_date_expired: isoSeconds(end),
    },
  };
}

/** A grant body (what an open sends, or what the program declares) as a grant ask. */
export function askOf(body: GrantBody): GrantAsk {
  return {
    orgId: body.org_id,
    assetIds: body.apply_assets,
    nodeIds: body.apply_nodes,
    accounts: body.apply_accounts,
    actions: body.apply_actions,
    dateStart: body.apply_date_start,
    dateExpired: body.apply_date_expired,
  };
}
