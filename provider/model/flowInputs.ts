// TicketFlow inputs, validated without network access. Every failure names the property; rules
// are checked (and their unknown parts passed through) by flowRules.ts.
import type { CheckedInputs } from "./fields";
import { FLOW_INPUTS, FLOW_INPUT_KEYS } from "./flowFields";
import { Failure, checkRules } from "./flowRules";
import { isUnknown } from "./unknown";
import { UUID } from "../settings";

export type TicketFlowInputs = CheckedInputs<typeof FLOW_INPUTS>;

export function checkFlowInputs(
  news: Record<string, unknown>,
  defaultOrgId: string,
): { inputs?: TicketFlowInputs; failures: Failure[] } {
  const failures: Failure[] = [];
  const type = news.type === undefined ? "apply_asset" : news.type;
  if (type !== "apply_asset" && !isUnknown(type)) {
    failures.push({
      property: "type",
      reason: `only "apply_asset" flows exist in JumpServer's API, got ${JSON.stringify(type)}`,
    });
  }
  const given = news.orgId === undefined || news.orgId === "" ? defaultOrgId : news.orgId;
  // An id is an id whatever its case: an uppercase org id is not another org.
  const orgId = typeof given === "string" && UUID.test(given) ? given.toLowerCase() : given;
  if (!isUnknown(orgId) && (typeof orgId !== "string" || !UUID.test(orgId))) {
    failures.push({
      property: "orgId",
      reason: `expected an organization UUID, got ${JSON.stringify(orgId)}`,
    });
  }
  let name: string | undefined;
  if (news.name !== undefined && news.name !== null && news.name !== "") {
    if (typeof news.name !== "string" || news.name.length > 128) {
      failures.push({ property: "name", reason: "expected a flow name of at most 128 characters" });
    } else name = news.name;
  }
  const { rules, failures: ruleFailures } = checkRules(news.rules);
  failures.push(...ruleFailures);
  let ccUsers: string[] | undefined;
  if (isUnknown(news.ccUsers)) ccUsers = news.ccUsers as unknown as string[];
  else if (news.ccUsers !== undefined && news.ccUsers !== null) {
    if (
      !Array.isArray(news.ccUsers) ||
      news.ccUsers.some((u) => typeof u !== "string" || u === "")
    ) {
      failures.push({ property: "ccUsers", reason: "expected a list of usernames or user ids" });
    } else
      ccUsers = (news.ccUsers as string[]).filter(
        (u, i, all) => isUnknown(u) || all.indexOf(u) === i,
      );
  }
  let restoreOnDelete = true;
  if (isUnknown(news.restoreOnDelete)) restoreOnDelete = news.restoreOnDelete as boolean;
  else if (news.restoreOnDelete !== undefined) {
    if (typeof news.restoreOnDelete !== "boolean") {
      failures.push({ property: "restoreOnDelete", reason: "expected true or false" });
    } else restoreOnDelete = news.restoreOnDelete;
  }
  const unknown = Object.keys(news).filter(
    (k) => k !== "__provider" && !(FLOW_INPUT_KEYS as readonly string[]).includes(k),
  );
  for (const k of unknown)
    failures.push({
      property: k,
      reason: `unknown input; TicketFlow takes ${FLOW_INPUT_KEYS.join(", ")}`,
    });
  if (failures.length > 0) return { failures };
  const inputs = { type, orgId, rules, restoreOnDelete } as TicketFlowInputs;
  if (name !== undefined) inputs.name = name;
  if (ccUsers !== undefined) inputs.ccUsers = ccUsers;
  return { inputs, failures };
}
