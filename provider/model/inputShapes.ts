// The shape of a resource's inputs, checked with zod before their meaning is: which keys exist,
// and each value's type, at any depth. Pulumi's unknown placeholder is accepted wherever a value
// may stand (a whole list, one element), since it is known only at `up`. Each issue becomes a
// failure named by its property path (`assets[1]`), with the message the schema gives.
import * as zod from "zod";
import { UNKNOWN } from "./unknown";

export interface Failure {
  property: string;
  reason: string;
}

export type Z = typeof zod.z;
/** How a field's shape is built (on each use: see api/answers.ts). */
export type Shape = (z: Z) => zod.z.ZodType;

/** `schema`, or the unknown placeholder. */
export function orUnknown<S extends zod.z.ZodType>(z: Z, schema: S) {
  return z.union([z.literal(UNKNOWN), schema]);
}

/** An input that may be left out (or null), or be unknown at preview. */
export function optional(build: Shape): Shape {
  return (z) => orUnknown(z, build(z)).optional().nullable();
}

export const text =
  (expected: string): Shape =>
  (z) =>
    z.string({ error: expected });

export const flag: Shape = optional((z) => z.boolean({ error: "expected true or false" }));

/** A list of names or ids, each non-empty; the list and each element may be unknown. */
export const names: Shape = optional((z) =>
  z.array(
    orUnknown(
      z,
      z
        .string({ error: "expected a non-empty name or id" })
        .refine((x) => x.trim() !== "", { error: "expected a non-empty name or id" }),
    ),
    { error: "expected a list of names or ids" },
  ),
);

/** A resource's `guardrails` override: each key a number of days or levels, a flag, or actions. */
export function guardrailsShape(
  keys: Record<string, "days" | "levels" | "flag" | "actions">,
): Shape {
  const kinds: Record<string, Shape> = {
    days: (z) => z.number({ error: "expected a number of days > 0" }).positive(),
    levels: (z) =>
      z.number({ error: "expected 1 to 5 approval levels" }).int().min(1).max(5, {
        error: "expected 1 to 5 approval levels",
      }),
    flag: (z) => z.boolean({ error: "expected true or false" }),
    actions: (z) =>
      z.array(orUnknown(z, z.string({ error: "expected a list of action names" })), {
        error: "expected a list of action names",
      }),
  };
  return optional((z) =>
    z.strictObject(
      Object.fromEntries(Object.entries(keys).map(([k, kind]) => [k, optional(kinds[kind])(z)])),
      { error: `unknown guardrail; expected an object with ${Object.keys(keys).join(", ")}` },
    ),
  );
}

/** A table's inputs as one strict object: a key the table lacks is named as unknown. */
export function tableShape(fields: Record<string, { shape: Shape }>): Shape {
  return (z) =>
    z.strictObject({
      __provider: z.unknown().optional(),
      ...Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.shape(z)])),
    });
}

/**
 * Checks `value` against the schema `build` makes (built on each use: see api/answers.ts), and
 * names every failure by its path. `unknownKey` says what to tell about a key the schema has not.
 */
export function shapeFailures(
  build: (z: Z) => zod.z.ZodType,
  value: unknown,
  unknownKey: (key: string) => string,
): Failure[] {
  const result = build(zod.z).safeParse(value);
  if (result.success) return [];
  const failures = (issue: zod.z.core.$ZodIssue, at: readonly PropertyKey[]): Failure[] => {
    const path = [...at, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      if (path.length === 0)
        return issue.keys.map((k) => ({ property: pathOf([k]), reason: unknownKey(k) }));
      // Inside an input, its schema's message says what it takes; a key that is no name is told
      // on the object that holds it.
      return issue.keys.map((k) =>
        /^[A-Za-z_$][\w$]*$/.test(k)
          ? { property: pathOf([...path, k]), reason: issue.message }
          : { property: pathOf(path), reason: `${JSON.stringify(k)}: ${issue.message}` },
      );
    }
    // A value that is no branch of `orUnknown`: what its last branch (the real type) says.
    const last = issue.code === "invalid_union" ? issue.errors.at(-1) : undefined;
    if (last && last.length > 0) return last.flatMap((inner) => failures(inner, path));
    return [{ property: pathOf(path), reason: issue.message }];
  };
  return result.error.issues.flatMap((issue) => failures(issue, []));
}

/** Failures in the order of the inputs they name (keys the resource does not take last). */
export function inInputOrder(failures: Failure[], keys: readonly string[]): Failure[] {
  const rank = (f: Failure) => {
    const i = keys.indexOf(f.property.split(/[.[]/)[0]);
    return i === -1 ? keys.length : i;
  };
  return failures
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map((x) => x.f);
}

/** ["rules", 1, "users", "ids"] → "rules[1].users.ids". */
export function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
}
