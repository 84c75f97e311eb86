// The strategy for the configured auth mode.
import type { AuthSettings } from "../../settings";
import { AccessKeyAuth } from "./accessKey";
import { bearerAuth } from "./bearer";
import { LoginTransport, PasswordAuth } from "./password";
import { privateTokenAuth } from "./privateToken";
import type { AuthStrategy } from "./strategy";

export { LOGIN_PATH } from "./password";
export type { LoginAnswer, LoginTransport } from "./password";
export type { AuthStrategy } from "./strategy";
export { fingerprint } from "./strategy";

export function authStrategy(url: string, auth: AuthSettings, login: LoginTransport): AuthStrategy {
  switch (auth.kind) {
    case "accessKey":
      return new AccessKeyAuth(auth.keyId, auth.secret);
    case "privateToken":
      return privateTokenAuth(auth.token);
    case "bearer":
      return bearerAuth(auth.token);
    case "password":
      return new PasswordAuth(url, auth.username, auth.password, login);
  }
}
