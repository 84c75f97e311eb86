// The state machine of flows, tickets and permissions (moto's models.py): inputs arrive already
// parsed and validated by the routes; the model enforces who may act and what moves where.
import { randomBytes } from "node:crypto";
import type { Profile } from "../versions";
import { dayStamp } from "../dates";
import { ApiError, detail, permissionDenied, serverError } from "../errors";
import { ROOT_ORG_ID } from "../seed";
import {
  FlowRec,
  newId,
  PermissionRec,
  RuleRec,
  State,
  StepRec,
  TicketRec,
  UserRec,
} from "./state";
import { displayName, resolveRule } from "./users";

export const ACTION_BITS: Record<string, number> = {
  connect: 1,
  upload: 2,
  download: 4,
  copy: 8,
  paste: 16,
  delete: 32,
  share: 64,
};
export const ALL_ACTIONS = 127;

export interface FlowInput {
  name?: string;
  approvalLevel?: number;
  rules?: RuleRec[];
  ccUserIds?: string[];
  type?: string;
}

export interface OpenInput {
  title: string;
  orgId: string;
  applicant: UserRec;
  flow: FlowRec;
  assets: string[];
  nodes: string[];
  accounts: unknown;
  actions: number;
  dateStart: number | null;
  dateExpired: number | null;
  comment: string;
}

export interface GrantInput {
  orgId: string;
  assets?: string[];
  nodes?: string[];
  accounts: unknown;
  actions: number;
  dateStart: number | null;
  dateExpired: number | null;
}

export class Model {
  private lastMicros = 0;

  constructor(
    public state: State,
    readonly profile: Profile,
  ) {}

  now(): number {
    return Date.now();
  }

  /** Strictly increasing microsecond clock (never a whole second: Python's str() would drop it). */
  nowMicros(): number {
    let m = Date.now() * 1000 + Math.floor(Math.random() * 1000);
    if (m <= this.lastMicros) m = this.lastMicros + 1;
    if (m % 1_000_000 === 0) m += 1;
    this.lastMicros = m;
    return m;
  }

  user(id: string): UserRec | undefined {
    return this.state.users.find((u) => u.id === id);
  }

  // ---- flows --------------------------------------------------------------------------------

  /** Flows an org sees: its own plus the global ones it has not overridden; root sees all. */
  visibleFlows(orgId: string): FlowRec[] {
    const flows = this.state.flows;
    let out: FlowRec[];
    if (orgId === ROOT_ORG_ID) out = [...flows];
    else {
      const own = flows.filter((f) => f.orgId === orgId);
      const overridden = (g: FlowRec) =>
        own.some(
          (f) =>
            f.type === g.type &&
            (!this.profile.namedFlows || f.name.toLowerCase() === g.name.toLowerCase()),
        );
      const globals = flows.filter((f) => f.orgId === ROOT_ORG_ID && !overridden(f));
      out = [...globals, ...own];
    }
    return this.profile.namedFlows
      ? out.sort((a, b) => a.name.localeCompare(b.name) || a.dateCreated - b.dateCreated)
      : out.sort((a, b) => a.dateCreated - b.dateCreated);
  }

  createFlow(orgId: string, input: FlowInput, by: UserRec): FlowRec {
    const now = this.now();
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
    this.state.flows.push(flow);
    return flow;
  }

  /**
   * Update a flow as seen from `orgId`. Every update replaces all rules (absent = none). A global
   * flow updated from another org is copied into that org instead (new id).
   */
  updateFlow(flow: FlowRec, orgId: string, input: FlowInput, by: UserRec): FlowRec {
    if (flow.orgId === ROOT_ORG_ID && orgId !== ROOT_ORG_ID) {
      // Before v4.10.19 the copy is `create(validated_data)` of a partial update: without `type` in
      // the body the model default `general` wins, and the copy governs no apply-asset ticket
      // (tickets/serializers/flow.py `update`). v4.10.19 forces `apply_asset`.
      return this.createFlow(
        orgId,
        {
          name: input.name ?? flow.name,
          type: this.profile.namedFlows ? flow.type : (input.type ?? "general"),
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
    flow.dateUpdated = this.now();
    return flow;
  }

  // ---- tickets ------------------------------------------------------------------------------

  /** Tickets a user is related to: applicant, assignee of any step, or CC user. */
  isRelated(t: TicketRec, userId: string): boolean {
    return (
      t.applicantId === userId ||
      t.ccUserIds.includes(userId) ||
      t.steps.some((s) => s.assignees.includes(userId))
    );
  }

  currentStep(t: TicketRec): StepRec | undefined {
    return t.steps.find((s) => s.level === t.approvalStep);
  }

  permissionNameFor(title: string, id: string): string {
    const name = this.profile.messages.permissionName(`${title}-${id.slice(0, 4)}`);
    return name.length > 128 ? name.slice(0, 121) + "..." + name.slice(-4) : name;
  }

  openTicket(input: OpenInput): TicketRec {
    const { flow, applicant } = input;
    // A flow left without rules makes the real server fail every open (docs/sandbox.md, "Hazards and `--strict`").
    if (flow.rules.length === 0) throw serverError();
    const id = newId();
    const permissionName = this.permissionNameFor(input.title, id);
    if (this.state.permissions.some((p) => p.orgId === input.orgId && p.name === permissionName))
      throw new ApiError(400, [`Permission named \`${permissionName}\` already exists`]);
    const now = this.now();
    const steps: StepRec[] = [...flow.rules]
      .sort((a, b) => a.level - b.level)
      .map((rule, i) => {
        const matched = resolveRule(this.state, rule, flow.orgId).map((u) => u.id);
        const others = matched.filter((uid) => uid !== applicant.id);
        // The applicant approves their own ticket only when nobody else matches.
        const assignees = others.length === 0 && matched.includes(applicant.id) ? matched : others;
        return {
          level: i + 1,
          state: "pending",
          assignees,
          processor: "",
          dateUpdated: this.nowMicros(),
        };
      });
    const day = dayStamp(now);
    const counter = (this.state.serials[day] ?? 0) + 1;
    this.state.serials[day] = counter;
    const ticket: TicketRec = {
      id,
      seq: ++this.state.ticketSeq,
      title: input.title,
      orgId: input.orgId,
      type: "apply_asset",
      applicantId: applicant.id,
      flowId: flow.id,
      ccUserIds: this.profile.namedFlows ? [...flow.ccUserIds] : [],
      state: "pending",
      status: "open",
      approvalStep: 1,
      serialNum: `${day}${String(counter).padStart(4, "0")}`,
      comment: input.comment,
      steps,
      applyAssets: input.assets,
      applyNodes: input.nodes,
      applyAccounts: input.accounts,
      applyActions: input.actions,
      dateStart: input.dateStart,
      dateExpired: input.dateExpired,
      permissionName,
      dateCreated: now,
      dateUpdated: now,
    };
    this.state.tickets.push(ticket);
    return ticket;
  }

  alreadyClosed(): ApiError {
    return this.profile.errors === "conflict"
      ? detail(
          409,
          "The ticket status has changed. Please refresh the page and try again.",
          "ticket_already_processed",
        )
      : detail(400, "Ticket already closed", "error");
  }

  stateChanged(): ApiError {
    return detail(
      409,
      "The ticket status has changed. Please refresh the page and try again.",
      "ticket_state_changed",
    );
  }

  /** approve/reject need a current-step assignee; v4.10.19 answers other steps' assignees 409. */
  checkCanProcess(t: TicketRec, user: UserRec): void {
    const step = this.currentStep(t);
    if (step && step.assignees.includes(user.id)) return;
    if (this.profile.errors === "conflict" && t.steps.some((s) => s.assignees.includes(user.id)))
      throw this.stateChanged();
    throw permissionDenied();
  }

  checkCanClose(t: TicketRec, user: UserRec): void {
    const step = this.currentStep(t);
    if (t.applicantId === user.id || (step && step.assignees.includes(user.id))) return;
    throw permissionDenied();
  }

  applyGrant(t: TicketRec, grant: GrantInput): void {
    t.orgId = grant.orgId;
    if (grant.assets !== undefined) t.applyAssets = grant.assets;
    if (grant.nodes !== undefined) t.applyNodes = grant.nodes;
    t.applyAccounts = grant.accounts;
    t.applyActions = grant.actions;
    t.dateStart = grant.dateStart;
    t.dateExpired = grant.dateExpired;
  }

  approve(t: TicketRec, user: UserRec): void {
    const step = this.currentStep(t);
    if (!step) throw serverError();
    step.state = "approved";
    step.processor = user.id;
    step.dateUpdated = this.nowMicros();
    t.dateUpdated = this.now();
    if (t.approvalStep >= t.steps.length) {
      t.state = "approved";
      t.status = "closed";
      this.createPermission(t);
    } else {
      t.approvalStep += 1;
    }
  }

  reject(t: TicketRec, user: UserRec): void {
    this.finish(t, "rejected", user.id);
  }

  /** Close: the step shows the applicant as processor, whoever closed it. */
  close(t: TicketRec): void {
    this.finish(t, "closed", t.applicantId);
  }

  private finish(t: TicketRec, state: "rejected" | "closed", processor: string): void {
    const step = this.currentStep(t);
    if (step) {
      step.state = state;
      step.processor = processor;
      step.dateUpdated = this.nowMicros();
    }
    t.state = state;
    t.status = "closed";
    t.dateUpdated = this.now();
  }

  /** The asset permission of a finally approved ticket: same id as the ticket. */
  private createPermission(t: TicketRec): void {
    if (this.state.permissions.some((p) => p.id === t.id)) return;
    const applicant = this.user(t.applicantId);
    const processors = t.steps
      .filter((s) => s.state === "approved")
      .map((s) => this.user(s.processor))
      .filter((u): u is UserRec => !!u)
      .map(displayName);
    const perm: PermissionRec = {
      id: t.id,
      name: t.permissionName,
      orgId: t.orgId,
      userIds: [t.applicantId],
      assetIds: [...t.applyAssets],
      nodeIds: [...t.applyNodes],
      accounts: t.applyAccounts,
      actions: t.applyActions,
      dateStart: t.dateStart,
      dateExpired: t.dateExpired,
      dateCreated: this.now(),
      createdBy: `ApplyAssetTicket:${t.id}`,
      comment: this.profile.messages.permissionComment(
        t.title,
        applicant ? displayName(applicant) : "",
        processors,
        t.id,
      ),
    };
    this.state.permissions.push(perm);
  }

  // ---- bearer tokens ------------------------------------------------------------------------

  /** Same token again for the same user and client address while it lives (24 h, refreshed). */
  issueToken(user: UserRec, ip: string): { token: string; expires: number } {
    const now = this.now();
    const ttl = 86_400_000;
    for (const [token, rec] of Object.entries(this.state.bearerTokens)) {
      if (rec.expires <= now) delete this.state.bearerTokens[token];
      else if (rec.userId === user.id && rec.ip === ip) {
        rec.expires = now + ttl;
        return { token, expires: rec.expires };
      }
    }
    const token = randomBytes(18).toString("hex");
    this.state.bearerTokens[token] = { userId: user.id, ip, expires: now + ttl };
    return { token, expires: now + ttl };
  }

  userForToken(token: string): UserRec | undefined {
    const rec = this.state.bearerTokens[token];
    if (!rec || rec.expires <= this.now()) return undefined;
    return this.user(rec.userId);
  }
}

/** Rules get levels 1..n by position, whatever the payload said. */
function numberRules(rules: RuleRec[]): RuleRec[] {
  return rules.map((r, i) => ({ ...r, level: i + 1 }));
}
