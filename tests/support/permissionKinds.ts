// A sandbox seeded with every kind of asset permission `jms-tickets report --all` tells apart,
// each made through the sandbox's API the way people make them:
// - managed: tickets the real provider opened (over the real dynamic-provider host), recorded in
//   a stack export as `pulumi stack export` writes it (one approved, one still pending);
// - made by a ticket, not managed: a requester's own ticket, approved by an admin in JumpServer;
// - standing access made by hand: an admin's POST to perms/asset-permissions/ (no end date given);
// - expired: an old approved ticket whose access has ended, and an old hand-made grant.
import type { Sandbox } from "../../sandbox";
import { assetAccessTicketProvider } from "../../provider/resources/assetAccessTicket";
import { ProviderHost, serializeProvider } from "./providerHost";
import { approveAs, client, openAsPerson, stackConfig } from "./sandbox";
import { daysFromNow } from "./clock";

export const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";
export const TICKET_TYPE = "pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket";
export const PERMISSIONS = "/api/v1/perms/asset-permissions/";

export interface FourKinds {
  /** The stack's approved ticket (resource `web-access`) and pending one (`db-access`). */
  managed: { id: string; name: string };
  managedPending: { id: string; name: string };
  ticket: { id: string; serialNum: string };
  handMade: { id: string };
  expiredTicket: { id: string };
  expiredHandMade: { id: string };
  /** The stack's state, as `pulumi stack export` prints it. */
  exportText: string;
}

/** Posts a permission as an admin does in the UI; returns its id. */
export async function postPermission(
  sb: Sandbox,
  body: Record<string, unknown>,
  org = DEFAULT_ORG,
): Promise<string> {
  const made = await client(sb, "admin", "privateToken").request<{ id: string }>(
    "POST",
    PERMISSIONS,
    { org, body },
  );
  return made.id;
}

/** The export of a stack holding these resources (type, name, id, inputs, outputs). */
export function stackExport(
  resources: { type: string; name: string; id: string; inputs: object; outputs: object }[],
  providerText: string,
): string {
  const urn = (type: string, name: string) => `urn:pulumi:adopt::jms-adopt::${type}::${name}`;
  return JSON.stringify({
    version: 3,
    deployment: {
      manifest: { time: new Date().toISOString(), magic: "", version: "v3.276.0" },
      resources: [
        {
          urn: urn("pulumi:pulumi:Stack", "jms-adopt-adopt"),
          custom: false,
          type: "pulumi:pulumi:Stack",
        },
        ...resources.map((r) => ({
          urn: urn(r.type, r.name),
          custom: true,
          id: r.id,
          type: r.type,
          inputs: { ...r.inputs, __provider: providerText },
          outputs: { ...r.outputs, __provider: providerText },
        })),
      ],
    },
  });
}

export async function seedFourKinds(sb: Sandbox): Promise<FourKinds> {
  const host = await ProviderHost.start(assetAccessTicketProvider, TICKET_TYPE, stackConfig(sb));
  const stackResources = [];
  try {
    for (const [name, approve, asset] of [
      ["web-access", true, "web-01"],
      ["db-access", false, "db-01"],
    ] as const) {
      const { inputs } = await host.check(
        {},
        {
          title: `${name} for the release`,
          orgId: DEFAULT_ORG,
          applicant: "requester",
          assets: [asset],
          actions: ["connect"],
          dateStart: daysFromNow(-1),
          dateExpired: daysFromNow(30),
          approve,
        },
      );
      const { id, outs } = await host.create(inputs);
      stackResources.push({ type: TICKET_TYPE, name, id, inputs, outputs: outs });
    }
  } finally {
    await host.close();
  }
  const requester = client(sb, "requester", "privateToken");
  // A person's own ticket, approved by an admin in JumpServer: access no stack declares.
  const ticket = await openAsPerson(requester, sb.seed, {
    title: "web-02 for a hotfix",
    orgId: DEFAULT_ORG,
    assets: ["web-02"],
    actions: ["connect"],
    dateStart: daysFromNow(-2),
    dateExpired: daysFromNow(20),
  });
  await approveAs(sb, "admin", ticket.id);
  // An old ticket: approved, its access over.
  const old = await openAsPerson(requester, sb.seed, {
    title: "db-01 last quarter",
    orgId: DEFAULT_ORG,
    assets: ["db-01"],
    actions: ["connect"],
    dateStart: daysFromNow(-90),
    dateExpired: daysFromNow(-60),
  });
  await approveAs(sb, "admin", old.id);
  const requesterId = sb.seed.users.find((u) => u.username === "requester")!.id;
  const assetId = (name: string) => sb.seed.assets.find((a) => a.name === name)!.id;
  // Standing access an admin made by hand (no end date: JumpServer's default, 70 years).
  const handMade = await postPermission(sb, {
    name: "requester on db-01 (on call)",
    users: [requesterId],
    assets: [assetId("db-01")],
    accounts: ["@ALL"],
    actions: ["connect"],
  });
  const expiredHandMade = await postPermission(sb, {
    name: "requester on web-01 (incident 2)",
    users: [requesterId],
    assets: [assetId("web-01")],
    accounts: ["@ALL"],
    actions: ["all"],
    date_start: daysFromNow(-40),
    date_expired: daysFromNow(-10),
  });
  const [web, db] = stackResources;
  return {
    managed: { id: web.id, name: web.name },
    managedPending: { id: db.id, name: db.name },
    ticket,
    handMade: { id: handMade },
    expiredTicket: { id: old.id },
    expiredHandMade: { id: expiredHandMade },
    exportText: stackExport(stackResources, await serializeProvider(assetAccessTicketProvider)),
  };
}
