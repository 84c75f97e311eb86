// Private token (a user's API token in JumpServer's settings): `Authorization: Token …`.
import { AuthStrategy, SchemeTokenAuth } from "./strategy";

export function privateTokenAuth(token: string): AuthStrategy {
  return new SchemeTokenAuth("Token", "private token", token);
}
