import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { JumpServerError } from "../../provider/client/errors";
import { client, sandbox } from "../support/sandbox";
import { selfSignedCert } from "../support/tls";

describe("client TLS against an HTTPS sandbox with a self-signed certificate", function () {
  let sb: Sandbox;
  let cert: string;

  before(async function () {
    const pair = selfSignedCert();
    cert = pair.cert;
    sb = await sandbox({ tls: pair });
    assert.ok(sb.url.startsWith("https://"));
  });
  after(async () => sb?.close());

  it("refuses the server by default, naming caCert and insecure", async () => {
    await assert.rejects(
      client(sb, "approver").get("/api/v1/users/profile/", { org: null }),
      (e: unknown) => {
        assert.ok(e instanceof JumpServerError);
        assert.match(e.message, /TLS verification failed/);
        assert.match(e.message, /jumpserver:caCert/);
        assert.equal(e.ambiguous, false);
        return true;
      },
    );
  });

  it("trusts the server through caCert", async () => {
    const me = await client(sb, "approver", "accessKey", { "jumpserver:caCert": cert }).get<{
      username: string;
    }>("/api/v1/users/profile/", { org: null });
    assert.equal(me.username, "approver");
  });

  it("logs in with caCert and insecure whatever the case of the URL's scheme", async () => {
    const upper = sb.url.replace(/^https:/, "HTTPS:");
    const trusted = await client(sb, "approver", "password", {
      "jumpserver:url": upper,
      "jumpserver:caCert": cert,
    }).get<{ username: string }>("/api/v1/users/profile/", { org: null });
    assert.equal(trusted.username, "approver");
    const skipped = await client(sb, "requester", "password", {
      "jumpserver:url": upper,
      "jumpserver:insecure": "true",
    }).get<{ username: string }>("/api/v1/users/profile/", { org: null });
    assert.equal(skipped.username, "requester");
  });

  it("skips verification only when insecure is set", async () => {
    const me = await client(sb, "approver", "privateToken", { "jumpserver:insecure": "true" }).get<{
      username: string;
    }>("/api/v1/users/profile/", { org: null });
    assert.equal(me.username, "approver");
  });
});
