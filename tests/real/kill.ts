// Kills a `pulumi up` the way a cancelled CI job does: SIGKILL to the CLI and every plugin
// process (language host, dynamic-provider host) at a chosen moment, then removes the stale lock
// that the file backend keeps, as an operator would before running again.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { RealStack } from "./stack";

export async function killMidUp(real: RealStack, when: () => boolean): Promise<void> {
  const child = spawn(
    real.cli.bin,
    ["up", "--yes", "--skip-preview", "--stack", "real", "--non-interactive"],
    { cwd: real.dir, env: { ...process.env, ...real.cli.env }, detached: true, stdio: "ignore" },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 120_000;
  while (!when()) {
    if (child.exitCode !== null) throw new Error("pulumi up ended before the moment to kill it");
    if (Date.now() > deadline) throw new Error("the moment to kill pulumi up never came");
    await new Promise((r) => setTimeout(r, 10));
  }
  for (const pid of processesIn(real.dir)) killHard(pid);
  killHard(-child.pid!); // and its process group
  await exited;
  // Plugins that outlived the group (they run in the project's folder) go the same way.
  for (let i = 0; i < 20 && processesIn(real.dir).length > 0; i++) {
    for (const pid of processesIn(real.dir)) killHard(pid);
    await new Promise((r) => setTimeout(r, 100));
  }
  const backend = path.join(real.dir, ".pulumi-backend", ".pulumi");
  fs.rmSync(path.join(backend, "locks"), { recursive: true, force: true });
  const mended = removeTornSidecars(backend);
  if (mended.length) console.error(`      [kill] mended the torn checkpoint: ${mended.join(", ")}`);
}

/**
 * A kill in the moment the CLI saves the file backend's checkpoint leaves it unreadable ("failed
 * to load checkpoint: EOF"). The backend (gocloud's fileblob) writes a file to a temporary name,
 * then its metadata sidecar `<file>.attrs`, then renames the file into place: a kill during the
 * sidecar's write leaves it empty, beside the file from before the save. A missing sidecar reads as
 * default metadata, so an operator removes the torn one. (The state may then lack the last
 * finished step: the next `up` does that step again, which the provider makes safe.)
 */
export function removeTornSidecars(backend: string): string[] {
  if (!fs.existsSync(backend)) return [];
  const torn = (fs.readdirSync(backend, { recursive: true }) as string[]).filter(
    (entry) => entry.endsWith(".attrs") && !readsAsJson(path.join(backend, entry)),
  );
  for (const entry of torn) fs.rmSync(path.join(backend, entry));
  return torn;
}

function readsAsJson(file: string): boolean {
  try {
    JSON.parse(fs.readFileSync(file, "utf8"));
    return true;
  } catch {
    return false;
  }
}

/** Processes whose working directory is `dir`. */
function processesIn(dir: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readlinkSync(`/proc/${entry}/cwd`) === dir) out.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

function killHard(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}
