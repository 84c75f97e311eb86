// A self-signed certificate for 127.0.0.1, made with openssl, for HTTPS tests on loopback.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export function selfSignedCert(): { cert: string; key: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jms-tls-"));
  try {
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
      ].concat(["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", keyFile, "-out", certFile]),
      { stdio: "ignore" },
    );
    return { cert: fs.readFileSync(certFile, "utf8"), key: fs.readFileSync(keyFile, "utf8") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
