// The route table: JumpServer's URL patterns (trailing slash mandatory) and which verbs each has.
import type { Ctx, Reply } from "../http/context";
import * as auth from "./auth";
import * as lookups from "./lookups";
import * as flows from "./flows";
import * as tickets from "./tickets";
import * as perms from "./perms";

export type Handler = (ctx: Ctx) => Reply;

export interface Route {
  /** Segments after /api/v1/; ":id" matches any one segment. */
  pattern: string[];
  methods: Partial<Record<string, Handler>>;
  /** Reachable without credentials (AllowAny). */
  public?: boolean;
}

const r = (pattern: string, methods: Route["methods"], isPublic = false): Route => ({
  pattern: pattern.split("/").filter(Boolean),
  methods,
  public: isPublic,
});

const typed = "tickets/apply-asset-tickets";

export const ROUTES: Route[] = [
  r("authentication/auth", { POST: auth.login }, true),
  r("authentication/tokens", { POST: auth.login }, true),
  r("users/profile", { GET: lookups.profile }),
  r("users/users", { GET: lookups.listUsers }),
  r("users/users/:id", { GET: lookups.getUser }),
  r("assets/assets", { GET: lookups.listAssets }),
  r("assets/assets/:id", { GET: lookups.getAsset }),
  r("assets/nodes", { GET: lookups.listNodes }),
  r("assets/nodes/:id", { GET: lookups.getNode }),
  r("tickets/apply-assets/suggestions", { GET: lookups.suggestions }),
  r("tickets/flows", { GET: flows.listFlows, POST: flows.createFlow }),
  r("tickets/flows/options", { GET: flows.flowOptions }),
  r("tickets/flows/cc-users", { GET: flows.flowCcUsers }),
  r("tickets/flows/:id", {
    GET: flows.getFlow,
    PUT: flows.updateFlow,
    PATCH: flows.updateFlow,
    DELETE: flows.deleteFlow,
  }),
  r("tickets/tickets", { GET: tickets.listTickets("generic"), POST: tickets.refuse("create") }),
  r("tickets/tickets/open", { POST: tickets.genericOpen }),
  r("tickets/tickets/:id", {
    GET: tickets.getTicket("generic"),
    PUT: tickets.refuse("update"),
    PATCH: tickets.refuse("partial_update"),
    DELETE: tickets.refuse("destroy"),
  }),
  r("tickets/tickets/:id/approve", { PUT: tickets.genericApprove, PATCH: tickets.genericApprove }),
  r("tickets/tickets/:id/reject", { PUT: tickets.rejectTicket("generic") }),
  r("tickets/tickets/:id/close", { PUT: tickets.closeTicket("generic") }),
  r(typed, { GET: tickets.listTickets("typed"), POST: tickets.refuse("create") }),
  r(`${typed}/open`, { POST: tickets.openTicket }),
  r(`${typed}/:id`, {
    GET: tickets.getTicket("typed"),
    PUT: tickets.refuse("update"),
    PATCH: tickets.refuse("partial_update"),
    DELETE: tickets.refuse("destroy"),
  }),
  r(`${typed}/:id/approve`, { PUT: tickets.approveTicket, PATCH: tickets.approveTicket }),
  r(`${typed}/:id/reject`, { PUT: tickets.rejectTicket("typed") }),
  r(`${typed}/:id/close`, { PUT: tickets.closeTicket("typed") }),
  r("tickets/super-tickets/:id/status", {
    GET: tickets.getSuperTicket,
    DELETE: tickets.deleteSuperTicket,
  }),
  r("perms/asset-permissions", { GET: perms.listPermissions, POST: perms.createPermission }),
  r("perms/asset-permissions/:id", {
    GET: perms.getPermission,
    PUT: perms.updatePermission,
    PATCH: perms.updatePermission,
    DELETE: perms.deletePermission,
  }),
  r("perms/asset-permissions-users-relations", { GET: perms.listRelations("users") }),
  r("perms/asset-permissions-user-groups-relations", { GET: perms.listRelations("user-groups") }),
  r("perms/asset-permissions-assets-relations", { GET: perms.listRelations("assets") }),
  r("perms/asset-permissions-nodes-relations", { GET: perms.listRelations("nodes") }),
];

export function matchRoute(path: string): { route: Route; params: Record<string, string> } | null {
  if (!path.startsWith("/api/v1/") || !path.endsWith("/")) return null;
  const segs = path.slice("/api/v1/".length).split("/").filter(Boolean);
  for (const route of ROUTES) {
    if (route.pattern.length !== segs.length) continue;
    const params: Record<string, string> = {};
    let okMatch = true;
    for (let i = 0; i < segs.length && okMatch; i++) {
      const want = route.pattern[i];
      if (want === ":id") params.id = decodeSegment(segs[i]);
      else if (want !== segs[i]) okMatch = false;
    }
    if (okMatch) return { route, params };
  }
  return null;
}

/** A malformed %-escape stays as sent (Django decodes with replacement; either way not a UUID). */
function decodeSegment(seg: string): string {
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}
