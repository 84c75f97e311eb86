// The report as GitHub-flavoured Markdown, for a pull-request comment or a job summary: a
// heading, one summary line, the problems first, then the Flows and Access tables. It stays under
// a PR comment's limit (65,536 characters) by cutting long lists ("… and N more").
import type { AccessEntry, FlowEntry, Problem, ProblemKind, Report } from "./model";
import { KIND_WORDS as PERMISSION_KINDS, PermissionEntry } from "./inventory";

/** GitHub refuses comments over 65,536 characters; keep a margin for a wrapper's own text. */
export const MAX_CHARS = 60_000;

interface Limits {
  rows: number;
  items: number;
}

const KIND_WORDS: Record<ProblemKind, string> = {
  breakGlass: "BREAK-GLASS",
  timedOut: "timed out",
  timingOut: "timing out",
  unreadable: "cannot read",
  deleted: "deleted",
  permissionDeleted: "access removed",
  permissionDisabled: "access disabled",
  permissionChanged: "access changed",
  drift: "drift",
  pendingAction: "unfinished",
  interrupted: "interrupted",
  notGranted: "not granted",
  expiring: "expiring",
  waitingForApproval: "waiting",
  renewal: "renewal",
  permissionReplaced: "access made by hand",
  unmanagedAccess: "not managed",
  standingAccess: "standing access",
};

/** A word joiner: invisible, and it ends a mention, a reference or an autolink where it stands. */
const WJ = "\u2060";

/**
 * Plain text in a table cell: nothing in it can break the table, format, mention anyone or link
 * anywhere. Invisible format characters (zero-width joiners and spaces, bidi overrides, soft
 * hyphens) are dropped first, so a name can't hide text or reorder what is shown; `&` is escaped,
 * so no character reference (`&#64;`, `&commat;`, `&#x40;`) renders as an `@`; a word joiner
 * follows every at sign (`@`, full-width `＠`, small `﹫`) and `#`, and breaks `://`, `www.` and
 * `GH-1`, so GitHub finds no mention, team, issue reference or autolink in it.
 */
export function text(s: string): string {
  return String(s)
    .replace(/\p{Cf}/gu, "")
    .replace(/\s+/g, " ")
    .replace(/[\\`*_[\]~|]/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/#/g, `\\#${WJ}`)
    .replace(/[@\uFF20\uFE6B]/g, (c) => `${c}${WJ}`)
    .replace(/:(?=\/\/)/g, `:${WJ}`)
    .replace(/(www)\./gi, `$1${WJ}.`)
    .replace(/(gh)-(?=\d)/gi, `$1${WJ}-`);
}

/** A name as code: shown exactly, never formatted or linked. */
export function code(s: string): string {
  const t = String(s).replace(/\s+/g, " ").replace(/`/g, "'").replace(/\|/g, "\\|");
  return t === "" ? "" : `\`${t}\``;
}

/** Up to `max` items, then "… and N more". */
function some(items: string[], max: number, show: (s: string) => string = code): string {
  const shown = items.slice(0, max).map(show);
  if (items.length > max) shown.push(`… and ${items.length - max} more`);
  return shown.join(", ");
}

/** "2030-01-08T00:00:00Z" → "2030-01-08 00:00" (the header says UTC). */
function day(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : text(iso);
}

function table(head: string[], rows: string[][], total: number, limit: number): string[] {
  const out = [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.slice(0, limit).map((r) => `| ${r.join(" | ")} |`),
  ];
  if (total > limit) out.push("", `… and ${total - limit} more (see \`--format json\`)`);
  return out;
}

/** A message: text, with its \`quoted\` parts (commands, property names) as code. */
function words(message: string): string {
  return message
    .split("`")
    .map((part, i) => (i % 2 === 1 ? code(part) : text(part)))
    .join("");
}

function problemLine(p: Problem): string {
  const where =
    p.resource === "stack" ? "the stack" : p.resource.replace(/ (.*)$/, (_, n) => ` ${code(n)}`);
  return `- **${KIND_WORDS[p.kind]}** · ${where}: ${words(p.message)}`;
}

function flowDrift(f: FlowEntry): string {
  if (f.unreadable) return "cannot read";
  if (f.deleted) return "**deleted**";
  const parts = f.drift.map(code);
  if (f.pendingAction) parts.push("unfinished write");
  return parts.join(", ") || "—";
}

function flowRow(f: FlowEntry, l: Limits, cc: boolean): string[] {
  const levels = f.levels.map((lv) => {
    const who = [some(lv.users, l.items), some(lv.groups, l.items, text)].filter((x) => x !== "");
    return `${lv.level}. ${who.join(", ") || "nobody"}`;
  });
  const name = f.flowName ? `${code(f.name)} (${code(f.flowName)})` : code(f.name);
  const row = [name, text(f.org), levels.join("<br>")];
  if (cc) row.push(some(f.ccUsers ?? [], l.items));
  return [...row, flowDrift(f)];
}

function accessState(a: AccessEntry): string {
  if (a.revokedAt) return "approved, **revoked** (break-glass)";
  if (a.timedOutAt) return "closed (timed out)";
  if (a.breakGlass && a.state === "approved")
    return a.ratified ? "approved (break-glass, ratified)" : "approved, **break-glass**";
  if (a.state === "approved" && a.grantDrift.includes("deleted")) return "approved, **removed**";
  if (a.state === "approved" && a.expired) return "expired";
  const renews = a.renewal
    ? `; renews ${text(`#${a.renewal.predecessor}`)}, kept until ${day(a.renewal.until)}`
    : "";
  if (a.state === "pending" && a.status !== "closed")
    return `pending (level ${a.approvalStep})${renews}`;
  return text(a.state || "unknown") + renews;
}

function accessDrift(a: AccessEntry): string {
  if (a.unreadable) return "cannot read";
  const parts: string[] = [];
  if (a.grantDrift.includes("deleted")) parts.push("**permission deleted**");
  else if (a.grantDrift.length > 0) parts.push(`permission: ${a.grantDrift.map(code).join(", ")}`);
  parts.push(...a.drift.map(code));
  if (a.pendingAction) parts.push(`unfinished ${text(a.pendingAction)}`);
  return parts.join(", ") || "—";
}

function accessRow(a: AccessEntry, l: Limits): string[] {
  // (`#` + a serial is an issue reference to GitHub; text() breaks it.)
  const ticket = a.serialNum ? `${code(a.name)}<br>${text(`#${a.serialNum}`)}` : code(a.name);
  const live = a.state === "approved" && !a.expired && !a.grantDrift.includes("deleted");
  return [
    ticket,
    text(a.applicant),
    some(a.assets, l.items),
    some(a.nodes, l.items),
    some(a.actions, l.items, text),
    day(a.dateStart),
    day(a.dateExpired),
    accessState(a),
    live ? String(a.daysLeft) : "",
    accessDrift(a),
  ];
}

function render(r: Report, l: Limits): string {
  const n = r.problems.length;
  const counts = [
    n === 0 ? "no problems" : `**${n} problem${n === 1 ? "" : "s"}**`,
    `${r.flows.length} flow${r.flows.length === 1 ? "" : "s"}`,
    `${r.access.length} access ticket${r.access.length === 1 ? "" : "s"}`,
  ];
  const lines = [
    `## JumpServer access: ${code(r.stack)}`,
    "",
    `${counts.join(" · ")}. Read from ${code(r.server)} as ${code(r.identity)} at ${day(r.generatedAt)} UTC (all dates here are UTC).`,
    "",
    "### Problems",
    "",
  ];
  if (n === 0) lines.push("None: JumpServer matches the stack.");
  else {
    lines.push(...r.problems.slice(0, l.rows).map(problemLine));
    if (n > l.rows) lines.push(`- … and ${n - l.rows} more (see \`--format json\`)`);
  }
  if (r.flows.length > 0) {
    lines.push("", "### Flows", "");
    // The CC column only where some flow has CC users (v4.10.19+).
    const cc = r.flows.some((f) => (f.ccUsers ?? []).length > 0);
    lines.push(
      ...table(
        ["Flow", "Org", "Approvers by level", ...(cc ? ["CC"] : []), "Drift"],
        r.flows.map((f) => flowRow(f, l, cc)),
        r.flows.length,
        l.rows,
      ),
    );
  }
  if (r.access.length > 0) {
    lines.push("", "### Access", "");
    lines.push(
      ...table(
        [
          "Ticket",
          "Who",
          "Assets",
          "Nodes",
          "Actions",
          "From",
          "Until",
          "State",
          "Days left",
          "Drift",
        ],
        r.access.map((a) => accessRow(a, l)),
        r.access.length,
        l.rows,
      ),
    );
  }
  if (r.permissions) lines.push("", ...permissionsSection(r, l));
  if (r.adopted) lines.push("", ...adoptionSection(r.adopted));
  return lines.join("\n") + "\n";
}

function permissionRow(e: PermissionEntry, l: Limits): string[] {
  const members = e.unsureMembers
    ? ` (of ${Object.entries(e.unsureMembers)
        .map(([k, n]) => `${n} ${k}`)
        .join(", ")})`
    : "";
  return [
    `${code(e.name)}<br>${code(e.id)}`,
    text(e.org),
    text(PERMISSION_KINDS[e.kind]) + (e.active ? "" : " (disabled)"),
    some([...e.users, ...e.userGroups], l.items, text) + text(members),
    some(e.assets, l.items),
    some(e.nodes, l.items),
    some(e.actions, l.items, text),
    day(e.dateExpired),
    words(e.adoption),
  ];
}

/** `--all`: every permission, by kind (managed, ticket-made, hand-made, expired). */
function permissionsSection(r: Report, l: Limits): string[] {
  const all = r.permissions ?? [];
  const order = Object.keys(PERMISSION_KINDS);
  const sorted = [...all].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const counts = order
    .map((k) => [k, all.filter((e) => e.kind === k).length] as const)
    .map(([k, n]) => `${n} ${PERMISSION_KINDS[k as PermissionEntry["kind"]]}`);
  const where =
    r.scope && r.scope !== "every org"
      ? ` (org ${code(r.scope)} only: the root org refused this identity)`
      : "";
  const lines = ["### All asset permissions", "", `${counts.join(" · ")}${where}.`, ""];
  if (all.length === 0) return [...lines, "None."];
  return [
    ...lines,
    ...table(
      ["Permission", "Org", "Kind", "Who", "Assets", "Nodes", "Actions", "Until", "Adoption"],
      sorted.map((e) => permissionRow(e, l)),
      sorted.length,
      l.rows,
    ),
  ];
}

function adoptionSection(a: NonNullable<Report["adopted"]>): string[] {
  return [
    "### Adopting",
    "",
    `${a.resources.length} resource${a.resources.length === 1 ? "" : "s"} written to ${code(a.file)}: ${some(
      a.resources.map((x) => x.name),
      a.resources.length,
    )}. Import them with:`,
    "",
    "```sh",
    `pulumi import --file ${shellWord(a.file)}`,
    "```",
  ];
}

/** A path as one shell word (it is shown in a code block, where nothing formats). */
function shellWord(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''").replace(/[\r\n]/g, "")}'`;
}

/** The report in Markdown, cut down (fewer rows, shorter lists) until it fits `maxChars`. */
export function renderMarkdown(r: Report, maxChars = MAX_CHARS): string {
  let limits: Limits = { rows: 50, items: 5 };
  let out = render(r, limits);
  while (out.length > maxChars && limits.rows > 1) {
    limits = { rows: Math.floor(limits.rows / 2), items: Math.max(1, limits.items - 1) };
    out = render(r, limits);
  }
  return out.length > maxChars ? `${out.slice(0, maxChars - 40)}\n\n… (cut to fit)\n` : out;
}
