// OrgScope: every client call names the org it is scoped to (#17); what each scope sends.
import { strict as assert } from "assert";
import type { JumpServerClient } from "../../provider/client/client";
import { inOrg, noOrgHeader, orgHeader, rootOrg } from "../../provider/client/orgScope";

const ROOT = "00000000-0000-0000-0000-000000000000";
const OPS = "00000000-0000-0000-0000-0000000000a1";

describe("OrgScope", () => {
  it("maps each scope to its X-JMS-ORG value", () => {
    assert.equal(orgHeader(rootOrg), ROOT);
    assert.equal(orgHeader(inOrg(OPS)), OPS);
    assert.equal(orgHeader(noOrgHeader), undefined);
    assert.deepEqual(inOrg(ROOT), rootOrg, "the root org's id is the root scope");
  });

  it("is required by every read and list helper (checked by tsc)", () => {
    // Never called: tsc -p tsconfig.json fails if any of these compiles without a scope.
    const unscoped = (c: JumpServerClient) => [
      // @ts-expect-error the scope is required
      c.get("/api/v1/users/profile/"),
      // @ts-expect-error the scope is required
      c.list("/api/v1/assets/assets/", { query: { name: "x" } }),
      // @ts-expect-error the scope is required
      c.request("PUT", "/api/v1/tickets/apply-asset-tickets/x/close/", { body: {} }),
      // @ts-expect-error the scope is required
      c.listUpTo("/api/v1/perms/asset-permissions/", 10, {}),
    ];
    assert.equal(typeof unscoped, "function");
  });
});
