import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Sandbox } from "../../sandbox";
import { JumpServerError } from "../../provider/client/errors";
import { client, sandbox } from "../support/sandbox";

describe("client TLS against an HTTPS sandbox with a self-signed certificate", function () {
  let sb: Sandbox;
  let cert: string;

  before(async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jms-tls-"));
    const certFile = path.join(dir, "cert.pem");
    const keyFile = path.join(dir, "key.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        keyFile,
        "-out",
        certFile,
      ],
      { stdio: "ignore" },
    );
    cert = fs.readFileSync(certFile, "utf8");
    sb = await sandbox({ tls: { cert, key: fs.readFileSync(keyFile, "utf8") } });
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

  it("skips verification only when insecure is set", async () => {
    const me = await client(sb, "approver", "privateToken", { "jumpserver:insecure": "true" }).get<{
      username: string;
    }>("/api/v1/users/profile/", { org: null });
    assert.equal(me.username, "approver");
  });
});
