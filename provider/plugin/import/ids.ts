// The import ids `pulumi import` takes (docs/provider-plugin.md, "Import"), parsed before any request.
import { UUID } from "../../settings";

export type FlowRef =
  { kind: "id"; flowId: string } | { kind: "org"; orgId: string; type: string; name?: string };

/** `<orgId>/<type>[/<name>]`, or the flow's id. */
export function parseFlowRef(id: string): FlowRef {
  const s = id.trim();
  if (UUID.test(s)) return { kind: "id", flowId: s.toLowerCase() };
  const [orgId, type, ...name] = s.split("/");
  if (!orgId || !UUID.test(orgId) || !type)
    throw new Error(
      `import id ${JSON.stringify(id)}: expected <orgId>/<type>[/<name>] (e.g. 00000000-0000-0000-0000-000000000002/apply_asset) or the flow's id`,
    );
  return { kind: "org", orgId: orgId.toLowerCase(), type, name: name.join("/") || undefined };
}

/** A ticket's id or its serial number. */
export function parseTicketRef(id: string, what: string): string {
  const s = id.trim();
  if (UUID.test(s)) return s.toLowerCase();
  if (/^\d+$/.test(s)) return s;
  throw new Error(
    `import id ${JSON.stringify(id)}: expected ${what}'s id (a UUID) or serial number`,
  );
}
