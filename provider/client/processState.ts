// Process-wide client state. Pulumi may load several copies of this code in one provider process
// (each serialized provider text is its own module instance), so shared state hangs off a global
// symbol rather than module variables: every copy then shares one request budget and one cache.

import type { SlidingWindow } from "./throttle";

export interface ProcessState {
  budgets: Map<string, SlidingWindow>;
  /** Password logins per server, user and password fingerprint (the promise, so concurrent requests share one). */
  logins: Map<string, Promise<string>>;
  profiles: Map<string, Promise<unknown>>;
  dialects: Map<string, string>;
  /** The tail of each named queue (see `JumpServerClient.exclusive`). */
  queues: Map<string, Promise<unknown>>;
  [other: string]: unknown;
}

export function processState(): ProcessState {
  // Symbol.for inside the function: Pulumi's closure serializer cannot copy a captured symbol.
  const KEY = Symbol.for("pulumi-jumpserver-tickets");
  const g = globalThis as unknown as Record<symbol, ProcessState | undefined>;
  let state = g[KEY];
  if (state && !state.queues) state.queues = new Map(); // made by an older copy in this process
  if (!state) {
    state = {
      budgets: new Map(),
      logins: new Map(),
      profiles: new Map(),
      dialects: new Map(),
      queues: new Map(),
    };
    g[KEY] = state;
  }
  return state;
}
