// The TicketApproval resource: its Args and outputs come from the field table
// (model/approvalFields.ts), its provider is a module of this package (ticketApprovalProvider.ts).
import * as pulumi from "@pulumi/pulumi";
import * as provider from "./ticketApprovalProvider";
import { APPROVAL_INPUTS, APPROVAL_OUTPUTS } from "../model/approvalFields";
import { ArgsOf, OutputsOf, propsOf } from "./fieldTypes";
import { warnAboutPlaintextCredentials } from "./programChecks";

/** A decision on a ticket a person opened: one property per input of `APPROVAL_INPUTS`, with its docs. */
export type TicketApprovalArgs = ArgsOf<typeof APPROVAL_INPUTS>;

/** The provider instance `TicketApproval` uses (exported so tests can serialize and drive it like the engine). */
export const ticketApprovalProvider: pulumi.dynamic.ResourceProvider = provider;

// The outputs are declared by the field table (see assetAccessTicket.ts).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface TicketApproval extends OutputsOf<
  typeof APPROVAL_INPUTS & typeof APPROVAL_OUTPUTS
> {}

/** Which resource decides which ticket, in this program (by the ticket as written). */
const decidedBy = new Map<string, string>();

/** Two approvals of one ticket would share one permission: deleting either would revoke it. */
function claimTicket(resourceName: string, ticket: pulumi.Input<string>): void {
  const register = (t: string) => {
    const key = String(t ?? "")
      .trim()
      .toLowerCase();
    const other = decidedBy.get(key);
    if (other !== undefined && other !== resourceName)
      throw new Error(
        `TicketApproval "${resourceName}" and TicketApproval "${other}" both decide ticket ${t}; keep one of them`,
      );
    decidedBy.set(key, resourceName);
  };
  if (typeof ticket === "string") register(ticket);
  else pulumi.output(ticket).apply(register);
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class TicketApproval extends pulumi.dynamic.Resource {
  constructor(name: string, args: TicketApprovalArgs, opts?: pulumi.CustomResourceOptions) {
    warnAboutPlaintextCredentials();
    claimTicket(name, args.ticket);
    super(
      ticketApprovalProvider,
      name,
      propsOf(APPROVAL_INPUTS, APPROVAL_OUTPUTS, args),
      opts,
      "jumpserver",
      "TicketApproval",
    );
  }
}
