// The names the plugin's package goes by, in one place: the schema's package name (the first part
// of every type token and the `jumpserver:` config namespace) and the names of the SDKs generated
// from it (scripts/plugin-schema.ts writes them into the schema's language sections).

/** Pulumi package name: tokens `jumpserver:index:<Type>`, plugin `pulumi-resource-jumpserver`. */
export const PACKAGE_NAME = "jumpserver";

/** The Python SDK's distribution and module name (`pip install …`, `import pulumi_jumpserver_tickets`). */
export const PYTHON_PACKAGE = "pulumi_jumpserver_tickets";

/** The Node.js SDK's npm name. */
export const NODE_PACKAGE = "@pulumi-jumpserver-tickets/sdk";

/** The Go SDK's import path (used with a `replace` or a local path; nothing is published). */
export const GO_IMPORT_BASE = "github.com/pulumi-jumpserver-tickets/sdk/go/jumpserver";

/** Type token of a resource of this package. */
export const token = (type: string): string => `${PACKAGE_NAME}:index:${type}`;
