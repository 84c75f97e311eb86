// The library users import: the resources, their providers, program-side readers, the client.
export { TicketFlow, ticketFlowProvider } from "./resources/ticketFlow";
export type {
  TicketFlowArgs,
  FlowRule,
  FlowRuleArgs,
  SelectorArgs,
  StrategyRule,
  SelectorRule,
} from "./resources/ticketFlow";
export { AssetAccessTicket, assetAccessTicketProvider } from "./resources/assetAccessTicket";
export type { AssetAccessTicketArgs } from "./resources/assetAccessTicket";
export { TicketApproval, ticketApprovalProvider } from "./resources/ticketApproval";
export type { TicketApprovalArgs } from "./resources/ticketApproval";
export type { Grant, Asked, Reviewed } from "./model/approvalFields";
export { getTicketFlows, getTickets } from "./readers";
export type { TicketFlowSummary, TicketSummary } from "./readers";
export { JumpServerClient } from "./client/client";
export type { RequestOptions, ListPage, Query } from "./client/client";
export { JumpServerError } from "./client/errors";
export { resolveSettings, SettingsError, DEFAULT_ORG_ID, ROOT_ORG_ID } from "./settings";
export type { Settings, AuthSettings } from "./settings";
