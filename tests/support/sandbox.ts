// Test helpers around the sandbox: start one per suite, and build clients or provider settings
// for its seed users.
import { Sandbox, SandboxOptions, SeedUser, startSandbox } from "../../sandbox";
import { ClientHooks, JumpServerClient } from "../../provider/client/client";
import { resolveSettings } from "../../provider/settings";
import { hazardRegistry } from "./hazards";

export type AuthMode = "accessKey" | "privateToken" | "bearer" | "password";

export async function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sb = await startSandbox({ rateLimit: "off", ...options });
  // The root hook in ./hazards fails the run if any of these sandboxes saw a hazardous request;
  // resetStats clears the hazard list, so collect it first.
  hazardRegistry.watch(sb, `${sb.seed.version} at ${sb.url}`);
  const reset = sb.resetStats.bind(sb);
  sb.resetStats = () => {
    hazardRegistry.collect(sb);
    reset();
    hazardRegistry.resetSeen(sb);
  };
  return sb;
}

export function user(sb: Sandbox, username: string): SeedUser {
  const u = sb.seed.users.find((x) => x.username === username);
  if (!u) throw new Error(`no seed user ${username}`);
  return u;
}

/** Stack config (`jumpserver:*`) for a seed user, as `pulumi config set` would provide it. */
export function stackConfig(
  sb: Sandbox,
  username = "admin",
  mode: AuthMode = "accessKey",
  extra: Record<string, string> = {},
): Record<string, string> {
  const u = user(sb, username);
  const cfg: Record<string, string> = {
    "jumpserver:url": sb.url,
    "jumpserver:requestsPerMinute": "0",
  };
  if (mode === "accessKey") {
    cfg["jumpserver:accessKeyId"] = u.accessKey.id;
    cfg["jumpserver:accessKeySecret"] = u.accessKey.secret;
  } else if (mode === "privateToken") {
    cfg["jumpserver:privateToken"] = u.privateToken;
  } else if (mode === "password") {
    cfg["jumpserver:username"] = u.username;
    cfg["jumpserver:password"] = u.password;
  }
  return { ...cfg, ...extra };
}

export function client(
  sb: Sandbox,
  username = "admin",
  mode: AuthMode = "accessKey",
  extra: Record<string, string> = {},
  hooks: ClientHooks = {},
): JumpServerClient {
  const cfg = stackConfig(sb, username, mode, extra);
  return new JumpServerClient(
    resolveSettings((k) => cfg[k], {}),
    hooks,
  );
}
