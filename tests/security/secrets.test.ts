// Secrets (issue #9): with distinctive credential values, every lifecycle of the resources (and
// the failing paths: a wrong secret, an unknown asset, a timeout) through the provider host, in
// each auth mode, must leave no credential in the serialized provider, any output, any error
// (message, gRPC details, stack), the host's stderr or the sandbox's request log.
import { strict as assert } from "assert";
import { Sandbox } from "../../sandbox";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ticketApprovalProvider } from "../../provider/resources/ticketApproval";
import { ticketFlowProvider } from "../../provider/resources/ticketFlow";
import { ProviderHost, Props } from "../support/providerHost";
import {
  AuthMode,
  client,
  openAsPerson,
  sandbox,
  stackConfig,
  SYSTEM_ADMINS,
} from "../support/sandbox";
import { call } from "../sandbox/http";
import { DEFAULT_ORG, FLOW_TYPE, TICKET_TYPE } from "../reliability/faultScenario";
import { daysFromNow } from "../support/clock";

const SECRETS = {
  password: "Pw-7f3c1e9a-SENTINEL-password",
  privateToken: "tok-4b8d2a6c0e-SENTINEL-private-token",
  accessKeySecret: "aks-9e1f5c3b7d-SENTINEL-access-key-secret",
};
const WRONG = "wrong-2c6e0a4f8b-SENTINEL-bad-secret";

describe("secrets stay out of state, outputs, errors and logs", function () {
  this.timeout(120_000);
  let sb: Sandbox;
  const texts: Array<{ where: string; text: string }> = [];
  let log = "";
  let restore: () => void;
  const keep = (where: string, value: unknown) =>
    texts.push({ where, text: typeof value === "string" ? value : JSON.stringify(value) });
  const keepError = (where: string, e: unknown) => {
    const err = e as Error & { details?: string; initFailed?: unknown };
    keep(`${where} message`, err.message);
    keep(`${where} stack`, err.stack ?? "");
    keep(`${where} details`, err.details ?? "");
    keep(`${where} initFailed`, err.initFailed ?? "");
  };

  before(async () => {
    // The sandbox runs in this process and logs to its stderr: capture every line.
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = String(chunk);
      log += text;
      // Keep the request log (hundreds of lines) out of the test report; it is scanned below.
      if (/^\d{4}-\d\d-\d\dT\S+ [A-Z]+ \//.test(text)) return true;
      return write(chunk as string, ...(rest as []));
    }) as typeof process.stderr.write;
    restore = () => (process.stderr.write = write);
    sb = await sandbox({
      dialect: "selector",
      errors: "legacy",
      log: true,
      credentials: {
        admin: {
          password: SECRETS.password,
          privateToken: SECRETS.privateToken,
          accessKeyId: "AKID-SENTINEL-admin",
          accessKeySecret: SECRETS.accessKeySecret,
        },
      },
    });
  });
  after(async () => {
    restore?.();
    await sb?.close();
  });

  async function lifecycles(mode: AuthMode): Promise<void> {
    const config = stackConfig(sb, "admin", mode);
    const flows = await ProviderHost.start(ticketFlowProvider, FLOW_TYPE, config);
    const tickets = await ProviderHost.start(assetAccessTicketProvider, TICKET_TYPE, config);
    const approvals = await ProviderHost.start(
      ticketApprovalProvider,
      "pulumi-nodejs:dynamic/jumpserver:TicketApproval",
      config,
    );
    try {
      keep("flow provider text", flows.providerText);
      keep("ticket provider text", tickets.providerText);
      // TicketFlow: check, create, read, diff, update, delete.
      const fIn = (
        await flows.check(
          {},
          { orgId: DEFAULT_ORG, rules: [{ users: { type: "ids", ids: ["approver", "admin"] } }] },
        )
      ).inputs;
      const f = await flows.create(fIn);
      keep("flow create", f);
      const fIn2 = (
        await flows.check(
          {},
          {
            orgId: DEFAULT_ORG,
            rules: [
              {
                users: SYSTEM_ADMINS,
              },
            ],
          },
        )
      ).inputs;
      keep("flow diff", await flows.diff(f.id, f.outs, fIn2));
      const fOuts = await flows.update(f.id, f.outs, fIn2);
      keep("flow update", fOuts);
      const fRead = await flows.read(f.id, fOuts);
      keep("flow read", fRead);
      // AssetAccessTicket: open pending, approve by update, read, diff, delete; open+approve, delete.
      const ticket = (title: string, extra: Props = {}) =>
        tickets.check(
          {},
          {
            title,
            orgId: DEFAULT_ORG,
            applicant: "requester",
            assets: ["web-01"],
            dateStart: daysFromNow(30),
            dateExpired: daysFromNow(31),
            ...extra,
          },
        );
      const pIn = (await ticket(`secrets ${mode} pending`)).inputs;
      const p = await tickets.create(pIn);
      keep("ticket create", p);
      const approveIn = (await ticket(`secrets ${mode} pending`, { approve: true })).inputs;
      keep("ticket diff", await tickets.diff(p.id, p.outs, approveIn));
      const approved = await tickets.update(p.id, p.outs, approveIn);
      keep("ticket update", approved);
      const r = await tickets.read(p.id, approved);
      keep("ticket read", r);
      await tickets.delete(p.id, r.props);
      const aIn = (await ticket(`secrets ${mode} approved`, { approve: true })).inputs;
      const a = await tickets.create(aIn);
      keep("ticket create+approve", a);
      await tickets.delete(a.id, a.outs);
      // Failing paths: an unknown asset, a lost answer (timeout), a wrong secret.
      await assert.rejects(
        tickets.create(
          (await ticket(`secrets ${mode} unknown`, { assets: ["no-such-host"] })).inputs,
        ),
        (e) => (keepError("unknown asset", e), /no-such-host/.test(String((e as Error).message))),
      );
      // TicketApproval: check (which reads the ticket), create, read, diff, delete; a missing ticket.
      const asked = await openAsPerson(client(sb, "requester"), sb.seed, {
        title: `secrets ${mode} asked`,
        orgId: DEFAULT_ORG,
        assets: ["web-01"],
        dateStart: daysFromNow(30),
        dateExpired: daysFromNow(31),
      });
      const reviewed = {
        assets: ["web-01"],
        accounts: ["@ALL"],
        actions: ["all"],
        dateStart: daysFromNow(30),
        dateExpired: daysFromNow(31),
      };
      const wide = await approvals.check(
        {},
        { ticket: asked.serialNum, decision: "approve", reviewed, grant: { assets: ["db-01"] } },
      );
      keep("approval check (widening)", wide);
      const apIn = (
        await approvals.check({}, { ticket: asked.serialNum, decision: "approve", reviewed })
      ).inputs;
      const ap = await approvals.create(apIn);
      keep("approval create", ap);
      const apRead = await approvals.read(ap.id, ap.outs);
      keep("approval read", apRead);
      keep("approval diff", await approvals.diff(ap.id, apRead.props, apIn));
      await approvals.delete(ap.id, apRead.props);
      keep(
        "approval check (missing)",
        await approvals.check({}, { ticket: "209901019999", decision: "reject" }),
      );
      await assert.rejects(
        approvals.create({ ...apIn, ticket: "209901019999" }),
        (e) => (keepError("missing ticket", e), /209901019999/.test(String((e as Error).message))),
      );
      keep(
        "host stderr",
        flows.stderr.join("") + tickets.stderr.join("") + approvals.stderr.join(""),
      );
      await flows.delete(f.id, fRead.props);
    } finally {
      await flows.close();
      await tickets.close();
      await approvals.close();
    }
    // A timeout: the sandbox holds every flow list for 1.5 s, the client gives up after 1 s.
    const slow = await ProviderHost.start(ticketFlowProvider, FLOW_TYPE, {
      ...config,
      "jumpserver:timeoutSeconds": "1",
      "jumpserver:maxRetries": "1",
    });
    sb.injectFault({
      method: "GET",
      path: "/api/v1/tickets/flows/",
      kind: "delay",
      delayMs: 1_500,
      times: 6, // every try: 2 attempts (maxRetries 1), asked 3 times before anything is written
    });
    try {
      await assert.rejects(
        slow.create(
          (
            await slow.check(
              {},
              { orgId: DEFAULT_ORG, rules: [{ users: { type: "all" }, allowAnyApprover: true }] },
            )
          ).inputs,
        ),
        (e) => (keepError("timeout", e), /no answer within 1s/.test(String((e as Error).message))),
      );
      keep("timeout host stderr", slow.stderr.join(""));
    } finally {
      await slow.close();
    }
    // A wrong secret: 401, whose message names the identity but not the secret.
    const wrongConfig = { ...config };
    for (const k of [
      "jumpserver:accessKeySecret",
      "jumpserver:privateToken",
      "jumpserver:password",
    ])
      if (k in wrongConfig) wrongConfig[k] = WRONG;
    const bad = await ProviderHost.start(ticketFlowProvider, FLOW_TYPE, wrongConfig);
    try {
      await assert.rejects(
        bad.create(
          (
            await bad.check(
              {},
              { orgId: DEFAULT_ORG, rules: [{ users: { type: "all" }, allowAnyApprover: true }] },
            )
          ).inputs,
        ),
        (e) => (keepError("wrong secret", e), /401|failed/.test(String((e as Error).message))),
      );
      keep("wrong-secret host stderr", bad.stderr.join(""));
      keep("wrong-secret provider text", bad.providerText);
    } finally {
      await bad.close();
    }
  }

  for (const mode of ["accessKey", "privateToken", "password"] as const) {
    it(`runs every lifecycle and failing path with ${mode} credentials`, async () => {
      await lifecycles(mode);
    });
  }

  it("finds no credential value in anything collected (and the scan does find a planted one)", async () => {
    // The bearer token the password mode was given is a credential too (same user and address:
    // the sandbox hands out the same token again).
    const login = await call(sb.url, "POST", "/api/v1/authentication/auth/", {
      body: { username: "admin", password: SECRETS.password },
    });
    const bearer = (login.json as { token: string }).token;
    assert.ok(bearer && bearer.length > 8);
    keep("sandbox request log", log);
    assert.ok(log.split("\n").length > 40, "the sandbox logged the requests");
    assert.ok(texts.length > 60, `collected ${texts.length} texts`);
    const values = [...Object.values(SECRETS), WRONG, bearer];
    const scan = (items: typeof texts) =>
      items.flatMap(({ where, text }) =>
        values.filter((v) => text.includes(v)).map((v) => `${where} contains ${v.slice(0, 8)}…`),
      );
    assert.deepEqual(scan(texts), []);
    // The scanner itself works.
    assert.equal(scan([{ where: "planted", text: `x${SECRETS.privateToken}x` }]).length, 1);
  });
});
