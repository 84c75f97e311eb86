// What the identity does to an open ticket: approve the levels it may, close it (by the route
// that works for it), and revoke the grant an approval created.
import { JumpServerClient } from "../client/client";
import { JumpServerError } from "../client/errors";
import {
  LiveTicket,
  approveTicket,
  closeTicket,
  getSuperStatus,
  getTicket,
  superClose,
} from "../api/tickets";
import { deletePermission } from "../api/permissions";
import { GrantAsk, approvalBody, askOf } from "../model/approvalBody";
import type { GrantBody } from "../model/grants";
import type { TicketInputs } from "../model/ticketInputs";
import { noOrgHeader, rootOrg } from "../client/orgScope";
import { isSystemAdmin } from "../model/wireRules";
import { patiently } from "./patience";
import { warn } from "./warn";

/** Removes the permission an approval created, unless the resource keeps it on delete. */
export async function revoke(
  client: JumpServerClient,
  id: string,
  props: Pick<TicketInputs, "revokeOnDelete" | "orgId">,
): Promise<void> {
  if (props.revokeOnDelete === false) return;
  await deletePermission(client, id, props.orgId);
}

export async function currentState(client: JumpServerClient, id: string): Promise<string> {
  try {
    return (await getTicket(client, id)).state;
  } catch (e) {
    if (!(e instanceof JumpServerError && e.isNotFound)) throw e;
    return (await getSuperStatus(client, id)).state;
  }
}

/**
 * Closes a pending ticket with the route that works for this identity. `close/` is for the
 * applicant and the current step's approvers (tickets/api/ticket.py: `IsAssignee | IsApplicant`),
 * so a ticket opened on someone's behalf goes straight to `super-tickets/{id}/status/` (system
 * admins), which closes it whoever is the current approver: no 403 first.
 */
export async function closeFor(
  client: JumpServerClient,
  id: string,
  applicantId: string | undefined,
): Promise<void> {
  const me = await client.profile();
  if (applicantId && applicantId !== me.id) return superClose(client, id);
  try {
    await closeTicket(client, id);
  } catch (e) {
    if (!(e instanceof JumpServerError && (e.status === 403 || e.isNotFound))) throw e;
    await superClose(client, id);
  }
}

/** Closes a pending ticket whatever the identity's relation to it; "already closed" is success. */
export async function closeAnyway(
  client: JumpServerClient,
  id: string,
  applicantId: string | undefined,
): Promise<void> {
  try {
    await closeFor(client, id, applicantId);
  } catch (e) {
    if (!(e instanceof JumpServerError && e.isAlreadyProcessed)) throw e;
  }
}

/**
 * Approves each level at which this identity is a current assignee; stops where someone else must
 * act. Each level sends `approvalBody(declared, the ticket as it is now)`: what the program
 * declared, narrowed to what the ticket still asks for, never more (an earlier approver's widening
 * is narrowed away, and said so; an impossible grant is refused before anything is sent).
 */
export async function approveWhileAssignee(
  client: JumpServerClient,
  ticket: LiveTicket,
  meId: string,
  declared: GrantAsk,
): Promise<LiveTicket> {
  let t = ticket;
  // A system admin approves in the root org, where the body applies to every org's objects
  // (api/tickets.ts approveTicket); anyone else as before, without a header.
  const scope = isSystemAdmin(await client.profile()) ? rootOrg : noOrgHeader;
  for (let guard = 0; guard < 12; guard++) {
    if (t.state !== "pending" || t.status === "closed") return t;
    const step = t.steps.find((s) => s.level === t.approvalStep);
    if (!step || !step.assignees.includes(meId)) return t;
    const decided = approvalBody(declared, t);
    if ("refused" in decided)
      throw new Error(
        `ticket ${t.serialNum || t.id}: not approved at level ${t.approvalStep}: ${decided.refused}; the pipeline approves only what the program declared`,
      );
    if (decided.narrowed.length > 0)
      warn(
        `ticket ${t.serialNum || t.id}: the ticket asks for more ${decided.narrowed.join(", ")} than the program declared (edited in JumpServer since it was opened); approving level ${t.approvalStep} with the declared grant only`,
      );
    try {
      await approveTicket(client, t.id, decided.body, scope);
    } catch (e) {
      if (!(e instanceof JumpServerError)) throw e;
      if (e.status === 403) return t;
      if (e.ambiguous || e.isAlreadyProcessed) {
        // Lost answer, or the state moved under us: read it again and decide.
        t = await patiently(() => getTicket(client, t.id));
        continue;
      }
      if (e.status === 400) {
        // Possibly "already closed" in another language: if the ticket moved on, so do we.
        const now = await getTicket(client, t.id);
        if (now.state !== t.state || now.approvalStep !== t.approvalStep) {
          t = now;
          continue;
        }
      }
      throw e;
    }
    t = afterApproval(t, meId, decided.body);
  }
  return t;
}

/**
 * The ticket after an approval of its current step, as the server computes it (saves a read):
 * JumpServer writes the approve body into the ticket, so it now asks for exactly that grant.
 */
export function afterApproval(t: LiveTicket, meId: string, body: GrantBody): LiveTicket {
  const steps = t.steps.map((s) =>
    s.level === t.approvalStep ? { ...s, state: "approved", processor: meId } : s,
  );
  const granted = { ...t, steps, ...askOf(body) };
  const last = t.approvalStep >= t.steps.length;
  return last
    ? { ...granted, state: "approved", status: "closed" }
    : { ...granted, approvalStep: t.approvalStep + 1 };
}
