// Break-glass at `up`: what only the server can tell (the applicant's username, whether the flow
// is a named one meant for it) is judged before the open, and a ticket the pipeline could not
// approve at once is closed rather than left waiting. The rules on the inputs are guardrails.ts's.
import type { JumpServerClient } from "../client/client";
import { GUARDRAIL_KEYS, Guardrails, GuardrailError, mayBreakGlass } from "../model/guardrails";
import type { BreakGlass } from "../model/ticketFields";
import type { TicketInputs } from "../model/ticketInputs";
import { UUID } from "../settings";
import { listFlows } from "../api/flows";

/** The words the ticket's comment starts with, so JumpServer's audit trail holds the emergency. */
export function breakGlassComment(bg: BreakGlass): string {
  return `[break-glass] ${bg.reason}${bg.incident ? ` (incident ${bg.incident})` : ""};`;
}

/** Once the applicant is resolved: the list names them by username or id; nothing is ratified yet. */
export function assertMayBreakGlass(
  inputs: TicketInputs,
  applicant: { id: string; username: string },
  guardrails: Guardrails,
): void {
  if (!inputs.breakGlass) return;
  const who = guardrails.breakGlassApplicants ?? [];
  if (!mayBreakGlass(applicant.username, who) && !mayBreakGlass(applicant.id, who)) {
    throw new GuardrailError([
      {
        property: "applicant",
        reason: `${JSON.stringify(applicant.username)} may not ask for break-glass access: not in ${GUARDRAIL_KEYS.breakGlassApplicants.config} (${who.join(", ") || "nobody"})`,
      },
    ]);
  }
  if (inputs.ratified) {
    throw new GuardrailError([
      {
        property: "ratified",
        reason:
          "a break-glass grant is ratified by a later change, once it exists; open it with ratified unset",
      },
    ]);
  }
}

/**
 * The flow a break-glass ticket is opened under must be a named flow of its org (v4.10.19+). Before
 * v4.10.19 an org has one apply_asset flow: it governs every ticket, so a pipeline able to approve
 * an emergency there at once would approve every ticket at once. That is refused, naming why.
 */
export async function assertBreakGlassFlow(
  client: JumpServerClient,
  inputs: TicketInputs,
): Promise<void> {
  if (!inputs.breakGlass || !inputs.flow) return;
  // Flows carry `name` from v4.10.19 on (what TicketFlow's create goes by). The apply form's
  // options route is no test: real v4.10.16 answers it with a 500, v3.10.23 with a 404.
  const flows = await listFlows(client, inputs.orgId);
  if (!flows.some((f) => f.name !== undefined)) {
    throw new GuardrailError([
      {
        property: "breakGlass",
        reason:
          "this JumpServer has no named flows (they came with v4.10.19): each org has one apply_asset flow, which governs every ticket, so there is no flow meant for emergencies, and a pipeline able to approve one at once there would approve every ticket at once. Refused. Possible here: an ordinary ticket (without breakGlass) that the org's approvers approve, or upgrading to v4.10.19 and naming a break-glass flow",
      },
    ]);
  }
  const rows = flows
    .filter((f) => typeof f.name === "string" && f.name !== "")
    .map((f) => ({ id: f.id, name: f.name as string }));
  const flow = inputs.flow.toLowerCase();
  const named = rows.find((r) =>
    UUID.test(flow) ? r.id.toLowerCase() === flow : r.name.toLowerCase() === flow,
  );
  if (!named) {
    throw new GuardrailError([
      {
        property: "flow",
        reason: `a break-glass ticket is opened under a named flow meant for it, and "${inputs.flow}" is no named apply_asset flow of org ${inputs.orgId} (named: ${
          rows.map((r) => JSON.stringify(r.name)).join(", ") || "none"
        })`,
      },
    ]);
  }
}
