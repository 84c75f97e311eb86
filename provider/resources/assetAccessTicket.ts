// The AssetAccessTicket resource: a thin serialized provider that delegates to the lifecycle module.
import * as pulumi from "@pulumi/pulumi";
import * as provider from "./assetAccessTicketProvider";
import { warnAboutPlaintextCredentials } from "./programChecks";

export interface AssetAccessTicketArgs {
  /** The ticket's title (at most 256 characters). */
  title: pulumi.Input<string>;
  /** Organization UUID of the assets; default the provider's `jumpserver:orgId`. */
  orgId?: pulumi.Input<string>;
  /** Username or id to open the ticket on behalf of (needs a system admin identity); default the identity itself. */
  applicant?: pulumi.Input<string>;
  /** Asset names or ids, all in `orgId`. */
  assets?: pulumi.Input<pulumi.Input<string>[]>;
  /** Node values ("probe-servers"), full values ("/DEFAULT/probe-servers") or ids. */
  nodes?: pulumi.Input<pulumi.Input<string>[]>;
  /** Accounts: "@ALL" (default), "@SPEC" followed by names, "@INPUT", "@USER", "@ANON", names, "%<template id>". */
  accounts?: pulumi.Input<pulumi.Input<string>[]>;
  /** Actions: all (default), connect, upload, download, copy, paste, delete, share; older names are mapped. */
  actions?: pulumi.Input<pulumi.Input<string>[]>;
  /** Start of access: ISO-8601 (no zone = UTC) or "YYYY/MM/DD HH:MM:SS +ZZZZ". */
  dateStart: pulumi.Input<string>;
  /** End of access, later than dateStart. */
  dateExpired: pulumi.Input<string>;
  comment?: pulumi.Input<string>;
  /** Name or id of the flow to open under, where the org has several (v4.10.19+). */
  flow?: pulumi.Input<string>;
  /** Approve every level at which this identity is an approver. Default false. */
  approve?: pulumi.Input<boolean>;
  /** On delete, remove the asset permission an approval created. Default true. */
  revokeOnDelete?: pulumi.Input<boolean>;
}

/** The provider instance `AssetAccessTicket` uses (exported so tests can serialize and drive it like the engine). */
export const assetAccessTicketProvider: pulumi.dynamic.ResourceProvider = provider;

export class AssetAccessTicket extends pulumi.dynamic.Resource {
  declare readonly title: pulumi.Output<string>;
  declare readonly orgId: pulumi.Output<string>;
  declare readonly applicant: pulumi.Output<string | undefined>;
  declare readonly assets: pulumi.Output<string[]>;
  declare readonly nodes: pulumi.Output<string[]>;
  declare readonly accounts: pulumi.Output<string[]>;
  declare readonly actions: pulumi.Output<string[]>;
  declare readonly dateStart: pulumi.Output<string>;
  declare readonly dateExpired: pulumi.Output<string>;
  declare readonly comment: pulumi.Output<string>;
  declare readonly flow: pulumi.Output<string | undefined>;
  declare readonly approve: pulumi.Output<boolean>;
  declare readonly revokeOnDelete: pulumi.Output<boolean>;
  /** The ticket id (also the resource id). */
  declare readonly ticketId: pulumi.Output<string>;
  declare readonly serialNum: pulumi.Output<string>;
  /** pending, approved, rejected or closed. */
  declare readonly state: pulumi.Output<string>;
  /** open or closed. */
  declare readonly status: pulumi.Output<string>;
  declare readonly approvalStep: pulumi.Output<number>;
  declare readonly currentApprovers: pulumi.Output<string[]>;
  declare readonly applicantId: pulumi.Output<string>;
  declare readonly applicantDisplay: pulumi.Output<string>;
  declare readonly orgName: pulumi.Output<string>;
  declare readonly permissionName: pulumi.Output<string>;
  declare readonly permissionId: pulumi.Output<string>;
  declare readonly assetIds: pulumi.Output<string[]>;
  declare readonly nodeIds: pulumi.Output<string[]>;
  declare readonly flowId: pulumi.Output<string>;
  declare readonly requestId: pulumi.Output<string>;
  /** Why the ticket was closed right after opening (JumpServer granted less than asked), if it was. */
  declare readonly mismatch: pulumi.Output<string | undefined>;

  constructor(name: string, args: AssetAccessTicketArgs, opts?: pulumi.CustomResourceOptions) {
    warnAboutPlaintextCredentials();
    const outputs = [
      "ticketId",
      "serialNum",
      "state",
      "status",
      "approvalStep",
      "currentApprovers",
      "applicantId",
      "applicantDisplay",
      "orgName",
      "permissionName",
      "permissionId",
      "assetIds",
      "nodeIds",
      "flowId",
      "requestId",
      "resolvedIds",
      "pendingAction",
      "mismatch",
    ];
    super(
      assetAccessTicketProvider,
      name,
      {
        title: args.title,
        orgId: args.orgId,
        applicant: args.applicant,
        assets: args.assets,
        nodes: args.nodes,
        accounts: args.accounts,
        actions: args.actions,
        dateStart: args.dateStart,
        dateExpired: args.dateExpired,
        comment: args.comment,
        flow: args.flow,
        approve: args.approve,
        revokeOnDelete: args.revokeOnDelete,
        // Which resource asks: the marker the ticket is opened with is derived from it, so a run
        // after an interrupted one finds the ticket instead of opening a second.
        instanceKey: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
        ...Object.fromEntries(outputs.map((k) => [k, undefined])),
      },
      opts,
      "jumpserver",
      "AssetAccessTicket",
    );
  }
}
