// Wrapper module that builds the Node.js language host. The proxy refuses
// the newer nested module (sdk/nodejs/cmd/pulumi-language-nodejs/v3), so this
// uses the last release where the host was a package inside sdk/v3, with the
// replace of sdk/v3 v3.68.0's go.mod (see docs/pulumi-cli.md for its limits).
module pulumi-jumpserver-tickets/pulumi-language-nodejs

go 1.24

require github.com/pulumi/pulumi/sdk/v3 v3.68.0

tool github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs

replace golang.org/x/text => golang.org/x/text v0.3.6
