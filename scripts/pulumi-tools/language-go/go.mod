// Wrapper module that builds the Go language host, from a release where it was
// a package of sdk/v3 (the newer nested module is refused by the proxy), with
// that version's replace.
module pulumi-jumpserver-tickets/pulumi-language-go

go 1.24

require github.com/pulumi/pulumi/sdk/v3 v3.52.0

tool github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go

replace golang.org/x/text => golang.org/x/text v0.3.6
