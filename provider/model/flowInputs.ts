// TicketFlow inputs, validated without network access. Every failure names the property; rules
// are checked (and their unknown parts passed through) by flowRules.ts.
import type { CheckedInputs } from "./fields";
import { FLOW_INPUTS, FLOW_INPUT_KEYS } from "./flowFields";
import { checkRules } from "./flowRules";
import { Failure, inInputOrder, shapeFailures, tableShape } from "./inputShapes";
import { isUnknown } from "./unknown";
import { UUID } from "../settings";

export type TicketFlowInputs = CheckedInputs<typeof FLOW_INPUTS>;

export function checkFlowInputs(
  news: Record<string, unknown>,
  defaultOrgId: string,
): { inputs?: TicketFlowInputs; failures: Failure[] } {
  const failures = shapeFailures(
    tableShape(FLOW_INPUTS),
    news,
    () => `unknown input; TicketFlow takes ${FLOW_INPUT_KEYS.join(", ")}`,
  );
  const misshapen = new Set(failures.map((f) => f.property.split(/[.[]/)[0]));
  const value = (key: string) => (misshapen.has(key) ? undefined : news[key]);

  const type = value("type") ?? "apply_asset";
  if (type !== "apply_asset" && !isUnknown(type)) {
    failures.push({
      property: "type",
      reason: `only "apply_asset" flows exist in JumpServer's API, got ${JSON.stringify(type)}`,
    });
  }
  const given = value("orgId") === undefined || news.orgId === "" ? defaultOrgId : news.orgId;
  // An id is an id whatever its case: an uppercase org id is not another org.
  const orgId = typeof given === "string" && UUID.test(given) ? given.toLowerCase() : given;
  if (!misshapen.has("orgId") && !isUnknown(orgId) && !UUID.test(String(orgId))) {
    failures.push({
      property: "orgId",
      reason: `expected an organization UUID, got ${JSON.stringify(orgId)}`,
    });
  }
  const name =
    typeof value("name") === "string" && news.name !== "" ? (news.name as string) : undefined;
  const { rules, failures: ruleFailures } = checkRules(news.rules);
  failures.push(...ruleFailures);
  const cc = (value("ccUsers") ?? undefined) as string[] | undefined;
  // (An unknown list stays as it is; unknown elements may turn out to repeat a known one.)
  const ccUsers =
    cc === undefined || isUnknown(cc)
      ? cc
      : cc.filter((u, i, all) => isUnknown(u) || all.indexOf(u) === i);
  const restoreOnDelete = (value("restoreOnDelete") ?? true) as boolean;
  if (failures.length > 0) return { failures: inInputOrder(failures, FLOW_INPUT_KEYS) };
  const inputs = { type, orgId, rules, restoreOnDelete } as TicketFlowInputs;
  if (name !== undefined) inputs.name = name;
  if (ccUsers !== undefined) inputs.ccUsers = ccUsers;
  const guardrails = value("guardrails");
  if (guardrails !== undefined && guardrails !== null)
    inputs.guardrails = guardrails as TicketFlowInputs["guardrails"];
  return { inputs, failures };
}
