// AssetAccessTicket inputs, validated without network access. Every failure names the property.
// Any input, or any element of a list, may be Pulumi's unknown placeholder at preview: it is passed
// through unchecked, and whatever depends on it (dates in order, approve's needs) waits for `up`.
import { normalizeActions } from "./actions";
import { normalizeDate, parseDate } from "./dates";
import { UUID } from "../settings";
import { Failure, inInputOrder, shapeFailures, tableShape } from "./inputShapes";
import type { CheckedInputs } from "./fields";
import { BreakGlass, TICKET_INPUTS, TICKET_INPUT_KEYS } from "./ticketFields";
import { hasUnknown, isUnknown } from "./unknown";

/** The inputs once checked (every default filled in), and what the resource class adds. */
export type TicketInputs = CheckedInputs<typeof TICKET_INPUTS> & {
  /** The declaring resource's project/stack/name (set by the resource class, not by users). */
  instanceKey?: string;
  /** The marker the ticket is opened with, derived in check (lifecycle/recovery.ts). */
  requestId?: string;
};

export { REPLACING_KEYS, TICKET_INPUT_KEYS } from "./ticketFields";

const ACCOUNT_ALIASES = ["@ALL", "@SPEC", "@INPUT", "@USER", "@ANON"];

export function checkTicketInputs(
  news: Record<string, unknown>,
  defaultOrgId: string,
): { inputs?: TicketInputs; failures: Failure[] } {
  const failures: Failure[] = shapeFailures(
    tableShape(TICKET_INPUTS),
    news,
    () => `unknown input; AssetAccessTicket takes ${TICKET_INPUT_KEYS.join(", ")}`,
  );
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  // What each well-shaped input means is checked too, so one `preview` names every problem; an
  // input of the wrong shape is left out of these checks (it already has its failure).
  const misshapen = new Set(failures.map((f) => f.property.split(/[.[]/)[0]));
  const shaped = (key: string) => !misshapen.has(key);
  const value = (key: string) => (shaped(key) ? news[key] : undefined);

  const title = news.title as string;

  const orgId = lowerUuid(
    value("orgId") === undefined || news.orgId === null || news.orgId === ""
      ? defaultOrgId
      : (news.orgId as string),
  );
  if (shaped("orgId") && !isUnknown(orgId) && !UUID.test(orgId))
    fail("orgId", `expected an organization UUID, got ${JSON.stringify(orgId)}`);

  let applicant: string | undefined;
  if (shaped("applicant") && typeof news.applicant === "string" && news.applicant !== "")
    applicant = isUnknown(news.applicant) ? news.applicant : lowerUuid(news.applicant.trim());

  const assets = names(value("assets"));
  const nodes = names(value("nodes"));

  let accounts = ["@ALL"];
  if (value("accounts") !== undefined && news.accounts !== null) {
    const list = names(news.accounts);
    const known = Array.isArray(list) ? list.filter((a) => !isUnknown(a)) : [];
    known.forEach((a) => {
      const i = list.indexOf(a);
      if (a.startsWith("@") && !ACCOUNT_ALIASES.includes(a)) {
        fail(
          `accounts[${i}]`,
          `unknown alias ${a}; expected ${ACCOUNT_ALIASES.join(", ")}, an account name, or %<template id>`,
        );
      }
    });
    if (
      !hasUnknown(list) &&
      known.includes("@SPEC") &&
      known.filter((a) => !a.startsWith("@")).length === 0
    ) {
      fail(
        "accounts",
        '"@SPEC" must be followed by the account names it grants, e.g. ["@SPEC", "readonly"]',
      );
    }
    accounts = list;
  }

  let actions: string[] = ["all"];
  const askedActions = value("actions") as string[] | undefined | null;
  if (isUnknown(askedActions)) actions = askedActions as unknown as string[];
  else if (askedActions !== undefined && askedActions !== null) {
    if (askedActions.some(isUnknown)) {
      // Check the known names; keep the list as written until `up` knows the rest.
      const known = askedActions.filter((a) => !isUnknown(a));
      normalizeActions(known).unknown.forEach((u) => fail("actions", unknownAction(u)));
      actions = askedActions;
    } else {
      const { actions: mapped, unknown } = normalizeActions(askedActions);
      unknown.forEach((u) => fail("actions", unknownAction(u)));
      if (mapped.length === 0 && unknown.length === 0)
        fail("actions", "expected at least one action (an empty list grants nothing)");
      actions = mapped;
    }
  }

  const dateStart = shaped("dateStart") ? date(news.dateStart, "dateStart", fail) : undefined;
  const dateExpired = shaped("dateExpired")
    ? date(news.dateExpired, "dateExpired", fail)
    : undefined;
  const bothKnown = !isUnknown(dateStart) && !isUnknown(dateExpired);
  if (dateStart && dateExpired && bothKnown && parseDate(dateExpired)! <= parseDate(dateStart)!) {
    fail(
      "dateExpired",
      `must be later than dateStart (to the second): ${dateStart} → ${dateExpired}`,
    );
  }

  const comment = typeof news.comment === "string" ? news.comment : "";
  if (!isUnknown(comment) && /\[pulumi:[0-9a-f-]+\]/i.test(comment))
    fail("comment", "must not contain a [pulumi:…] marker (the provider adds its own)");

  const flow = typeof news.flow === "string" && news.flow !== "" ? lowerUuid(news.flow) : undefined;

  const approve = (value("approve") ?? false) as boolean;
  const revokeOnDelete = (news.revokeOnDelete ?? true) as boolean;

  if (
    approve === true &&
    shaped("assets") &&
    shaped("nodes") &&
    !hasUnknown(assets) &&
    !hasUnknown(nodes)
  ) {
    // JumpServer's final-step rule, caught before anything is opened.
    if (assets.length + nodes.length === 0)
      fail(
        "assets",
        "with approve: true, name at least one asset or node (JumpServer refuses the final approval otherwise)",
      );
  }
  if (approve === true && shaped("accounts") && !hasUnknown(accounts)) {
    if (accounts.length === 0)
      fail("accounts", "with approve: true, name at least one account or alias such as @ALL");
  }

  const breakGlass = value("breakGlass") ?? undefined;
  const ratified = (value("ratified") ?? false) as boolean;
  if (ratified === true && shaped("breakGlass") && breakGlass === undefined)
    fail("ratified", "only a break-glass ticket is ratified; this one has no breakGlass");

  if (failures.length > 0) return { failures: inInputOrder(failures, TICKET_INPUT_KEYS) };
  const inputs: TicketInputs = {
    title: isUnknown(title) ? title : title.trim(),
    orgId,
    assets,
    nodes,
    accounts,
    actions,
    dateStart: dateStart!,
    dateExpired: dateExpired!,
    comment,
    approve,
    revokeOnDelete,
  };
  if (applicant !== undefined) inputs.applicant = applicant;
  if (flow !== undefined) inputs.flow = flow;
  if (value("guardrails") !== undefined && news.guardrails !== null)
    inputs.guardrails = news.guardrails as TicketInputs["guardrails"];
  if (breakGlass !== undefined && breakGlass !== null) {
    const bg = breakGlass as BreakGlass;
    inputs.breakGlass = {
      reason: isUnknown(bg.reason) ? bg.reason : bg.reason.trim(),
      ...(typeof bg.incident === "string" && bg.incident.trim() !== ""
        ? { incident: isUnknown(bg.incident) ? bg.incident : bg.incident.trim() }
        : {}),
    };
  }
  if (ratified) inputs.ratified = true;
  return { inputs, failures };
}

/** An id is an id whatever its case (JumpServer answers in lowercase). */
function lowerUuid<T>(v: T): T {
  return typeof v === "string" && UUID.test(v) ? (v.toLowerCase() as T) : v;
}

function unknownAction(name: string): string {
  return `unknown action "${name}"; expected all, connect, upload, download, copy, paste, delete, share (or upload_file, download_file, updownload, clipboard_copy, clipboard_paste, clipboard_copy_paste)`;
}

/** A list of names (its shape already checked): trimmed, ids in lowercase, each once. */
function names(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (isUnknown(v)) return v as unknown as string[]; // the whole list is known at `up`
  const out: string[] = [];
  for (const x of v as string[]) {
    const name = isUnknown(x) ? x : lowerUuid(x.trim());
    if (isUnknown(x) || !out.includes(name)) out.push(name);
  }
  return out;
}

function date(
  v: unknown,
  property: string,
  fail: (p: string, r: string) => void,
): string | undefined {
  if (v === undefined || v === null || v === "") {
    fail(
      property,
      "required: an ISO-8601 date (2026-12-01T00:00:00Z; without a zone it is UTC) or JumpServer's 2026/12/01 08:00:00 +0800",
    );
    return undefined;
  }
  if (isUnknown(v)) return v as string;
  const iso = normalizeDate(v as string);
  if (!iso)
    fail(
      property,
      `not a date: ${JSON.stringify(v)}; expected ISO-8601 or YYYY/MM/DD HH:MM:SS +ZZZZ`,
    );
  return iso;
}
