// Pulumi's placeholder for an input that is not known until `up`: an output of another resource
// that doesn't exist yet, at `preview`. It can stand for a whole input or any part of one (a list,
// one element, one rule, one field of a rule). `check` validates what is known and passes
// placeholders through; `diff` plans a replacement when a replacing input holds one.

/** `@pulumi/pulumi/runtime/rpc` `unknownValue`: what the dynamic-provider host passes. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const isUnknown = (v: unknown): boolean => v === UNKNOWN;

/** True when `v` is, or holds at any depth, a placeholder. */
export function hasUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (v && typeof v === "object") return Object.values(v).some(hasUnknown);
  return false;
}

/**
 * Fails, naming the first unknown input, before any request is made: the engine resolves every
 * input before create or update, so a placeholder here means a value JumpServer must never see.
 */
export function assertKnown(inputs: Record<string, unknown>): void {
  const at = firstUnknown(inputs, "");
  if (at !== undefined)
    throw new Error(`${at}: not known yet (a value from another resource); nothing was sent`);
}

function firstUnknown(v: unknown, path: string): string | undefined {
  if (isUnknown(v)) return path;
  const entries: Array<[string, unknown]> = Array.isArray(v)
    ? v.map((x, i) => [`${path}[${i}]`, x])
    : v && typeof v === "object"
      ? Object.entries(v).map(([k, x]) => [path ? `${path}.${k}` : k, x])
      : [];
  for (const [p, x] of entries) {
    const found = firstUnknown(x, p);
    if (found !== undefined) return found;
  }
  return undefined;
}
