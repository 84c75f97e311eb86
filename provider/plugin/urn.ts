// What a resource's URN says: `urn:pulumi:<stack>::<project>::<parent types$>type::<name>`.

export interface UrnParts {
  stack: string;
  project: string;
  type: string;
  name: string;
}

export function parseUrn(urn: string): UrnParts {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:"))
    throw new Error(`not a resource URN: ${urn}`);
  const types = parts[2].split("$");
  return {
    stack: parts[0].slice("urn:pulumi:".length),
    project: parts[1],
    type: types[types.length - 1],
    // A name may itself contain "::".
    name: parts.slice(3).join("::"),
  };
}

/**
 * The key the dynamic AssetAccessTicket passes as its `instanceKey` input
 * (`<project>/<stack>/<name>`), from which the ticket's exactly-once marker is derived.
 */
export function instanceKeyOf(urn: string): string {
  const { project, stack, name } = parseUrn(urn);
  return `${project}/${stack}/${name}`;
}
