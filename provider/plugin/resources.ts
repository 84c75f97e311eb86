// The plugin's resources: each type token and the lifecycle module behind it (the same functions
// the dynamic providers export, resources/*Provider.ts), its field tables, and how `pulumi import`
// reads one from JumpServer alone.
import * as ticketFlow from "../lifecycle/ticketFlow";
import * as assetAccessTicket from "../lifecycle/assetAccessTicket";
import * as ticketApproval from "../lifecycle/ticketApproval";
import type { Failure } from "../model/inputShapes";
import type { InputSpec, OutputSpec } from "../model/fields";
import { FLOW_INPUTS, FLOW_OUTPUTS } from "../model/flowFields";
import { TICKET_INPUTS, TICKET_OUTPUTS } from "../model/ticketFields";
import { APPROVAL_INPUTS, APPROVAL_OUTPUTS } from "../model/approvalFields";
import { importFlow } from "./import/flow";
import { importTicket } from "./import/ticket";
import { importApproval } from "./import/approval";
import { token } from "./packageNames";

type Props = Record<string, unknown>;

/** A lifecycle module, as the dynamic providers export it. */
export interface Lifecycle {
  check(olds: Props, news: Props): Promise<{ inputs?: Props; failures?: Failure[] }>;
  diff(
    id: string,
    olds: never,
    news: never,
  ): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(inputs: never): Promise<{ id: string; outs: object }>;
  read(id: string, props: never): Promise<{ id: string; props?: object; inputs?: object }>;
  update(id: string, olds: never, news: never): Promise<{ outs: object }>;
  remove(id: string, props: never): Promise<void>;
}

export interface PluginResource {
  /** The resource's name in its token (`jumpserver:index:<name>`). */
  name: string;
  lifecycle: Lifecycle;
  inputs: Record<string, InputSpec>;
  outputs: Record<string, OutputSpec>;
  /** One-line summary for the schema. */
  description: string;
  /** `pulumi import`: the resource as the lifecycle's read would return it, from its import id. */
  importRead(id: string): Promise<{ id: string; props: Props; inputs: Props }>;
  /** The resource takes its URN's project/stack/name as `instanceKey` (AssetAccessTicket). */
  instanceKey: boolean;
}

export const RESOURCES: PluginResource[] = [
  {
    name: "TicketFlow",
    lifecycle: ticketFlow as unknown as Lifecycle,
    inputs: FLOW_INPUTS,
    outputs: FLOW_OUTPUTS,
    description:
      "One JumpServer approval flow of one ticket type in one org: adopted on create (its earlier rules recorded), its rules kept as declared, the earlier rules written back on delete.",
    importRead: importFlow,
    instanceKey: false,
  },
  {
    name: "AssetAccessTicket",
    lifecycle: assetAccessTicket as unknown as Lifecycle,
    inputs: TICKET_INPUTS,
    outputs: TICKET_OUTPUTS,
    description:
      "One JumpServer apply-asset ticket: opened exactly once (on behalf of an applicant), approved where this identity is an approver and `approve` is set; deleting it closes the ticket or revokes its grant.",
    importRead: importTicket,
    instanceKey: true,
  },
  {
    name: "TicketApproval",
    lifecycle: ticketApproval as unknown as Lifecycle,
    inputs: APPROVAL_INPUTS,
    outputs: APPROVAL_OUTPUTS,
    description:
      "A decision on an apply-asset ticket a person opened in JumpServer: approves (every level this identity may, never wider than the reviewed ask) or rejects it; deleting an approval revokes its grant.",
    importRead: importApproval,
    instanceKey: false,
  },
];

export function resourceFor(typeToken: string): PluginResource {
  const r = RESOURCES.find((x) => token(x.name) === typeToken);
  if (!r) throw new Error(`unknown resource type ${typeToken}`);
  return r;
}

/** The fields the schema marks secret (kept wrapped in state). */
export function schemaSecrets(r: PluginResource): string[] {
  return [...Object.entries(r.inputs), ...Object.entries(r.outputs)]
    .filter(([, spec]) => spec.secret === true)
    .map(([k]) => k);
}
