// `pulumi import jumpserver:index:AssetAccessTicket <name> <ticket id | serial>`: a pending or
// approved apply-asset ticket, with its grant. Read only: the state is built from the ticket as
// the lifecycle's own read sees it, with names (assets, nodes, the applicant) as the program would
// write them and the ids they stand for recorded, so the code `import` prints previews clean.
import { JumpServerError } from "../../client/errors";
import { LiveTicket, findBySerial, getTicket } from "../../api/tickets";
import { currentClient } from "../../lifecycle/context";
import { read, TicketOutputs } from "../../lifecycle/assetAccessTicket";
import type { TicketInputs } from "../../model/ticketInputs";
import { relatedId } from "../../api/answers";
import { resolveUser } from "../../api/lookups";
import { UUID } from "../../settings";
import { parseTicketRef } from "./ids";

export async function importTicket(id: string) {
  const t = await findTicket(id);
  if (t.state !== "pending" && t.state !== "approved")
    throw new Error(
      `import id ${id}: ticket ${t.serialNum} is ${t.state}; only a pending or approved ticket asks for or holds access`,
    );
  const resolvedIds: Record<string, string> = {};
  const named = (field: string, list: unknown, ids: string[]) => {
    const rows = Array.isArray(list) ? (list as Array<Record<string, unknown>>) : [];
    return ids.map((x) => {
      const row = rows.find((r) => relatedId(r) === x);
      const name = String(row?.name ?? row?.value ?? "");
      if (!name || rows.filter((r) => String(r.name ?? r.value ?? "") === name).length > 1)
        return x;
      resolvedIds[`${field}:${name}`] = x;
      return name;
    });
  };
  // The apply-asset serializer shows the applicant as "Name(username)": its id is looked up.
  const listed = relatedId(t.raw.applicant);
  const applicantId = UUID.test(listed)
    ? listed
    : (await resolveUser(currentClient(), t.applicantUsername, "applicant", t.orgId)).id;
  const inputs: TicketInputs = {
    title: t.title,
    orgId: t.orgId,
    assets: named("assets", t.raw.apply_assets, t.assetIds),
    nodes: named("nodes", t.raw.apply_nodes, t.nodeIds),
    accounts: t.accounts,
    actions: t.actions,
    dateStart: t.dateStart,
    dateExpired: t.dateExpired,
    comment: t.comment.replace(/\s*\[pulumi:[0-9a-f-]{36}\]/gi, ""),
    approve: false,
    revokeOnDelete: true,
  } as TicketInputs;
  if (t.applicantUsername) {
    inputs.applicant = t.applicantUsername;
    resolvedIds[`applicant:${t.applicantUsername}`] = applicantId;
  }
  // The lifecycle's read completes the outputs (state, grant, expiry) from the same ticket.
  const seed = {
    ...inputs,
    ticketId: t.id,
    serialNum: t.serialNum,
    state: t.state,
    status: t.status,
    applicantId,
    resolvedIds,
    requestId: "",
    pendingAction: "",
  } as unknown as TicketOutputs;
  const { props, inputs: readInputs } = await read(t.id, seed);
  return {
    id: t.id,
    props: props as unknown as Record<string, unknown>,
    inputs: readInputs as unknown as Record<string, unknown>,
  };
}

/** The apply-asset ticket an import id (ticket id or serial) names, as this identity sees it. */
export async function findTicket(id: string): Promise<LiveTicket> {
  const ref = parseTicketRef(id, "the ticket");
  const client = currentClient();
  let t: LiveTicket | undefined;
  if (/^\d+$/.test(ref)) t = await findBySerial(client, ref);
  else {
    try {
      t = await getTicket(client, ref);
    } catch (e) {
      if (!(e instanceof JumpServerError && e.isNotFound)) throw e;
    }
  }
  if (!t)
    throw new Error(`import id ${id}: no apply-asset ticket ${ref} is visible to this identity`);
  return t;
}
