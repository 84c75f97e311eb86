// The TicketFlow resource. Its provider is a thin shim: every method delegates to the lifecycle
// module, so the serialized `__provider` is a small `require(...)` of this package (when installed
// from npm) rather than a copy of the logic, and never holds a credential.
import * as pulumi from "@pulumi/pulumi";
import type { FlowRule, StrategyRule } from "../model/flowRules";
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
    }
  | { users: pulumi.Input<SelectorArgs> };

export interface TicketFlowArgs {
  /** Ticket type; only "apply_asset" flows are managed through the API. Default "apply_asset". */
  type?: pulumi.Input<string>;
  /** Organization UUID; default the provider's `jumpserver:orgId` (Default org). */
  orgId?: pulumi.Input<string>;
  /** A named flow (JumpServer v4.10.19+): created by POST beside the org's default flow. */
  name?: pulumi.Input<string>;
  /** 1–5 approval levels (2 before v4.10.19), each `{strategy, assignees}` or `{users: selector}`. */
  rules: pulumi.Input<pulumi.Input<FlowRuleArgs>[]>;
  /** Users copied on every ticket of the flow (v4.10.19+), usernames or ids. */
  ccUsers?: pulumi.Input<pulumi.Input<string>[]>;
  /** Write the adopted flow's previous rules back on delete. Default true. */
  restoreOnDelete?: pulumi.Input<boolean>;
}

/** The provider instance `TicketFlow` uses (exported so tests can serialize and drive it like the engine). */
export const ticketFlowProvider: pulumi.dynamic.ResourceProvider = provider;

export class TicketFlow extends pulumi.dynamic.Resource {
  declare readonly type: pulumi.Output<string>;
  declare readonly orgId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string | undefined>;
  declare readonly rules: pulumi.Output<FlowRule[]>;
  declare readonly ccUsers: pulumi.Output<string[] | undefined>;
  declare readonly restoreOnDelete: pulumi.Output<boolean>;
  /** The JumpServer flow id (for an org that inherited the global flow: its own copy's id). */
  declare readonly flowId: pulumi.Output<string>;
  declare readonly orgName: pulumi.Output<string>;
  /** "strategy" (v3/v4.0) or "selector" (v4.1+), learned from the server. */
  declare readonly dialect: pulumi.Output<string>;
  declare readonly namedFlows: pulumi.Output<boolean>;
  declare readonly approvalLevel: pulumi.Output<number>;
  declare readonly adopted: pulumi.Output<string>;
  declare readonly appliedRules: pulumi.Output<unknown[]>;
  declare readonly previousRules: pulumi.Output<unknown[]>;
  declare readonly userIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: TicketFlowArgs, opts?: pulumi.CustomResourceOptions) {
    warnAboutPlaintextCredentials();
    claimFlow(name, args);
    super(
      ticketFlowProvider,
      name,
      {
        type: args.type,
        orgId: args.orgId,
        name: args.name,
        rules: args.rules,
        ccUsers: args.ccUsers,
        restoreOnDelete: args.restoreOnDelete,
        flowId: undefined,
        orgName: undefined,
        dialect: undefined,
        namedFlows: undefined,
        approvalLevel: undefined,
        adopted: undefined,
        appliedRules: undefined,
        previousRules: undefined,
        userIds: undefined,
      },
      opts,
      "jumpserver",
      "TicketFlow",
    );
  }
}
