import type { Profile } from "./versions";
// One error type for every refusal the model or a route makes: it carries the status and the
// exact body the real server would send, so the HTTP layer only has to write it out.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === "object" ? JSON.stringify(body) : String(body));
  }
}

export const detail = (status: number, text: string, code: string) =>
  new ApiError(status, { detail: text, code });

export const fieldErrors = (errors: Record<string, unknown>) => new ApiError(400, errors);

export const serverError = () => new ApiError(500, { error: "Server internal error" });

export const permissionDenied = () =>
  detail(403, "You do not have permission to perform this action.", "permission_denied");

/** A detail route's 404, in the version's words (`p.messages.notFound`). */
export const notFound = (p: Pick<Profile, "messages">, model: string) =>
  detail(404, p.messages.notFound(model), "object_does_not_exist");

export const methodNotAllowed = (word: string) =>
  detail(405, `Method "${word}" not allowed.`, "method_not_allowed");

export const REQUIRED = "This field is required.";
