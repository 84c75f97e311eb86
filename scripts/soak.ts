// npm run soak [-- --tickets 100 --flows 4 --seed 42 --only faults|ratelimit]: the full-size runs
// of issue #9, printing counts and times (tests/reliability/ holds the small, asserting versions).
//  1. faults: N AssetAccessTickets with approval and 4 TicketFlows through the provider host at
//     Pulumi's default parallelism (unbounded), against a v4.10.19 sandbox injecting 20% 503s,
//     5% drops before and 5% after handling, 0-200 ms latency; then the same checks after a
//     restart from --state.
//  2. ratelimit: the same apply against v4.10.16's throttle (180 requests per 60 s per user) with
//     the client's default budget (170/min): wall time against the floor (requests ÷ 180/min).
// Exits non-zero when a run finds a problem.
import { runFaultScenario, ScenarioResult } from "../tests/reliability/faultScenario";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function summary(r: ScenarioResult): string[] {
  const t = r.tickets;
  return [
    `  tickets on the server: ${r.ticketsFound} (after restart ${r.ticketsFoundAfterRestart}), in state: ${t.resources.length}`,
    `  runs (pulumi up) needed: ${Math.max(t.runs, r.flows.runs)}; failed creates re-run: ${t.failedCreates + r.flows.failedCreates}; created-not-initialised finished by update: ${t.initFailedCreates + r.flows.initFailedCreates} (${t.finishingUpdates + r.flows.finishingUpdates} updates)`,
    `  requests counted by the sandbox during the apply: ${r.requests} ${JSON.stringify(r.byStatus)}`,
    `  apply wall time: ${(r.applyMs / 1000).toFixed(1)} s`,
    ...[...r.flows.errors, ...t.errors].slice(0, 12).map((e) => `  error: ${e}`),
    `  problems: ${r.problems.length === 0 ? "none" : "\n    " + r.problems.join("\n    ")}`,
  ];
}

async function main(): Promise<void> {
  const tickets = Number(arg("tickets", "100"));
  const flows = Number(arg("flows", "4"));
  const seed = Number(arg("seed", "42"));
  const only = arg("only", "all");
  let failed = false;

  if (only === "all" || only === "faults") {
    const faults = `error=0.2,drop=0.05,dropAfter=0.05,latency=0-200,seed=${seed}`;
    console.log(
      `faults: ${tickets} tickets (approve) + ${flows} flows, parallelism unbounded, v4.10.19 sandbox --faults ${faults}`,
    );
    const r = await runFaultScenario({
      label: `soak-faults-${seed}`,
      tickets,
      flows,
      parallelism: tickets + flows,
      sandbox: { dialect: "selector", errors: "conflict", faults, rateLimit: "off" },
    });
    console.log(summary(r).join("\n"));
    failed ||= r.problems.length > 0;
  }

  if (only === "all" || only === "ratelimit") {
    console.log(
      `\nratelimit: ${tickets} tickets (approve) + ${flows} flows, parallelism unbounded, sandbox throttle 180/60 s per user (v4.10.16's default), client budget 170/min (default)`,
    );
    const r = await runFaultScenario({
      label: "soak-ratelimit",
      tickets,
      flows,
      parallelism: tickets + flows,
      sandbox: { dialect: "selector", errors: "conflict", rateLimit: "180/60" },
      config: { "jumpserver:requestsPerMinute": "170" },
    });
    console.log(summary(r).join("\n"));
    const floorMs = (r.requests / 180) * 60_000;
    // The throttle lets a first burst of 180 through at once: request k cannot start before
    // floor((k - 1) / 180) minutes have passed, a tighter floor for runs of a few hundred requests.
    const burstFloorMs = Math.floor((r.requests - 1) / 180) * 60_000;
    const failedResources = r.tickets.unfinished + r.flows.unfinished;
    console.log(
      `  failed resources: ${failedResources}; 429 answers: ${r.byStatus["429"] ?? 0}\n` +
        `  throttle floor (requests ÷ 180/min): ${(floorMs / 1000).toFixed(1)} s; wall ${(r.applyMs / 1000).toFixed(1)} s; ratio ${(r.applyMs / floorMs).toFixed(2)}×\n` +
        `  burst-aware floor (first 180 free, then 180/min): ${(burstFloorMs / 1000).toFixed(1)} s${burstFloorMs > 0 ? `; ratio ${(r.applyMs / burstFloorMs).toFixed(2)}×` : ""}`,
    );
    failed ||= r.problems.length > 0 || failedResources > 0;
  }
  if (failed) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
