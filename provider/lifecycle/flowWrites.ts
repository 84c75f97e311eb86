// What every flow write is checked against (the answer is an apply-asset flow holding exactly the
// rules sent, and it governs the org), the two writes JumpServer does not make idempotent (the
// copy-on-write of the global flow, a named flow's POST), and the dialect the server speaks.
import { JumpServerClient } from "../client/client";
import { JumpServerError } from "../client/errors";
import {
  APPLY_ASSET_TYPE,
  LiveFlow,
  createFlow,
  getFlow,
  governingFlow,
  listFlows,
  patchFlow,
} from "../api/flows";
import { LookupError, resolveUser } from "../api/lookups";
import { FlowRule, canonicalRules, idsIn, namesIn, own, toWire } from "../model/flowRules";
import type { TicketFlowInputs } from "../model/flowInputs";
import { Dialect, WireRule } from "../model/wireRules";
import { ROOT_ORG_ID } from "../settings";
import { Adoption, FlowKey, recordAdoption } from "./adoptions";
import { FLOW_WRITE, exactlyOnce } from "./exactlyOnce";
import { patiently } from "./patience";
import type { TicketFlowOutputs } from "./ticketFlow";

export function flowKey(client: JumpServerClient, inputs: TicketFlowInputs): FlowKey {
  return { url: client.settings.url, orgId: inputs.orgId, type: inputs.type, name: inputs.name };
}

export function record(
  key: FlowKey,
  w: {
    adopted: Adoption["adopted"];
    previous: LiveFlow | undefined;
    target: string | undefined;
    wire: WireRule[];
  },
): void {
  recordAdoption(key, {
    adopted: w.adopted,
    flowId: w.target,
    previousRules: w.previous?.rules ?? [],
    previousCcUsers: w.previous?.ccUsers,
    written: w.wire,
    at: new Date().toISOString(),
  });
}

export function sameRules(a: WireRule[], b: WireRule[]): boolean {
  const canon = (rules: WireRule[]) => canonicalRules(rules as FlowRule[], {});
  return canon(a) === canon(b);
}

/**
 * The dialect the server speaks now. Rules recorded in the strategy dialect may meet a server
 * upgraded since (v3/v4.0 → v4.1+), where a rule without a selector means "anyone may approve":
 * one GET tells before anything is written. (There is no way back, so selector flows skip it.)
 */
export async function dialectNow(
  client: JumpServerClient,
  id: string,
  recorded: Pick<TicketFlowOutputs, "dialect" | "orgId">,
): Promise<Dialect> {
  if (recorded.dialect !== "strategy") return recorded.dialect;
  const live = await getFlow(client, id, recorded.orgId);
  return live.rules.length > 0 ? live.dialect : recorded.dialect;
}

/**
 * The server's copy-on-write update of a global flow is not idempotent (each one that lands makes
 * another copy): after a lost answer, the org's copy is looked for before sending it again.
 */
export function copyOnWrite(
  client: JumpServerClient,
  global: LiveFlow,
  orgId: string,
  write: { rules: WireRule[]; ccUsers?: string[] },
  keep: (e: unknown, flow: LiveFlow) => Error,
): Promise<LiveFlow> {
  return exactlyOnce(client, FLOW_WRITE, {
    send: () => patchFlow(client, global.id, orgId, write, false),
    // Looking is a read: asked again after a transient failure, so a lost answer costs no run.
    find: async () =>
      (await patiently(() => listFlows(client, orgId))).find((f) => f.orgId === orgId && !f.name),
    found: async (copy) => {
      try {
        return await patchFlow(client, copy.id, orgId, write, true);
      } catch (e) {
        // The copy exists: keep it in state with the global flow's rules as its earlier ones.
        throw keep(e, { ...copy, rules: global.rules });
      }
    },
    refused: explain,
  });
}

/** A POST is not resent blindly: after a lost answer, the flow is looked for by name first. */
export function createNamedFlow(
  client: JumpServerClient,
  orgId: string,
  write: { rules: WireRule[]; ccUsers?: string[]; name: string },
): Promise<LiveFlow> {
  const name = write.name.toLowerCase();
  return exactlyOnce(client, FLOW_WRITE, {
    send: () => createFlow(client, orgId, write),
    find: async () =>
      (await patiently(() => listFlows(client, orgId))).find(
        (f) => f.orgId === orgId && (f.name ?? "").toLowerCase() === name,
      ),
    found: (made) => patchFlow(client, made.id, orgId, write, true),
    refused: explain,
  });
}

export async function listFlowsExplained(
  client: JumpServerClient,
  orgId: string,
): Promise<LiveFlow[]> {
  try {
    return await listFlows(client, orgId);
  } catch (e) {
    throw explain(e);
  }
}

export function explain(e: unknown): unknown {
  if (e instanceof JumpServerError && e.status === 400 && e.fieldErrors.length > 0) {
    e.message +=
      "\n(the server rejected the flow; field paths refer to the rules as sent, in the same order as `rules`)";
  }
  return e;
}

export function wrongOrg(asked: string, answered: string): Error {
  return new Error(
    `orgId: JumpServer answered for org ${answered} when asked for org ${asked}; community editions treat X-JMS-ORG of any org but Default and the root as Default, so this org's flow cannot be managed through the API (manage the Default or global flow instead)`,
  );
}

/**
 * The server's dialect, learned from a flow that has rules. When every flow the org sees was
 * emptied (a PATCH without rules does that), ask the root org, which sees every flow; guessing
 * wrong would send rules the server stores as "anyone may approve".
 */
export async function dialectOf(client: JumpServerClient, flows: LiveFlow[]): Promise<Dialect> {
  const withRules = flows.find((f) => f.rules.length > 0);
  if (withRules) return withRules.dialect;
  const all = await listFlowsExplained(client, ROOT_ORG_ID);
  const any = all.find((f) => f.rules.length > 0);
  if (any) return any.dialect;
  throw new Error(
    "rules: every apply_asset flow on this JumpServer has zero rules, so its dialect (strategy or users selectors) cannot be learned; give one flow a rule in the JumpServer UI first",
  );
}

/** The answer to a write must be an apply-asset flow: any other type governs no asset request. */
export function assertApplyAsset(live: LiveFlow): void {
  if (live.type !== APPLY_ASSET_TYPE) {
    throw new Error(
      `type: JumpServer stored flow ${live.id} as a ${JSON.stringify(live.type)} flow, not "${APPLY_ASSET_TYPE}", so it governs no asset request; the write has been put back (JumpServer cannot delete flows: the copy stays, with the rules it had)`,
    );
  }
}

/**
 * After a write, the org's apply-asset tickets must be governed by the flow this resource manages:
 * the org's own flow list shows it as the one that applies (for a named flow: one the org can
 * choose). Anything else would let tickets pass with another flow's approvals while the stack shows
 * the declared ones.
 */
export async function assertGoverns(
  client: JumpServerClient,
  live: LiveFlow,
  orgId: string,
  name: string | undefined,
): Promise<void> {
  const flows = await patiently(() => listFlowsExplained(client, orgId));
  const governing = name ? flows.find((f) => f.id === live.id) : governingFlow(flows, orgId);
  if (!governing || governing.id !== live.id) {
    throw new Error(
      `orgId: after writing flow ${live.id}, apply-asset tickets in org ${orgId} are governed by ${
        governing ? `flow ${governing.id} (org ${governing.orgName || governing.orgId})` : "no flow"
      }, not by the flow this TicketFlow manages; the write has been put back`,
    );
  }
}

/** The server must hold exactly the rules we sent; anything else (e.g. a rule stored as "anyone") is an error. */
export function assertStored(live: LiveFlow, sent: WireRule[]): void {
  if (!sameRules(live.rules, sent)) {
    throw new Error(
      `rules: JumpServer stored ${JSON.stringify(live.rules)} for flow ${live.id}, not the rules sent (${JSON.stringify(sent)}); check the flow in the JumpServer UI`,
    );
  }
}

export function assertServerSupports(inputs: TicketFlowInputs, named: boolean): void {
  const max = named ? 5 : 2;
  if (inputs.rules.length > max) {
    throw new Error(
      `rules: this JumpServer allows at most ${max} approval levels, got ${inputs.rules.length}`,
    );
  }
  if (!named && inputs.name) {
    throw new Error(
      `name: this JumpServer has one flow per org and type (named flows arrived in v4.10.19); remove \`name\``,
    );
  }
  if (!named && inputs.ccUsers !== undefined) {
    throw new Error(
      `ccUsers: this JumpServer has no flow CC users (they arrived in v4.10.19); remove \`ccUsers\``,
    );
  }
}

export function toWireOrThrow(
  rules: FlowRule[],
  dialect: Dialect,
  ids: Record<string, string>,
): WireRule[] {
  return toWire(rules, dialect, ids);
}

/**
 * The users a flow's rules and CC users name, as username → id: each username looked up (once per
 * process), and each user given by id too, for its username, so that spelling that user by
 * username at the next diff is no change, as spelling by id a user given by username is not. An
 * id the lookup can't place is left to the server, which refuses it by name; a failed request is
 * not (a spelling left unrecorded would plan an update at the next diff).
 */
export async function resolveUsers(
  client: JumpServerClient,
  orgId: string,
  rules: FlowRule[],
  ccUsers: string[] = [],
): Promise<Record<string, string>> {
  const byId = await Promise.all(
    idsIn(rules, ccUsers).map((id) =>
      resolveUser(client, id, `user ${id} (rules/ccUsers)`, orgId).catch((e) => {
        if (e instanceof LookupError) return undefined;
        throw e;
      }),
    ),
  );
  const out: Record<string, string> = {};
  for (const ref of byId) if (ref) out[ref.username] = ref.id;
  // A username given as such is looked up by name: the user it names now, whatever the ids say.
  return { ...out, ...(await resolveNames(client, orgId, namesIn(rules, ccUsers), {})) };
}

export async function resolveNames(
  client: JumpServerClient,
  orgId: string,
  names: string[],
  known: Record<string, string>,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const needed = names.filter((n) => !own(known, n));
  for (const n of names) if (own(known, n)) out[n] = known[n];
  const refs = await Promise.all(
    needed.map((n) => resolveUser(client, n, `user "${n}" (rules/ccUsers)`, orgId)),
  );
  needed.forEach((n, i) => (out[n] = refs[i].id));
  return out;
}
