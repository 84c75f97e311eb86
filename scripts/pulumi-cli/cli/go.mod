// Wrapper module that builds the Pulumi CLI from the published Go modules
// (see docs/pulumi-cli.md). Built by scripts/ensure-pulumi-cli.js in a copy
// of this folder; pkg/v3 and sdk/v3 are pinned to the same release, and the
// two non-local replaces are those of sdk/v3 v3.276.0's go.mod (the script
// checks they still match before building).
module pulumi-jumpserver-tickets/pulumi-cli

go 1.26.6

require (
	github.com/pulumi/pulumi/pkg/v3 v3.276.0
	github.com/pulumi/pulumi/sdk/v3 v3.276.0
)

tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e

replace golang.org/x/text => golang.org/x/text v0.41.0
