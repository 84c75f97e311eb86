// What JumpServer's answers must hold before anything is read from them, checked with zod: an id
// is a non-empty string (never the text "undefined"), related objects are ids or `{id}` objects,
// and list rows carry what they are matched by. Everything else stays loose: display fields differ
// between versions, and the parsers give them defaults.
import * as zod from "zod";
import { ProviderError } from "../errors";

// Built on each use, from the package's root module: Pulumi's serializer can then record zod as
// one `require("zod")` when it copies the provider by value (zod's inner modules have no export
// path it could require).
function schemas() {
  const { z } = zod;
  const Id = z.string().min(1);
  /** A relation as JumpServer renders it: the id, or an object carrying it. */
  const Related = z.union([Id, z.looseObject({ id: Id })]);
  const Relations = z.array(Related).optional().nullable();
  return {
    ticket: z.looseObject({
      id: Id,
      apply_assets: Relations,
      apply_nodes: Relations,
      process_map: z
        .array(z.looseObject({ assignees: Relations }))
        .optional()
        .nullable(),
      flow: z
        .union([Id, z.looseObject({ id: Id.optional().nullable() })])
        .optional()
        .nullable(),
    }),
    flow: z.looseObject({
      id: Id,
      rules: z
        .array(z.looseObject({ assignees: Relations, assignees_read_only: Relations }))
        .optional(),
      cc_users: Relations,
    }),
    permission: z.looseObject({
      id: Id,
      users: Relations,
      user_groups: Relations,
      assets: Relations,
      nodes: Relations,
    }),
    /** A row of a permission's member-relation list: the permission and the member's id. */
    relation: z.looseObject({ assetpermission: Id }),
    /** A row of a users, assets, nodes or tickets list, or a flow option. */
    row: z.looseObject({ id: Id }),
  };
}

type Schemas = ReturnType<typeof schemas>;

export class AnswerError extends ProviderError {
  constructor(message: string) {
    super(message, "AnswerError");
  }
}

/**
 * The answer, checked against its schema; otherwise an error naming what was asked, the path in
 * the answer and what it held there (an older or patched server, or a proxy answering for it).
 */
export function checked<K extends keyof Schemas>(
  kind: K,
  raw: unknown,
  what: string,
): zod.z.infer<Schemas[K]> {
  return parse(schemas()[kind], raw, what) as zod.z.infer<Schemas[K]>;
}

/** Every row of a list, checked against one schema built once for the list. */
export function checkedEach<K extends keyof Schemas>(
  kind: K,
  rows: unknown[],
  what: string,
): zod.z.infer<Schemas[K]>[] {
  const schema = schemas()[kind];
  return rows.map((row) => parse(schema, row, what) as zod.z.infer<Schemas[K]>);
}

function parse<S extends zod.z.ZodType>(schema: S, raw: unknown, what: string): zod.z.infer<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (i) => `${i.path.length ? i.path.join(".") : "(the answer)"}: ${i.message}`,
  );
  throw new AnswerError(
    `JumpServer's answer to ${what} is not what this provider can read: ${problems.join("; ")}`,
  );
}

/** The id of a relation (already checked: a string, or an object with a string id). */
export function relatedId(v: unknown): string {
  return typeof v === "string" ? v : String((v as { id: string }).id);
}
