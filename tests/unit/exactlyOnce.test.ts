// The exactly-once protocol on its own: which answers lead to a lookup, when a resend is allowed,
// and which error comes out. (The ticket open, the copy-on-write and the named-flow POST are tested
// through the provider against the sandbox's faults in tests/provider and tests/reliability.)
import { strict as assert } from "node:assert";
import type { JumpServerClient } from "../../provider/client/client";
import { JumpServerError } from "../../provider/client/errors";
import { Policy, exactlyOnce } from "../../provider/lifecycle/exactlyOnce";

const client = { settings: { maxRetries: 2, timeoutSeconds: 1 } } as JumpServerClient;
const policy: Policy = {
  ambiguous: (e) => e instanceof JumpServerError && e.ambiguous,
  sends: (maxRetries) => maxRetries + 1,
  lookups: 2,
  lookupPauseMs: () => 1,
  lookAsLongAsTheTimeout: false,
  resendPauseMs: () => 1,
};
const request = { method: "POST", url: "http://127.0.0.1/x/", headers: {} };
const lost = () => new JumpServerError("no answer", { request, ambiguous: true });
const refusal = () => new JumpServerError("HTTP 400", { request, status: 400 });
const down = () => new JumpServerError("HTTP 503", { request, status: 503 });

describe("exactlyOnce", () => {
  it("after a lost answer takes what the lookup finds, and sends no second time", async () => {
    let sends = 0;
    const got = await exactlyOnce(client, policy, {
      send: async () => {
        sends++;
        throw lost();
      },
      find: async () => "made",
      found: async (x) => `${x}, finished`,
    });
    assert.equal(got, "made, finished");
    assert.equal(sends, 1);
  });

  it("sends again only after a lookup that found nothing, up to the policy's sends", async () => {
    let sends = 0;
    let finds = 0;
    await assert.rejects(
      exactlyOnce(client, policy, {
        send: async () => {
          sends++;
          throw lost();
        },
        find: async () => {
          finds++;
          return undefined;
        },
      }),
      /no answer/,
    );
    assert.deepEqual([sends, finds], [3, 3]);
  });

  it("a refusal is not looked up and comes out through `refused`", async () => {
    let finds = 0;
    await assert.rejects(
      exactlyOnce(client, policy, {
        send: async () => {
          throw refusal();
        },
        find: async () => {
          finds++;
          return "never";
        },
        refused: (e) => new Error(`explained: ${(e as Error).message}`),
      }),
      /explained: POST http:\/\/127.0.0.1\/x\/: HTTP 400/,
    );
    assert.equal(finds, 0);
  });

  it("asks a failing lookup again, then names the failure through `lookupFailed`", async () => {
    let finds = 0;
    await assert.rejects(
      exactlyOnce(client, policy, {
        send: async () => {
          throw lost();
        },
        find: async () => {
          finds++;
          throw down();
        },
        lookupFailed: () => new Error("look for the marker"),
      }),
      /look for the marker/,
    );
    assert.equal(finds, 2);
  });

  it("`beforeResend` can stop a resend the lookup could not prove safe", async () => {
    let sends = 0;
    await assert.rejects(
      exactlyOnce(client, policy, {
        send: async () => {
          sends++;
          throw lost();
        },
        find: async () => undefined,
        beforeResend: async () => {
          throw new Error("cannot see the object");
        },
      }),
      /cannot see the object/,
    );
    assert.equal(sends, 1);
  });
});
