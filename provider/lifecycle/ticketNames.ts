// The names a ticket asks for, as ids: the identity, the applicant, assets, nodes and the flow,
// one lookup per name and process (cached on the client), with the spellings each has recorded.
import { JumpServerClient } from "../client/client";
import { JumpServerError } from "../client/errors";
import { checkedEach } from "../api/answers";
import { LookupError, resolveAsset, resolveNode, resolveUser } from "../api/lookups";
import type { TicketInputs } from "../model/ticketInputs";
import { UUID } from "../settings";
import { inOrg } from "../client/orgScope";

/**
 * The identity, and every name the ticket asks for, as ids (one lookup per name and process).
 * Every spelling of each object is recorded in `resolvedIds` ("<field>:<spelling>" → id), whichever
 * the program gave: an asset's name, a node's value and full value, the applicant's username. An
 * object given by id is looked up too (by id, once per process) for its names, so that spelling it
 * by name at the next diff is no change, as spelling by id an object given by name is not.
 */
export async function resolveAsked(client: JumpServerClient, inputs: TicketInputs) {
  const me = await client.profile();
  // Ids in any case are one id (the lookups compare them as the server writes them).
  const asId = (x: string) => (UUID.test(x) ? x.toLowerCase() : x);
  const applicant = inputs.applicant
    ? await resolveUser(client, asId(inputs.applicant), "applicant", inputs.orgId)
    : { id: me.id, username: me.username, name: me.name };
  const resolvedIds: Record<string, string> = {};
  if (inputs.applicant) {
    resolvedIds[`applicant:${applicant.username}`] = applicant.id;
    if (!UUID.test(inputs.applicant)) resolvedIds[`applicant:${inputs.applicant}`] = applicant.id;
  }
  const [assetIds, nodeIds] = await Promise.all([
    Promise.all(
      inputs.assets.map(async (a, i) => {
        if (UUID.test(a)) {
          // The post-open comparison catches foreign or unknown ids; the lookup only learns the name.
          const ref = await spelling(resolveAsset(client, asId(a), inputs.orgId, `assets[${i}]`));
          if (ref) resolvedIds[`assets:${ref.name}`] = ref.id;
          return asId(a);
        }
        const ref = await resolveAsset(client, a, inputs.orgId, `assets[${i}]`);
        resolvedIds[`assets:${a}`] = ref.id;
        return ref.id;
      }),
    ),
    Promise.all(
      inputs.nodes.map(async (n, i) => {
        const byId = UUID.test(n);
        const lookup = resolveNode(client, asId(n), inputs.orgId, `nodes[${i}]`);
        const ref = byId ? await spelling(lookup) : await lookup;
        if (!ref) return asId(n);
        // Every spelling of a node, its value and its full path, names the same node.
        if (!byId) resolvedIds[`nodes:${n}`] = ref.id;
        resolvedIds[`nodes:${ref.value}`] = ref.id;
        if (ref.fullValue) resolvedIds[`nodes:${ref.fullValue}`] = ref.id;
        return byId ? asId(n) : ref.id;
      }),
    ),
  ]);
  const flowId = inputs.flow ? await resolveFlowId(client, inputs.flow, inputs.orgId) : undefined;
  // Either spelling of the flow, its name or its id, names the same flow at the next diff.
  const flowName =
    inputs.flow && flowId && UUID.test(inputs.flow)
      ? await flowNameOf(client, flowId, inputs.orgId)
      : inputs.flow;
  if (flowName && flowId) resolvedIds[`flow:${flowName.toLowerCase()}`] = flowId;
  return { me, applicant, resolvedIds, assetIds, nodeIds, flowId };
}

/**
 * An object given by id, for its names only: an id the lookup can't place (unknown, in another
 * org) is left to the comparison after the open, as before, and so is one an identity may not look
 * up (a plain user opening its own ticket gets 403 from the asset list: its ids are its spelling).
 * Any other failed request is not (nothing is written yet, and a spelling left unrecorded would
 * plan a replacement at the next diff).
 */
async function spelling<T>(lookup: Promise<T>): Promise<T | undefined> {
  try {
    return await lookup;
  } catch (e) {
    if (e instanceof LookupError) return undefined;
    if (e instanceof JumpServerError && e.status === 403) return undefined;
    throw e;
  }
}

/**
 * The org's named apply-asset flows, one lookup per org and process like every other name (a
 * large apply would otherwise pay one request per ticket); a failed lookup is forgotten so the
 * next ticket asks again.
 */
export async function flowOptions(
  client: JumpServerClient,
  orgId: string,
): Promise<Record<string, unknown>[]> {
  const key = `flow-options:${orgId}`;
  let pending = client.memo.get(key) as Promise<unknown> | undefined;
  if (!pending) {
    pending = client.get<unknown>("/api/v1/tickets/flows/options/", {
      query: { type: "apply_asset", org_id: orgId },
      org: inOrg(orgId),
    });
    pending.catch(() => client.memo.delete(key));
    client.memo.set(key, pending);
  }
  const rows = await pending;
  return Array.isArray(rows) ? checkedEach("row", rows, "the flow options") : [];
}

/** The name of a flow given by id, if it is a named one (a spelling only: a failure is no name). */
export async function flowNameOf(
  client: JumpServerClient,
  id: string,
  orgId: string,
): Promise<string | undefined> {
  const rows = await flowOptions(client, orgId).catch(() => []);
  const name = rows.find((r) => String(r.id).toLowerCase() === id)?.name;
  return typeof name === "string" && name ? name : undefined;
}

export async function resolveFlowId(
  client: JumpServerClient,
  flow: string,
  orgId: string,
): Promise<string> {
  if (UUID.test(flow)) return flow.toLowerCase();
  const named = (rows: Record<string, unknown>[]) =>
    rows.filter((r) => String(r.name ?? "").toLowerCase() === flow.toLowerCase());
  let rows = await flowOptions(client, orgId);
  if (named(rows).length === 0) {
    // The flow may have been created since the list was read: by a TicketFlow earlier in this
    // same `up`. Ask again once.
    client.memo.delete(`flow-options:${orgId}`);
    rows = await flowOptions(client, orgId);
  }
  const matches = named(rows);
  if (matches.length !== 1) {
    throw new Error(
      `flow: ${matches.length === 0 ? "no" : "more than one"} apply_asset flow named "${flow}" is usable in org ${orgId}${
        rows.length
          ? ` (available: ${rows.map((r) => JSON.stringify(r.name)).join(", ")})`
          : " (named flows need JumpServer v4.10.19+)"
      }`,
    );
  }
  return String(matches[0].id);
}
