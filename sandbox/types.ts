// Public types of the sandbox: the programmatic contract tests and users rely on.

export type Dialect = "strategy" | "selector";
export type ErrorMode = "legacy" | "conflict";
export type OpenRace = "postgres" | "mysql" | "off";
export type OrgsMode = "community" | "enterprise";

export interface SandboxOptions {
  /** Port to listen on; 0 (default) picks a free one. The CLI defaults to 8080. */
  port?: number;
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** `strategy` = JumpServer v3.10.23, `selector` (default) = v4.10.x. */
  dialect?: Dialect;
  /** `legacy` = 400 "Ticket already closed" (v3, v4.10.16); `conflict` = 409s (v4.10.19). */
  errors?: ErrorMode;
  /** Random faults, e.g. "error=0.2,drop=0.05,dropAfter=0.05,latency=0-200,seed=42". */
  faults?: string | FaultSpec;
  /** JSON file the state is written through to, and restored from at start. */
  state?: string;
  /** "N/SECONDS" or "off"; default follows the version (v4.10.16 180/60, v4.10.19 4096/60, v3 off). */
  rateLimit?: string;
  /**
   * Concurrent opens collide on the serial number as on a real server (the numbering lock is
   * released before the transaction commits): an open that overlaps another that commits first is
   * rolled back and answers 500 (`postgres`, the default, as the kit's servers) or 400
   * `please_try_again` (`mysql`); `off` numbers every open.
   */
  openRace?: OpenRace;
  /**
   * How X-JMS-ORG is honoured. `community` (default): any org but Default and the root org is read
   * as Default, as every community edition does. `enterprise`: every request is scoped to the org
   * it names (an unknown id is Default), as JumpServer Enterprise and the kit's multi-org mode do;
   * the seed then also has `opsuser`, a member of Ops only.
   */
  orgs?: OrgsMode;
  /** Refuse hazardous requests with a 400 naming the field instead of reproducing the real server. */
  strict?: boolean;
  /** Serve HTTPS with these PEM strings. */
  tls?: { cert: string; key: string };
  /** One line per request on stderr. */
  log?: boolean;
  /** Override seed credentials per username. */
  credentials?: Record<string, SeedCredentials>;
  /**
   * The sandbox's clock at start (epoch ms); it then runs on in real time. Default: the wall
   * clock. Expiry (`is_expired`, `is_valid`), timestamps and serial numbers follow it, so a replay
   * can answer as the server did when it was recorded.
   */
  now?: number;
}

export interface SeedCredentials {
  password?: string;
  privateToken?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
}

export interface FaultSpec {
  /** Probability of answering `status` before handling. */
  error?: number;
  /** Probability of destroying the socket before handling. */
  drop?: number;
  /** Probability of handling the request fully, then destroying the socket without answering. */
  dropAfter?: number;
  /** Uniform extra latency range in milliseconds. */
  latencyMs?: [number, number];
  /** PRNG seed; the same seed gives the same fault sequence. */
  seed?: number;
  /** Status of injected errors; default 503. */
  status?: number;
}

export interface OneShotFault {
  method?: string;
  /** String = exact path without query; RegExp = tested against path+query. */
  path: string | RegExp;
  kind: "error" | "drop" | "dropAfter" | "delay";
  status?: number;
  retryAfter?: number;
  /** For "error": the JSON body to answer instead of the generic one (e.g. a server's error code). */
  body?: unknown;
  delayMs?: number;
  times?: number;
}

export interface SeedOrg {
  id: string;
  name: string;
}

export interface SeedUser {
  id: string;
  username: string;
  name: string;
  role: "admin" | "orgadmin" | "user";
  password: string;
  privateToken: string;
  accessKey: { id: string; secret: string };
}

export interface SeedAsset {
  id: string;
  name: string;
  address: string;
  orgId: string;
}

export interface SeedNode {
  id: string;
  value: string;
  fullValue: string;
  orgId: string;
}

/** The ready-line object (docs/sandbox.md, "Run it"), plus `version` and `errors`. */
export interface SeedInfo {
  url: string;
  dialect: Dialect;
  errors: ErrorMode;
  version: string;
  /** `"enterprise"` when started with `orgs: "enterprise"`; absent on a community edition. */
  orgsMode?: "enterprise";
  orgs: SeedOrg[];
  users: SeedUser[];
  assets: SeedAsset[];
  nodes: SeedNode[];
}

export interface Hazard {
  kind: string;
  method: string;
  path: string;
}

export interface SandboxStats {
  total: number;
  byRoute: Record<string, number>;
  /** Counted requests by how they ended: status code ("200", "429", "503"…) or "dropped". */
  byStatus: Record<string, number>;
  hazards: Hazard[];
}

export interface Sandbox {
  url: string;
  seed: SeedInfo;
  close(): Promise<void>;
  injectFault(f: OneShotFault): void;
  stats(): SandboxStats;
  resetStats(): void;
}
