// The guardrails' rules (provider/model/guardrails.ts), without a provider: what each refuses,
// what it names, and what it leaves for `up` when a value is unknown at preview.
import { strict as assert } from "assert";
import {
  everyone,
  flowGuardrailFailures,
  parseGuardrails,
  ticketGuardrailFailures,
  Guardrails,
  TicketAsk,
} from "../../provider/model/guardrails";
import { checkRules, toWire } from "../../provider/model/flowRules";
import type { Selector } from "../../provider/model/wireRules";
import { UNKNOWN } from "../../provider/model/unknown";
import { daysFromNow } from "../support/clock";

const ask = (extra: Partial<TicketAsk> = {}): TicketAsk => ({
  applicant: "requester",
  actions: ["connect", "download"],
  dateStart: daysFromNow(30),
  dateExpired: daysFromNow(37),
  comment: "incident 4521",
  approve: true,
  ...extra,
});
const reasons = (fs: { property: string; reason: string }[]) =>
  fs.map((f) => `${f.property}: ${f.reason}`);

describe("guardrails", () => {
  describe("stack config", () => {
    const parse = (cfg: Record<string, string>) => parseGuardrails((k) => cfg[`jumpserver:${k}`]);

    it("sets nothing but forbidSelfApproval (true) by default", () => {
      assert.deepEqual(parse({}), { guardrails: { forbidSelfApproval: true }, problems: [] });
    });

    it("reads every key; a list of actions as JSON or as words, mapped to current names", () => {
      const { guardrails, problems } = parse({
        "jumpserver:maxAccessDays": "30",
        "jumpserver:requireComment": "true",
        "jumpserver:allowedActions": '["connect","download_file"]',
        "jumpserver:minApprovalLevels": "2",
        "jumpserver:forbidSelfApproval": "false",
      });
      assert.deepEqual(problems, []);
      assert.deepEqual(guardrails, {
        maxAccessDays: 30,
        requireComment: true,
        allowedActions: ["connect", "download"],
        minApprovalLevels: 2,
        forbidSelfApproval: false,
      });
      assert.deepEqual(
        parse({ "jumpserver:allowedActions": "connect, copy" }).guardrails.allowedActions,
        ["connect", "copy"],
      );
    });

    it("names the key and the value of every bad setting", () => {
      const { problems } = parse({
        "jumpserver:maxAccessDays": "a month",
        "jumpserver:requireComment": "sure",
        "jumpserver:allowedActions": "connect,sudo",
        "jumpserver:minApprovalLevels": "7",
      });
      assert.deepEqual(problems, [
        'jumpserver:maxAccessDays must be a number of days above 0, got "a month"',
        'jumpserver:requireComment must be true or false, got "sure"',
        'jumpserver:minApprovalLevels must be 1 to 5 (levels), got "7"',
        'jumpserver:allowedActions must list actions (all, connect, upload, download, copy, paste, delete, share), got "connect,sudo"',
      ]);
    });
  });

  describe("AssetAccessTicket", () => {
    const stack: Guardrails = {
      maxAccessDays: 5,
      requireComment: true,
      allowedActions: ["connect"],
      forbidSelfApproval: true,
    };

    it("names the property, the rule and its limit", () => {
      assert.deepEqual(reasons(ticketGuardrailFailures(ask({ comment: " " }), stack, undefined)), [
        "dateExpired: 7 days of access is longer than jumpserver:maxAccessDays (5)",
        "comment: a ticket must say why: jumpserver:requireComment is true and the comment is empty",
        'actions: "download" is not in jumpserver:allowedActions (connect)',
      ]);
    });

    it("passes what keeps within the limits (to the second)", () => {
      const fits = ask({ dateExpired: daysFromNow(35), actions: ["connect"] });
      assert.deepEqual(ticketGuardrailFailures(fits, stack, undefined), []);
      const over = { ...fits, dateExpired: daysFromNow(35).replace("00:00:00Z", "00:00:01Z") };
      assert.equal(ticketGuardrailFailures(over, stack, undefined)[0]?.property, "dateExpired");
    });

    it('reads "all" as every action', () => {
      const [f] = ticketGuardrailFailures(
        ask({ actions: ["all"] }),
        { allowedActions: ["connect", "copy"] },
        undefined,
      );
      assert.match(
        f.reason,
        /"upload", "download", "paste", "delete", "share" are not in .*"all" asks for every action/,
      );
      assert.deepEqual(
        ticketGuardrailFailures(ask({ actions: ["all"] }), { allowedActions: ["all"] }, undefined),
        [],
      );
    });

    it("lets the resource's own guardrails override the stack's, and says so", () => {
      const own = ask({
        guardrails: { maxAccessDays: 10, allowedActions: ["connect", "download_file"] },
      });
      assert.deepEqual(ticketGuardrailFailures(own, stack, undefined), []);
      const tighter = ask({ guardrails: { maxAccessDays: 1 } });
      assert.deepEqual(reasons(ticketGuardrailFailures(tighter, {}, undefined)), [
        "dateExpired: 7 days of access is longer than guardrails.maxAccessDays (1)",
      ]);
    });

    it("names an unknown action in the resource's own allowedActions", () => {
      const typo = ask({
        actions: ["connect"],
        guardrails: { allowedActions: ["connect", "uplod"] },
      });
      assert.deepEqual(reasons(ticketGuardrailFailures(typo, {}, undefined)), [
        'guardrails.allowedActions: unknown action "uplod"; expected all, connect, upload, download, copy, paste, delete, share (or an older name)',
      ]);
    });

    it("refuses approving the identity's own ticket: no applicant, or the password login's username", () => {
      const self = { forbidSelfApproval: true };
      const none = ticketGuardrailFailures(ask({ applicant: undefined }), self, undefined);
      assert.equal(none[0]?.property, "approve");
      assert.match(
        none[0].reason,
        /no applicant is given.*jumpserver:forbidSelfApproval \(true\) forbids/,
      );
      const named = ticketGuardrailFailures(ask({ applicant: "Admin" }), self, "admin");
      assert.match(named[0]?.reason ?? "", /the applicant "Admin" is the provider's own identity/);
      // Someone else's ticket, not approving, or the rule turned off: nothing to refuse.
      assert.deepEqual(ticketGuardrailFailures(ask({ applicant: "requester" }), self, "admin"), []);
      assert.deepEqual(
        ticketGuardrailFailures(ask({ applicant: undefined, approve: false }), self, "admin"),
        [],
      );
      assert.deepEqual(
        ticketGuardrailFailures(
          ask({ applicant: undefined }),
          { forbidSelfApproval: false },
          "admin",
        ),
        [],
      );
      const own = ask({ applicant: undefined, guardrails: { forbidSelfApproval: false } });
      assert.deepEqual(ticketGuardrailFailures(own, self, undefined), []);
    });

    it("leaves unknown values for `up`", () => {
      const unknown = ask({
        applicant: UNKNOWN,
        dateExpired: UNKNOWN,
        comment: UNKNOWN,
        actions: ["connect", UNKNOWN],
      });
      assert.deepEqual(ticketGuardrailFailures(unknown, stack, "admin"), []);
      const override = ask({ guardrails: { maxAccessDays: UNKNOWN, allowedActions: UNKNOWN } });
      assert.deepEqual(
        reasons(ticketGuardrailFailures(override, { requireComment: true }, undefined)),
        [],
      );
    });
  });

  describe("TicketFlow", () => {
    const rules = (...rs: unknown[]) => checkRules(rs).rules;

    it("counts levels against minApprovalLevels, its override first", () => {
      const one = rules({ strategy: "super_admin" });
      assert.deepEqual(reasons(flowGuardrailFailures({ rules: one }, { minApprovalLevels: 2 })), [
        "rules: 1 approval level is fewer than jumpserver:minApprovalLevels (2)",
      ]);
      assert.deepEqual(
        flowGuardrailFailures(
          { rules: one, guardrails: { minApprovalLevels: 1 } },
          { minApprovalLevels: 2 },
        ),
        [],
      );
      assert.deepEqual(
        flowGuardrailFailures({ rules: UNKNOWN as never }, { minApprovalLevels: 2 }),
        [],
      );
    });

    it("refuses a rule that lets anyone approve, whatever the config, unless it says allowAnyApprover", () => {
      const all = rules({ strategy: "super_admin" }, { users: { type: "all" } });
      assert.deepEqual(reasons(flowGuardrailFailures({ rules: all }, {})), [
        'rules[1].users: a {type: "all"} selector matches every user, so anyone in the org may approve; set allowAnyApprover: true on this rule if that is meant',
      ]);
      const allowed = rules({ users: { type: "all" }, allowAnyApprover: true });
      assert.deepEqual(flowGuardrailFailures({ rules: allowed }, {}), []);
    });

    it("refuses a level whose only approver is one user, with forbidSelfApproval (default true)", () => {
      const stack = parseGuardrails(() => undefined).guardrails;
      const sole = (who: string, source = "jumpserver:forbidSelfApproval") =>
        `${JSON.stringify(who)} is this level's only approver, and JumpServer lets a level's only approver approve their own tickets, which ${source} (true) forbids; name a second approver, or set guardrails: { forbidSelfApproval: false } on this flow`;
      const ID = "10000000-0000-0000-0000-000000000003";
      const refused = rules(
        { strategy: "super_admin" },
        { users: { type: "ids", ids: ["alice"] } },
        { strategy: "custom_user", assignees: [ID] },
        { users: { type: "ids", ids: ["Bob", "bob "] } }, // one user, two spellings
        { strategy: "custom_user", assignees: [ID.toUpperCase(), ID] },
      );
      assert.deepEqual(reasons(flowGuardrailFailures({ rules: refused }, stack)), [
        `rules[1].users.ids: ${sole("alice")}`,
        `rules[2].assignees: ${sole(ID)}`,
        `rules[3].users.ids: ${sole("Bob")}`,
        `rules[4].assignees: ${sole(ID.toUpperCase())}`,
      ]);
      // The flow's own override, either way, and the stack's.
      assert.deepEqual(
        reasons(
          flowGuardrailFailures(
            { rules: refused.slice(0, 2), guardrails: { forbidSelfApproval: true } },
            { forbidSelfApproval: false },
          ),
        ),
        [`rules[1].users.ids: ${sole("alice", "guardrails.forbidSelfApproval")}`],
      );
      const off = { rules: refused, guardrails: { forbidSelfApproval: false } };
      assert.deepEqual(flowGuardrailFailures(off, stack), []);
      assert.deepEqual(
        flowGuardrailFailures({ rules: refused }, { forbidSelfApproval: false }),
        [],
      );
      // Left alone: two users (a name and an id may be one user: only a request could tell),
      // approvers the server resolves, and what is unknown until `up`.
      const left = rules(
        { users: { type: "ids", ids: ["alice", "bob"] } },
        { strategy: "custom_user", assignees: ["alice", ID] },
        { strategy: "org_admin" },
        { strategy: "super_org_admin" },
        {
          users: {
            type: "attrs",
            attrs: [{ name: "username", match: "exact", value: "alice" }],
          },
        },
        { users: { type: "ids", ids: [UNKNOWN] } },
        { users: { type: "ids", ids: ["alice", UNKNOWN] } },
        { users: { type: "ids", ids: UNKNOWN } },
        { strategy: UNKNOWN, assignees: ["alice"] },
        { strategy: "custom_user", assignees: UNKNOWN },
        UNKNOWN,
      );
      assert.equal(left.length, 11);
      assert.deepEqual(flowGuardrailFailures({ rules: left }, stack), []);
      // An unknown override is judged at `up`.
      assert.deepEqual(
        flowGuardrailFailures({ rules: refused, guardrails: { forbidSelfApproval: UNKNOWN } }, {}),
        [],
      );
    });

    it("never sends allowAnyApprover to JumpServer, in either dialect", () => {
      const checked = rules(
        { users: { type: "all" }, allowAnyApprover: true },
        { strategy: "custom_user", assignees: ["approver"], allowAnyApprover: true },
      );
      assert.equal(checked[0].allowAnyApprover, true);
      const wire = JSON.stringify([
        ...toWire(checked, "selector", { approver: "10000000-0000-0000-0000-000000000003" }),
        ...toWire(checked.slice(1), "strategy", {}),
      ]);
      assert.doesNotMatch(wire, /allowAnyApprover/);
      assert.deepEqual(checkRules([{ users: { type: "all" }, allowAnyApprover: "yes" }]).failures, [
        { property: "rules[0].allowAnyApprover", reason: "expected true or false" },
      ]);
    });

    it("reads the selectors that match everyone as JumpServer does", () => {
      const attrs = (...as: Array<{ name: string; match: string; value: unknown }>): Selector => ({
        type: "attrs",
        attrs: as,
      });
      const USER = "00000000-0000-0000-0000-000000000003";
      const ORG_USER = "00000000-0000-0000-0000-000000000007";
      const ADMIN = "00000000-0000-0000-0000-000000000001";
      for (const sel of [
        { type: "all" } as Selector,
        attrs({ name: "system_roles", match: "m2m", value: [ADMIN, USER] }),
        attrs({ name: "org_roles", match: "m2m", value: [ORG_USER] }),
        attrs({ name: "system_roles", match: "m2m_all", value: [USER] }),
        attrs({ name: "username", match: "exact", value: "*" }),
        attrs({ name: "username", match: "in", value: ["bob", "*"] }),
        attrs({ name: "email", match: "contains", value: "" }),
        attrs({ name: "username", match: "regex", value: ".*" }),
        attrs({ name: "username", match: "regex", value: "" }),
        attrs(
          { name: "username", match: "startswith", value: "" },
          { name: "name", match: "regex", value: "^" },
        ),
      ])
        assert.ok(everyone(sel), JSON.stringify(sel));
      for (const sel of [
        { type: "ids", ids: ["approver"] } as Selector,
        attrs({ name: "system_roles", match: "m2m", value: [ADMIN] }),
        attrs({ name: "system_roles", match: "m2m_all", value: [USER, ADMIN] }),
        attrs({ name: "org_roles", match: "m2m", value: [USER] }), // a system role, not an org one
        attrs({ name: "username", match: "exact", value: "bob" }),
        attrs({ name: "username", match: "regex", value: "^a" }),
        attrs({ name: "username", match: "regex", value: "(" }), // JumpServer matches nobody
        attrs(
          { name: "username", match: "contains", value: "" },
          { name: "email", match: "endswith", value: "@corp" },
        ),
        attrs({ name: "username", match: "exact", value: UNKNOWN }),
      ])
        assert.equal(everyone(sel), undefined, JSON.stringify(sel));
    });

    // Issue #17: selectors that match everyone though not every text (a username is never empty,
    // never longer than 128 characters; inactive users can't sign in; service accounts never approve).
    it("reads the selectors that match every user, if not every text, as matching everyone", () => {
      const one = (name: string, match: string, value: unknown): Selector => ({
        type: "attrs",
        attrs: [{ name, match, value }],
      });
      const cases: Array<[Selector, RegExp]> = [
        [one("username", "regex", "."), /every username has a character the pattern finds/],
        [one("username", "regex", ".+"), /every username has a character/],
        [one("username", "regex", "^."), /every username has a character/],
        [one("username", "regex", ".+$"), /every username has a character/],
        [one("username", "regex", "(?:.)"), /every username has a character/],
        [one("username", "regex", "[\\s\\S]"), /every username has a character/],
        [one("username", "regex", "^.+$"), /without a line break \(a heuristic/],
        [one("username", "regex", "^.*$"), /without a line break \(a heuristic/],
        [one("username", "regex", "^(.+)$"), /without a line break/],
        [one("username", "regex", "^[\\s\\S]+$"), /the pattern spans every username\)/],
        [one("username", "regex", "^[\\w\\W]{1,}$"), /spans every username\)/],
        [one("username", "not", ""), /no username is empty/],
        [one("username", "not", "x".repeat(129)), /longer than 128/],
        [one("username", "gt", ""), /sorts after ""/],
        [one("is_active", "exact", true), /every user who can sign in is active/],
        [one("is_active", "exact", "True"), /can sign in/],
        [one("is_active", "not", false), /can sign in/],
        [one("is_active", "in", [true]), /can sign in/],
        [one("is_service_account", "exact", false), /service accounts are never approvers/],
        [
          {
            type: "attrs",
            attrs: [
              { name: "is_active", match: "exact", value: true },
              { name: "username", match: "regex", value: ".+" },
            ],
          },
          /is_active exact true \(.*\) and username regex ".\+"/,
        ],
      ];
      for (const [sel, why] of cases)
        assert.match(everyone(sel) ?? "(none)", why, JSON.stringify(sel));
      // …and through the guardrail, unless the rule says allowAnyApprover.
      const dot = rules({ users: one("username", "regex", ".") });
      assert.deepEqual(reasons(flowGuardrailFailures({ rules: dot }, {})), [
        'rules[0].users: an attrs selector whose username regex "." (every username has a character the pattern finds) matches every user, so anyone in the org may approve; set allowAnyApprover: true on this rule if that is meant',
      ]);
      const meant = rules({ users: one("is_active", "exact", true), allowAnyApprover: true });
      assert.deepEqual(flowGuardrailFailures({ rules: meant }, {}), []);
    });

    it("widens only where the meaning is certain: near misses still name some users", () => {
      const one = (name: string, match: string, value: unknown): Selector => ({
        type: "attrs",
        attrs: [{ name, match, value }],
      });
      for (const sel of [
        one("username", "regex", "^.$"), // one-character usernames only
        one("username", "regex", "^..+$"), // two characters at least
        one("username", "regex", ".a"),
        one("username", "regex", "\\S+@corp"),
        one("username", "regex", "(."), // JumpServer matches nobody
        one("username", "regex", ".)"),
        one("username", "regex", "[^Q]"), // not QQ
        one("username", "regex", "\\w"), // not @@
        one("username", "not", "admin"),
        one("username", "not", ["", "bob"]), // a list is compared as its text
        one("username", "not", "x".repeat(128)),
        one("username", "gt", "a"),
        one("email", "regex", "."), // only usernames are known never to be empty
        one("name", "not", ""),
        one("is_active", "exact", false),
        one("is_active", "exact", "true"), // Django refuses it: no user
        one("is_active", "not", true),
        one("is_active", "in", [false]),
        one("is_active", "contains", true),
        one("is_service_account", "exact", true),
        one("is_superuser", "exact", false),
      ])
        assert.equal(everyone(sel), undefined, JSON.stringify(sel));
    });
  });
});
