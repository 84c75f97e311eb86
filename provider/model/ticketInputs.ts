// AssetAccessTicket inputs, validated without network access. Every failure names the property.
// Any input, or any element of a list, may be Pulumi's unknown placeholder at preview: it is passed
// through unchecked, and whatever depends on it (dates in order, approve's needs) waits for `up`.
import { normalizeActions } from "./actions";
import { normalizeDate, parseDate } from "./dates";
import { UUID } from "../settings";
import type { Failure } from "./flowRules";
import type { CheckedInputs } from "./fields";
import { TICKET_INPUTS, TICKET_INPUT_KEYS } from "./ticketFields";
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
  const failures: Failure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });

  const title = news.title;
  if (isUnknown(title)) {
    // known at `up`
  } else if (typeof title !== "string" || title.trim() === "")
    fail("title", "expected a non-empty title");
  else if (title.length > 256)
    fail("title", `expected at most 256 characters, got ${title.length}`);

  const orgId = lowerUuid(
    news.orgId === undefined || news.orgId === "" ? defaultOrgId : news.orgId,
  );
  if (!isUnknown(orgId) && (typeof orgId !== "string" || !UUID.test(orgId)))
    fail("orgId", `expected an organization UUID, got ${JSON.stringify(orgId)}`);

  let applicant: string | undefined;
  if (news.applicant !== undefined && news.applicant !== null && news.applicant !== "") {
    if (typeof news.applicant !== "string") fail("applicant", "expected a username or user id");
    else applicant = isUnknown(news.applicant) ? news.applicant : lowerUuid(news.applicant.trim());
  }

  const assets = names(news.assets, "assets", fail);
  const nodes = names(news.nodes, "nodes", fail);

  let accounts = ["@ALL"];
  if (news.accounts !== undefined) {
    const list = names(news.accounts, "accounts", fail);
    const known = Array.isArray(list) ? list.filter((a) => !isUnknown(a)) : [];
    known.forEach((a) => {
      const i = (list as string[]).indexOf(a);
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
  if (isUnknown(news.actions)) actions = news.actions as unknown as string[];
  else if (news.actions !== undefined) {
    if (!Array.isArray(news.actions) || news.actions.some((a) => typeof a !== "string")) {
      fail("actions", "expected a list of action names");
    } else if (news.actions.some(isUnknown)) {
      // Check the known names; keep the list as written until `up` knows the rest.
      const known = (news.actions as string[]).filter((a) => !isUnknown(a));
      normalizeActions(known).unknown.forEach((u) => fail("actions", unknownAction(u)));
      actions = news.actions as string[];
    } else {
      const { actions: mapped, unknown } = normalizeActions(news.actions as string[]);
      unknown.forEach((u) => fail("actions", unknownAction(u)));
      if (mapped.length === 0 && unknown.length === 0)
        fail("actions", "expected at least one action (an empty list grants nothing)");
      actions = mapped;
    }
  }

  const dateStart = date(news.dateStart, "dateStart", fail);
  const dateExpired = date(news.dateExpired, "dateExpired", fail);
  const bothKnown = !isUnknown(dateStart) && !isUnknown(dateExpired);
  if (dateStart && dateExpired && bothKnown && parseDate(dateExpired)! <= parseDate(dateStart)!) {
    fail(
      "dateExpired",
      `must be later than dateStart (to the second): ${dateStart} → ${dateExpired}`,
    );
  }

  let comment = "";
  if (news.comment !== undefined && news.comment !== null) {
    if (typeof news.comment !== "string") fail("comment", "expected text");
    else if (isUnknown(news.comment)) comment = news.comment;
    else if (/\[pulumi:[0-9a-f-]+\]/i.test(news.comment))
      fail("comment", "must not contain a [pulumi:…] marker (the provider adds its own)");
    else comment = news.comment;
  }

  let flow: string | undefined;
  if (news.flow !== undefined && news.flow !== null && news.flow !== "") {
    if (typeof news.flow !== "string") fail("flow", "expected a flow name or id");
    else flow = lowerUuid(news.flow);
  }

  const approve = bool(news.approve, false, "approve", fail);
  const revokeOnDelete = bool(news.revokeOnDelete, true, "revokeOnDelete", fail);

  if (approve === true && !hasUnknown(assets) && !hasUnknown(nodes)) {
    // JumpServer's final-step rule, caught before anything is opened.
    if (assets.length + nodes.length === 0)
      fail(
        "assets",
        "with approve: true, name at least one asset or node (JumpServer refuses the final approval otherwise)",
      );
  }
  if (approve === true && !hasUnknown(accounts)) {
    if (accounts.length === 0)
      fail("accounts", "with approve: true, name at least one account or alias such as @ALL");
  }

  const unknown = Object.keys(news).filter(
    (k) => k !== "__provider" && !(TICKET_INPUT_KEYS as readonly string[]).includes(k),
  );
  unknown.forEach((k) =>
    fail(k, `unknown input; AssetAccessTicket takes ${TICKET_INPUT_KEYS.join(", ")}`),
  );

  if (failures.length > 0) return { failures };
  const inputs: TicketInputs = {
    title: isUnknown(title) ? (title as string) : (title as string).trim(),
    orgId: orgId as string,
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
  return { inputs, failures };
}

/** An id is an id whatever its case (JumpServer answers in lowercase). */
function lowerUuid<T>(v: T): T {
  return typeof v === "string" && UUID.test(v) ? (v.toLowerCase() as T) : v;
}

function unknownAction(name: string): string {
  return `unknown action "${name}"; expected all, connect, upload, download, copy, paste, delete, share (or upload_file, download_file, updownload, clipboard_copy, clipboard_paste, clipboard_copy_paste)`;
}

/** A list of names; an unknown list, or unknown elements, are kept for `up` to know. */
function names(v: unknown, property: string, fail: (p: string, r: string) => void): string[] {
  if (v === undefined || v === null) return [];
  if (isUnknown(v)) return v as unknown as string[];
  if (!Array.isArray(v)) {
    fail(property, "expected a list of names or ids");
    return [];
  }
  const out: string[] = [];
  v.forEach((x, i) => {
    if (isUnknown(x)) out.push(x as string);
    else if (typeof x !== "string" || x.trim() === "")
      fail(`${property}[${i}]`, "expected a non-empty name or id");
    else if (!out.includes(lowerUuid(x.trim()))) out.push(lowerUuid(x.trim()));
  });
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
  if (typeof v !== "string") {
    fail(property, "expected a date string");
    return undefined;
  }
  if (isUnknown(v)) return v;
  const iso = normalizeDate(v);
  if (!iso)
    fail(
      property,
      `not a date: ${JSON.stringify(v)}; expected ISO-8601 or YYYY/MM/DD HH:MM:SS +ZZZZ`,
    );
  return iso;
}

function bool(
  v: unknown,
  fallback: boolean,
  property: string,
  fail: (p: string, r: string) => void,
): boolean {
  if (v === undefined || v === null) return fallback;
  if (isUnknown(v)) return v as unknown as boolean; // known at `up`
  if (typeof v !== "boolean") {
    fail(property, "expected true or false");
    return fallback;
  }
  return v;
}
