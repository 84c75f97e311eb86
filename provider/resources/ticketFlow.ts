// The TicketFlow resource: its Args and outputs come from the field table (model/flowFields.ts),
// its provider is a module of this package (ticketFlowProvider.ts).
import * as pulumi from "@pulumi/pulumi";
import { FLOW_INPUTS, FLOW_OUTPUTS } from "../model/flowFields";
import type { StrategyRule } from "../model/flowRules";
import { ArgsOf, OutputsOf, propsOf } from "./fieldTypes";
import * as provider from "./ticketFlowProvider";
import { claimFlow, warnAboutPlaintextCredentials } from "./programChecks";

export type { FlowRule, StrategyRule, SelectorRule } from "../model/flowRules";

/** A selector as a program writes it: lists and their elements may be other resources' outputs. */
export type SelectorArgs =
  | { type: "all" }
  | { type: "ids"; ids: pulumi.Input<pulumi.Input<string>[]> }
  | {
      type: "attrs";
      attrs: pulumi.Input<
        pulumi.Input<{
          name: pulumi.Input<string>;
          match?: pulumi.Input<string>;
          value: pulumi.Input<unknown>;
        }>[]
      >;
    };

/** A rule as a program writes it (a `FlowRule` whose parts may be outputs, known at `up`). */
export type FlowRuleArgs =
  | {
      strategy: pulumi.Input<StrategyRule["strategy"]>;
      assignees?: pulumi.Input<pulumi.Input<string>[]>;
      allowAnyApprover?: pulumi.Input<boolean>;
    }
  | {
      users: pulumi.Input<SelectorArgs>;
      /** This rule may let anyone in the org approve (checked at preview; never sent to JumpServer). */
      allowAnyApprover?: pulumi.Input<boolean>;
    };

/** Which flow, and who approves: one property per input of `FLOW_INPUTS`, with its docs. */
export type TicketFlowArgs = ArgsOf<
  typeof FLOW_INPUTS,
  { rules: pulumi.Input<pulumi.Input<FlowRuleArgs>[]> }
>;

/** The provider instance `TicketFlow` uses (exported so tests can serialize and drive it like the engine). */
export const ticketFlowProvider: pulumi.dynamic.ResourceProvider = provider;

// The outputs are declared by the field table (see AssetAccessTicket).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface TicketFlow extends OutputsOf<typeof FLOW_INPUTS & typeof FLOW_OUTPUTS> {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class TicketFlow extends pulumi.dynamic.Resource {
  constructor(name: string, args: TicketFlowArgs, opts?: pulumi.CustomResourceOptions) {
    warnAboutPlaintextCredentials();
    claimFlow(name, args);
    super(
      ticketFlowProvider,
      name,
      propsOf(FLOW_INPUTS, FLOW_OUTPUTS, args),
      opts,
      "jumpserver",
      "TicketFlow",
    );
  }
}
