// The provider plugin from a TypeScript program through the generated Node.js SDK, installed as a
// user installs a provider (tests/e2e/nodeSdkProject.ts: the SDK's tarball with npm, the plugin
// with `pulumi plugin install --file`): the life of tests/e2e/pluginLife.ts against the sandbox.
import { makeNodeSdkProject, nodeSdkProgram } from "./nodeSdkProject";
import { describePluginLife, sandboxLifeProgram } from "./pluginLife";

describePluginLife("TypeScript (Node.js SDK)", (context, binDir) =>
  makeNodeSdkProject(
    context,
    binDir,
    "e2e plugin (Node.js SDK)",
    nodeSdkProgram(sandboxLifeProgram("nodejs")),
  ),
);
