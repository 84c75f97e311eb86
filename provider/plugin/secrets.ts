// Secrets across the plugin boundary. The engine sends a secret input wrapped
// (`{<sig>: <secret sig>, value}`) because the SDK's provider server accepts secrets; the lifecycle
// works on plain values, so the wrappers come off on the way in and go back on the way out: on
// every key that held a secret anywhere in its value (as the engine does for providers that
// don't accept secrets), and on every field the schema marks secret. Forgetting the second makes
// a refresh show a false `~ field => [secret]`.
import {
  isRpcSecret,
  specialSecretSig,
  specialSigKey,
  unwrapRpcSecret,
} from "@pulumi/pulumi/runtime/rpc";

export type Props = Record<string, unknown>;

/** The value without secret wrappers, at any depth. */
export function reveal(value: unknown): unknown {
  if (isRpcSecret(value)) return reveal(unwrapRpcSecret(value));
  if (Array.isArray(value)) return value.map(reveal);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  }
  return value;
}

/** Whether a secret is anywhere inside the value. */
export function holdsSecret(value: unknown): boolean {
  if (isRpcSecret(value)) return true;
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (value && typeof value === "object") return Object.values(value).some(holdsSecret);
  return false;
}

/** Plain properties, and the keys that were (or held) secrets. */
export function unwrap(props: Props | undefined): { plain: Props; secretKeys: Set<string> } {
  const plain: Props = {};
  const secretKeys = new Set<string>();
  for (const [k, v] of Object.entries(props ?? {})) {
    if (holdsSecret(v)) secretKeys.add(k);
    plain[k] = reveal(v);
  }
  return { plain, secretKeys };
}

/** The properties with each of `secretKeys` wrapped as a secret (absent keys stay absent). */
export function wrap(props: Props, secretKeys: Iterable<string>): Props {
  const out: Props = { ...props };
  for (const k of secretKeys) {
    if (out[k] === undefined || out[k] === null) continue;
    out[k] = { [specialSigKey]: specialSecretSig, value: out[k] };
  }
  return out;
}
