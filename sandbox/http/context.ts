// What a route handler gets: the parsed request, the caller, the current org and the model.
import type { Model } from "../model/model";
import type { UserRec } from "../model/state";
import type { Profile } from "../versions";
import { ApiError } from "../errors";

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A non-JSON body (Django's HTML 404 page). */
  raw?: string;
}

export interface Ctx {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** Route parameters (e.g. `id`). */
  params: Record<string, string>;
  /** Set by auth for non-public routes. */
  user: UserRec;
  orgId: string;
  model: Model;
  profile: Profile;
  strict: boolean;
  /** Scheme://host of the request, for absolute `next`/`previous` links. */
  origin: string;
  clientIp: string;
  /** Set on an open that another open overtook while it was numbering: how it fails (SandboxOptions.openRace). */
  openRaceLost: "postgres" | "mysql" | null;
  /** Set by handlers that changed state, so it is persisted before the answer goes out. */
  mutated: boolean;
  /** Record a hazardous request; in strict mode it throws the 400 naming `field`. */
  hazard(kind: string, field: string, message: string): void;
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });

export function makeHazard(
  ctx: Pick<Ctx, "strict" | "method" | "path">,
  record: (kind: string) => void,
): Ctx["hazard"] {
  return (kind, field, message) => {
    record(kind);
    if (ctx.strict) throw new ApiError(400, { [field]: [message] }, { "X-Sandbox-Hazard": kind });
  };
}

/** The request body as an object of fields (DRF refuses other JSON shapes before validating). */
export function bodyObject(ctx: Ctx): Record<string, unknown> {
  const b = ctx.body;
  if (b === undefined || b === null) return {};
  if (typeof b !== "object" || Array.isArray(b))
    throw new ApiError(400, {
      non_field_errors: [
        `Invalid data. Expected a dictionary, but got ${Array.isArray(b) ? "list" : typeof b === "string" ? "str" : typeof b === "number" ? (Number.isInteger(b) ? "int" : "float") : "bool"}.`,
      ],
    });
  return b as Record<string, unknown>;
}
