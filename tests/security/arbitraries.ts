// The generated values both bad-input suites share: near-valid values mixed with anything, so
// that most inputs get past the first check and exercise deeper ones.
import fc from "fast-check";
import { dayOf, daysFromNow } from "../support/clock";

export const UUIDS = [
  "00000000-0000-0000-0000-000000000002",
  "10000000-0000-0000-0000-000000000001",
  "30000000-0000-0000-0000-000000000001",
];

export const identifier = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/);
export const text = fc.oneof(
  fc.string(),
  fc.constantFrom("", " ", "web-01", "requester", "admin", "@ALL", "@SPEC", "root", ...UUIDS),
);
export const date = fc.oneof(
  fc.constantFrom(
    daysFromNow(30),
    `${dayOf(daysFromNow(30)).replace(/-/g, "/")} 08:00:00 +0800`,
    dayOf(daysFromNow(31)),
    "yesterday",
  ),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.string(),
);
export const json = fc.jsonValue({ maxDepth: 3 });
/** A value of the expected kind, more often than anything else. */
export const value = (specific: fc.Arbitrary<unknown>) =>
  fc.oneof(specific, specific, json, fc.anything());
export const selector = fc.oneof(
  fc.record(
    { type: fc.constantFrom("all", "ids", "attrs", "bad"), ids: fc.array(text), attrs: json },
    { requiredKeys: [] },
  ),
  fc.record({
    type: fc.constant("attrs"),
    attrs: fc.array(
      fc.record(
        { name: text, match: fc.constantFrom("m2m", "exact", "in", "nope"), value: json },
        { requiredKeys: [] },
      ),
    ),
  }),
  json,
);
// Rules a user would plausibly write, so a share of the inputs is valid and the valid branch runs.
export const goodRule = fc.oneof(
  fc.record({ strategy: fc.constantFrom("super_admin", "org_admin") }),
  fc.record({
    strategy: fc.constant("custom_user"),
    assignees: fc.array(fc.constantFrom("approver", "requester", UUIDS[1]), { minLength: 1 }),
  }),
  fc.record({
    users: fc.record({
      type: fc.constant("ids"),
      ids: fc.array(fc.constantFrom("approver", UUIDS[1]), { minLength: 1 }),
    }),
  }),
  fc.constant({ users: { type: "all" }, allowAnyApprover: true }),
);
/** Rules that let anyone in the org approve: refused unless they say allowAnyApprover: true. */
export const anyoneRule = fc.record(
  {
    users: fc.oneof(
      fc.constant({ type: "all" }),
      fc.record({
        type: fc.constant("attrs"),
        attrs: fc.constantFrom(
          [{ name: "username", match: "regex", value: ".*" }],
          [{ name: "system_roles", match: "m2m", value: ["00000000-0000-0000-0000-000000000003"] }],
          [{ name: "email", match: "contains", value: "" }],
          [{ name: "username", match: "regex", value: ".+" }],
          [{ name: "username", match: "not", value: "" }],
          [{ name: "is_active", match: "exact", value: true }],
        ),
      }),
    ),
    allowAnyApprover: fc.oneof(fc.boolean(), json),
  },
  { requiredKeys: ["users"] },
);
export const rule = fc.oneof(
  goodRule,
  anyoneRule,
  fc.record(
    {
      strategy: fc.constantFrom("super_admin", "org_admin", "super_org_admin", "custom_user", "x"),
      assignees: value(fc.array(text)),
    },
    { requiredKeys: [] },
  ),
  fc.record({ users: selector }),
  json,
);
