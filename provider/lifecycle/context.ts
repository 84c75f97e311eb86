// Where provider methods get their client. Stack config arrives through the dynamic provider's
// `configure` hook (once per provider process and serialized provider text); the environment is
// the fallback. Nothing here is captured when the provider is serialized.
import { JumpServerClient } from "../client/client";
import { ConfigSource, processState } from "../client/processState";
import { DEFAULT_ORG_ID, resolveSettings, Settings } from "../settings";

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

/** The default org for resources, read without requiring credentials (check runs without them). */
export function configuredOrgId(): string {
  const config = processState().config;
  let fromConfig: string | undefined;
  try {
    fromConfig = config?.get("jumpserver:orgId");
  } catch {
    fromConfig = undefined;
  }
  return fromConfig || process.env.JUMPSERVER_ORG_ID || DEFAULT_ORG_ID;
}
