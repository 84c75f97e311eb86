// Program wiring with pulumi.runtime.setMocks: type tokens, inputs as the engine receives them,
// declared outputs, and the checks that run in the program itself.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { AssetAccessTicket, TicketApproval, TicketFlow } from "../../index";
import { resetProgramChecks } from "../../provider/resources/programChecks";
import { daysFromNow } from "../support/clock";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

const output = <T>(o: pulumi.Output<T>): Promise<T> =>
  new Promise((resolve) => o.apply((v) => resolve(v)));

describe("program wiring (setMocks)", function () {
  const registered: Registered[] = [];

  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          const state: Record<string, unknown> = { ...args.inputs };
          if (args.type.endsWith(":AssetAccessTicket"))
            Object.assign(state, { serialNum: "203001010001", state: "pending" });
          if (args.type.endsWith(":TicketFlow"))
            Object.assign(state, { flowId: "f-1", dialect: "selector" });
          return { id: `${args.name}-id`, state };
        },
        call: () => ({}),
      },
      "proj",
      "stack",
      false,
    );
  });
  beforeEach(() => {
    registered.length = 0;
    resetProgramChecks();
  });

  it("registers both resources under their fixed type tokens with a serialized provider", async () => {
    const flow = new TicketFlow("flow", { rules: [{ strategy: "super_admin" }] });
    const ticket = new AssetAccessTicket(
      "ticket",
      {
        title: "t",
        assets: ["web-01"],
        dateStart: daysFromNow(30),
        dateExpired: daysFromNow(31),
      },
      { dependsOn: [flow] },
    );
    assert.equal(await output(ticket.serialNum), "203001010001");
    assert.equal(await output(flow.flowId), "f-1");
    assert.deepEqual(registered.map((r) => r.type).sort(), [
      "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket",
      "pulumi-nodejs:dynamic/jumpserver:TicketFlow",
    ]);
    for (const r of registered) {
      assert.equal(typeof r.inputs.__provider, "string");
      assert.match(r.inputs.__provider, /exports\.handler/);
    }
    const t = registered.find((r) => r.name === "ticket")!;
    assert.deepEqual(t.inputs.assets, ["web-01"]);
  });

  it("registers a TicketApproval under its type token with its inputs and a serialized provider", async () => {
    const approval = new TicketApproval("review", {
      ticket: "202701040001",
      decision: "approve",
      grant: { assets: ["web-01"], actions: [pulumi.output("connect")] },
    });
    await output(approval.decision);
    const r = registered.find((x) => x.name === "review")!;
    assert.equal(r.type, "pulumi-nodejs:dynamic/jumpserver:TicketApproval");
    assert.match(r.inputs.__provider, /exports\.handler/);
    assert.equal(r.inputs.ticket, "202701040001");
    assert.deepEqual(r.inputs.grant, { assets: ["web-01"], actions: ["connect"] });
    assert.throws(
      () => new TicketApproval("review-again", { ticket: " 202701040001", decision: "reject" }),
      /TicketApproval "review-again" and TicketApproval "review" both decide ticket/,
    );
  });

  it("keeps credentials from the program's environment out of the serialized provider", async () => {
    process.env.JUMPSERVER_PRIVATE_TOKEN = "PROGRAM-SIDE-TOKEN-0042";
    try {
      const flow = new TicketFlow("flow2", { rules: [{ strategy: "super_admin" }] });
      await output(flow.flowId);
      assert.ok(!JSON.stringify(registered).includes("PROGRAM-SIDE-TOKEN-0042"));
    } finally {
      delete process.env.JUMPSERVER_PRIVATE_TOKEN;
    }
  });

  it("refuses a second TicketFlow for the same org and type, naming both", () => {
    new TicketFlow("first", {
      orgId: "00000000-0000-0000-0000-000000000002",
      rules: [{ strategy: "super_admin" }],
    });
    assert.throws(
      () => new TicketFlow("second", { rules: [{ strategy: "org_admin" }] }),
      /TicketFlow "second" and TicketFlow "first" both manage the apply_asset flow of org 00000000-0000-0000-0000-000000000002/,
    );
    // a differently named flow (v4.10.19) is another flow
    new TicketFlow("third", { name: "db", rules: [{ strategy: "org_admin" }] });
  });

  it("warns when a credential sits in plaintext stack config", async () => {
    const warnings: string[] = [];
    const log = require("@pulumi/pulumi/log");
    const original = log.warn;
    log.warn = (m: string) => {
      warnings.push(m);
      return Promise.resolve();
    };
    pulumi.runtime.setConfig("jumpserver:privateToken", "plaintext-token");
    try {
      new TicketFlow("warned", { rules: [{ strategy: "super_admin" }] });
    } finally {
      log.warn = original;
      pulumi.runtime.setAllConfig({});
    }
    assert.ok(
      warnings.some((w) => /jumpserver:privateToken is set in plaintext stack config/.test(w)),
      JSON.stringify(warnings),
    );
    assert.ok(!warnings.join().includes("plaintext-token"));
  });
});
