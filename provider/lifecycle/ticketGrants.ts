// Grant drift: an approved ticket follows the asset permission its approval created. Deleted or
// disabled in JumpServer, only a new ticket (and a new approval) can grant again; widened or
// narrowed by hand, `up` puts the approved grant back. Expired grants are not drift.
import type { JumpServerClient } from "../client/client";
import { JumpServerError } from "../client/errors";
import { getGrant, putGrantBack } from "../api/permissions";
import type { LiveTicket } from "../api/tickets";
import { Grant, LiveGrant, expiry, grantDrift, normalGrant } from "../model/grants";
import { listedGrants } from "./snapshot";
import { warn } from "./warn";

/** What the approval granted: the closed ticket's own values (an approver's edits are in them). */
export function approvedGrantOf(t: LiveTicket, applicantId: string): Grant {
  return normalGrant({
    users: applicantId ? [applicantId] : [],
    userGroups: [],
    assets: t.assetIds,
    nodes: t.nodeIds,
    accounts: t.accounts,
    actions: t.actions,
    dateStart: t.dateStart,
    dateExpired: t.dateExpired,
    active: true,
  });
}

const refused = (e: unknown) => e instanceof JumpServerError && e.status === 403;

/**
 * The live permission: from the process's list of grants when it could be taken, else one GET;
 * undefined when the identity may not read permissions at all (a plain user refreshing the
 * tickets it applied for), which is warned about once per process.
 */
export async function liveGrant(
  client: JumpServerClient,
  ticketId: string,
  orgId: string,
): Promise<LiveGrant | undefined> {
  const listed = await listedGrants(client, ticketId).catch((e: unknown) => {
    // An org admin can't list from the root org: ask per permission instead.
    if (refused(e) || (e instanceof JumpServerError && e.isNotFound)) return undefined;
    throw e;
  });
  const key = ticketId.toLowerCase();
  const fromList = listed && !listed.unsure.has(key) ? listed.grants.get(key) : undefined;
  if (fromList) return fromList;
  // A missing row is not a deletion: a permission deleted between two offset pages moves every
  // later row up one, and the one that crossed the boundary is in neither page. One GET decides.
  try {
    return (await getGrant(client, ticketId, orgId)) ?? "deleted";
  } catch (e) {
    if (!refused(e)) throw e;
    if (!client.memo.has("grants-refused")) {
      client.memo.set("grants-refused", Promise.resolve());
      warn(
        `this identity may not read asset permissions (403): the grants of approved tickets are not compared with what was approved`,
      );
    }
    return undefined;
  }
}

interface GrantOutputs {
  state: string;
  approvedGrant?: Grant;
  grant?: LiveGrant;
  /** A break-glass grant revoked for want of ratification: its absence is the point, not drift. */
  revokedAt?: string;
}

/** The grant properties that drifted, [] when there is nothing to compare or the grant has expired. */
export function driftOf(props: GrantOutputs, now = Date.now()): string[] {
  const { approvedGrant, grant } = props;
  if (props.state !== "approved" || !approvedGrant || !grant || props.revokedAt) return [];
  if (expiry(approvedGrant.dateExpired, now).expired) return [];
  return grantDrift(grant, approvedGrant);
}

/**
 * Puts the approved grant back and checks the server kept it. A grant that names no asset and no
 * node is refused whatever the server answered: no approval grants nothing, so it can only be a
 * ticket read wrongly (a list serialized in another org, #18), and writing it would wipe access.
 */
/**
 * What a grant lacks that no approval can leave out: an asset or node, an account, an action, an
 * end. Such a grant was read from an answer that did not say (another org's list row, a proxy, a
 * server that changed a shape), never approved.
 */
export function hollowParts(g: Grant): string[] {
  const out: string[] = [];
  if (g.assets.length === 0 && g.nodes.length === 0) out.push("asset and no node");
  if (g.accounts.length === 0) out.push("account");
  if (g.actions.length === 0) out.push("action");
  if (!g.dateExpired) out.push("end date");
  return out;
}

export async function restoreGrant(
  client: JumpServerClient,
  ticketId: string,
  orgId: string,
  approved: Grant,
): Promise<Grant> {
  const hollow = hollowParts(approved);
  if (hollow.length > 0)
    throw new Error(
      `the approved grant of ticket ${ticketId} has no ${hollow.join(", no ")}; refusing to write it over the asset permission (it would take that access away). Run \`pulumi refresh\` with this version to read the ticket again`,
    );
  const now = await putGrantBack(client, ticketId, orgId, approved);
  const left = grantDrift(now, approved);
  if (left.length > 0)
    throw new Error(
      `the asset permission of ticket ${ticketId} was put back, but JumpServer kept other ${left.join(", ")}`,
    );
  return now;
}
