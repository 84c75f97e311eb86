// Warnings from provider methods: Pulumi's log when an engine is attached, stderr otherwise.

export function warn(message: string): void {
  try {
    const log = require("@pulumi/pulumi/log") as { warn(m: string): Promise<void> | void };
    void Promise.resolve(log.warn(message)).catch(() => console.error(`warning: ${message}`));
  } catch {
    console.error(`warning: ${message}`);
  }
}
