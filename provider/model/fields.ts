// A resource's fields, each described once, on the field (as pulumi-command declares
// `replaceOnChanges` on its fields): its value type, its doc comment, its shape (checked with zod
// in check), whether a change replaces the object, how an old and a new value compare, and
// JumpServer's name for it. The resource's Args and outputs types, check's keys and shapes,
// diff's plan and the names in the server's field errors are all read from the table
// (ticketFields.ts, flowFields.ts): adding an input is one entry there, plus what its value means
// (ticketInputs.ts, flowInputs.ts) where that is more than its shape.
import { Shape, flag } from "./inputShapes";
import { UUID } from "../settings";
import { hasUnknown } from "./unknown";

/**
 * How diff compares an old and a new value, offline. Names and ids compare through the ids
 * resolved at the last write (`resolved`: "<field>:<name>" → id).
 */
export type Compare =
  | "exact" // as JSON
  | "text" // absent = ""
  | "id" // a UUID, in any case
  | "set" // order does not matter
  | "named" // a name or id of one object
  | "namedSet" // names or ids, in any order
  | "flow"; // a flow's name (any case) or id

/**
 * Whether a program must give the input: `required`; may leave it out and check fills a default
 * (`defaulted`); or may leave it out and it stays absent (`optional`).
 */
export type Presence = "required" | "defaulted" | "optional";

/** A comparison of its own: the form of a value, given the ids resolved at the last write. */
export type CompareWith = (value: unknown, resolved: Record<string, string>) => string;

export interface InputSpec<T = unknown, P extends Presence = Presence> {
  /** A change asks for another object (and an unknown value at preview plans that replacement). */
  replaces: boolean;
  compare: Compare | CompareWith;
  /** Left out, the field is not managed: its absence is no change (flow CC users). */
  unmanagedWhenAbsent?: boolean;
  /** What an absent value means. (Not named `default`: Pulumi's serializer would take the table for an ES module.) */
  whenAbsent?: T;
  /** The field's name in JumpServer's bodies and field errors, where it has one. */
  wire?: string;
  presence: P;
  /** The value's shape, checked with zod before its meaning (model/inputShapes.ts). */
  shape: Shape;
  /** The provider plugin keeps the value secret in state (schema `secret`). */
  secret?: boolean;
  /** Type-level only: the value's type once known (a function type, so `undefined` stays exact). */
  readonly type?: () => T;
}

/** An output the provider computes (declared on the resource, absent from its inputs). */
export interface OutputSpec<T = unknown> {
  /** The provider plugin keeps the value secret in state (schema `secret`). */
  secret?: boolean;
  readonly type?: () => T;
}

export function input<T, P extends Presence = "defaulted">(
  spec: Omit<InputSpec<T, P>, "presence" | "type"> & { presence?: P },
): InputSpec<T, P> {
  return { ...spec, presence: (spec.presence ?? "defaulted") as P };
}

/** A switch of the resource's own behaviour: true or false, changed in place, never a replacement. */
export function toggle(whenAbsent: boolean): InputSpec<boolean, "defaulted"> {
  return input<boolean>({ shape: flag, replaces: false, compare: "exact", whenAbsent });
}

export function output<T>(options: { secret?: boolean } = {}): OutputSpec<T> {
  return options.secret ? { secret: true } : {};
}

/** The value type a field describes. */
export type ValueOf<S> = S extends { readonly type?: () => infer T } ? T : never;

/** The keys of fields whose value may be `undefined`. */
type MaybeAbsent<F> = { [K in keyof F]: undefined extends ValueOf<F[K]> ? K : never }[keyof F];

/** The values of a table of outputs: the ones that may be `undefined` may be absent. */
export type OutputValues<F> = { [K in keyof Omit<F, MaybeAbsent<F>>]: ValueOf<F[K]> } & {
  [K in keyof Pick<F, MaybeAbsent<F>>]?: ValueOf<F[K]>;
};

/** The keys of a table whose fields have presence `P`. */
export type KeysWith<F, P extends Presence> = {
  [K in keyof F]: F[K] extends InputSpec<unknown, P> ? K : never;
}[keyof F];

/** The values a table's inputs have once checked: the optional ones may be absent. */
export type CheckedInputs<F> = { [K in keyof Omit<F, KeysWith<F, "optional">>]: ValueOf<F[K]> } & {
  [K in keyof Pick<F, KeysWith<F, "optional">>]?: ValueOf<F[K]>;
};

/** The input keys of a table, in their declared order. */
export function inputKeys<F extends Record<string, InputSpec>>(fields: F): (keyof F & string)[] {
  return Object.keys(fields);
}

/** Whether diff sees a change of `field` (an unknown value at preview always is one). */
export function differs(
  spec: InputSpec,
  field: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  resolved: Record<string, string>,
): boolean {
  if (news[field] === undefined && spec.unmanagedWhenAbsent) return false;
  if (hasUnknown(news[field])) return true;
  return (
    comparable(spec, field, olds[field], resolved) !==
    comparable(spec, field, news[field], resolved)
  );
}

/** One value in the form diff compares: equal forms mean "no change". */
export function comparable(
  spec: InputSpec,
  field: string,
  value: unknown,
  resolved: Record<string, string>,
): string {
  const v = value ?? spec.whenAbsent;
  if (typeof spec.compare === "function") return spec.compare(v, resolved);
  const named = (x: string) => (UUID.test(x) ? x.toLowerCase() : (resolved[`${field}:${x}`] ?? x));
  switch (spec.compare) {
    case "text":
      return String(v ?? "");
    case "id":
      return String(v ?? "").toLowerCase();
    case "set":
      return JSON.stringify([...((v as string[]) ?? [])].sort());
    case "named":
      return named(String(v ?? ""));
    case "namedSet":
      return JSON.stringify(((v as string[]) ?? []).map(named).sort());
    case "flow": {
      // A flow named at the last write and given by its id since (or in another case) is the same flow.
      const x = String(v ?? "").toLowerCase();
      return UUID.test(x) ? x : (resolved[`${field}:${x}`] ?? x);
    }
    case "exact":
      return JSON.stringify(v ?? null);
  }
}
