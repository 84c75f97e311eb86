// TicketFlow lifecycle: the real logic behind the thin serialized provider (resources/ticketFlow.ts).
// JumpServer cannot delete flows, and before v4.10.19 cannot create them: create adopts the flow that
// governs (org, type) and records its rules; delete writes them back.
import { JumpServerError } from "../client/errors";
import { LiveFlow, getFlow, patchFlow } from "../api/flows";
import { OutputValues, differs } from "../model/fields";
import { FLOW_INPUTS, FLOW_INPUT_KEYS, FLOW_OUTPUTS } from "../model/flowFields";
import { TicketFlowInputs, checkFlowInputs } from "../model/flowInputs";
import {
  Failure,
  canonicalRules,
  fromWire,
  own,
  sameJson,
  toWire,
  userDialect,
} from "../model/flowRules";
import { GuardrailError, flowGuardrailFailures } from "../model/guardrails";
import { assertKnown } from "../model/unknown";
import { ROOT_ORG_ID } from "../settings";
import { forgetAdoption, recordedAdoption } from "./adoptions";
import { configuredGuardrails, configuredOrgId, currentClient } from "./context";
import {
  assertApplyAsset,
  assertGoverns,
  assertServerSupports,
  assertStored,
  copyOnWrite,
  createNamedFlow,
  dialectNow,
  dialectOf,
  explain,
  flowKey,
  listFlowsExplained,
  record,
  resolveUsers,
  sameRules,
  toWireOrThrow,
  wrongOrg,
} from "./flowWrites";
import { InitError } from "./initError";
import { patiently } from "./patience";
import { plain } from "./plain";
import { listedFlows } from "./snapshot";
import { warn } from "./warn";

export type { TicketFlowInputs };
export type TicketFlowOutputs = TicketFlowInputs & OutputValues<typeof FLOW_OUTPUTS>;

export async function check(
  _olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<{ inputs?: Record<string, unknown>; failures?: Failure[] }> {
  const { inputs, failures } = checkFlowInputs(news, configuredOrgId());
  if (failures.length > 0 || !inputs) return { failures };
  const broken = flowGuardrailFailures(inputs, configuredGuardrails());
  if (broken.length > 0) return { failures: broken };
  return { inputs: plain(inputs) as unknown as Record<string, unknown> };
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
  assertGuardrails(inputs);
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
    resolveUsers(client, inputs.orgId, inputs.rules, inputs.ccUsers ?? []),
  );
  assertGuardrails(inputs, userIds);
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
  // From the org's list of flows when the process has it; a flow missing there is asked for by
  // id before it is taken to be gone (a refresh that drops it from state must be sure).
  let live = (await listedFlows(client, props.orgId, id))?.get(id.toLowerCase());
  if (!live) {
    try {
      live = await getFlow(client, id, props.orgId);
    } catch (e) {
      if (e instanceof JumpServerError && e.isNotFound) return { id: "" };
      throw e;
    }
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
  assertGuardrails(news);
  const client = currentClient();
  const named = olds.namedFlows === true;
  assertServerSupports(news, named);
  // Names are looked up again (once per name and process) rather than taken from state: a user
  // deleted and recreated under the same name has a new id, and the flow must name that one.
  const userIds = await resolveUsers(client, news.orgId, news.rules, news.ccUsers ?? []);
  assertGuardrails(news, userIds);
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

function pickInputs(x: TicketFlowInputs): TicketFlowInputs {
  const out: TicketFlowInputs = {
    type: x.type ?? "apply_asset",
    orgId: x.orgId,
    rules: x.rules,
    restoreOnDelete: x.restoreOnDelete ?? true,
  };
  if (x.name) out.name = x.name;
  if (x.ccUsers !== undefined) out.ccUsers = x.ccUsers;
  if (x.guardrails !== undefined) out.guardrails = x.guardrails;
  return out;
}

/**
 * What was unknown at preview is judged now, before anything is written; with the users resolved,
 * a level naming one person twice (a username and that user's id) is a sole approver too.
 */
function assertGuardrails(inputs: TicketFlowInputs, userIds: Record<string, string> = {}): void {
  const broken = flowGuardrailFailures(inputs, configuredGuardrails(), userIds);
  if (broken.length > 0) throw new GuardrailError(broken);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
