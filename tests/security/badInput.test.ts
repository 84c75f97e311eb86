// Bad input, property-based with fast-check: both providers' `check`, in-process (thousands of
// inputs) and through the gRPC host (hundreds): never throws; either every failure names a
// property (an input name or a path such as rules[1].users.ids) or the inputs are valid (checking
// them again changes nothing); and not one HTTP request is made (the settings point at a sandbox
// whose counters must stay at zero). The sandbox's side is sandboxBadInput.test.ts.
import { strict as assert } from "assert";
import fc from "fast-check";
import type { Sandbox } from "../../sandbox";
import * as flowLifecycle from "../../provider/lifecycle/ticketFlow";
import * as ticketLifecycle from "../../provider/lifecycle/assetAccessTicket";
import { configure } from "../../provider/lifecycle/context";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { ProviderHost } from "../support/providerHost";
import { sandbox, stackConfig } from "../support/sandbox";
import { FLOW_TYPE, TICKET_TYPE } from "../reliability/faultScenario";
import { FLOW_INPUT_KEYS } from "../../provider/model/flowFields";
import { TICKET_INPUT_KEYS } from "../../provider/model/ticketFields";
import {
  UUIDS,
  anyoneRule,
  date,
  goodRule,
  identifier,
  json,
  rule,
  text,
  value,
} from "./arbitraries";
import { isoSeconds, parseDate } from "../../provider/model/dates";
import { everyone } from "../../provider/model/guardrails";
import { dayOf, daysFromNow } from "../support/clock";

const START_DAY = dayOf(daysFromNow(30));
const END_DAY = dayOf(daysFromNow(31));

const FLOW_KEYS: string[] = [...FLOW_INPUT_KEYS];
const TICKET_KEYS: string[] = [...TICKET_INPUT_KEYS];
const PATH = /^[A-Za-z_$][\w$]*(\[\d+\]|\.[A-Za-z_$][\w$]*)*$/;
const flowSpecific: Record<string, fc.Arbitrary<unknown>> = {
  type: fc.constantFrom("apply_asset", "login_confirm", ""),
  orgId: text,
  name: text,
  rules: fc.oneof(
    fc.array(goodRule, { minLength: 1, maxLength: 3 }),
    fc.array(rule, { maxLength: 7 }),
  ),
  ccUsers: fc.array(text),
  restoreOnDelete: fc.boolean(),
  guardrails: fc.record(
    {
      minApprovalLevels: fc.oneof(fc.integer({ min: 0, max: 6 }), json),
      forbidSelfApproval: value(fc.boolean()),
    },
    {
      requiredKeys: [],
    },
  ),
};
const ticketSpecific: Record<string, fc.Arbitrary<unknown>> = {
  title: text,
  orgId: text,
  applicant: text,
  assets: fc.array(text, { maxLength: 4 }),
  nodes: fc.array(text, { maxLength: 3 }),
  accounts: fc.array(text, { maxLength: 4 }),
  actions: fc.array(
    fc.oneof(fc.constantFrom("connect", "all", "upload_file", "clipboard_copy_paste"), fc.string()),
    { maxLength: 4 },
  ),
  dateStart: date,
  dateExpired: date,
  comment: fc.oneof(text, fc.constant("why [pulumi:abc]")),
  flow: text,
  approve: fc.boolean(),
  revokeOnDelete: fc.boolean(),
  guardrails: fc.record(
    {
      maxAccessDays: fc.oneof(fc.integer({ min: -1, max: 60 }), fc.double(), json),
      requireComment: value(fc.boolean()),
      allowedActions: fc.array(fc.constantFrom("connect", "all", "upload_file", "sudo")),
      forbidSelfApproval: value(fc.boolean()),
      pendingTimeoutDays: fc.oneof(fc.integer({ min: -1, max: 10 }), fc.double(), json),
      // Not a resource's to set: always refused as an unknown guardrail.
      breakGlassMaxHours: fc.oneof(fc.integer({ min: 0, max: 100 }), json),
      breakGlassApplicants: fc.array(text, { maxLength: 2 }),
    },
    { requiredKeys: [] },
  ),
  breakGlass: fc.oneof(
    fc.record({ reason: value(text), incident: value(text) }, { requiredKeys: [] }),
    json,
  ),
  ratified: value(fc.boolean()),
};
/** Either anything in every key, or a valid input with up to three keys replaced or removed. */
function inputsOf(
  keys: string[],
  specific: Record<string, fc.Arbitrary<unknown>>,
  valid: Record<string, unknown>,
) {
  const known = fc.record(Object.fromEntries(keys.map((k) => [k, value(specific[k])])), {
    requiredKeys: [],
  });
  const extra = fc.dictionary(identifier, json, { maxKeys: 2 });
  const random = fc
    .tuple(known, extra, fc.boolean())
    .map(([k, e, withExtra]) => (withExtra ? { ...e, ...k } : k) as Record<string, unknown>);
  const nearlyValid = fc
    .tuple(fc.subarray(keys, { maxLength: 3 }), known, fc.boolean())
    .map(([replaced, k, remove]) => {
      const out: Record<string, unknown> = { ...valid };
      for (const key of replaced) {
        if (remove) delete out[key];
        else if (key in k) out[key] = k[key];
      }
      return out;
    });
  return fc.oneof(random, nearlyValid);
}
const flowInputs = inputsOf(FLOW_KEYS, flowSpecific, {
  orgId: UUIDS[0],
  rules: [{ strategy: "super_admin" }, { users: { type: "ids", ids: ["approver", "admin"] } }],
});
const validTicket = {
  title: "access",
  applicant: "requester",
  assets: ["web-01"],
  dateStart: daysFromNow(30),
  dateExpired: daysFromNow(31),
  approve: true,
};
const ticketInputs = inputsOf(TICKET_KEYS, ticketSpecific, validTicket);
// Near inputs that keep within the guardrails below, with values on either side of each limit.
const ticketInputsUnderLimits = inputsOf(
  TICKET_KEYS,
  {
    ...ticketSpecific,
    dateExpired: fc.oneof(
      date,
      fc
        .integer({ min: 1, max: 8 * 86_400 })
        .map((s) => isoSeconds(Date.UTC(2030, 0, 1) + s * 1000)),
    ),
    comment: fc.constantFrom("", " ", "incident 4521"),
    actions: fc.subarray(["connect", "download", "upload", "all"], { minLength: 1 }),
  },
  { ...validTicket, comment: "incident 4521", actions: ["connect"] },
);
const flowInputsUnderLimits = inputsOf(
  FLOW_KEYS,
  { ...flowSpecific, rules: fc.array(fc.oneof(goodRule, anyoneRule), { maxLength: 4 }) },
  { orgId: UUIDS[0], rules: [{ strategy: "super_admin" }, { strategy: "org_admin" }] },
);

type Check = (
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
) => Promise<{
  inputs?: Record<string, unknown>;
  failures?: { property: string; reason: string }[];
}>;

/** The property every check result must have; returns "valid" or "rejected" for the tallies. */
async function judge(
  check: Check,
  keys: string[],
  news: Record<string, unknown>,
): Promise<"valid" | "rejected"> {
  const r = await check({}, news);
  const failures = r.failures ?? [];
  if (failures.length > 0) {
    for (const f of failures) {
      assert.ok(typeof f.property === "string" && PATH.test(f.property), JSON.stringify(f));
      const root = f.property.split(/[.[]/)[0];
      assert.ok(keys.includes(root) || root in news, `unknown property ${f.property}`);
      assert.ok(typeof f.reason === "string" && f.reason.length > 0, JSON.stringify(f));
    }
    return "rejected";
  }
  assert.ok(r.inputs && typeof r.inputs === "object", "valid inputs come back");
  // What check returns is what the engine stores: checking it again must accept it unchanged.
  const again = await check({}, r.inputs);
  assert.deepEqual(again.failures ?? [], []);
  assert.deepEqual(again.inputs, r.inputs);
  return "valid";
}

describe("bad input: property-based checks of both providers (fast-check)", function () {
  this.timeout(120_000);
  let sb: Sandbox;

  before(async () => {
    sb = await sandbox({ errors: "legacy" });
    // In-process check reads the same settings as the provider: point them at the sandbox, so
    // any request would show up in its counters.
    const cfg = stackConfig(sb, "admin");
    await configure({ config: { get: (k: string) => cfg[k] } });
    sb.resetStats();
  });
  after(async () => {
    await configure({});
    await sb?.close();
  });

  for (const [label, check, keys, arb] of [
    ["TicketFlow", flowLifecycle.check as Check, FLOW_KEYS, flowInputs],
    ["AssetAccessTicket", ticketLifecycle.check as Check, TICKET_KEYS, ticketInputs],
  ] as const) {
    it(`${label} check, in-process: 3000 malformed inputs, property-named failures or valid, no request`, async () => {
      const tally = { valid: 0, rejected: 0 };
      await fc.assert(
        fc.asyncProperty(arb, async (news) => {
          tally[await judge(check, keys, news)]++;
        }),
        { numRuns: 3000, seed: 9 },
      );
      assert.equal(sb.stats().total, 0, "check made no HTTP request");
      assert.ok(tally.rejected > 1000 && tally.valid > 20, JSON.stringify(tally));
      console.log(`      ${label}: ${tally.rejected} rejected, ${tally.valid} valid`);
    });
  }

  // The same inputs with every guardrail set in stack config: still no crash and no request, and
  // what is accepted keeps within the limits (or the resource's own guardrails, which review sees).
  const LIMITS: Record<string, string> = {
    "jumpserver:maxAccessDays": "3",
    "jumpserver:requireComment": "true",
    "jumpserver:allowedActions": "connect,download",
    "jumpserver:minApprovalLevels": "2",
    "jumpserver:pendingTimeoutDays": "2",
    "jumpserver:breakGlassApplicants": "requester",
    "jumpserver:breakGlassMaxHours": "4",
  };
  const DAY = 86_400_000;
  const own = (inputs: Record<string, unknown>) =>
    (inputs.guardrails ?? {}) as Record<string, unknown>;
  const within: Record<string, (inputs: Record<string, unknown>) => void> = {
    TicketFlow: (inputs) => {
      const rules = inputs.rules as Array<Record<string, any>>;
      assert.ok(rules.length >= Number(own(inputs).minApprovalLevels ?? 2), "levels");
      for (const r of rules) {
        if (r.users) assert.ok(r.allowAnyApprover === true || !everyone(r.users), "anyone");
        // forbidSelfApproval (default true): no level's approvers are one named user.
        const named = r.strategy === "custom_user" ? r.assignees : r.users?.ids;
        if (own(inputs).forbidSelfApproval !== false && Array.isArray(named))
          assert.ok(new Set(named.map((n: string) => n.toLowerCase())).size > 1, "self-approval");
      }
    },
    AssetAccessTicket: (inputs) => {
      const days =
        (parseDate(inputs.dateExpired as string)! - parseDate(inputs.dateStart as string)!) / DAY;
      assert.ok(days <= Number(own(inputs).maxAccessDays ?? 3), `${days} days`);
      if (own(inputs).requireComment !== false)
        assert.ok(String(inputs.comment).trim() !== "", "comment");
      const actions = inputs.actions as string[];
      if (!own(inputs).allowedActions)
        assert.ok(
          actions.every((a) => a === "connect" || a === "download"),
          "actions",
        );
      if (inputs.approve === true && own(inputs).forbidSelfApproval !== false)
        assert.ok(inputs.applicant !== undefined, "self-approval");
      assert.ok(own(inputs).breakGlassMaxHours === undefined, "break-glass limits are the stack's");
      if (inputs.breakGlass !== undefined) withinBreakGlass(inputs);
      else assert.ok(inputs.ratified !== true, "only break-glass is ratified");
    },
  };
  /** What a break-glass ticket that passes check keeps to, whatever else it says. */
  const withinBreakGlass = (inputs: Record<string, unknown>) => {
    const bg = inputs.breakGlass as { reason: string };
    assert.ok(typeof bg.reason === "string" && bg.reason.trim() !== "", "a reason");
    assert.equal(String(inputs.applicant).toLowerCase(), "requester", "a listed applicant");
    assert.equal(inputs.approve, true, "approved by the pipeline");
    assert.ok(typeof inputs.flow === "string" && inputs.flow !== "", "under a named flow");
    assert.notEqual(inputs.revokeOnDelete, false, "always revoked");
    assert.notEqual(inputs.ratified, true, "not ratified at birth");
    const hours =
      (parseDate(inputs.dateExpired as string)! - parseDate(inputs.dateStart as string)!) /
      3_600_000;
    assert.ok(hours <= 4, `${hours} hours`);
  };
  for (const [label, check, keys, arb] of [
    ["TicketFlow", flowLifecycle.check as Check, FLOW_KEYS, flowInputsUnderLimits],
    ["AssetAccessTicket", ticketLifecycle.check as Check, TICKET_KEYS, ticketInputsUnderLimits],
  ] as const) {
    it(`${label} check with every guardrail in stack config: 3000 inputs, no crash, no request, what passes keeps within them`, async () => {
      const cfg = { ...stackConfig(sb, "admin"), ...LIMITS };
      await configure({ config: { get: (k: string) => cfg[k] } });
      const tally = { valid: 0, rejected: 0 };
      try {
        await fc.assert(
          fc.asyncProperty(arb, async (news) => {
            const verdict = await judge(check, keys, news);
            tally[verdict]++;
            if (verdict === "valid") within[label]((await check({}, news)).inputs!);
          }),
          { numRuns: 3000, seed: 11 },
        );
      } finally {
        const plainCfg = stackConfig(sb, "admin");
        await configure({ config: { get: (k: string) => plainCfg[k] } });
      }
      assert.equal(sb.stats().total, 0, "check made no HTTP request");
      assert.ok(tally.rejected > 1000 && tally.valid > 5, JSON.stringify(tally));
      console.log(
        `      ${label} under guardrails: ${tally.rejected} rejected, ${tally.valid} valid`,
      );
    });
  }

  it("break-glass near a valid emergency, under the stack's limits: 3000 inputs, no crash, no request, none passes outside them", async () => {
    const cfg: Record<string, string> = {
      ...stackConfig(sb, "admin"),
      ...LIMITS,
      "jumpserver:requireComment": "false",
    };
    await configure({ config: { get: (k: string) => cfg[k] } });
    const start = parseDate(daysFromNow(1))!;
    const emergency = {
      title: "break-glass",
      applicant: "requester",
      assets: ["web-01"],
      actions: ["connect"],
      dateStart: isoSeconds(start),
      dateExpired: isoSeconds(start + 2 * 3_600_000),
      approve: true,
      flow: "break-glass",
      breakGlass: { reason: "database down", incident: "INC-1" },
    };
    const arb = inputsOf(
      TICKET_KEYS,
      {
        ...ticketSpecific,
        applicant: fc.constantFrom("requester", "REQUESTER", "approver", "", " requester"),
        dateExpired: fc.integer({ min: 1, max: 8 * 3600 }).map((s) => isoSeconds(start + s * 1000)),
        actions: fc.constant(["connect"]),
      },
      emergency,
    );
    const tally = { valid: 0, rejected: 0 };
    try {
      await fc.assert(
        fc.asyncProperty(arb, async (news) => {
          const verdict = await judge(ticketLifecycle.check as Check, TICKET_KEYS, news);
          tally[verdict]++;
          if (verdict === "valid") {
            const inputs = (await ticketLifecycle.check({}, news)).inputs!;
            if (inputs.breakGlass !== undefined) withinBreakGlass(inputs);
          }
        }),
        { numRuns: 3000, seed: 13 },
      );
    } finally {
      const plainCfg = stackConfig(sb, "admin");
      await configure({ config: { get: (k: string) => plainCfg[k] } });
    }
    assert.equal(sb.stats().total, 0, "check made no HTTP request");
    assert.ok(tally.rejected > 300 && tally.valid > 100, JSON.stringify(tally));
    console.log(`      break-glass: ${tally.rejected} rejected, ${tally.valid} valid`);
  });

  it("names that are Object.prototype members are plain names, not crashes", async () => {
    for (const name of ["valueOf", "constructor", "__proto__", "toString", "hasOwnProperty"]) {
      for (const news of [
        { title: "t", dateStart: START_DAY, dateExpired: END_DAY, actions: [name] },
        { title: "t", dateStart: START_DAY, dateExpired: END_DAY, accounts: [name] },
        { title: name, dateStart: START_DAY, dateExpired: END_DAY, assets: [name] },
      ])
        await judge(ticketLifecycle.check as Check, TICKET_KEYS, news);
      for (const news of [
        { rules: [{ strategy: name }] },
        { rules: [{ users: { type: name } }] },
        { rules: [{ strategy: "custom_user", assignees: [name] }], ccUsers: [name] },
      ])
        await judge(flowLifecycle.check as Check, FLOW_KEYS, news);
    }
    assert.equal(sb.stats().total, 0);
  });

  for (const [label, provider, type, keys, arb] of [
    ["TicketFlow", ticketFlowProvider, FLOW_TYPE, FLOW_KEYS, flowInputs],
    ["AssetAccessTicket", assetAccessTicketProvider, TICKET_TYPE, TICKET_KEYS, ticketInputs],
  ] as const) {
    it(`${label} check through the gRPC host: 300 malformed inputs, same property, no request`, async () => {
      const host = await ProviderHost.start(provider, type, stackConfig(sb, "admin"));
      try {
        const viaHost: Check = async (olds, news) => {
          const r = await host.check(olds, news);
          return r.failures.length ? { failures: r.failures } : { inputs: r.inputs };
        };
        // The engine sends JSON-like Structs (no undefined): drop what JSON cannot carry.
        const jsonArb = arb.map((x) => JSON.parse(JSON.stringify(x)) as Record<string, unknown>);
        await fc.assert(
          fc.asyncProperty(jsonArb, async (news) => {
            await judge(viaHost, keys, news);
          }),
          { numRuns: 300, seed: 10 },
        );
        assert.equal(sb.stats().total, 0, "check made no HTTP request");
      } finally {
        await host.close();
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
