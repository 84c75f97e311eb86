// The provider plugin from a Go program through the generated SDK (sdk/go, by a `replace`), the
// offline Go host (sdk/v3 v3.52.0): the life of tests/e2e/pluginLife.ts. A Go program's first
// build takes ~4.5 minutes (pulumi/sdk and its dependencies), more than the CI budget has room
// for, so this suite runs only when asked: PULUMI_JUMPSERVER_TICKETS_E2E_GO=1 (docs/sdks.md).
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { LanguageProject } from "./languageProject";
import { DEFAULT_ORG, describePluginLife, lifeProgramShape } from "./pluginLife";
import { requireTools } from "./pulumiTools";

const run = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, "..", "..");
const SDK_MODULE = "github.com/pulumi-jumpserver-tickets/sdk/go";
const { dateStart, dateExpired, title } = lifeProgramShape;

const PROGRAM = `package main

import (
	"github.com/pulumi-jumpserver-tickets/sdk/go/jumpserver"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		flow, err := jumpserver.NewTicketFlow(ctx, "flow", &jumpserver.TicketFlowArgs{
			OrgId: pulumi.String("${DEFAULT_ORG}"),
			Rules: jumpserver.FlowRuleArray{jumpserver.FlowRuleArgs{
				Users: jumpserver.SelectorArgs{Type: pulumi.String("ids"), Ids: pulumi.StringArray{pulumi.String("admin")}},
			}},
			Guardrails: jumpserver.FlowGuardrailsArgs{ForbidSelfApproval: pulumi.Bool(false)},
		})
		if err != nil {
			return err
		}
		access, err := jumpserver.NewAssetAccessTicket(ctx, "access", &jumpserver.AssetAccessTicketArgs{
			Title:       pulumi.String("${title("go")}"),
			OrgId:       pulumi.String("${DEFAULT_ORG}"),
			Applicant:   pulumi.String("requester"),
			Assets:      pulumi.StringArray{pulumi.String("web-01")},
			Actions:     pulumi.StringArray{pulumi.String("connect")},
			DateStart:   pulumi.String("${dateStart}"),
			DateExpired: pulumi.String("${dateExpired}"),
			Approve:     pulumi.Bool(true),
		}, pulumi.DependsOn([]pulumi.Resource{flow}))
		if err != nil {
			return err
		}
		ctx.Export("flowId", flow.FlowId)
		ctx.Export("ticketId", access.ID())
		ctx.Export("state", access.State)
		return nil
	})
}
`;

describePluginLife("Go", async (context, binDir) => {
  if (process.env.PULUMI_JUMPSERVER_TICKETS_E2E_GO !== "1") {
    console.log(
      "SKIP e2e plugin (Go): a Go program's first build takes ~4.5 min; set PULUMI_JUMPSERVER_TICKETS_E2E_GO=1 to run it",
    );
    context.skip();
  }
  const tools = requireTools(context, "e2e plugin (Go)", ["go"]);
  const project = new LanguageProject(binDir, "go");
  project.write({
    "Pulumi.yaml": [
      "name: jms-go",
      "runtime: go",
      "plugins:",
      "  providers:",
      `    - { name: jumpserver, path: ${JSON.stringify(path.join(REPO_ROOT, "bin"))} }`,
      "  languages:",
      `    - { name: go, path: ${JSON.stringify(tools.go)} }`,
      "",
    ].join("\n"),
    "go.mod": [
      "module jms-go",
      "",
      "go 1.25",
      "",
      "require (",
      `\t${SDK_MODULE} v0.0.0`,
      // The CLI's release (scripts/pulumi-cli/cli/go.mod): its modules are in Go's cache already.
      "\tgithub.com/pulumi/pulumi/sdk/v3 v3.276.0",
      ")",
      "",
      `replace ${SDK_MODULE} => ${path.join(REPO_ROOT, "sdk", "go")}`,
      "",
    ].join("\n"),
    "main.go": PROGRAM,
  });
  // As a user does after adding the requirement: go.sum from Go's module cache or the proxy.
  await run("go", ["mod", "tidy"], {
    cwd: project.dir,
    env: { ...process.env, GOTOOLCHAIN: "local", GOWORK: "off", GOFLAGS: "-mod=mod" },
    maxBuffer: 16 * 1024 * 1024,
  });
  return project;
});
