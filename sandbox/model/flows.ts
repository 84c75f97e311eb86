// The flows backend: which flows an org sees, and how a create or an update changes them
// (a global flow updated from another org is copied into it; every update replaces all rules).
import { ApiError } from "../errors";
import { ROOT_ORG_ID } from "../seed";
import type { Model } from "./model";
import { FlowRec, RuleRec, newId } from "./state";
import type { UserRec } from "./state";

export interface FlowInput {
  name?: string;
  approvalLevel?: number;
  rules?: RuleRec[];
  ccUserIds?: string[];
  type?: string;
}

export class FlowsBackend {
  constructor(private readonly m: Model) {}

  /** Flows an org sees: its own plus the global ones it has not overridden; root sees all. */
  visible(orgId: string): FlowRec[] {
    const flows = this.m.state.flows;
    let out: FlowRec[];
    if (orgId === ROOT_ORG_ID) out = [...flows];
    else {
      const own = flows.filter((f) => f.orgId === orgId);
      const overridden = (g: FlowRec) =>
        own.some(
          (f) =>
            f.type === g.type &&
            (!this.m.profile.namedFlows || f.name.toLowerCase() === g.name.toLowerCase()),
        );
      const globals = flows.filter((f) => f.orgId === ROOT_ORG_ID && !overridden(f));
      out = [...globals, ...own];
    }
    return this.m.profile.namedFlows
      ? out.sort((a, b) => a.name.localeCompare(b.name) || a.dateCreated - b.dateCreated)
      : out.sort((a, b) => a.dateCreated - b.dateCreated);
  }

  create(orgId: string, input: FlowInput, by: UserRec): FlowRec {
    const now = this.m.now();
    const flow: FlowRec = {
      id: newId(),
      orgId,
      name: input.name ?? "",
      type: input.type ?? "apply_asset",
      approvalLevel: input.approvalLevel ?? 1,
      rules: numberRules(input.rules ?? []),
      ccUserIds: input.ccUserIds ?? [],
      createdBy: by.name,
      dateCreated: now,
      dateUpdated: now,
    };
    this.m.state.flows.push(flow);
    return flow;
  }

  /** A flow created by POST: never in the root org, and before v4.10.19 one per org and type. */
  add(orgId: string, input: FlowInput, by: UserRec): FlowRec {
    const p = this.m.profile;
    if (orgId === ROOT_ORG_ID)
      throw new ApiError(400, [
        p.namedFlows ? "Please select an organization before saving" : "Please save in a org",
      ]);
    const type = input.type ?? "apply_asset";
    if (!p.namedFlows && this.m.state.flows.some((f) => f.orgId === orgId && f.type === type))
      throw new ApiError(400, { type: ["The current organization type already exists"] });
    return this.create(orgId, input, by);
  }

  /** v4.10.19: the flows an applicant may choose for a ticket of `type` in `orgId`, by name. */
  choices(type: string, orgId: string): FlowRec[] {
    return this.visible(orgId)
      .filter((f) => f.type === type)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Update a flow as seen from `orgId`. Every update replaces all rules (absent = none). A global
   * flow updated from another org is copied into that org instead (new id).
   */
  update(flow: FlowRec, orgId: string, input: FlowInput, by: UserRec): FlowRec {
    if (flow.orgId === ROOT_ORG_ID && orgId !== ROOT_ORG_ID) {
      // Before v4.10.19 the copy is `create(validated_data)` of a partial update: without `type` in
      // the body the model default `general` wins, and the copy governs no apply-asset ticket
      // (tickets/serializers/flow.py `update`). v4.10.19 forces `apply_asset`.
      return this.create(
        orgId,
        {
          name: input.name ?? flow.name,
          type: this.m.profile.namedFlows ? flow.type : (input.type ?? "general"),
          approvalLevel: input.approvalLevel ?? flow.approvalLevel,
          rules: input.rules ?? [],
          ccUserIds: input.ccUserIds ?? [],
        },
        by,
      );
    }
    flow.rules = numberRules(input.rules ?? []);
    if (input.type !== undefined) flow.type = input.type;
    if (input.approvalLevel !== undefined) flow.approvalLevel = input.approvalLevel;
    if (input.name !== undefined) flow.name = input.name;
    if (input.ccUserIds !== undefined) flow.ccUserIds = input.ccUserIds;
    flow.dateUpdated = this.m.now();
    return flow;
  }
}

/** Rules get levels 1..n by position, whatever the payload said. */
function numberRules(rules: RuleRec[]): RuleRec[] {
  return rules.map((r, i) => ({ ...r, level: i + 1 }));
}
