// What `jms-tickets import-code` writes, before any language: each `jumpserver:index:*` resource of
// a stack export as a declaration of its recorded inputs (what the plugin's `read` gave at
// import), each value shaped by the plugin's schema (which object type a field holds, which
// fields exist). The languages (python.ts, typescript.ts) only spell it.
import { StateInputError, readDeployment, urnParts } from "../report/state";

/** Pulumi's marker of a secret value in an export (`{<sig>: <secret sig>, ciphertext|plaintext}`). */
const SECRET_SIG = "4dabf18193072939515e22adc82a9e0f";
const TOKEN_PREFIX = "jumpserver:index:";

/** The parts of the plugin's schema (dist/schema.json) the code depends on. */
export interface PropertySpec {
  type?: string;
  $ref?: string;
  items?: PropertySpec;
}
export interface PluginSchema {
  resources: Record<string, { inputProperties?: Record<string, PropertySpec> }>;
  types: Record<string, { properties?: Record<string, PropertySpec> }>;
}

/** A value as code: literals, lists, schema objects (typed), free maps (`Any`), secrets. */
export type Value =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "boolean"; value: boolean }
  | { kind: "null" }
  | { kind: "list"; items: Value[] }
  /** An object of a schema type (`FlowRule`): fields by their schema (camelCase) names. */
  | { kind: "object"; type: string; fields: [string, Value][] }
  /** A map with keys read from state (an `Any` value): keys are data, quoted. */
  | { kind: "map"; entries: [string, Value][] }
  | { kind: "secret"; value: Value };

export interface Declaration {
  urn: string;
  /** The resource's name in the program (the URN's last part). */
  name: string;
  /** `TicketFlow`, `AssetAccessTicket`, `TicketApproval`. */
  resource: string;
  /** Schema property name → value, in the schema's order. */
  args: [string, Value][];
}

export interface Collected {
  declarations: Declaration[];
  /** Things the code can't say (another provider): one line each, for stderr. */
  notes: string[];
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === "object" && !Array.isArray(v);

const REF_TYPES = "#/types/";

/** `where`: the path named in errors (`flow.rules[0].users`). */
function toValue(
  raw: unknown,
  spec: PropertySpec | undefined,
  schema: PluginSchema,
  where: string,
): Value {
  if (isObj(raw) && SECRET_SIG in raw) {
    if (typeof raw.plaintext !== "string") {
      throw new StateInputError(
        `${where} is a secret the export holds encrypted: export with \`pulumi stack export --show-secrets\``,
      );
    }
    let plain: unknown;
    try {
      plain = JSON.parse(raw.plaintext);
    } catch {
      throw new StateInputError(`${where}: the secret's plaintext in the export is not JSON`);
    }
    return { kind: "secret", value: toValue(plain, spec, schema, where) };
  }
  if (raw === null || raw === undefined) return { kind: "null" };
  if (typeof raw === "string") return { kind: "string", value: raw };
  if (typeof raw === "number") return { kind: "number", value: raw };
  if (typeof raw === "boolean") return { kind: "boolean", value: raw };
  if (Array.isArray(raw)) {
    const items = spec?.type === "array" ? spec.items : undefined;
    return { kind: "list", items: raw.map((x, i) => toValue(x, items, schema, `${where}[${i}]`)) };
  }
  if (!isObj(raw)) throw new StateInputError(`${where}: unexpected value in the state`);
  const ref = spec?.$ref?.startsWith(REF_TYPES) ? spec.$ref.slice(REF_TYPES.length) : undefined;
  const type = ref ? schema.types[ref] : undefined;
  if (!ref || !type) {
    return {
      kind: "map",
      entries: Object.entries(raw).map(([k, v]) => [
        k,
        toValue(v, undefined, schema, `${where}.${k}`),
      ]),
    };
  }
  return {
    kind: "object",
    type: ref.slice(TOKEN_PREFIX.length),
    fields: knownFields(raw, type.properties ?? {}, schema, where),
  };
}

/**
 * The set fields of `raw` the schema declares as inputs, in the schema's order. The rest are
 * left out, as the code `pulumi import` prints leaves them: the plugin records state of its own
 * beside the inputs (an imported ticket's `approvedGrant`), which is no argument of the SDKs.
 */
function knownFields(
  raw: Record<string, unknown>,
  props: Record<string, PropertySpec>,
  schema: PluginSchema,
  where: string,
): [string, Value][] {
  return Object.entries(props)
    .filter(([key]) => raw[key] !== undefined && raw[key] !== null)
    .map(([key, spec]) => [key, toValue(raw[key], spec, schema, `${where}.${key}`)]);
}

/** The provider a resource uses is the default one (no `provider` option to write). */
const isDefaultProvider = (ref: unknown) =>
  typeof ref !== "string" || /::pulumi:providers:jumpserver::default(_[\w-]+)?::/.test(ref);

/**
 * The stack's `jumpserver:index:*` resources as declarations; `only` (URNs or names) narrows them,
 * and each must match one. Throws StateInputError (one line) on bad input.
 */
export function collectDeclarations(
  exportText: string,
  schema: PluginSchema,
  only: string[] = [],
): Collected {
  const { raw } = readDeployment(exportText);
  const ours = raw.filter(
    (r): r is Record<string, unknown> & { urn: string; type: string } =>
      isObj(r) &&
      typeof r.urn === "string" &&
      typeof r.type === "string" &&
      r.type.startsWith(TOKEN_PREFIX) &&
      r.type in schema.resources &&
      r.delete !== true,
  );
  for (const want of only) {
    if (!ours.some((r) => r.urn === want || urnParts(r.urn).name === want)) {
      throw new StateInputError(
        `no jumpserver:index:* resource with the URN or name "${want}" in the state`,
      );
    }
  }
  const chosen =
    only.length === 0
      ? ours
      : ours.filter((r) => only.some((w) => r.urn === w || urnParts(r.urn).name === w));
  if (chosen.length === 0) {
    throw new StateInputError(
      "the stack has no jumpserver:index:* resources: `pulumi import` them first (docs/provider-plugin.md#import)",
    );
  }
  const notes: string[] = [];
  const declarations = chosen.map((r) => {
    const name = urnParts(r.urn).name;
    if (!isDefaultProvider(r.provider)) {
      notes.push(
        `${name} uses the explicit provider ${String(r.provider).split("::").slice(-2, -1)[0]}: add it to the resource's options`,
      );
    }
    const props = schema.resources[r.type].inputProperties ?? {};
    return {
      urn: r.urn,
      name,
      resource: r.type.slice(TOKEN_PREFIX.length),
      args: knownFields(isObj(r.inputs) ? r.inputs : {}, props, schema, name),
    };
  });
  return { declarations, notes };
}

/** Whether any value of the declarations is a secret (the program then needs `pulumi`). */
export function usesSecrets(declarations: Declaration[]): boolean {
  const has = (v: Value): boolean =>
    v.kind === "secret" ||
    (v.kind === "list" && v.items.some(has)) ||
    (v.kind === "object" && v.fields.some(([, f]) => has(f))) ||
    (v.kind === "map" && v.entries.some(([, e]) => has(e)));
  return declarations.some((d) => d.args.some(([, v]) => has(v)));
}

/** `name` made unique among `taken` by a numeric suffix; records it. */
export function unique(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name}${n}`;
  taken.add(candidate);
  return candidate;
}
