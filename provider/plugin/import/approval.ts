// `pulumi import jumpserver:index:TicketApproval <name> <ticket id | serial>`: a decided ticket
// (approved or rejected) as the TicketApproval that decided it. Read only. Deleting the imported
// resource revokes an approved ticket's grant, as deleting any approval does (revokeOnDelete).
import { ApprovalOutputs, askedOf, read } from "../../lifecycle/ticketApproval";
import { findTicket } from "./ticket";

export async function importApproval(id: string) {
  const t = await findTicket(id);
  if (t.state !== "approved" && t.state !== "rejected")
    throw new Error(
      `import id ${id}: ticket ${t.serialNum} is ${t.state}; only an approved or rejected ticket is a decision to import (declare a TicketApproval to decide a pending one)`,
    );
  const seed = {
    ticket: t.serialNum || t.id,
    decision: t.state === "approved" ? "approve" : "reject",
    orgId: t.orgId,
    revokeOnDelete: true,
    asked: askedOf(t),
    decidedLevels: [],
    pendingAction: "",
  } as unknown as ApprovalOutputs;
  const { props, inputs } = await read(t.id, seed);
  return {
    id: t.id,
    props: props as unknown as Record<string, unknown>,
    inputs: inputs as unknown as Record<string, unknown>,
  };
}
