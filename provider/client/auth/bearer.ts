// A bearer token the caller obtained (from `POST /api/v1/authentication/auth/`): `Bearer …`.
import { AuthStrategy, SchemeTokenAuth } from "./strategy";

export function bearerAuth(token: string): AuthStrategy {
  return new SchemeTokenAuth("Bearer", "bearer token", token);
}
