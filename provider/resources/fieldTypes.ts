// The types a resource class shows its users, read from its field table (model/fields.ts): every
// input a Pulumi `Input` at every level (a whole list, one element, one field of a rule may come
// from another resource), and every field an `Output`. Doc comments follow the fields.
import type * as pulumi from "@pulumi/pulumi";
import type { InputSpec, KeysWith, OutputSpec, ValueOf } from "../model/fields";

/** A value as a program may give it. */
export type InputOf<T> = pulumi.Input<Deep<T>>;
type Deep<T> = T extends readonly (infer U)[]
  ? InputOf<U>[]
  : T extends Record<string, unknown>
    ? { [K in keyof T]: InputOf<T[K]> }
    : T;

/**
 * A resource's Args: its required inputs, and the others optional. `Written` gives a field the
 * shape programs write where it is looser than the checked one (a rule's selector, say).
 */
export type ArgsOf<F extends Record<string, InputSpec>, Written = object> = {
  [K in keyof Omit<F, KeysWith<F, "required">>]?: ArgOf<F, K, Written>;
} & { [K in keyof Pick<F, KeysWith<F, "required">>]: ArgOf<F, K, Written> };
type ArgOf<F, K extends keyof F, Written> = K extends keyof Written
  ? Written[K]
  : InputOf<ValueOf<F[K]>>;

/** A resource's outputs: every input (absent only when optional) and every computed field. */
export type OutputsOf<F extends Record<string, InputSpec | OutputSpec>> = {
  readonly [K in keyof F]: pulumi.Output<
    F[K] extends InputSpec<unknown, "optional"> ? ValueOf<F[K]> | undefined : ValueOf<F[K]>
  >;
};

/** The props a resource passes to its base class: its inputs, and each output as "to be computed". */
export function propsOf(
  inputs: Record<string, InputSpec>,
  outputs: Record<string, OutputSpec>,
  args: object,
): Record<string, unknown> {
  const given = args as Record<string, unknown>;
  return {
    ...Object.fromEntries(Object.keys(inputs).map((k) => [k, given[k]])),
    ...Object.fromEntries(Object.keys(outputs).map((k) => [k, undefined])),
  };
}
