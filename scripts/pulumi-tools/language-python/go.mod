// Wrapper module that builds the Python language host. As for Node.js
// (scripts/pulumi-cli/language-nodejs), the proxy refuses the newer nested
// module, so this is the last release where the host was a package of sdk/v3,
// with that version's replace. Its exec shim (python/cmd/pulumi-language-python-exec,
// a Python script) is copied from the same module.
module pulumi-jumpserver-tickets/pulumi-language-python

go 1.24

require github.com/pulumi/pulumi/sdk/v3 v3.68.0

tool github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python

replace golang.org/x/text => golang.org/x/text v0.3.6
