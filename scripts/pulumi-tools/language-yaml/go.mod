// Wrapper module that builds the YAML language host (docs/sdks.md). pulumi-yaml
// has no replaces of its own, and nothing else is required here, so Go selects
// exactly the versions pulumi-yaml v1.25.0 pins (pkg/sdk v3.206.0): pinning
// them to the CLI's v3.276.0 does not compile.
module pulumi-jumpserver-tickets/pulumi-language-yaml

go 1.24.7

require github.com/pulumi/pulumi-yaml v1.25.0

tool github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
