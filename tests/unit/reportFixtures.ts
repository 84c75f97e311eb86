// Fixtures shared by the report's unit suites (report.test.ts, reportOutput.test.ts).
import type { AccessEntry, FlowEntry, Report } from "../../provider/report/model";
import { accessProblems, flowProblems, sortProblems } from "../../provider/report/model";

export const SIG = "4dabf18193072939515e22adc82a9e0f";
export const NOW = Date.parse("2030-01-01T00:00:00Z");
export const DAY = 86_400_000;
/** Access ending `days` days after NOW. */
export const ending = (days: number) => ({
  dateExpired: new Date(NOW + days * DAY).toISOString().replace(".000Z", "Z"),
  daysLeft: Math.floor(days),
});
export const urn = (type: string, name: string) => `urn:pulumi:prod::access::${type}::${name}`;

export function exportOf(resources: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ version: 3, deployment: { manifest: {}, resources, ...extra } });
}

export const flow = (over: Partial<FlowEntry> = {}): FlowEntry => ({
  name: "flow",
  id: "f1",
  org: "Default",
  orgId: "00000000-0000-0000-0000-000000000002",
  levels: [{ level: 1, users: ["admin"], groups: [] }],
  drift: [],
  replaces: [],
  changes: false,
  deleted: false,
  ...over,
});

export const access = (over: Partial<AccessEntry> = {}): AccessEntry => ({
  name: "web",
  id: "t1",
  serialNum: "202612010001",
  title: "web",
  org: "Default",
  applicant: "Requester(requester)",
  assets: ["web-01"],
  nodes: [],
  accounts: ["@ALL"],
  actions: ["connect"],
  dateStart: "2030-01-01T00:00:00Z",
  dateExpired: "2030-01-21T00:00:00Z",
  state: "approved",
  status: "closed",
  approvalStep: 1,
  currentApprovers: [],
  expired: false,
  daysLeft: 20,
  drift: [],
  replaces: [],
  changes: false,
  grantDrift: [],
  ...over,
});

export function reportOf(flows: FlowEntry[], tickets: AccessEntry[]): Report {
  return {
    stack: "access/prod",
    generatedAt: "2030-01-01T00:00:00Z",
    server: "https://jms.example.com",
    identity: "pipeline",
    expiryWarningDays: 7,
    problems: sortProblems([
      ...flows.flatMap(flowProblems),
      ...tickets.flatMap((t) => accessProblems(t, 7, NOW)),
    ]),
    flows,
    access: tickets,
  };
}
