// The names a ticket asks for, as ids: the identity, the applicant, assets, nodes and the flow,
// one lookup per name and process (cached on the client), with the spellings each has recorded.
import { JumpServerClient } from "../client/client";
import { checkedEach } from "../api/answers";
import { resolveAsset, resolveNode, resolveUser } from "../api/lookups";
import type { TicketInputs } from "../model/ticketInputs";
import { UUID } from "../settings";
import { inOrg } from "../client/orgScope";

/** The identity, and every name the ticket asks for, as ids (one lookup per name and process). */
export async function resolveAsked(client: JumpServerClient, inputs: TicketInputs) {
  const me = await client.profile();
  const applicant = inputs.applicant
    ? await resolveUser(client, inputs.applicant, "applicant")
    : { id: me.id, username: me.username, name: me.name };
  const resolvedIds: Record<string, string> = {};
  if (inputs.applicant && !UUID.test(inputs.applicant))
    resolvedIds[`applicant:${inputs.applicant}`] = applicant.id;
  const [assetIds, nodeIds] = await Promise.all([
    Promise.all(
      inputs.assets.map(async (a, i) => {
        if (UUID.test(a)) return a.toLowerCase(); // the post-open comparison catches foreign or unknown ids
        const ref = await resolveAsset(client, a, inputs.orgId, `assets[${i}]`);
        resolvedIds[`assets:${a}`] = ref.id;
        return ref.id;
      }),
    ),
    Promise.all(
      inputs.nodes.map(async (n, i) => {
        if (UUID.test(n)) return n.toLowerCase();
        const ref = await resolveNode(client, n, inputs.orgId, `nodes[${i}]`);
        // Both spellings of a node, its value and its full path, name the same node.
        resolvedIds[`nodes:${n}`] = ref.id;
        resolvedIds[`nodes:${ref.value}`] = ref.id;
        if (ref.fullValue) resolvedIds[`nodes:${ref.fullValue}`] = ref.id;
        return ref.id;
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
