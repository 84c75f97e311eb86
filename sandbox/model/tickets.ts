// The tickets backend (moto's models.py): which flow an open falls under, the other orgs' assets
// an open or approval drops silently, who may act at each step and what the final approval needs,
// the ticket list's filter set, and how each decision moves the ticket. Routes parse the request
// into these inputs, call, and render.
import { dayStamp } from "../dates";
import { ROOT_ORG_ID } from "../seed";
import { ApiError, detail, permissionDenied, serverError } from "../errors";
import type { Model } from "./model";
import { FlowRec, StepRec, TicketRec, UserRec, newId } from "./state";
import { findOrg, resolveRule } from "./users";

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

/** The ticket list's filters, as the route read them from the query string. */
export interface TicketQuery {
  id?: string;
  type?: string;
  title?: string;
  serialNum?: string;
  /** "all" keeps every state. */
  state?: string;
  status?: string;
  applicant?: string;
  orgId?: string;
  orgIdIn?: string[];
  assignee?: string;
  orgName?: string;
  /** Created within the last N days (`days`), or before that (`days__lt`); NaN matches nothing. */
  days?: number;
  daysLt?: number;
  applicantUsernameName?: string;
}

const TICKET_TYPES = [
  "apply_asset",
  "general",
  "login_confirm",
  "command_confirm",
  "login_asset_confirm",
];

export class TicketsBackend {
  constructor(private readonly m: Model) {}

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

  open(input: OpenInput): TicketRec {
    const { flow, applicant } = input;
    // A flow left without rules makes the real server fail every open (docs/sandbox.md, "Hazards and `--strict`").
    if (flow.rules.length === 0) throw serverError();
    const id = newId();
    const permissionName = this.m.permissions.nameFor(input.title, id);
    if (this.m.state.permissions.some((p) => p.orgId === input.orgId && p.name === permissionName))
      throw new ApiError(400, [`Permission named \`${permissionName}\` already exists`]);
    const now = this.m.now();
    const steps: StepRec[] = [...flow.rules]
      .sort((a, b) => a.level - b.level)
      .map((rule, i) => {
        const matched = resolveRule(this.m.state, rule, flow.orgId).map((u) => u.id);
        const others = matched.filter((uid) => uid !== applicant.id);
        // The applicant approves their own ticket only when nobody else matches.
        const assignees = others.length === 0 && matched.includes(applicant.id) ? matched : others;
        return {
          level: i + 1,
          state: "pending",
          assignees,
          processor: "",
          dateUpdated: this.m.nowMicros(),
        };
      });
    const day = dayStamp(now);
    const counter = (this.m.state.serials[day] ?? 0) + 1;
    this.m.state.serials[day] = counter;
    const ticket: TicketRec = {
      id,
      seq: ++this.m.state.ticketSeq,
      title: input.title,
      orgId: input.orgId,
      type: "apply_asset",
      applicantId: applicant.id,
      flowId: flow.id,
      ccUserIds: this.m.profile.namedFlows ? [...flow.ccUserIds] : [],
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
    this.m.state.tickets.push(ticket);
    return ticket;
  }

  alreadyClosed(): ApiError {
    return this.m.profile.errors === "conflict"
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
    if (this.m.profile.errors === "conflict" && t.steps.some((s) => s.assignees.includes(user.id)))
      throw this.stateChanged();
    throw permissionDenied();
  }

  checkCanClose(t: TicketRec, user: UserRec): void {
    const step = this.currentStep(t);
    if (t.applicantId === user.id || (step && step.assignees.includes(user.id))) return;
    throw permissionDenied();
  }

  /**
   * The approve body becomes the ticket's grant. On v4.10.16 the nodes are set through the
   * request org's manager, which can't see another org's nodes: approved in any org but the
   * ticket's own or the root org (no header, or a header a community edition reads as Default),
   * a ticket's own-org nodes can't be removed (observed on real v4.10.16, community and multi-org,
   * 2026-12-07: `apply_nodes: []` kept an Ops ticket's Ops node; v3.10.23 and v4.10.19 remove it).
   */
  applyGrant(t: TicketRec, grant: GrantInput, requestOrgId: string): void {
    t.orgId = grant.orgId;
    if (grant.assets !== undefined) t.applyAssets = grant.assets;
    if (grant.nodes !== undefined) {
      const blind =
        this.m.profile.version === "v4.10.16" &&
        requestOrgId !== ROOT_ORG_ID &&
        requestOrgId !== t.orgId;
      const kept = blind
        ? t.applyNodes.filter(
            (id) => this.m.state.nodes.find((n) => n.id === id)?.orgId !== requestOrgId,
          )
        : [];
      t.applyNodes = [...new Set([...grant.nodes, ...kept])];
    }
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
    step.dateUpdated = this.m.nowMicros();
    t.dateUpdated = this.m.now();
    if (t.approvalStep >= t.steps.length) {
      t.state = "approved";
      t.status = "closed";
      this.m.permissions.grant(t);
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
      step.dateUpdated = this.m.nowMicros();
    }
    t.state = state;
    t.status = "closed";
    t.dateUpdated = this.m.now();
  }

  /**
   * The flow an open in `orgId` falls under: the one named by `flow_id` (v4.10.19+), else the only
   * apply-asset flow the org sees (with several, v4.10.19 asks which).
   */
  chooseFlow(orgId: string, flowId: string | undefined): FlowRec {
    const m = this.m;
    const p = m.profile;
    const candidates = m.flows.visible(orgId).filter((f) => f.type === "apply_asset");
    if (p.namedFlows && flowId) {
      const chosen = candidates.find((f) => f.id === flowId.toLowerCase());
      if (!chosen) throw new ApiError(400, { flow_id: [p.messages.wrongFlow] });
      return chosen;
    }
    if (candidates.length === 0)
      throw new ApiError(400, {
        non_field_errors: ["The ticket flow `apply_asset` does not exist"],
      });
    if (p.namedFlows && candidates.length > 1)
      throw new ApiError(400, { flow_id: [p.messages.noFlowSelected] });
    return candidates[0];
  }

  /** Assets and nodes of other orgs are dropped silently (filter_many_to_many_field). */
  inOrg(ids: string[] | undefined, kind: "assets" | "nodes", orgId: string): string[] | undefined {
    const m = this.m;
    if (ids === undefined) return undefined;
    const known = kind === "assets" ? m.state.assets : m.state.nodes;
    return ids.filter((id) => known.find((o) => o.id === id)?.orgId === orgId);
  }

  /** Dates compare at second resolution; equal is refused too. */
  checkDateOrder(start: number | null | undefined, end: number | null | undefined): void {
    const m = this.m;
    if (typeof start === "number" && typeof end === "number" && end <= start)
      throw new ApiError(400, { apply_date_expired: [m.profile.messages.dateOrder] });
  }

  /** Is this approval the ticket's last? Then the grant needs accounts, and assets or nodes. */
  isFinalStep(t: TicketRec): boolean {
    return t.approvalStep >= t.steps.length;
  }

  /** The final approval's rule on assets and nodes (after other orgs' are dropped). */
  checkFinalGrant(t: TicketRec, assets: string[] | undefined, nodes: string[] | undefined): void {
    if (this.isFinalStep(t) && !(assets && assets.length) && !(nodes && nodes.length)) {
      const msg = ["Select at least one asset or node"];
      throw new ApiError(400, { apply_nodes: msg, apply_assets: msg });
    }
  }

  /**
   * The tickets `userId` is related to that match the query. Before v4.10.19 the typed lists only
   * filter by id (`typedList`); v3 has no org or days filters.
   */
  find(userId: string, q: TicketQuery, typedList: boolean): TicketRec[] {
    const m = this.m;
    const p = m.profile;
    let items = m.state.tickets.filter((t) => this.isRelated(t, userId));
    const eq = (want: string | undefined, get: (t: TicketRec) => string, ci = false) => {
      if (want === undefined || want === "") return;
      items = items.filter((t) =>
        ci ? get(t).toLowerCase() === want.toLowerCase() : get(t) === want,
      );
    };
    eq(q.id, (t) => t.id);
    if (typedList && !p.namedFlows) return items;
    if (q.type && !TICKET_TYPES.includes(q.type))
      throw new ApiError(400, {
        type: [`Select a valid choice. ${q.type} is not one of the available choices.`],
      });
    eq(q.type, (t) => t.type);
    eq(q.title, (t) => t.title, p.namedFlows);
    eq(q.serialNum, (t) => t.serialNum);
    if (q.state !== "all") eq(q.state, (t) => t.state);
    eq(q.status, (t) => t.status);
    eq(q.applicant, (t) => t.applicantId);
    if (p.version !== "v3.10.23") {
      eq(q.orgId, (t) => t.orgId);
      if (q.orgIdIn) items = items.filter((t) => q.orgIdIn!.includes(t.orgId));
      // BaseFilterSet (v4): created within / before N days.
      const since = (days: number) => m.now() - days * 86_400_000;
      if (q.days !== undefined)
        items = Number.isNaN(q.days) ? [] : items.filter((t) => t.dateCreated >= since(q.days!));
      if (q.daysLt !== undefined)
        items = Number.isNaN(q.daysLt) ? [] : items.filter((t) => t.dateCreated < since(q.daysLt!));
    }
    if (q.assignee)
      items = items.filter((t) => this.currentStep(t)?.assignees.includes(q.assignee!) ?? false);
    if (q.orgName !== undefined) {
      const name = q.orgName.toLowerCase();
      items = items.filter((t) =>
        (findOrg(m.state, t.orgId)?.name ?? "").toLowerCase().includes(name),
      );
    }
    if (q.applicantUsernameName) {
      const who = q.applicantUsernameName.toLowerCase();
      items = items.filter((t) => {
        const u = m.user(t.applicantId);
        return !!u && (u.username + " " + u.name).toLowerCase().includes(who);
      });
    }
    return items;
  }
}
