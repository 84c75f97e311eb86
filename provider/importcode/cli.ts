// `jms-tickets import-code`: `pulumi stack export | jms-tickets import-code --language python`
// prints a program declaring the stack's imported `jumpserver:index:*` resources, for the languages
// whose offline hosts can't generate it at `pulumi import` (docs/provider-plugin.md#import).
// Reads nothing but the export: no JumpServer settings, no network.
import { parseArgs as parseCommandLine } from "node:util";
import { PluginSchema, collectDeclarations } from "./declarations";
import { renderPython } from "./python";
import { renderTypescript } from "./typescript";

export const IMPORT_CODE_USAGE = `Usage: pulumi stack export | jms-tickets import-code --language python|typescript [--urn URN|NAME ...]
       jms-tickets import-code --language python|typescript [--urn ...] STATE.json

Prints a program (Python through pulumi_jumpserver_tickets, TypeScript through
@pulumi-jumpserver-tickets/sdk) declaring each jumpserver:index:* resource of the state, or
those --urn names (a URN or a resource name, repeatable), with the inputs recorded at import
and protect: true, as \`pulumi import\` does for YAML. Paste it into the program; then
\`pulumi preview --expect-no-changes\` passes. Reads only the state; exit 2 on bad input.`;

const RENDERERS = { python: renderPython, typescript: renderTypescript } as const;
type Language = keyof typeof RENDERERS;

export interface ImportCodeArgs {
  help?: boolean;
  language: Language;
  urns: string[];
  /** The state file; undefined = stdin. */
  file?: string;
}

/** A usage error: one line and exit 2. */
export class ImportCodeUsageError extends Error {}

export function parseImportCodeArgs(argv: string[]): ImportCodeArgs {
  let parsed;
  try {
    parsed = parseCommandLine({
      args: argv,
      options: {
        help: { type: "boolean", short: "h" },
        language: { type: "string" },
        urn: { type: "string", multiple: true },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    throw new ImportCodeUsageError((e as Error).message.split(". ")[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true, language: "python", urns: [] };
  const language = values.language;
  if (language === undefined)
    throw new ImportCodeUsageError("--language python|typescript is required");
  if (!(language in RENDERERS)) {
    throw new ImportCodeUsageError(`--language must be python or typescript, got "${language}"`);
  }
  if (positionals.length > 1) {
    throw new ImportCodeUsageError(`one state file at most, got ${positionals.length}`);
  }
  const [file] = positionals;
  return {
    language: language as Language,
    urns: values.urn ?? [],
    ...(file !== undefined && file !== "-" ? { file } : {}),
  };
}

/** The program for the export's text: code, and notes for stderr. Throws StateInputError. */
export function importCode(
  exportText: string,
  schema: PluginSchema,
  args: Pick<ImportCodeArgs, "language" | "urns">,
): { code: string; notes: string[] } {
  const { declarations, notes } = collectDeclarations(exportText, schema, args.urns);
  return { code: RENDERERS[args.language](declarations), notes };
}
