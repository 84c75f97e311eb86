// The provider plugin from a Python program through the generated SDK (sdk/python, installed
// with pip as a wheel), the offline Python host (sdk/v3 v3.68.0) and PyPI pulumi 3.272.0: the
// life of tests/e2e/pluginLife.ts. The program's venv comes first on PATH (that host ignores
// `virtualenv:`); the plugin is found through the project's `plugins: providers:` path.
import { DEFAULT_ORG, describePluginLife, lifeProgramShape } from "./pluginLife";
import { pythonSdkProject } from "./sdkProjects";

const { dateStart, dateExpired, title } = lifeProgramShape;

const PROGRAM = `import pulumi
import pulumi_jumpserver_tickets as jumpserver

flow = jumpserver.TicketFlow(
    "flow",
    org_id="${DEFAULT_ORG}",
    rules=[jumpserver.FlowRuleArgs(users=jumpserver.SelectorArgs(type="ids", ids=["admin"]))],
    guardrails=jumpserver.FlowGuardrailsArgs(forbid_self_approval=False),
)
access = jumpserver.AssetAccessTicket(
    "access",
    title="${title("python")}",
    org_id="${DEFAULT_ORG}",
    applicant="requester",
    assets=["web-01"],
    actions=["connect"],
    date_start="${dateStart}",
    date_expired="${dateExpired}",
    approve=True,
    opts=pulumi.ResourceOptions(depends_on=[flow]),
)
pulumi.export("flowId", flow.flow_id)
pulumi.export("ticketId", access.id)
pulumi.export("state", access.state)
`;

describePluginLife("Python", (context, binDir) =>
  pythonSdkProject(context, "e2e plugin (Python)", binDir, "jms-python", PROGRAM),
);
