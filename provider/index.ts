// The library users import: settings, the HTTP client, and (later) the resources.
export { JumpServerClient } from "./client/client";
export type { RequestOptions, ListPage, Query } from "./client/client";
export { JumpServerError } from "./client/errors";
export { resolveSettings, SettingsError, DEFAULT_ORG_ID, ROOT_ORG_ID } from "./settings";
export type { Settings, AuthSettings } from "./settings";
