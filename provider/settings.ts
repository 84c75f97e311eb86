// Provider settings: stack config (`jumpserver:*`, delivered to the dynamic provider's `configure`)
// first, then the environment. Read at run time only, never captured in the serialized provider.
import { ProviderError } from "./errors";

export const DEFAULT_ORG_ID = "00000000-0000-0000-0000-000000000002";
export const ROOT_ORG_ID = "00000000-0000-0000-0000-000000000000";

export type AuthSettings =
  | { kind: "accessKey"; keyId: string; secret: string }
  | { kind: "privateToken"; token: string }
  | { kind: "bearer"; token: string }
  | { kind: "password"; username: string; password: string };

export interface Settings {
  url: string;
  auth: AuthSettings;
  orgId: string;
  insecure: boolean;
  caCert?: string;
  timeoutSeconds: number;
  maxRetries: number;
  /** A cap on requests per minute; "auto" (the default) learns the server's limit from its 429s; 0 = none. */
  requestsPerMinute: number | "auto";
}

/** A setting's stack-config key and environment variable; `doc` and `type` describe it in the plugin's schema. */
interface Key {
  config: string;
  env: string;
  doc: string;
  type: "string" | "number" | "boolean";
}

const key = (name: string, env: string, type: Key["type"], doc: string): Key => ({
  config: `jumpserver:${name}`,
  env,
  doc,
  type,
});

export const SETTING_KEYS = {
  url: key("url", "JUMPSERVER_URL", "string", "Base URL of JumpServer (required)."),
  accessKeyId: key(
    "accessKeyId",
    "JUMPSERVER_ACCESS_KEY_ID",
    "string",
    "Access key id (HTTP signature, preferred); goes with accessKeySecret.",
  ),
  accessKeySecret: key(
    "accessKeySecret",
    "JUMPSERVER_ACCESS_KEY_SECRET",
    "string",
    "Access key secret; goes with accessKeyId.",
  ),
  privateToken: key(
    "privateToken",
    "JUMPSERVER_PRIVATE_TOKEN",
    "string",
    "Private token, sent as `Authorization: Token …`.",
  ),
  token: key(
    "token",
    "JUMPSERVER_TOKEN",
    "string",
    "Bearer token, sent as `Authorization: Bearer …`.",
  ),
  username: key(
    "username",
    "JUMPSERVER_USERNAME",
    "string",
    "User whose password is exchanged for a token; goes with password.",
  ),
  password: key("password", "JUMPSERVER_PASSWORD", "string", "That user's password."),
  orgId: key(
    "orgId",
    "JUMPSERVER_ORG_ID",
    "string",
    "Org of every resource that gives no orgId (default the Default org, 00000000-0000-0000-0000-000000000002).",
  ),
  insecure: key(
    "insecure",
    "JUMPSERVER_INSECURE",
    "boolean",
    "Skip TLS certificate verification (default false).",
  ),
  caCert: key(
    "caCert",
    "JUMPSERVER_CA_CERT",
    "string",
    "PEM text of the CA certificate(s) to trust, for a self-signed JumpServer.",
  ),
  timeoutSeconds: key(
    "timeoutSeconds",
    "JUMPSERVER_TIMEOUT_SECONDS",
    "number",
    "Timeout of each HTTP attempt, in seconds (default 30).",
  ),
  maxRetries: key(
    "maxRetries",
    "JUMPSERVER_MAX_RETRIES",
    "number",
    "Retries of a request that is safe to resend (default 4).",
  ),
  requestsPerMinute: key(
    "requestsPerMinute",
    "JUMPSERVER_REQUESTS_PER_MINUTE",
    "string",
    'Client-side request budget over a sliding minute: "auto" (default, learned from 429s), a number, or 0 for none.',
  ),
} as const;

/** Keys whose values are credentials: they must be set with `pulumi config set --secret`. */
export const SECRET_SETTING_KEYS = [
  "accessKeySecret",
  "privateToken",
  "token",
  "password",
] as const;

/** Keys that carry a credential: they come from one source, stack config or the environment. */
export const CREDENTIAL_KEYS = [
  SETTING_KEYS.accessKeyId,
  SETTING_KEYS.accessKeySecret,
  SETTING_KEYS.privateToken,
  SETTING_KEYS.token,
  SETTING_KEYS.username,
  SETTING_KEYS.password,
];

export type ConfigGetter = (configKey: string) => string | undefined;

export class SettingsError extends ProviderError {
  constructor(problems: string[]) {
    super(`JumpServer provider settings: ${problems.join("; ")}`, "SettingsError");
  }
}

const both = (k: Key) => `${k.config} (or ${k.env})`;

/**
 * Resolves settings from stack config, then the environment. Every problem is reported in one
 * message that names the keys. Authentication comes from one source: if any credential is in
 * stack config, the environment's credentials are not looked at (mixing them is a trap).
 */
export function resolveSettings(
  getConfig: ConfigGetter,
  env: NodeJS.ProcessEnv = process.env,
): Settings {
  const problems: string[] = [];
  const fromConfig = (k: Key) => nonEmpty(getConfig(k.config));
  const fromEnv = (k: Key) => nonEmpty(env[k.env]);
  const get = (k: Key) => fromConfig(k) ?? fromEnv(k);

  const url = get(SETTING_KEYS.url);
  if (!url) {
    problems.push(`missing ${both(SETTING_KEYS.url)}: the JumpServer base URL`);
  } else if (/^https?:\/\/[^/@\s]*@/i.test(url)) {
    // Not echoed: the URL holds a credential.
    problems.push(
      `${both(SETTING_KEYS.url)} must not contain a user or password; use ${both(SETTING_KEYS.username)} and ${both(SETTING_KEYS.password)}, or an access key`,
    );
  } else if (!/^https?:\/\/[^/\s]+/i.test(url)) {
    problems.push(`${both(SETTING_KEYS.url)} must be an http(s) URL, got "${url}"`);
  }

  const useConfig = CREDENTIAL_KEYS.some((k) => fromConfig(k) !== undefined);
  const cred = (k: Key) => (useConfig ? fromConfig(k) : fromEnv(k));
  const name = (k: Key) => (useConfig ? k.config : k.env);

  const modes: AuthSettings[] = [];
  const modeNames: string[] = [];
  const ak = cred(SETTING_KEYS.accessKeyId);
  const sk = cred(SETTING_KEYS.accessKeySecret);
  if (ak || sk) {
    if (!ak || !sk) {
      problems.push(
        `${name(SETTING_KEYS.accessKeyId)} and ${name(SETTING_KEYS.accessKeySecret)} go together; only ${
          ak ? name(SETTING_KEYS.accessKeyId) : name(SETTING_KEYS.accessKeySecret)
        } is set`,
      );
    } else {
      modes.push({ kind: "accessKey", keyId: ak, secret: sk });
    }
    modeNames.push(`${name(SETTING_KEYS.accessKeyId)}/${name(SETTING_KEYS.accessKeySecret)}`);
  }
  const pt = cred(SETTING_KEYS.privateToken);
  if (pt) {
    modes.push({ kind: "privateToken", token: pt });
    modeNames.push(name(SETTING_KEYS.privateToken));
  }
  const bt = cred(SETTING_KEYS.token);
  if (bt) {
    modes.push({ kind: "bearer", token: bt });
    modeNames.push(name(SETTING_KEYS.token));
  }
  const user = cred(SETTING_KEYS.username);
  const pass = cred(SETTING_KEYS.password);
  if (user || pass) {
    if (!user || !pass) {
      problems.push(
        `${name(SETTING_KEYS.username)} and ${name(SETTING_KEYS.password)} go together; only ${
          user ? name(SETTING_KEYS.username) : name(SETTING_KEYS.password)
        } is set`,
      );
    } else {
      modes.push({ kind: "password", username: user, password: pass });
    }
    modeNames.push(`${name(SETTING_KEYS.username)}/${name(SETTING_KEYS.password)}`);
  }
  if (modeNames.length === 0) {
    problems.push(
      `no credentials: set one of ${both(SETTING_KEYS.accessKeyId)} + ${both(
        SETTING_KEYS.accessKeySecret,
      )} (preferred), ${both(SETTING_KEYS.privateToken)}, ${both(SETTING_KEYS.token)}, or ${both(
        SETTING_KEYS.username,
      )} + ${both(SETTING_KEYS.password)}`,
    );
  } else if (modeNames.length > 1) {
    problems.push(`more than one way to authenticate is set (${modeNames.join(", ")}); keep one`);
  }

  const orgId = get(SETTING_KEYS.orgId) ?? DEFAULT_ORG_ID;
  if (!UUID.test(orgId)) {
    problems.push(`${both(SETTING_KEYS.orgId)} must be an organization UUID, got "${orgId}"`);
  }
  const insecure = parseBool(get(SETTING_KEYS.insecure), SETTING_KEYS.insecure, problems);
  const caCert = get(SETTING_KEYS.caCert);
  if (caCert && !caCert.includes("-----BEGIN CERTIFICATE-----")) {
    problems.push(
      `${both(SETTING_KEYS.caCert)} must be a PEM bundle (-----BEGIN CERTIFICATE-----)`,
    );
  }
  const timeoutSeconds = parseNumber(
    get(SETTING_KEYS.timeoutSeconds),
    30,
    SETTING_KEYS.timeoutSeconds,
    problems,
    1,
  );
  const maxRetries = parseNumber(
    get(SETTING_KEYS.maxRetries),
    4,
    SETTING_KEYS.maxRetries,
    problems,
    0,
  );
  const rpm = get(SETTING_KEYS.requestsPerMinute);
  const requestsPerMinute =
    rpm === undefined || rpm.trim().toLowerCase() === "auto"
      ? ("auto" as const)
      : parseNumber(rpm, 0, SETTING_KEYS.requestsPerMinute, problems, 0);

  if (problems.length > 0) throw new SettingsError(problems);
  return {
    url: url!.replace(/\/+$/, ""),
    auth: modes[0],
    orgId,
    insecure,
    caCert,
    timeoutSeconds,
    maxRetries,
    requestsPerMinute,
  };
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function nonEmpty(v: string | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  const t = String(v).trim();
  return t === "" ? undefined : t;
}

function parseBool(v: string | undefined, k: Key, problems: string[]): boolean {
  if (v === undefined) return false;
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  problems.push(`${both(k)} must be true or false, got "${v}"`);
  return false;
}

function parseNumber(
  v: string | undefined,
  fallback: number,
  k: Key,
  problems: string[],
  min: number,
): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) {
    problems.push(`${both(k)} must be a number >= ${min}, got "${v}"`);
    return fallback;
  }
  return n;
}
