// Access key: an HTTP Signature over `(request-target) accept date` on every attempt.
import { signatureHeader } from "../signing";
import type { AuthStrategy, SignTarget } from "./strategy";

export class AccessKeyAuth implements AuthStrategy {
  readonly identity: string;
  readonly secrets: string[];

  constructor(
    private readonly keyId: string,
    private readonly secret: string,
  ) {
    this.identity = `access key ${keyId}`;
    this.secrets = [secret];
  }

  async sign(target: SignTarget): Promise<void> {
    const signed = {
      accept: String(target.headers.get("Accept") ?? "application/json"),
      date: String(target.headers.get("Date")),
    };
    const header = signatureHeader(
      target.method ?? "get",
      target.url ?? "/",
      signed,
      this.keyId,
      this.secret,
    );
    target.headers.set("Authorization", header);
  }
}
