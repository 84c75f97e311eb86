// `pulumi import jumpserver:index:TicketFlow <name> <orgId>/<type>[/<name>] | <flowId>`: the flow as
// a TicketFlow that adopted it now. Read only. Its rules become the inputs (users by id) and also
// the rules delete writes back, so destroying the imported resource leaves the flow as it was.
import { LiveFlow, listFlows } from "../../api/flows";
import { fromWire } from "../../model/flowRules";
import { ROOT_ORG_ID } from "../../settings";
import { currentClient } from "../../lifecycle/context";
import { plain } from "../../lifecycle/plain";
import type { TicketFlowInputs, TicketFlowOutputs } from "../../lifecycle/ticketFlow";
import { parseFlowRef } from "./ids";

export async function importFlow(id: string) {
  const ref = parseFlowRef(id);
  const client = currentClient();
  let flow: LiveFlow | undefined;
  let flows: LiveFlow[];
  if (ref.kind === "id") {
    // The root org's view lists every org's flows.
    flows = await listFlows(client, ROOT_ORG_ID);
    flow = flows.find((f) => f.id.toLowerCase() === ref.flowId);
    if (flow) flows = await listFlows(client, flow.orgId);
  } else {
    flows = await listFlows(client, ref.orgId, ref.type);
    const wanted = (ref.name ?? "").toLowerCase();
    flow = flows.find(
      (f) => f.orgId.toLowerCase() === ref.orgId && (f.name ?? "").toLowerCase() === wanted,
    );
    if (!flow && !ref.name && flows.some((f) => f.orgId === ROOT_ORG_ID && !f.name))
      throw new Error(
        `import id ${id}: org ${ref.orgId} has no ${ref.type} flow of its own (it follows the global flow); declare the TicketFlow and \`pulumi up\` gives the org its own copy`,
      );
  }
  if (!flow) throw new Error(`import id ${id}: no such flow is visible to this identity`);
  const named = flows.some((f) => f.name !== undefined);
  const inputs: TicketFlowInputs = {
    type: flow.type,
    orgId: flow.orgId,
    rules: fromWire(flow.rules, flow.dialect, {}),
    restoreOnDelete: true,
  };
  if (flow.name) inputs.name = flow.name;
  if (named && flow.ccUsers && flow.ccUsers.length > 0) inputs.ccUsers = flow.ccUsers;
  const props: TicketFlowOutputs = {
    ...inputs,
    flowId: flow.id,
    orgName: flow.orgName,
    dialect: flow.dialect,
    namedFlows: named,
    approvalLevel: flow.rules.length,
    adopted: flow.orgId === ROOT_ORG_ID ? "global" : "own",
    appliedRules: flow.rules,
    appliedCcUsers: flow.ccUsers,
    previousRules: flow.rules,
    previousCcUsers: flow.ccUsers,
    userIds: {},
  };
  return {
    id: flow.id,
    props: plain(props) as unknown as Record<string, unknown>,
    inputs: plain(inputs) as unknown as Record<string, unknown>,
  };
}
