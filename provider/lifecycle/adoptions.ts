// What a flow held before this package first wrote it, kept on this machine from just before the
// adopting write until create returns it in the state. JumpServer keeps no history of a flow's
// rules (a write deletes the old rule rows, apps/tickets/serializers/flow.py), and a run killed
// between the write and its answer leaves nothing in the stack's state: without this record the
// next `up` would take the stack's own rules for the flow's earlier ones. Rules and user ids only.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { WireRule } from "../model/wireRules";

export interface Adoption {
  adopted: "own" | "global-copy" | "global" | "created";
  /** The flow written (for a copy-on-write: the global flow copied); none for a named flow created. */
  flowId?: string;
  previousRules: WireRule[];
  previousCcUsers?: string[];
  /** What the write sent: a flow holding exactly this was written by that run. */
  written: WireRule[];
  /** When the adopting write was about to be sent (for a person reading the file). */
  at: string;
}

/** Which flow: the server, the org, the type and the name (named flows) it is found by. */
export interface FlowKey {
  url: string;
  orgId: string;
  type: string;
  name?: string;
}

/** A folder of this package's, beside Pulumi's own per-user files (PULUMI_HOME, by default ~/.pulumi). */
export function besidePulumi(name: string): string {
  const home = process.env.PULUMI_HOME || path.join(os.homedir(), ".pulumi");
  return path.join(home, "jumpserver-tickets", name);
}

export function adoptionsDir(): string {
  return besidePulumi("adoptions");
}

function fileFor(key: FlowKey): string {
  const id = [key.url.toLowerCase().replace(/\/+$/, ""), key.orgId, key.type, key.name ?? ""]
    .map((s) => s.toLowerCase())
    .join("|");
  return path.join(adoptionsDir(), createHash("sha256").update(id).digest("hex") + ".json");
}

/** The earlier rules recorded by a write that never reached the state, if any. */
export function recordedAdoption(key: FlowKey): Adoption | undefined {
  try {
    return JSON.parse(fs.readFileSync(fileFor(key), "utf8")) as Adoption;
  } catch {
    return undefined;
  }
}

/** Records the earlier rules before the write; a failure to record stops the write. */
export function recordAdoption(key: FlowKey, adoption: Adoption): void {
  const file = fileFor(key);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(adoption, null, 2) + "\n", { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
  } catch (e) {
    throw new Error(
      `could not record the flow's earlier rules in ${file} before writing it (${(e as Error).message}); set PULUMI_HOME to a writable folder`,
    );
  }
}

/** Once the state holds the earlier rules (or the write was refused), the record is done with. */
export function forgetAdoption(key: FlowKey): void {
  fs.rmSync(fileFor(key), { force: true });
}
