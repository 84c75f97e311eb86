// Process-wide client state. Pulumi may load several copies of this code in one provider process
// (each serialized provider text is its own module instance), so shared state hangs off a global
// symbol rather than module variables: every copy then shares one request budget and one cache.

import type { JumpServerClient } from "./client";
import type { SlidingWindow } from "./throttle";

/** Where stack config is read (the engine's Configure RPC, given to the dynamic provider). */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export interface ProcessState {
  budgets: Map<string, SlidingWindow>;
  /** Password logins per server, user and password fingerprint (the promise, so concurrent requests share one). */
  logins: Map<string, Promise<string>>;
  profiles: Map<string, Promise<unknown>>;
  /** The tail of each named queue (see `JumpServerClient.exclusive`). */
  queues: Map<string, Promise<unknown>>;
  /** One client per settings, so the request budget and lookup caches are shared. */
  clients: Map<string, JumpServerClient>;
  /** The stack config the engine sent, once it has. */
  config?: ConfigSource;
}

export function processState(): ProcessState {
  // Symbol.for inside the function: Pulumi's closure serializer cannot copy a captured symbol.
  const KEY = Symbol.for("pulumi-jumpserver-tickets");
  const g = globalThis as unknown as Record<symbol, Partial<ProcessState> | undefined>;
  // A copy of an older version in this process may have made it with fewer maps.
  const state = (g[KEY] ??= {});
  state.budgets ??= new Map();
  state.logins ??= new Map();
  state.profiles ??= new Map();
  state.queues ??= new Map();
  state.clients ??= new Map();
  return state as ProcessState;
}
