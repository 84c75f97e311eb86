// The provider plugin: the engine's calls, routed by type token to the lifecycle the dynamic
// providers run. What the plugin adds is only what the boundary needs: secrets unwrapped on the
// way in and wrapped again on the way out (secrets.ts), `instanceKey` derived from the URN (the
// dynamic AssetAccessTicket passes it as an input), plain JSON out (a Struct rejects `undefined`,
// and a write JumpServer accepted must never fail on the way back), and `pulumi import`.
import type * as pulumi from "@pulumi/pulumi/provider";
import { plain } from "../lifecycle/plain";
import { PluginResource, resourceFor, schemaSecrets } from "./resources";
import { Props, unwrap, wrap } from "./secrets";
import { instanceKeyOf, parseUrn } from "./urn";
import { pluginSchema } from "./schema";

const typeOf = (urn: string) => parseUrn(urn).type;

/** Keys kept secret in what goes back: those secret on the way in, and the schema's. */
const secretsOf = (r: PluginResource, from: Set<string>) => new Set([...from, ...schemaSecrets(r)]);

/** Plain JSON with the secrets wrapped: what every answer to the engine carries. */
function answer(r: PluginResource, props: object | undefined, secrets: Set<string>): Props {
  return wrap(plain((props ?? {}) as Props), secretsOf(r, secrets));
}

export class JumpServerProvider implements pulumi.Provider {
  constructor(readonly version: string) {}

  async getSchema(): Promise<string> {
    return pluginSchema();
  }

  async check(urn: string, olds: Props, news: Props): Promise<pulumi.CheckResult> {
    const r = resourceFor(typeOf(urn));
    const o = unwrap(olds);
    const n = unwrap(news);
    const given = r.instanceKey ? { ...n.plain, instanceKey: instanceKeyOf(urn) } : n.plain;
    const result = await r.lifecycle.check(o.plain, given);
    if (result.failures && result.failures.length > 0)
      return { inputs: news, failures: result.failures };
    return { inputs: answer(r, result.inputs, n.secretKeys) };
  }

  async diff(id: string, urn: string, olds: Props, news: Props): Promise<pulumi.DiffResult> {
    const r = resourceFor(typeOf(urn));
    return r.lifecycle.diff(id, unwrap(olds).plain as never, unwrap(news).plain as never);
  }

  async create(urn: string, inputs: Props): Promise<pulumi.CreateResult> {
    const r = resourceFor(typeOf(urn));
    const { plain: ins, secretKeys } = unwrap(inputs);
    try {
      const { id, outs } = await r.lifecycle.create(ins as never);
      return { id, outs: answer(r, outs, secretKeys) };
    } catch (e) {
      throw keepSecretsOf(r, e, secretKeys);
    }
  }

  async read(id: string, urn: string, props?: Props): Promise<pulumi.ReadResult> {
    const r = resourceFor(typeOf(urn));
    if (!props || Object.keys(props).length === 0) {
      // `pulumi import`: nothing but the id is known; JumpServer alone says what the resource is.
      const found = await r.importRead(id);
      const secrets = new Set<string>();
      return {
        id: found.id,
        props: answer(r, found.props, secrets),
        inputs: answer(r, found.inputs, secrets),
      };
    }
    const { plain: state, secretKeys } = unwrap(props);
    const result = await r.lifecycle.read(id, state as never);
    // An empty id: the object is gone (the engine drops it from state).
    if (!result.id) return { id: "", props: {}, inputs: {} };
    return {
      id: result.id,
      props: answer(r, result.props, secretKeys),
      inputs: answer(r, result.inputs, secretKeys),
    };
  }

  async update(id: string, urn: string, olds: Props, news: Props): Promise<pulumi.UpdateResult> {
    const r = resourceFor(typeOf(urn));
    const o = unwrap(olds);
    const n = unwrap(news);
    try {
      const { outs } = await r.lifecycle.update(id, o.plain as never, n.plain as never);
      return { outs: answer(r, outs, n.secretKeys) };
    } catch (e) {
      throw keepSecretsOf(r, e, n.secretKeys);
    }
  }

  async delete(id: string, urn: string, props: Props): Promise<void> {
    const r = resourceFor(typeOf(urn));
    await r.lifecycle.remove(id, unwrap(props).plain as never);
  }
}

/**
 * An error after the object exists carries the outputs the engine keeps in state
 * (lifecycle/initError.ts): they go back plain, with their secrets wrapped like any answer.
 */
function keepSecretsOf(r: PluginResource, e: unknown, secrets: Set<string>): unknown {
  const init = e as { id?: unknown; properties?: object };
  if (e instanceof Error && typeof init.id === "string" && init.properties) {
    try {
      init.properties = answer(r, init.properties, secrets);
    } catch {
      // keep the outputs as they were: the error must still reach the engine
    }
  }
  return e;
}
