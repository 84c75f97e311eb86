// The stack's state, as `pulumi stack export` writes it: our resources, with secrets and the
// serialized provider code taken out before anything else looks at them.

/** Pulumi's marker of a secret value in an export (`{<sig>: <secret sig>, ciphertext|plaintext}`). */
const SECRET_SIG = "4dabf18193072939515e22adc82a9e0f";
/** What a secret value reads as in the report: never its ciphertext, never its plaintext. */
export const SECRET = "[secret]";

import { GUARDRAIL_KEYS } from "../model/guardrails";

export const FLOW_TYPE = "pulumi-nodejs:dynamic/jumpserver:TicketFlow";
export const TICKET_TYPE = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";

/**
 * The resources whose id is a ticket's id, and so its permission's (the permission an approval
 * creates has the ticket's id): the dynamic resources and the provider plugin's.
 */
const GRANTING_TYPES: Record<string, string> = {
  [TICKET_TYPE]: "AssetAccessTicket",
  "pulumi-nodejs:dynamic/jumpserver:TicketApproval": "TicketApproval",
  "jumpserver:index:AssetAccessTicket": "AssetAccessTicket",
  "jumpserver:index:TicketApproval": "TicketApproval",
};

export interface StateResource {
  urn: string;
  /** The resource's name in the program (the URN's last part). */
  name: string;
  kind: "TicketFlow" | "AssetAccessTicket";
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

export interface StackState {
  /** "project/stack", from the URNs. */
  stack: string;
  resources: StateResource[];
  /** Operations of ours a run left unfinished (`pending_operations`): "create web-access", … */
  interrupted: string[];
  /** `jumpserver:expiryWarningDays` from the stack config the engine recorded, if set in plain text. */
  expiryWarningDays?: string;
  /**
   * Ticket id (lower case) → "AssetAccessTicket web-access": the permissions this stack manages.
   * Only the state says what is managed; nothing read from JumpServer can add to it.
   */
  managed: Map<string, string>;
  /** Every resource name in the stack, of any type (an adopted resource must not take one). */
  names: Set<string>;
  /** `jumpserver:expiryWarningHours`, likewise. */
  expiryWarningHours?: string;
  /** The guardrails' stack config (`jumpserver:pendingTimeoutDays` …) the engine recorded in plain text. */
  guardrailConfig?: Record<string, string>;
}

/** Bad state input: the CLI prints the message as one line and exits 2. */
export class StateInputError extends Error {}

const isObj = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === "object" && !Array.isArray(v);

/** Secrets become SECRET, `__provider` goes; everything else is kept as it is. */
export function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (!isObj(value)) return value;
  if (SECRET_SIG in value) return SECRET;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== "__provider")
      .map(([k, v]) => [k, scrub(v)]),
  );
}

const kindOf = (type: unknown): StateResource["kind"] | undefined =>
  type === FLOW_TYPE ? "TicketFlow" : type === TICKET_TYPE ? "AssetAccessTicket" : undefined;

/** `urn:pulumi:<stack>::<project>::<type>::<name>` → its parts. */
export function urnParts(urn: string): { stack: string; project: string; name: string } {
  const [head = "", project = "", , ...rest] = urn.split("::");
  return { stack: head.replace(/^urn:pulumi:/, ""), project, name: rest.join("::") };
}

/**
 * The export's `deployment` and its resource list; throws StateInputError with one clear line
 * when the text isn't a stack export.
 */
export function readDeployment(text: string): {
  deployment: Record<string, unknown>;
  raw: unknown[];
} {
  const hint = "pipe `pulumi stack export` into it";
  if (text.trim() === "") throw new StateInputError(`no state on stdin: ${hint}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new StateInputError(`the state is not JSON: ${hint}`);
  }
  const deployment = isObj(doc) ? doc.deployment : undefined;
  if (!isObj(doc) || typeof doc.version !== "number" || !isObj(deployment)) {
    throw new StateInputError(
      `the state is not a Pulumi stack export (expected {"version": 3, "deployment": {...}}): ${hint}`,
    );
  }
  const raw = deployment.resources ?? [];
  if (!Array.isArray(raw)) {
    throw new StateInputError(
      "the state is not a Pulumi stack export: deployment.resources is not a list",
    );
  }
  return { deployment, raw };
}

/**
 * Parses the export's text; throws StateInputError with one clear line when it isn't one.
 * `allowEmpty`: a stack without any of our resources is fine (`report --all` on a stack that is
 * about to adopt its first ones).
 */
export function parseStackExport(text: string, allowEmpty = false): StackState {
  const { deployment, raw } = readDeployment(text);
  const resources: StateResource[] = [];
  const managed = new Map<string, string>();
  const names = new Set<string>();
  for (const r of raw) {
    if (!isObj(r) || typeof r.urn !== "string") continue;
    names.add(urnParts(r.urn).name);
    const granting = typeof r.type === "string" ? GRANTING_TYPES[r.type] : undefined;
    if (granting && r.delete !== true && typeof r.id === "string" && r.id !== "") {
      managed.set(r.id.toLowerCase(), `${granting} ${urnParts(r.urn).name}`);
    }
    const kind = kindOf(r.type);
    if (!kind || r.delete === true) continue; // a resource pending deletion is not the stack's any more
    resources.push({
      urn: r.urn,
      name: urnParts(r.urn).name,
      kind,
      id: typeof r.id === "string" ? r.id : "",
      inputs: (scrub(r.inputs) as Record<string, unknown>) ?? {},
      outputs: (scrub(r.outputs) as Record<string, unknown>) ?? {},
    });
  }
  if (resources.length === 0 && !allowEmpty) {
    throw new StateInputError(
      "the stack has no TicketFlow or AssetAccessTicket resources (is it the right stack?)",
    );
  }
  const pending = Array.isArray(deployment.pending_operations) ? deployment.pending_operations : [];
  const interrupted = pending.flatMap((p) => {
    const res = isObj(p) && isObj(p.resource) ? p.resource : undefined;
    if (!res || !kindOf(res.type) || typeof res.urn !== "string") return [];
    return [`${String(isObj(p) ? p.type : "operation")} ${urnParts(res.urn).name}`];
  });
  // The default provider's inputs hold the stack config of the last run (secrets encrypted).
  const recorded = (key: string) =>
    raw
      .filter((r) => isObj(r) && r.type === "pulumi:providers:pulumi-nodejs" && isObj(r.inputs))
      .map((r) => (r as { inputs: Record<string, unknown> }).inputs[key])
      .find((v) => typeof v === "string" || typeof v === "number");
  const configured = recorded("jumpserver:expiryWarningDays");
  const guardrailConfig: Record<string, string> = {};
  for (const { config } of Object.values(GUARDRAIL_KEYS)) {
    const v = recorded(config);
    if (v !== undefined) guardrailConfig[config] = String(v);
  }
  const configuredHours = recorded("jumpserver:expiryWarningHours");
  const first = raw.find((r) => isObj(r) && typeof r.urn === "string") as
    { urn: string } | undefined;
  const { stack, project } = urnParts(first?.urn ?? "");
  return {
    stack: first ? `${project}/${stack}` : "(empty stack)",
    resources,
    interrupted,
    managed,
    names,
    ...(configured !== undefined ? { expiryWarningDays: String(configured) } : {}),
    ...(configuredHours !== undefined ? { expiryWarningHours: String(configuredHours) } : {}),
    ...(Object.keys(guardrailConfig).length > 0 ? { guardrailConfig } : {}),
  };
}
