// The AssetAccessTicket resource: its Args and outputs come from the field table
// (model/ticketFields.ts), its provider is a module of this package (assetAccessTicketProvider.ts).
import * as pulumi from "@pulumi/pulumi";
import * as provider from "./assetAccessTicketProvider";
import { TICKET_INPUTS, TICKET_OUTPUTS } from "../model/ticketFields";
import { ArgsOf, OutputsOf, propsOf } from "./fieldTypes";
import { warnAboutPlaintextCredentials, warnWhenExpiring } from "./programChecks";

/** What an access request asks for: one property per input of `TICKET_INPUTS`, with its docs. */
export type AssetAccessTicketArgs = ArgsOf<typeof TICKET_INPUTS>;

/** The provider instance `AssetAccessTicket` uses (exported so tests can serialize and drive it like the engine). */
export const assetAccessTicketProvider: pulumi.dynamic.ResourceProvider = provider;

// The outputs are declared by the field table (an interface merged into the class declares them,
// as `declare readonly` fields would: Pulumi's base class sets them at run time).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface AssetAccessTicket extends OutputsOf<
  typeof TICKET_INPUTS & typeof TICKET_OUTPUTS
> {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class AssetAccessTicket extends pulumi.dynamic.Resource {
  constructor(name: string, args: AssetAccessTicketArgs, opts?: pulumi.CustomResourceOptions) {
    warnAboutPlaintextCredentials();
    super(
      assetAccessTicketProvider,
      name,
      {
        ...propsOf(TICKET_INPUTS, TICKET_OUTPUTS, args),
        // Which resource asks: the marker the ticket is opened with is derived from it, so a run
        // after an interrupted one finds the ticket instead of opening a second.
        instanceKey: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
      },
      opts,
      "jumpserver",
      "AssetAccessTicket",
    );
    warnWhenExpiring(name, this);
  }
}
