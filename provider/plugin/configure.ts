// The provider's configuration. @pulumi/pulumi's provider server (provider/server.js, 3.276.0)
// answers the engine's Configure call itself and passes nothing on: `Provider` has no configure
// hook. The request is still decoded by the generated service descriptor the server registers
// (proto/provider_grpc_pb.js), so the decoder of that one method is wrapped to read the request on
// its way to the server, before `provider.main` registers the service. The SDK's server still
// answers the call. What the request carries (the provider's inputs: stack config `jumpserver:*`
// for the default provider, or an explicit provider's arguments) becomes the same `ConfigSource`
// the dynamic provider's `configure` hook fills, so settings resolve exactly as they do there
// (stack config first, then `JUMPSERVER_*`; lifecycle/context.ts).
import { processState } from "../client/processState";
import { PACKAGE_NAME } from "./packageNames";
import { reveal } from "./secrets";

interface ConfigureRequest {
  getArgs(): { toJavaScript(): Record<string, unknown> } | undefined;
}

interface MethodDefinition {
  requestDeserialize(bytes: Buffer): unknown;
}

/** Call once, before `provider.main`: later Configure calls then set the process's config. */
export function readConfigureRequests(): void {
  const service = require("@pulumi/pulumi/proto/provider_grpc_pb").ResourceProviderService as {
    configure: MethodDefinition;
  };
  const decode = service.configure.requestDeserialize;
  service.configure.requestDeserialize = (bytes: Buffer) => {
    const request = decode(bytes) as ConfigureRequest;
    remember(request);
    return request;
  };
}

/** The provider's inputs as `jumpserver:<key>` settings (text, as stack config holds them). */
export function configFromArgs(args: Record<string, unknown>): Map<string, string> {
  const settings = new Map<string, string>();
  for (const [k, raw] of Object.entries(args)) {
    const v = reveal(raw);
    if (k === "version" || v === undefined || v === null) continue;
    settings.set(`${PACKAGE_NAME}:${k}`, typeof v === "string" ? v : JSON.stringify(v));
  }
  return settings;
}

function remember(request: ConfigureRequest): void {
  let settings: Map<string, string>;
  try {
    settings = configFromArgs(request.getArgs()?.toJavaScript() ?? {});
  } catch {
    settings = new Map(); // an undecodable request configures nothing: the environment applies
  }
  processState().config = { get: (key) => settings.get(key) };
}
