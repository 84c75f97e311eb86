// The declarations in Python, through the generated SDK `pulumi_jumpserver_tickets`
// (sdk/python): keyword arguments and `*Args` classes named as its code generator names them.
import { PYTHON_PACKAGE } from "../plugin/packageNames";
import { Declaration, Value, unique } from "./declarations";
import { numberLiteral, pythonString } from "./literals";

const MODULE = "jumpserver";

/** Pulumi's Python code generator's names: `orgId` → `org_id`, `URLPath` → `url_path`. */
export function pythonName(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

const KEYWORDS = new Set(
  (
    "False None True and as assert async await break class continue def del elif else except " +
    "finally for from global if import in is lambda nonlocal not or pass raise return try while with yield"
  ).split(" "),
);

/** A variable for a resource name: snake case, an identifier, not a keyword nor a module's name. */
function variable(name: string, taken: Set<string>): string {
  let v = pythonName(name)
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (v === "" || /^\d/.test(v)) v = `resource_${v}`;
  if (KEYWORDS.has(v) || v === "pulumi" || v === MODULE) v = `${v}_`;
  return unique(v, taken);
}

function value(v: Value): string {
  switch (v.kind) {
    case "string":
      return pythonString(v.value);
    case "number":
      return numberLiteral(v.value);
    case "boolean":
      return v.value ? "True" : "False";
    case "null":
      return "None";
    case "list":
      return `[${v.items.map(value).join(", ")}]`;
    case "object":
      return `${MODULE}.${v.type}Args(${v.fields.map(([k, f]) => `${pythonName(k)}=${value(f)}`).join(", ")})`;
    case "map":
      return `{${v.entries.map(([k, e]) => `${pythonString(k)}: ${value(e)}`).join(", ")}}`;
    case "secret":
      return `pulumi.Output.secret(${value(v.value)})`;
  }
}

/** A whole program: the imports, then one protected declaration per resource. */
export function renderPython(declarations: Declaration[]): string {
  const taken = new Set<string>();
  const lines = ["import pulumi", `import ${PYTHON_PACKAGE} as ${MODULE}`, ""];
  for (const d of declarations) {
    lines.push(
      `${variable(d.name, taken)} = ${MODULE}.${d.resource}(`,
      `    ${pythonString(d.name)},`,
      ...d.args.map(([k, v]) => `    ${pythonName(k)}=${value(v)},`),
      "    opts=pulumi.ResourceOptions(protect=True),",
      ")",
    );
  }
  return `${lines.join("\n")}\n`;
}
