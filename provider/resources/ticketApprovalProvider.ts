// The provider TicketApproval hands to Pulumi is this module itself: see ticketFlowProvider.ts.
export { configure } from "../lifecycle/context";
export { check, diff, create, read, update, remove as delete } from "../lifecycle/ticketApproval";
