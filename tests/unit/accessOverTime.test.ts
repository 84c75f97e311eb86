// Access over time without a network: windows written in hours, the guardrails' new keys, the
// deadlines (a pending request's timeout, a break-glass grant's ratify window) and how the
// report words them. The provider-host and CLI suites drive the same rules against the sandbox.
import * as assert from "node:assert/strict";
import { parseHours } from "../../provider/model/durations";
import { warningWindowDays } from "../../provider/model/expiryWindow";
import { parseGuardrails, ticketGuardrailFailures } from "../../provider/model/guardrails";
import { deadlineOf, dueNow, openedAtOf } from "../../provider/model/deadlines";
import { accessProblems, sortProblems } from "../../provider/report/model";
import { parseArgs, warningWindow } from "../../provider/report/cli";
import { parseStackExport, TICKET_TYPE } from "../../provider/report/state";
import { NOW, DAY, access, ending, exportOf, urn } from "./reportFixtures";

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

describe("access over time: warnings in hours", () => {
  it("reads hours and durations", () => {
    assert.equal(parseHours("36"), 36);
    assert.equal(parseHours("36h"), 36);
    assert.equal(parseHours("1d12h"), 36);
    assert.equal(parseHours("90m"), 1.5);
    assert.equal(parseHours("0.5"), 0.5);
    for (const bad of ["", "soon", "-1", "1x", "h", "1h1d"])
      assert.equal(parseHours(bad), undefined, bad);
  });

  it("takes days or hours, never both, naming the keys", () => {
    const days = (value?: string) => ({ name: "jumpserver:expiryWarningDays", value });
    const hours = (value?: string) => ({ name: "jumpserver:expiryWarningHours", value });
    assert.equal(warningWindowDays([{ days: days(), hours: hours() }]), 7);
    assert.equal(warningWindowDays([{ days: days("3"), hours: hours() }]), 3);
    assert.equal(warningWindowDays([{ days: days(), hours: hours("36h") }]), 1.5);
    assert.equal(warningWindowDays([{ days: days(), hours: hours("12") }]), 0.5);
    assert.throws(
      () => warningWindowDays([{ days: days("3"), hours: hours("12") }]),
      /jumpserver:expiryWarningDays and jumpserver:expiryWarningHours are both set/,
    );
    assert.throws(
      () => warningWindowDays([{ days: days(), hours: hours("soon") }]),
      /jumpserver:expiryWarningHours must be a number of hours or a duration such as "36h"/,
    );
  });

  it("the report takes --expiry-warning-hours, the stack's hours, then the environment's", () => {
    assert.equal(parseArgs(["report", "--expiry-warning-hours", "36h"]).expiryWarningHours, "36h");
    assert.throws(
      () => parseArgs(["report", "--expiry-warning-hours", "later"]),
      /--expiry-warning-hours must be/,
    );
    assert.equal(warningWindow({ hours: "12" }, {}, {}), 0.5);
    assert.equal(warningWindow({}, { hours: "6h" }, {}), 0.25);
    assert.equal(warningWindow({}, {}, { JUMPSERVER_EXPIRY_WARNING_HOURS: "48" }), 2);
    assert.equal(warningWindow({ days: "1" }, { hours: "6h" }, {}), 1, "the flag comes first");
    assert.throws(() => warningWindow({ days: "1", hours: "6" }, {}, {}), /both set/);
    const state = parseStackExport(
      exportOf([
        {
          urn: urn("pulumi:providers:pulumi-nodejs", "default"),
          type: "pulumi:providers:pulumi-nodejs",
          inputs: { "jumpserver:expiryWarningHours": "36h", "jumpserver:pendingTimeoutDays": "3" },
        },
        { urn: urn(TICKET_TYPE, "web"), type: TICKET_TYPE, id: "t1", inputs: {}, outputs: {} },
      ]),
    );
    assert.equal(state.expiryWarningHours, "36h");
    assert.deepEqual(state.guardrailConfig, { "jumpserver:pendingTimeoutDays": "3" });
  });

  it("a six-hour grant is warned about in hours, within a window of hours", () => {
    const six = access({ ...ending(0.25), daysLeft: 0 });
    assert.deepEqual(
      accessProblems(six, 0.5, NOW).map((p) => p.message),
      [`access ends in 6 hours (${six.dateExpired.slice(0, 10)} 06:00 UTC)`],
    );
    assert.deepEqual(
      accessProblems(access(ending(1)), 0.5, NOW),
      [],
      "a day away: outside 12 hours",
    );
  });
});

describe("access over time: the guardrails' new keys", () => {
  it("reads them, naming a bad value's key", () => {
    const { guardrails, problems } = parseGuardrails(
      (k) =>
        ({
          pendingTimeoutDays: "3",
          breakGlassApplicants: "alice, bob",
          breakGlassMaxHours: "0",
          breakGlassRatifyHours: "soon",
        })[k as string],
    );
    assert.equal(guardrails.pendingTimeoutDays, 3);
    assert.deepEqual(guardrails.breakGlassApplicants, ["alice", "bob"]);
    assert.deepEqual(problems, [
      'jumpserver:breakGlassMaxHours must be a number of hours above 0, got "0"',
      'jumpserver:breakGlassRatifyHours must be a number of hours above 0, got "soon"',
    ]);
    assert.match(
      parseGuardrails((k) => (k === "pendingTimeoutDays" ? "-1" : undefined)).problems[0],
      /jumpserver:pendingTimeoutDays must be a number of days above 0/,
    );
  });

  it("a resource can't loosen the stack's break-glass limits, even with inputs check never saw", () => {
    const ask = {
      applicant: "alice",
      actions: ["connect"],
      dateStart: iso(NOW),
      dateExpired: iso(NOW + 10 * HOUR),
      comment: "",
      approve: true,
      flow: "break-glass",
      breakGlass: { reason: "down" },
      guardrails: { breakGlassMaxHours: 100, breakGlassApplicants: ["alice"] },
    };
    const failures = ticketGuardrailFailures(ask, { breakGlassApplicants: ["bob"] }, undefined);
    assert.deepEqual(
      failures.map((f) => f.property),
      ["applicant", "dateExpired"],
    );
    assert.match(
      failures[1].reason,
      /10 hours .* longer than jumpserver:breakGlassMaxHours \(4, the default\)/,
    );
  });
});

describe("access over time: deadlines", () => {
  const opened = iso(NOW);
  const pending = { state: "pending", status: "open", openedAt: opened };

  it("a pending request times out after pendingTimeoutDays; the resource's own value wins", () => {
    const stack = { pendingTimeoutDays: 3 };
    assert.equal(dueNow(pending, {}, stack, NOW + 3 * DAY - 1), undefined);
    assert.equal(dueNow(pending, {}, stack, NOW + 3 * DAY)?.kind, "timeout");
    assert.equal(
      dueNow(pending, { guardrails: { pendingTimeoutDays: 5 } }, stack, NOW + 4 * DAY),
      undefined,
    );
    assert.equal(dueNow(pending, {}, {}, NOW + 365 * DAY), undefined, "no timeout set: none");
    assert.equal(dueNow({ ...pending, timedOutAt: opened }, {}, stack, NOW + 4 * DAY), undefined);
    assert.equal(dueNow({ ...pending, state: "approved" }, {}, stack, NOW + 4 * DAY), undefined);
  });

  it("an unratified break-glass grant is due for revocation after breakGlassRatifyHours", () => {
    const grant = {
      state: "approved",
      status: "closed",
      openedAt: opened,
      breakGlass: { reason: "x" },
    };
    assert.equal(dueNow(grant, {}, {}, NOW + 24 * HOUR - 1), undefined, "24 hours by default");
    assert.equal(dueNow(grant, {}, {}, NOW + 24 * HOUR)?.kind, "revoke");
    assert.equal(dueNow(grant, {}, { breakGlassRatifyHours: 2 }, NOW + 2 * HOUR)?.kind, "revoke");
    assert.equal(dueNow(grant, { ratified: true }, {}, NOW + 48 * HOUR), undefined, "ratified");
    assert.equal(dueNow({ ...grant, revokedAt: opened }, {}, {}, NOW + 48 * HOUR), undefined);
  });

  it("nothing read from JumpServer moves a deadline later", () => {
    // A server that says the ticket was created in the future: our own clock counts.
    assert.equal(openedAtOf(undefined, "2099-01-01 00:00:00 +0000", NOW), iso(NOW));
    // One created earlier than we saw it (a ticket taken over after a lost answer): the earlier.
    assert.equal(openedAtOf(undefined, iso(NOW - HOUR), NOW), iso(NOW - HOUR));
    // Once recorded, the state's value stays.
    assert.equal(openedAtOf(iso(NOW - DAY), iso(NOW - 2 * DAY), NOW), iso(NOW - DAY));
    const d = deadlineOf(
      { ...pending, openedAt: openedAtOf(undefined, "2099-01-01T00:00:00Z", NOW) },
      {},
      { pendingTimeoutDays: 1 },
    );
    assert.equal(d?.at, NOW + DAY);
  });
});

describe("access over time: the report", () => {
  const bg = { breakGlass: { reason: "payments down", incident: "INC-1" } };
  it("an unratified break-glass grant is the first problem, and says when it is revoked", () => {
    const emergency = access({
      ...bg,
      deadline: {
        kind: "revoke",
        at: iso(NOW + 5 * HOUR),
        source: "jumpserver:breakGlassRatifyHours (24)",
      },
    });
    const drifted = access({ name: "other", drift: ["title"], replaces: ["title"] });
    const problems = sortProblems([
      ...accessProblems(drifted, 7, NOW),
      ...accessProblems(emergency, 7, NOW),
    ]);
    assert.equal(problems[0].kind, "breakGlass");
    assert.match(
      problems[0].message,
      /"payments down" \(incident "INC-1"\), not ratified yet: a reviewed change sets `ratified: true`, or the first `pulumi up` after .* revokes it/,
    );
    const late = access({
      ...bg,
      deadline: {
        kind: "revoke",
        at: iso(NOW - HOUR),
        source: "jumpserver:breakGlassRatifyHours (24)",
      },
    });
    assert.match(
      accessProblems(late, 7, NOW)[0].message,
      /not ratified within .*: the next `pulumi up` revokes it/,
    );
    assert.deepEqual(
      accessProblems(access({ ...bg, ratified: true }), 7, NOW),
      [],
      "ratified: no problem",
    );
    assert.deepEqual(
      accessProblems(access({ ...bg, revokedAt: iso(NOW - HOUR), grantDrift: [] }), 7, NOW).map(
        (p) => p.kind,
      ),
      ["notGranted"],
    );
  });

  it("lists requests close to timing out, past it, and timed out", () => {
    const waiting = (hoursLeft: number, window = 72) =>
      access({
        state: "pending",
        status: "open",
        openedAt: iso(NOW + hoursLeft * HOUR - window * HOUR),
        deadline: {
          kind: "timeout",
          at: iso(NOW + hoursLeft * HOUR),
          source: "jumpserver:pendingTimeoutDays (3)",
        },
      });
    const kinds = (hoursLeft: number) =>
      accessProblems(waiting(hoursLeft), 7, NOW).map((p) => p.kind);
    assert.deepEqual(kinds(40), ["waitingForApproval"]);
    assert.deepEqual(kinds(10), ["timingOut", "waitingForApproval"]);
    assert.match(
      accessProblems(waiting(10), 7, NOW)[0].message,
      /times out .* \(in 10 hours, jumpserver:pendingTimeoutDays \(3\)\) unless approved/,
    );
    assert.deepEqual(kinds(-1), ["timedOut", "waitingForApproval"]);
    const closed = access({ state: "closed", status: "closed", timedOutAt: iso(NOW - HOUR) });
    assert.deepEqual(
      accessProblems(closed, 7, NOW).map((p) => p.message),
      [
        `timed out: nobody approved it in time, so \`pulumi up\` closed it (${iso(NOW - HOUR).slice(0, 10)} 23:00 UTC); change the request to ask again`,
      ],
    );
  });
});
