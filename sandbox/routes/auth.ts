// POST /api/v1/authentication/auth/ (alias tokens/): username + password for a Bearer token.
import type { Ctx, Reply } from "../http/context";
import { bodyObject, ok } from "../http/context";
import { ApiError, REQUIRED } from "../errors";
import { formatDate } from "../dates";
import { renderUser } from "../render/users";

const LIMIT = 7;
const BLOCK_MS = 30 * 60_000;
const failures = new WeakMap<object, Map<string, { count: number; since: number }>>();

export function login(ctx: Ctx): Reply {
  const body = bodyObject(ctx);
  const missing: Record<string, string[]> = {};
  for (const f of ["username", "password"])
    if (typeof body[f] !== "string" || body[f] === "") missing[f] = [REQUIRED];
  if (Object.keys(missing).length) throw new ApiError(400, missing);
  const username = String(body.username);
  const state = ctx.model.state;
  let counts = failures.get(state);
  if (!counts) failures.set(state, (counts = new Map()));
  const now = ctx.model.now();
  const rec = counts.get(username);
  if (rec && now - rec.since > BLOCK_MS) counts.delete(username);
  const current = counts.get(username);
  if (current && current.count >= LIMIT)
    throw new ApiError(400, {
      error: "block_login",
      msg: "The account has been locked (please contact admin to unlock it or try again after 30 minutes)",
    });
  const user = state.users.find((u) => u.username === username);
  if (!user || user.creds.password !== body.password) {
    const next = { count: (current?.count ?? 0) + 1, since: current?.since ?? now };
    counts.set(username, next);
    const left = LIMIT + 1 - next.count;
    throw new ApiError(400, {
      error: "password_failed",
      msg: ctx.profile.messages.passwordFailed.replace(/7/, String(Math.max(left, 1))),
    });
  }
  counts.delete(username);
  const { token, expires } = ctx.model.tokens.issue(user, ctx.clientIp);
  ctx.mutated = true;
  return ok(
    {
      token,
      keyword: "Bearer",
      date_expired: formatDate(expires),
      user: renderUser(user, ctx.profile, true),
    },
    201,
  );
}
