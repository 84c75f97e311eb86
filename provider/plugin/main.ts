// pulumi-resource-jumpserver: the provider plugin the engine starts (bin/pulumi-resource-jumpserver).
import * as provider from "@pulumi/pulumi/provider";
import { readConfigureRequests } from "./configure";
import { JumpServerProvider } from "./provider";
import { PLUGIN_VERSION } from "./schema";

readConfigureRequests();
void provider.main(new JumpServerProvider(PLUGIN_VERSION), process.argv.slice(2));
