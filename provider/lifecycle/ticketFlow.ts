// TicketFlow lifecycle: the real logic behind the thin serialized provider (resources/ticketFlow.ts).
// JumpServer cannot delete flows, and before v4.10.19 cannot create them: create adopts the flow that
// governs (org, type) and records its rules; delete writes them back.
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
import { Dialect, WireRule } from "../model/wireRules";
import { resolveUser } from "../api/lookups";
import {
  Failure,
  FlowRule,
  canonicalRules,
  checkRules,
  fromWire,
  namesIn,
  own,
  sameJson,
  toWire,
  userDialect,
} from "../model/flowRules";
import { assertKnown, isUnknown } from "../model/unknown";
import { ROOT_ORG_ID, UUID } from "../settings";
import { CheckedInputs, OutputValues, differs } from "../model/fields";
import { FLOW_INPUTS, FLOW_INPUT_KEYS, FLOW_OUTPUTS } from "../model/flowFields";
import { Adoption, FlowKey, forgetAdoption, recordAdoption, recordedAdoption } from "./adoptions";
import { configuredOrgId, currentClient } from "./context";
import { FLOW_COPY, NAMED_FLOW_CREATE, exactlyOnce } from "./exactlyOnce";
import { InitError } from "./initError";
import { patiently } from "./patience";
import { plain } from "./plain";
import { warn } from "./warn";

export type TicketFlowInputs = CheckedInputs<typeof FLOW_INPUTS>;
export type TicketFlowOutputs = TicketFlowInputs & OutputValues<typeof FLOW_OUTPUTS>;

export async function check(
  _olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<{ inputs?: Record<string, unknown>; failures?: Failure[] }> {
  const failures: Failure[] = [];
  const type = news.type === undefined ? "apply_asset" : news.type;
  if (type !== "apply_asset" && !isUnknown(type)) {
    failures.push({
      property: "type",
      reason: `only "apply_asset" flows exist in JumpServer's API, got ${JSON.stringify(type)}`,
    });
  }
  const given = news.orgId === undefined || news.orgId === "" ? configuredOrgId() : news.orgId;
  // An id is an id whatever its case: an uppercase org id is not another org.
  const orgId = typeof given === "string" && UUID.test(given) ? given.toLowerCase() : given;
  if (!isUnknown(orgId) && (typeof orgId !== "string" || !UUID.test(orgId))) {
    failures.push({
      property: "orgId",
      reason: `expected an organization UUID, got ${JSON.stringify(orgId)}`,
    });
  }
  let name: string | undefined;
  if (news.name !== undefined && news.name !== null && news.name !== "") {
    if (typeof news.name !== "string" || news.name.length > 128) {
      failures.push({ property: "name", reason: "expected a flow name of at most 128 characters" });
    } else name = news.name;
  }
  const { rules, failures: ruleFailures } = checkRules(news.rules);
  failures.push(...ruleFailures);
  let ccUsers: string[] | undefined;
  if (isUnknown(news.ccUsers)) ccUsers = news.ccUsers as unknown as string[];
  else if (news.ccUsers !== undefined && news.ccUsers !== null) {
    if (
      !Array.isArray(news.ccUsers) ||
      news.ccUsers.some((u) => typeof u !== "string" || u === "")
    ) {
      failures.push({ property: "ccUsers", reason: "expected a list of usernames or user ids" });
    } else
      ccUsers = (news.ccUsers as string[]).filter(
        (u, i, all) => isUnknown(u) || all.indexOf(u) === i,
      );
  }
  let restoreOnDelete = true;
  if (isUnknown(news.restoreOnDelete)) restoreOnDelete = news.restoreOnDelete as boolean;
  else if (news.restoreOnDelete !== undefined) {
    if (typeof news.restoreOnDelete !== "boolean") {
      failures.push({ property: "restoreOnDelete", reason: "expected true or false" });
    } else restoreOnDelete = news.restoreOnDelete;
  }
  const unknown = Object.keys(news).filter(
    (k) => k !== "__provider" && !(FLOW_INPUT_KEYS as readonly string[]).includes(k),
  );
  for (const k of unknown)
    failures.push({
      property: k,
      reason: `unknown input; TicketFlow takes ${FLOW_INPUT_KEYS.join(", ")}`,
    });
  if (failures.length > 0) return { failures };
  const inputs: Record<string, unknown> = { type, orgId, rules, restoreOnDelete };
  if (name !== undefined) inputs.name = name;
  if (ccUsers !== undefined) inputs.ccUsers = ccUsers;
  return { inputs: plain(inputs) };
}

export async function diff(
  _id: string,
  olds: TicketFlowOutputs,
  news: TicketFlowInputs,
): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
  const ids = olds.userIds ?? {};
  const o = olds as unknown as Record<string, unknown>;
  const n = news as unknown as Record<string, unknown>;
  const changed = FLOW_INPUT_KEYS.filter((k) => differs(FLOW_INPUTS[k], k, o, n, ids));
  const replaces = changed.filter((k) => FLOW_INPUTS[k].replaces);
  // A create that left its write unfinished is a change too.
  const changes = changed.length > 0 || !!olds.pendingAction;
  // The same flow can't exist twice: replacing must restore the old one before adopting again.
  return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
}

export async function create(
  inputs: TicketFlowInputs,
): Promise<{ id: string; outs: TicketFlowOutputs }> {
  assertKnown(inputs as unknown as Record<string, unknown>);
  const client = currentClient();
  // Nothing is written until the PATCH or POST: these reads are asked again after a transient failure.
  const flows = await patiently(() => listFlowsExplained(client, inputs.orgId));
  const foreign = flows.find(
    (f) => f.orgId !== inputs.orgId && f.orgId !== ROOT_ORG_ID && inputs.orgId !== ROOT_ORG_ID,
  );
  if (foreign) throw wrongOrg(inputs.orgId, foreign.orgName || foreign.orgId);
  const dialect = await patiently(() => dialectOf(client, flows));
  const named = flows.some((f) => f.name !== undefined);
  assertServerSupports(inputs, named);
  const userIds = await patiently(() =>
    resolveNames(client, namesIn(inputs.rules, inputs.ccUsers ?? []), {}),
  );
  const wire = toWireOrThrow(inputs.rules, dialect, userIds);
  const cc = inputs.ccUsers?.map((u) => own(userIds, u) ?? u).sort();
  const write = { rules: wire, ccUsers: named ? cc : undefined };

  let live: LiveFlow;
  let previous: LiveFlow | undefined;
  let adopted: TicketFlowOutputs["adopted"];
  // The flow's earlier rules go to disk before the write, so that a run killed before the answer
  // still knows them: an existing flow that a record names was written by such a run.
  const key = flowKey(client, inputs);
  const recorded = recordedAdoption(key);
  const outsFor = (flow: LiveFlow, pendingAction = ""): TicketFlowOutputs => ({
    ...pickInputs(inputs),
    flowId: flow.id,
    orgName: flow.orgName,
    dialect: flow.dialect,
    namedFlows: named,
    approvalLevel: flow.rules.length,
    adopted,
    appliedRules: flow.rules,
    appliedCcUsers: flow.ccUsers,
    previousRules: previous?.rules ?? [],
    previousCcUsers: previous?.ccUsers,
    userIds,
    ...(pendingAction ? { pendingAction } : {}),
  });
  /**
   * The write may have landed but this create can't finish: keep the flow in state with the rules
   * it had before, so that they are never mistaken for the stack's own; the next `up` writes again.
   */
  const keep = (e: unknown, flow: LiveFlow) => {
    forgetAdoption(key); // the state this error carries records the earlier rules now
    return new InitError(
      `flow ${flow.id}: ${message(e)}\n(the flow's earlier rules are recorded; the next \`pulumi up\` writes the rules again, and destroy puts the earlier ones back)`,
      flow.id,
      plain(outsFor({ ...flow, rules: [] }, "write")),
    );
  };
  const patchOwn = async (flow: LiveFlow): Promise<LiveFlow> => {
    try {
      return await patchFlow(client, flow.id, inputs.orgId, write, true);
    } catch (e) {
      // Only a refusal (4xx) says the write did not land.
      const refused = e instanceof JumpServerError && e.status !== undefined && e.status < 500;
      if (e instanceof JumpServerError && !refused) throw keep(e, flow);
      forgetAdoption(key); // refused: the flow still holds what it held
      throw explain(e);
    }
  };
  const global = flows.find((f) => f.orgId === ROOT_ORG_ID && !f.name);
  /** A record is that run's when the flow it wrote (or the global flow it copied) holds what it sent. */
  const fromKilledRun = (flow: LiveFlow) =>
    recorded &&
    recorded.flowId ===
      {
        // Once the org has its copy, its flow list may no longer show the global flow.
        "global-copy": global?.id ?? recorded.flowId,
        created: undefined,
        own: flow.id,
        global: flow.id,
      }[recorded.adopted] &&
    sameRules(flow.rules, recorded.written)
      ? recorded
      : undefined;
  const adopt = (flow: LiveFlow, how: TicketFlowOutputs["adopted"]): Promise<LiveFlow> => {
    const earlier = fromKilledRun(flow);
    adopted = earlier?.adopted ?? how;
    previous =
      adopted === "created"
        ? undefined
        : earlier
          ? { ...flow, rules: earlier.previousRules, ccUsers: earlier.previousCcUsers }
          : flow;
    record(key, { adopted, previous, target: earlier ? earlier.flowId : flow.id, wire });
    return patchOwn(flow);
  };
  if (inputs.name) {
    const existing = flows.find(
      (f) =>
        f.orgId === inputs.orgId && (f.name ?? "").toLowerCase() === inputs.name!.toLowerCase(),
    );
    if (existing) {
      live = await adopt(existing, "own");
    } else {
      adopted = "created";
      record(key, { adopted, previous: undefined, target: undefined, wire });
      live = await createNamedFlow(client, inputs.orgId, { ...write, name: inputs.name });
    }
  } else {
    const own = flows.find((f) => f.orgId === inputs.orgId && !f.name);
    if (own) {
      live = await adopt(own, inputs.orgId === ROOT_ORG_ID ? "global" : "own");
    } else if (global) {
      adopted = "global-copy";
      previous = global;
      record(key, { adopted, previous, target: global.id, wire });
      live = await copyOnWrite(client, global, inputs.orgId, write, keep);
    } else {
      throw new Error(
        `orgId: no apply_asset flow governs org ${inputs.orgId} (neither its own nor the global one) and this server cannot create unnamed flows; give the TicketFlow a name (v4.10.19+) or create the flow in JumpServer first`,
      );
    }
  }
  // A write that went wrong is undone here; true when the flow holds its earlier rules again.
  const undo = async (): Promise<boolean> => {
    if (!previous || previous.rules.length === 0) return adopted === "created";
    return patchFlow(client, live.id, live.orgId, { rules: previous.rules }, true).then(
      () => true,
      () => false,
    );
  };
  if (live.orgId && live.orgId !== inputs.orgId) {
    // The write landed in another org (community editions read any org header but Default's and
    // the root's as Default).
    await undo();
    throw wrongOrg(inputs.orgId, live.orgName || live.orgId);
  }
  try {
    assertApplyAsset(live);
    assertStored(live, wire);
    await assertGoverns(client, live, inputs.orgId, inputs.name);
  } catch (e) {
    if (!(await undo())) throw keep(e, live);
    forgetAdoption(key);
    throw e;
  }
  // The state records the earlier rules from here on (the engine writes it as create returns).
  forgetAdoption(key);
  return { id: live.id, outs: plain(outsFor(live)) };
}

export async function read(
  id: string,
  props: TicketFlowOutputs,
): Promise<{ id: string; props?: TicketFlowOutputs; inputs?: TicketFlowInputs }> {
  const client = currentClient();
  let live: LiveFlow;
  try {
    live = await getFlow(client, id, props.orgId);
  } catch (e) {
    if (e instanceof JumpServerError && e.isNotFound) return { id: "" };
    throw e;
  }
  const ids = props.userIds ?? {};
  const names = Object.fromEntries(Object.entries(ids).map(([n, i]) => [i, n]));
  const unchanged = sameJson(live.rules, props.appliedRules);
  const rules = unchanged
    ? props.rules
    : fromWire(live.rules, userDialect(props.rules ?? []), names);
  let ccUsers = props.ccUsers;
  if (
    props.ccUsers !== undefined &&
    live.ccUsers !== undefined &&
    !sameJson(live.ccUsers, props.appliedCcUsers)
  ) {
    ccUsers = live.ccUsers.map((i) => own(names, i) ?? i).sort();
  }
  const next: TicketFlowOutputs = {
    ...props,
    // A flow stored under another type (a `general` copy made by an older version of this
    // package) governs no apply-asset ticket: show it as drift of `type`, which replaces it.
    type: live.type || props.type,
    rules,
    ccUsers,
    flowId: live.id,
    orgName: live.orgName,
    dialect: live.dialect,
    approvalLevel: live.rules.length,
    appliedRules: live.rules,
    appliedCcUsers: live.ccUsers,
  };
  return { id: live.id, props: plain(next), inputs: plain(pickInputs(next)) };
}

export async function update(
  id: string,
  olds: TicketFlowOutputs,
  news: TicketFlowInputs,
): Promise<{ outs: TicketFlowOutputs }> {
  assertKnown(news as unknown as Record<string, unknown>);
  const client = currentClient();
  const named = olds.namedFlows === true;
  assertServerSupports(news, named);
  // Names are looked up again (once per name and process) rather than taken from state: a user
  // deleted and recreated under the same name has a new id, and the flow must name that one.
  const userIds = await resolveNames(client, namesIn(news.rules, news.ccUsers ?? []), {});
  const dialect = await dialectNow(client, id, olds);
  const wire = toWireOrThrow(news.rules, dialect, userIds);
  const cc = news.ccUsers?.map((u) => own(userIds, u) ?? u).sort();
  let live: LiveFlow;
  if (
    !olds.pendingAction &&
    canonicalRules(olds.rules, olds.userIds ?? {}) === canonicalRules(news.rules, userIds) &&
    sameJson(cc, olds.appliedCcUsers ?? cc)
  ) {
    // Only restoreOnDelete changed: nothing to send.
    return { outs: plain({ ...olds, ...pickInputs(news), userIds }) };
  }
  try {
    live = await patchFlow(
      client,
      id,
      olds.orgId,
      { rules: wire, ccUsers: named ? cc : undefined },
      true,
    );
  } catch (e) {
    throw explain(e);
  }
  try {
    assertApplyAsset(live);
    assertStored(live, wire);
    await assertGoverns(client, live, olds.orgId, olds.name);
  } catch (e) {
    // Put back what this write changed: the rules the flow held before it.
    await patchFlow(
      client,
      live.id,
      olds.orgId,
      { rules: olds.appliedRules, ccUsers: named ? olds.appliedCcUsers : undefined },
      true,
    ).catch(() => undefined);
    throw e;
  }
  return {
    outs: plain({
      ...olds,
      ...pickInputs(news),
      pendingAction: undefined,
      dialect,
      flowId: live.id,
      orgName: live.orgName,
      approvalLevel: live.rules.length,
      appliedRules: live.rules,
      appliedCcUsers: live.ccUsers,
      userIds,
    }),
  };
}

export async function remove(id: string, props: TicketFlowOutputs): Promise<void> {
  if (props.restoreOnDelete === false) return;
  const client = currentClient();
  if (!props.previousRules || props.previousRules.length === 0) {
    warn(
      props.adopted === "created"
        ? `TicketFlow ${props.name ?? id}: JumpServer cannot delete flows; the named flow "${props.name}" stays in org ${props.orgName || props.orgId} with its current rules`
        : `TicketFlow ${id}: the flow had no rules before it was adopted; leaving the current rules in place (a flow without rules breaks ticket opening)`,
    );
    return;
  }
  let rules = props.previousRules;
  let restored: LiveFlow;
  try {
    const dialect = await dialectNow(client, id, props);
    // Recorded before an upgrade to the selector dialect: written as they are, the rules would
    // read "anyone in the org may approve". Translate them as JumpServer's migration does.
    if (dialect !== props.dialect) rules = toWire(fromWire(rules, dialect, {}), dialect, {});
    restored = await patchFlow(
      client,
      id,
      props.orgId,
      { rules, ccUsers: props.previousCcUsers },
      true,
    );
  } catch (e) {
    if (e instanceof JumpServerError && e.isNotFound) return;
    throw explain(e);
  }
  assertStored(restored, rules);
}

function flowKey(client: JumpServerClient, inputs: TicketFlowInputs): FlowKey {
  return { url: client.settings.url, orgId: inputs.orgId, type: inputs.type, name: inputs.name };
}

function record(
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

function sameRules(a: WireRule[], b: WireRule[]): boolean {
  const canon = (rules: WireRule[]) => canonicalRules(rules as FlowRule[], {});
  return canon(a) === canon(b);
}

/**
 * The dialect the server speaks now. Rules recorded in the strategy dialect may meet a server
 * upgraded since (v3/v4.0 → v4.1+), where a rule without a selector means "anyone may approve":
 * one GET tells before anything is written. (There is no way back, so selector flows skip it.)
 */
async function dialectNow(
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
function copyOnWrite(
  client: JumpServerClient,
  global: LiveFlow,
  orgId: string,
  write: { rules: WireRule[]; ccUsers?: string[] },
  keep: (e: unknown, flow: LiveFlow) => Error,
): Promise<LiveFlow> {
  return exactlyOnce(client, FLOW_COPY, {
    send: () => patchFlow(client, global.id, orgId, write, false),
    find: async () => (await listFlows(client, orgId)).find((f) => f.orgId === orgId && !f.name),
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
function createNamedFlow(
  client: JumpServerClient,
  orgId: string,
  write: { rules: WireRule[]; ccUsers?: string[]; name: string },
): Promise<LiveFlow> {
  const name = write.name.toLowerCase();
  return exactlyOnce(client, NAMED_FLOW_CREATE, {
    send: () => createFlow(client, orgId, write),
    find: async () =>
      (await listFlows(client, orgId)).find(
        (f) => f.orgId === orgId && (f.name ?? "").toLowerCase() === name,
      ),
    found: (made) => patchFlow(client, made.id, orgId, write, true),
    refused: explain,
  });
}

async function listFlowsExplained(client: JumpServerClient, orgId: string): Promise<LiveFlow[]> {
  try {
    return await listFlows(client, orgId);
  } catch (e) {
    throw explain(e);
  }
}

function explain(e: unknown): unknown {
  if (e instanceof JumpServerError && e.status === 400 && e.fieldErrors.length > 0) {
    e.message +=
      "\n(the server rejected the flow; field paths refer to the rules as sent, in the same order as `rules`)";
  }
  return e;
}

function wrongOrg(asked: string, answered: string): Error {
  return new Error(
    `orgId: JumpServer answered for org ${answered} when asked for org ${asked}; community editions treat X-JMS-ORG of any org but Default and the root as Default, so this org's flow cannot be managed through the API (manage the Default or global flow instead)`,
  );
}

/**
 * The server's dialect, learned from a flow that has rules. When every flow the org sees was
 * emptied (a PATCH without rules does that), ask the root org, which sees every flow; guessing
 * wrong would send rules the server stores as "anyone may approve".
 */
async function dialectOf(client: JumpServerClient, flows: LiveFlow[]): Promise<Dialect> {
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
function assertApplyAsset(live: LiveFlow): void {
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
async function assertGoverns(
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
function assertStored(live: LiveFlow, sent: WireRule[]): void {
  if (!sameRules(live.rules, sent)) {
    throw new Error(
      `rules: JumpServer stored ${JSON.stringify(live.rules)} for flow ${live.id}, not the rules sent (${JSON.stringify(sent)}); check the flow in the JumpServer UI`,
    );
  }
}

function assertServerSupports(inputs: TicketFlowInputs, named: boolean): void {
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

function toWireOrThrow(
  rules: FlowRule[],
  dialect: Dialect,
  ids: Record<string, string>,
): WireRule[] {
  return toWire(rules, dialect, ids);
}

async function resolveNames(
  client: JumpServerClient,
  names: string[],
  known: Record<string, string>,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const needed = names.filter((n) => !own(known, n));
  for (const n of names) if (own(known, n)) out[n] = known[n];
  const refs = await Promise.all(
    needed.map((n) => resolveUser(client, n, `user "${n}" (rules/ccUsers)`)),
  );
  needed.forEach((n, i) => (out[n] = refs[i].id));
  return out;
}

function pickInputs(x: TicketFlowInputs): TicketFlowInputs {
  const out: TicketFlowInputs = {
    type: x.type ?? "apply_asset",
    orgId: x.orgId,
    rules: x.rules,
    restoreOnDelete: x.restoreOnDelete ?? true,
  };
  if (x.name) out.name = x.name;
  if (x.ccUsers !== undefined) out.ccUsers = x.ccUsers;
  return out;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
