// TicketFlow's fields, each described once (see fields.ts). JumpServer has one flow per org and
// type (and, from v4.10.19, per name): changing which flow is managed replaces the resource.
import { input, inputKeys, output, toggle } from "./fields";
import type { FlowGuardrails } from "./guardrails";
import { guardrailsShape, optional, orUnknown } from "./inputShapes";
import { FlowRule, canonicalRules, own } from "./flowRules";
import type { Dialect, WireRule } from "./wireRules";
import { UUID } from "../settings";

/** Usernames and ids, in any order, compared through the ids resolved at the last write. */
const users = (value: unknown, ids: Record<string, string>) =>
  JSON.stringify(
    ((value as string[]) ?? [])
      .map((x) => (UUID.test(x) ? x.toLowerCase() : (own(ids, x) ?? `name:${x}`)))
      .sort(),
  );

export const FLOW_INPUTS = {
  /** Ticket type; only "apply_asset" flows are managed through the API. Default "apply_asset". */
  type: input<string>({
    shape: optional((z) =>
      z.string({
        error: (i) =>
          `only "apply_asset" flows exist in JumpServer's API, got ${JSON.stringify(i.input)}`,
      }),
    ),
    replaces: true,
    compare: "exact",
    whenAbsent: "apply_asset",
  }),
  /** Organization UUID; default the provider's `jumpserver:orgId` (Default org). */
  orgId: input<string>({
    shape: optional((z) =>
      z.string({ error: (i) => `expected an organization UUID, got ${JSON.stringify(i.input)}` }),
    ),
    replaces: true,
    compare: "id",
    wire: "org_id",
  }),
  /** A named flow (JumpServer v4.10.19+): created by POST beside the org's default flow. */
  name: input<string, "optional">({
    shape: optional((z) =>
      z
        .string({ error: "expected a flow name of at most 128 characters" })
        .max(128, { error: "expected a flow name of at most 128 characters" }),
    ),
    replaces: true,
    compare: "text",
    wire: "name",
    presence: "optional",
  }),
  /** 1–5 approval levels (2 before v4.10.19), each `{strategy, assignees}` or `{users: selector}`. */
  rules: input<FlowRule[], "required">({
    // Rules have two dialects, each with its own paths and messages: flowRules.ts checks them.
    shape: (z) => z.unknown(),
    replaces: false,
    compare: (value, ids) => canonicalRules((value as FlowRule[]) ?? [], ids),
    wire: "rules",
    presence: "required",
  }),
  /** Users copied on every ticket of the flow (v4.10.19+), usernames or ids. */
  ccUsers: input<string[], "optional">({
    shape: optional((z) =>
      z.array(
        orUnknown(
          z,
          z
            .string({ error: "expected a username or user id" })
            .min(1, { error: "expected a username or user id" }),
        ),
        { error: "expected a list of usernames or user ids" },
      ),
    ),
    replaces: false,
    compare: users,
    unmanagedWhenAbsent: true,
    wire: "cc_users",
    presence: "optional",
  }),
  /** Write the adopted flow's previous rules back on delete. Default true. */
  restoreOnDelete: toggle(true),
  /**
   * This flow's own limits, overriding the stack's `jumpserver:minApprovalLevels` and
   * `jumpserver:forbidSelfApproval` (checked at preview; see docs/ticket-flow.md, "Guardrails").
   */
  guardrails: input<FlowGuardrails, "optional">({
    shape: guardrailsShape({ minApprovalLevels: "levels", forbidSelfApproval: "flag" }),
    replaces: false,
    compare: "exact",
    presence: "optional",
  }),
};

export const FLOW_OUTPUTS = {
  /** The JumpServer flow id (for an org that inherited the global flow: its own copy's id). */
  flowId: output<string>(),
  /** The org's name, as JumpServer shows it. */
  orgName: output<string>(),
  /** "strategy" (v3/v4.0) or "selector" (v4.1+), learned from the server. */
  dialect: output<Dialect>(),
  /** The server has named flows, CC users and up to 5 levels (v4.10.19+). */
  namedFlows: output<boolean>(),
  /** The number of approval levels the flow has now. */
  approvalLevel: output<number>(),
  /** How the flow was obtained: the org's own, a copy of the global flow, the global flow itself, or created (named). */
  adopted: output<"own" | "global-copy" | "global" | "created">(),
  /** The rules last written, in the server's shape (drift is judged against these). */
  appliedRules: output<WireRule[]>(),
  /** The CC users last written, as ids (v4.10.19+). */
  appliedCcUsers: output<string[] | undefined>(),
  /** The rules (and CC users) the flow had before adoption; delete restores them. */
  previousRules: output<WireRule[]>(),
  /** The CC users the flow had before adoption (v4.10.19+). */
  previousCcUsers: output<string[] | undefined>(),
  /** Usernames resolved to ids, so usernames and ids compare equal without network. */
  userIds: output<Record<string, string>>(),
  /** "write" while a create whose write may not have landed waits for the next `up`. */
  pendingAction: output<string | undefined>(),
};

export const FLOW_INPUT_KEYS = inputKeys(FLOW_INPUTS);
