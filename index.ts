// Package root: the resources, their providers, the client and the sandbox.
export * from "./provider";
export { startSandbox } from "./sandbox";
export type { Sandbox, SandboxOptions } from "./sandbox";
