// Where provider methods get their client. Stack config arrives through the dynamic provider's
// `configure` hook (once per provider process and serialized provider text); the environment is
// the fallback. Nothing here is captured when the provider is serialized.
import { JumpServerClient } from "../client/client";
import { ConfigSource, processState } from "../client/processState";
import { GUARDRAIL_KEYS, Guardrails, parseGuardrails } from "../model/guardrails";
import {
  CREDENTIAL_KEYS,
  DEFAULT_ORG_ID,
  SETTING_KEYS,
  SettingsError,
  resolveSettings,
  Settings,
} from "../settings";

export type { ConfigSource };

/** The provider's `configure`: stores the stack config the engine sent (shared by every copy in the process). */
export async function configure(req: { config?: ConfigSource }): Promise<void> {
  processState().config = req.config;
}

export function currentSettings(): Settings {
  const config = processState().config;
  const get = (key: string): string | undefined => {
    try {
      return config?.get(key);
    } catch {
      return undefined; // no Configure RPC yet: fall back to the environment
    }
  };
  return resolveSettings(get, process.env);
}

/** One client per settings in the process, so the request budget and lookup caches are shared. */
export function currentClient(): JumpServerClient {
  const settings = currentSettings();
  const clients = processState().clients;
  const key = JSON.stringify(settings);
  let client = clients.get(key);
  if (!client) {
    client = new JumpServerClient(settings);
    clients.set(key, client);
  }
  return client;
}

/** A stack config value, or undefined before the engine's Configure RPC. */
function fromConfig(key: string): string | undefined {
  try {
    return processState().config?.get(key) || undefined;
  } catch {
    return undefined;
  }
}

/** The default org for resources, read without requiring credentials (check runs without them). */
export function configuredOrgId(): string {
  return fromConfig("jumpserver:orgId") || process.env.JUMPSERVER_ORG_ID || DEFAULT_ORG_ID;
}

/** The stack's guardrails (stack config, then the environment); a bad value fails, naming its key. */
export function configuredGuardrails(): Guardrails {
  const { guardrails, problems } = parseGuardrails(
    (k) => fromConfig(GUARDRAIL_KEYS[k].config) ?? process.env[GUARDRAIL_KEYS[k].env],
  );
  if (problems.length > 0) throw new SettingsError(problems);
  return guardrails;
}

/**
 * The username of a password login, the one identity known without a request (an access key or
 * a token names nobody until the server is asked). Credentials come from one source, as in
 * resolveSettings: the environment's only when stack config holds none.
 */
export function configuredUsername(): string | undefined {
  const inConfig = CREDENTIAL_KEYS.some((k) => fromConfig(k.config) !== undefined);
  const name = inConfig
    ? fromConfig(SETTING_KEYS.username.config)
    : process.env[SETTING_KEYS.username.env];
  return name?.trim() || undefined;
}
