// Private token (a user's API token in JumpServer's settings): `Authorization: Token …`.
import { AuthStrategy, SignTarget, fingerprint } from "./strategy";

export class PrivateTokenAuth implements AuthStrategy {
  readonly identity: string;
  readonly secrets: string[];

  constructor(private readonly token: string) {
    this.identity = `private token sha256:${fingerprint(token)}`;
    this.secrets = [token];
  }

  async sign(target: SignTarget): Promise<void> {
    target.headers.set("Authorization", `Token ${this.token}`);
  }
}
