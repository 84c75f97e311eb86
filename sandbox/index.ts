// The JumpServer sandbox: a local, faithful JumpServer ticket/flow/auth/lookup API for tests,
// demos and users' CI. Written from the API facts alone; it never imports provider/.
export { startSandbox } from "./server";
export type {
  Sandbox,
  SandboxOptions,
  SandboxStats,
  FaultSpec,
  OneShotFault,
  SeedInfo,
  SeedUser,
  SeedOrg,
  SeedAsset,
  SeedNode,
  SeedCredentials,
  Hazard,
  Dialect,
  ErrorMode,
  OpenRace,
} from "./types";
