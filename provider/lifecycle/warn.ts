// Warnings from provider methods: Pulumi's log when an engine is attached, stderr otherwise, or
// the sink a caller outside the engine set (the report collects them as problems).

let sink: ((message: string) => void) | undefined;

/** Sends warnings to `to` instead (undefined: back to the log); returns the previous sink. */
export function redirectWarnings(to: ((message: string) => void) | undefined) {
  const previous = sink;
  sink = to;
  return previous;
}

export function warn(message: string): void {
  if (sink) return sink(message);
  try {
    const log = require("@pulumi/pulumi/log") as { warn(m: string): Promise<void> | void };
    void Promise.resolve(log.warn(message)).catch(() => console.error(`warning: ${message}`));
  } catch {
    console.error(`warning: ${message}`);
  }
}
