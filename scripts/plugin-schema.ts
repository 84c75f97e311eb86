// Writes dist/schema.json, the provider plugin's Pulumi schema, from what describes each field
// once: the field tables (provider/model/*Fields.ts: doc comments, value types, replaceOnChanges,
// presence, secrets) and the settings (provider/settings.ts, model/guardrails.ts). The doc comments
// and value types live only in the TypeScript source, so they are read with the compiler's API;
// everything else comes from the tables at run time. `npm run build` runs it after tsc.
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { RESOURCES } from "../provider/plugin/resources";
import {
  GO_IMPORT_BASE,
  NODE_PACKAGE,
  PACKAGE_NAME,
  PYTHON_PACKAGE,
  token,
} from "../provider/plugin/packageNames";
import { SECRET_SETTING_KEYS, SETTING_KEYS } from "../provider/settings";
import { GUARDRAIL_KEYS } from "../provider/model/guardrails";

const ROOT = path.resolve(__dirname, "..");

/** Where each resource's tables are declared: file, inputs table, outputs table. */
const TABLES: Record<string, [string, string, string]> = {
  TicketFlow: ["provider/model/flowFields.ts", "FLOW_INPUTS", "FLOW_OUTPUTS"],
  AssetAccessTicket: ["provider/model/ticketFields.ts", "TICKET_INPUTS", "TICKET_OUTPUTS"],
  TicketApproval: ["provider/model/approvalFields.ts", "APPROVAL_INPUTS", "APPROVAL_OUTPUTS"],
};

type Spec = Record<string, unknown>;

export interface PulumiSchema {
  name: string;
  version: string;
  resources: Record<string, Spec>;
  types: Record<string, Spec>;
  config: { variables: Record<string, Spec> };
  provider: Spec;
  language: Record<string, Spec>;
  [k: string]: unknown;
}

/** The schema, generated from the source tree now. */
export function generateSchema(): PulumiSchema {
  missing.length = 0;
  const files = Object.values(TABLES).map(([f]) => path.join(ROOT, f));
  const program = ts.createProgram(files, { strict: true, target: ts.ScriptTarget.ES2020 });
  const checker = program.getTypeChecker();
  const types: Record<string, Spec> = {};
  const resources: Record<string, Spec> = {};

  for (const r of RESOURCES) {
    const [file, inputsName, outputsName] = TABLES[r.name];
    const source = program.getSourceFile(path.join(ROOT, file))!;
    const converter = new TypeConverter(checker, types, r.name);
    const inputs = tableFields(checker, source, inputsName, converter);
    const outputs = tableFields(checker, source, outputsName, converter);
    const inputProperties: Record<string, Spec> = {};
    const properties: Record<string, Spec> = {};
    for (const [k, spec] of Object.entries(r.inputs)) {
      const field = inputs[k] ?? fail(`${inputsName}.${k}: not found in ${file}`);
      const property: Spec = { ...field, ...(spec.secret ? { secret: true } : {}) };
      if (spec.replaces) property.replaceOnChanges = true;
      inputProperties[k] = property;
      properties[k] = { ...property };
      delete properties[k].replaceOnChanges;
    }
    for (const [k, spec] of Object.entries(r.outputs)) {
      const field = outputs[k] ?? fail(`${outputsName}.${k}: not found in ${file}`);
      properties[k] = { ...field, ...(spec.secret ? { secret: true } : {}) };
    }
    const requiredInputs = Object.entries(r.inputs)
      .filter(([, s]) => s.presence === "required")
      .map(([k]) => k);
    // Outputs always present: inputs checked with a default, and computed outputs whose type
    // can't be undefined.
    const required = [
      ...Object.entries(r.inputs)
        .filter(([, s]) => s.presence !== "optional")
        .map(([k]) => k),
      ...Object.keys(r.outputs).filter((k) => !outputs[k].optional),
    ];
    for (const p of Object.values(properties)) delete p.optional;
    for (const p of Object.values(inputProperties)) delete p.optional;
    resources[token(r.name)] = {
      description: r.description,
      inputProperties,
      requiredInputs,
      properties,
      required,
    };
  }

  if (missing.length > 0)
    fail(`every field needs a doc comment; these have none: ${missing.join(", ")}`);
  const variables: Record<string, Spec> = {};
  const secret = new Set<string>(SECRET_SETTING_KEYS);
  for (const [k, key] of Object.entries(SETTING_KEYS)) {
    variables[k] = {
      type: key.type,
      description: `${key.doc} Falls back to the environment variable ${key.env}.`,
      ...(secret.has(k) ? { secret: true } : {}),
    };
  }
  for (const [k, key] of Object.entries(GUARDRAIL_KEYS)) {
    variables[k] = {
      ...(key.type === "array" ? { type: "array", items: { type: "string" } } : { type: key.type }),
      description: `Guardrail: ${key.doc} Falls back to the environment variable ${key.env}.`,
    };
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  return {
    name: PACKAGE_NAME,
    displayName: "JumpServer tickets",
    version: pkg.version,
    description:
      "JumpServer approval flows, access tickets and approvals, as Pulumi resources (the provider plugin of pulumi-jumpserver-tickets).",
    keywords: ["pulumi", "jumpserver", "bastion", "tickets", "category/utility"],
    license: pkg.license,
    repository: "https://github.com/pulumi-jumpserver-tickets/pulumi-jumpserver-tickets",
    config: { variables },
    provider: {
      description:
        "The JumpServer provider. Every setting falls back to its JUMPSERVER_* environment variable; credentials come from one source (all from config, or all from the environment).",
      inputProperties: variables,
    },
    resources,
    types,
    language: {
      nodejs: { packageName: NODE_PACKAGE, respectSchemaVersion: true },
      python: { packageName: PYTHON_PACKAGE, respectSchemaVersion: true },
      go: { importBasePath: GO_IMPORT_BASE, respectSchemaVersion: true },
      csharp: { rootNamespace: "Pulumi.JumpServerTickets", respectSchemaVersion: true },
    },
  };
}

/** Fields found without a doc comment in this generation. */
const missing: string[] = [];

function fail(message: string): never {
  throw new Error(`plugin schema: ${message}`);
}

/** Each field of a table: its doc comment, its value's schema type, and whether it may be absent. */
function tableFields(
  checker: ts.TypeChecker,
  source: ts.SourceFile,
  tableName: string,
  converter: TypeConverter,
): Record<string, Spec> {
  let literal: ts.ObjectLiteralExpression | undefined;
  source.forEachChild(function visit(node) {
    if (
      ts.isVariableDeclaration(node) &&
      node.name.getText(source) === tableName &&
      node.initializer &&
      ts.isObjectLiteralExpression(node.initializer)
    )
      literal = node.initializer;
    node.forEachChild(visit);
  });
  if (!literal) fail(`${tableName} not found in ${source.fileName}`);
  const out: Record<string, Spec> = {};
  for (const prop of literal.properties) {
    if (!ts.isPropertyAssignment(prop)) continue;
    const name = prop.name.getText(source);
    const symbol = checker.getSymbolAtLocation(prop.name)!;
    const description = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    if (!description) missing.push(`${tableName}.${name}`);
    // InputSpec<T> and OutputSpec<T> carry the value type as `type?: () => T`.
    const spec = checker.getTypeOfSymbolAtLocation(symbol, prop);
    const typeProp = spec.getProperty("type") ?? fail(`${tableName}.${name}: no value type`);
    const fn = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(typeProp, prop));
    const value = fn.getCallSignatures()[0].getReturnType();
    const optional = value.isUnion() && value.types.some((t) => t.flags & ts.TypeFlags.Undefined);
    out[name] = { ...converter.convert(value, name), description, optional };
  }
  return out;
}

/** TypeScript value types as Pulumi schema types; object types become named `types`. */
class TypeConverter {
  constructor(
    private checker: ts.TypeChecker,
    private types: Record<string, Spec>,
    private resource: string,
  ) {}

  convert(type: ts.Type, hint: string): Spec {
    const parts = (type.isUnion() ? type.types : [type]).filter(
      (t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)),
    );
    if (parts.length === 0) return { $ref: "pulumi.json#/Any" };
    if (parts.every((t) => t.flags & ts.TypeFlags.StringLike)) return { type: "string" };
    if (parts.every((t) => t.flags & ts.TypeFlags.NumberLike)) return { type: "number" };
    if (parts.every((t) => t.flags & ts.TypeFlags.BooleanLike)) return { type: "boolean" };
    if (parts.every((t) => this.checker.isArrayType(t))) {
      const element = this.checker.getTypeArguments(parts[0] as ts.TypeReference)[0];
      return { type: "array", items: this.convert(element, hint) };
    }
    const objects = parts.filter(
      (t) => t.flags & ts.TypeFlags.Object && !this.checker.isArrayType(t),
    );
    // A mix of an object and a word ("deleted") or of unrelated kinds: any JSON value.
    if (objects.length !== parts.length) return { $ref: "pulumi.json#/Any" };
    const index = objects[0].getStringIndexType();
    if (objects.length === 1 && index && objects[0].getProperties().length === 0)
      return { type: "object", additionalProperties: this.convert(index, hint) };
    return this.named(objects, type, hint);
  }

  /** One or more object types (a union is merged: every property optional). */
  private named(objects: ts.Type[], whole: ts.Type, hint: string): Spec {
    const alias = whole.aliasSymbol?.getName() ?? objects[0].aliasSymbol?.getName();
    const symbolName = objects.length === 1 ? objects[0].getSymbol()?.getName() : undefined;
    const base = alias ?? (symbolName && symbolName !== "__type" ? symbolName : capitalize(hint));
    const properties: Record<string, Spec> = {};
    const counts = new Map<string, number>();
    for (const o of objects) {
      for (const p of o.getProperties()) {
        counts.set(p.getName(), (counts.get(p.getName()) ?? 0) + 1);
        if (properties[p.getName()]) continue;
        const decl = p.valueDeclaration ?? p.declarations?.[0];
        const pt = decl
          ? this.checker.getTypeOfSymbolAtLocation(p, decl)
          : this.checker.getDeclaredTypeOfSymbol(p);
        const doc = ts.displayPartsToString(p.getDocumentationComment(this.checker)).trim();
        properties[p.getName()] = {
          ...this.convert(pt, p.getName()),
          ...(doc ? { description: doc } : {}),
        };
      }
    }
    const required = [...counts.entries()]
      .filter(
        ([k, n]) =>
          n === objects.length && !(objects[0].getProperty(k)!.flags & ts.SymbolFlags.Optional),
      )
      .map(([k]) => k);
    const spec: Spec = { type: "object", properties, ...(required.length ? { required } : {}) };
    let name = base;
    const same = (n: string) => JSON.stringify(this.types[token(n)]) === JSON.stringify(spec);
    if (this.types[token(name)] && !same(name)) name = `${this.resource}${base}`;
    for (let i = 2; this.types[token(name)] && !same(name); i++)
      name = `${this.resource}${base}${i}`;
    this.types[token(name)] = spec;
    return { $ref: `#/types/${token(name)}` };
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

if (require.main === module) {
  const out = path.join(ROOT, "dist", "schema.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(generateSchema(), null, 2) + "\n");
  // stderr: `npm pack --json` runs the build (prepare), and its stdout must stay JSON.
  console.error(`wrote ${path.relative(ROOT, out)}`);
}
