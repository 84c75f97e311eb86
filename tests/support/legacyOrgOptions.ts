// Test-only: `org` as it was before OrgScope (an org id string, or `null` for no header), for
// suites written against it, notably tests/real (owned by the real layer). The package's build
// (tsconfig.build.json) does not include this file, so provider/ code must name an OrgScope at
// every call; the client still understands the old values at run time. New tests use rootOrg /
// inOrg(id) / noOrgHeader.
declare module "../../provider/client/client" {
  interface OrgOptionValues {
    legacy: string | null;
  }
}

export {};
