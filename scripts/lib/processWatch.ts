// The provider process's own cost while the real Pulumi CLI runs it: the CLI starts the dynamic
// provider (`node …/@pulumi/pulumi/cmd/dynamic-provider`) as a grandchild of this process, so it
// can't report on itself without code in the provider. Linux's /proc shows it from outside: every
// `everyMs` the watch finds this process's descendants running the dynamic provider and keeps the
// last CPU time (utime + stime) and peak resident memory (VmHWM) it saw of each. A process's last
// `everyMs` before it exits are missed: small beside runs of seconds.
import * as fs from "node:fs";

export interface ProcessCost {
  /** User + system CPU seconds of the dynamic-provider processes seen. */
  cpuSeconds: number;
  /** The largest VmHWM among them, MB. */
  peakMb: number;
  processes: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export function watchProviderProcesses(everyMs = 100): { stop(): ProcessCost } {
  const seen = new Map<number, { cpu: number; hwmKb: number }>();
  const sample = () => {
    const parents = new Map<number, number>();
    for (const name of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      const stat = read(`/proc/${name}/stat`);
      if (!stat) continue;
      // The command name (field 2) may hold spaces and parentheses: fields are counted after it.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(name), Number(fields[1]));
    }
    for (const [pid] of parents) {
      if (!descends(pid, parents)) continue;
      const cmdline = read(`/proc/${pid}/cmdline`);
      if (!cmdline?.includes("dynamic-provider")) continue;
      const stat = read(`/proc/${pid}/stat`);
      const status = read(`/proc/${pid}/status`);
      if (!stat || !status) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
      const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
      const hwmKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      seen.set(pid, { cpu, hwmKb });
    }
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const all = [...seen.values()];
      return {
        cpuSeconds: +all.reduce((a, p) => a + p.cpu, 0).toFixed(2),
        peakMb: Math.round(Math.max(0, ...all.map((p) => p.hwmKb)) / 1024),
        processes: all.length,
      };
    },
  };
}

function descends(pid: number, parents: Map<number, number>): boolean {
  for (let p = parents.get(pid), hops = 0; p && hops < 20; p = parents.get(p), hops++)
    if (p === process.pid) return true;
  return false;
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined; // the process has exited
  }
}
