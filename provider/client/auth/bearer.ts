// A bearer token the caller obtained (from `POST /api/v1/authentication/auth/`): `Bearer …`.
import { AuthStrategy, SignTarget, fingerprint } from "./strategy";

export class BearerAuth implements AuthStrategy {
  readonly identity: string;
  readonly secrets: string[];

  constructor(private readonly token: string) {
    this.identity = `bearer token sha256:${fingerprint(token)}`;
    this.secrets = [token];
  }

  async sign(target: SignTarget): Promise<void> {
    target.headers.set("Authorization", `Bearer ${this.token}`);
  }
}
