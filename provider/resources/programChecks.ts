// Checks that run in the Pulumi program (not the provider): they see the whole stack's resources
// and its config, which the provider process does not.
import * as pulumi from "@pulumi/pulumi";
import { Grant, endsWithin, expiry } from "../model/grants";
import { parseDate } from "../model/dates";
import { inWords } from "../model/durations";
import { warningWindowDays } from "../model/expiryWindow";
import { DEFAULT_ORG_ID, SECRET_SETTING_KEYS } from "../settings";

const claims = new Map<string, string>();

/** Two TicketFlows for the same (org, type, name) would fight over one JumpServer flow. */
export function claimFlow(
  resourceName: string,
  args: { orgId?: pulumi.Input<string>; type?: pulumi.Input<string>; name?: pulumi.Input<string> },
): void {
  const config = new pulumi.Config("jumpserver");
  const defaultOrg = config.get("orgId") ?? process.env.JUMPSERVER_ORG_ID ?? DEFAULT_ORG_ID;
  const register = (
    orgId: string | undefined,
    type: string | undefined,
    name: string | undefined,
  ) => {
    const key = `${orgId || defaultOrg}|${type || "apply_asset"}|${(name || "").toLowerCase()}`;
    const other = claims.get(key);
    if (other !== undefined && other !== resourceName) {
      throw new Error(
        `TicketFlow "${resourceName}" and TicketFlow "${other}" both manage the ${type || "apply_asset"} flow${
          name ? ` named "${name}"` : ""
        } of org ${orgId || defaultOrg}; keep one of them`,
      );
    }
    claims.set(key, resourceName);
  };
  const plain = (v: unknown): v is string | undefined => v === undefined || typeof v === "string";
  if (plain(args.orgId) && plain(args.type) && plain(args.name)) {
    register(args.orgId, args.type, args.name);
  } else {
    pulumi.all([args.orgId, args.type, args.name]).apply(([o, t, n]) => register(o, t, n));
  }
}

let warned = false;

/** Credentials set with `pulumi config set` but without `--secret` are stored in plaintext in the stack. */
export function warnAboutPlaintextCredentials(): void {
  if (warned) return;
  warned = true;
  const config = new pulumi.Config("jumpserver");
  // isConfigSecret is exported by the SDK's runtime but not declared in its typings.
  const runtimeConfig = require("@pulumi/pulumi/runtime/config") as {
    isConfigSecret?: (k: string) => boolean;
  };
  for (const key of SECRET_SETTING_KEYS) {
    const isSecret = runtimeConfig.isConfigSecret?.(`jumpserver:${key}`) ?? true;
    if (config.get(key) !== undefined && !isSecret) {
      void pulumi.log.warn(
        `jumpserver:${key} is set in plaintext stack config; set it with \`pulumi config set --secret jumpserver:${key}\` (or use the environment)`,
      );
    }
  }
}

/** For tests: forget claims made by earlier programs in this process. */
export function resetProgramChecks(): void {
  claims.clear();
  warned = false;
}

/**
 * Granted access that ends within `jumpserver:expiryWarningDays` (default 7; 0 turns it off), or
 * `jumpserver:expiryWarningHours` (hours or a duration such as "36h", for grants of a few hours), is
 * named in a warning at every preview and up, so the renewal is not noticed by its absence.
 */
export function warnWhenExpiring(
  name: string,
  ticket: pulumi.CustomResource & {
    state: pulumi.Output<string>;
    dateExpired: pulumi.Output<string>;
    approvedGrant: pulumi.Output<Grant | undefined>;
  },
): void {
  const config = new pulumi.Config("jumpserver");
  const setting = (key: string) => ({ name: `jumpserver:${key}`, value: config.get(key) });
  const days = warningWindowDays([
    { days: setting("expiryWarningDays"), hours: setting("expiryWarningHours") },
  ]);
  if (days <= 0) return;
  const hours = config.get("expiryWarningHours");
  const window = hours
    ? `jumpserver:expiryWarningHours is ${hours}`
    : `jumpserver:expiryWarningDays is ${days}`;
  pulumi
    .all([ticket.state, ticket.approvedGrant, ticket.dateExpired])
    .apply(([state, g, asked]) => {
      const until = g?.dateExpired || asked;
      if (state !== "approved" || !until || !endsWithin(until, days)) return;
      const { daysLeft } = expiry(until);
      const left =
        daysLeft >= 2 ? `${daysLeft} days` : inWords((parseDate(until) ?? Date.now()) - Date.now());
      void pulumi.log.warn(
        `AssetAccessTicket "${name}": access ends ${until} (${left} left; ${window}); open a new ticket to extend it`,
        ticket,
      );
    });
}
