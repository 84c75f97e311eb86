// The declarations in TypeScript, through the generated Node.js SDK `@pulumi-jumpserver-tickets/sdk`
// (sdk/nodejs): its args are the schema's camelCase names, nested objects plain literals.
import { NODE_PACKAGE } from "../plugin/packageNames";
import { Declaration, Value, unique, usesSecrets } from "./declarations";
import { numberLiteral, typescriptString } from "./literals";

const MODULE = "jumpserver";

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends " +
    "false finally for function if import in instanceof new null return super switch this throw " +
    "true try typeof var void while with as implements interface let package private protected " +
    "public static yield await any boolean number string symbol type of undefined arguments eval"
  ).split(" "),
);

/** A variable for a resource name: camel case, an identifier, not a reserved word nor a module. */
function variable(name: string, taken: Set<string>): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w !== "");
  let v = words
    .map((w, i) => (i === 0 ? w[0].toLowerCase() + w.slice(1) : w[0].toUpperCase() + w.slice(1)))
    .join("");
  if (v === "" || /^\d/.test(v)) v = `resource${v}`;
  if (RESERVED.has(v) || v === "pulumi" || v === MODULE) v = `${v}_`;
  return unique(v, taken);
}

/** A key of a schema object: the schema's names are identifiers; anything else is quoted. */
const key = (k: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : typescriptString(k));

/**
 * A key read from state, always quoted; `__proto__` computed, since a literal `"__proto__": x`
 * sets the object's prototype instead of a key.
 */
const mapKey = (k: string) =>
  k === "__proto__" ? `[${typescriptString(k)}]` : typescriptString(k);

function value(v: Value): string {
  switch (v.kind) {
    case "string":
      return typescriptString(v.value);
    case "number":
      return numberLiteral(v.value);
    case "boolean":
      return String(v.value);
    case "null":
      return "null";
    case "list":
      return `[${v.items.map(value).join(", ")}]`;
    case "object":
      return v.fields.length === 0
        ? "{}"
        : `{ ${v.fields.map(([k, f]) => `${key(k)}: ${value(f)}`).join(", ")} }`;
    case "map":
      return v.entries.length === 0
        ? "{}"
        : `{ ${v.entries.map(([k, e]) => `${mapKey(k)}: ${value(e)}`).join(", ")} }`;
    case "secret":
      return `pulumi.secret(${value(v.value)})`;
  }
}

/** A whole program: the imports, then one protected declaration per resource. */
export function renderTypescript(declarations: Declaration[]): string {
  const taken = new Set<string>();
  const lines = [
    ...(usesSecrets(declarations) ? ['import * as pulumi from "@pulumi/pulumi";'] : []),
    `import * as ${MODULE} from ${typescriptString(NODE_PACKAGE)};`,
    "",
  ];
  for (const d of declarations) {
    lines.push(
      `const ${variable(d.name, taken)} = new ${MODULE}.${d.resource}(`,
      `  ${typescriptString(d.name)},`,
      "  {",
      ...d.args.map(([k, v]) => `    ${key(k)}: ${value(v)},`),
      "  },",
      "  { protect: true },",
      ");",
    );
  }
  return `${lines.join("\n")}\n`;
}
