// npm run bench:sandbox [-- --seconds N]: requests per second of the sandbox on loopback for
// signed GETs (a flow page) and ticket opens, at concurrency 1 and 10. Prints figures; asserts nothing.
import { startSandbox } from "../sandbox";
import { call } from "../tests/sandbox/http";

const DEFAULT_ORG = "00000000-0000-0000-0000-000000000002";

async function measure(
  seconds: number,
  concurrency: number,
  one: () => Promise<number>,
): Promise<{ rps: number; errors: number }> {
  const until = Date.now() + seconds * 1000;
  let done = 0;
  let errors = 0;
  const worker = async () => {
    while (Date.now() < until) {
      const status = await one().catch(() => 0);
      if (status >= 200 && status < 300) done++;
      else errors++;
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { rps: (done / (Date.now() - t0)) * 1000, errors };
}

async function main(): Promise<void> {
  const i = process.argv.indexOf("--seconds");
  const seconds = i > 0 ? Number(process.argv[i + 1]) : 3;
  const sb = await startSandbox({ rateLimit: "off" });
  const admin = sb.seed.users.find((u) => u.username === "admin");
  const requester = sb.seed.users.find((u) => u.username === "requester");
  if (!admin || !requester) throw new Error("seed users missing");
  const signedGet = () =>
    call(sb.url, "GET", "/api/v1/tickets/flows/?limit=10&offset=0", {
      auth: { accessKey: admin.accessKey },
      org: DEFAULT_ORG,
    }).then((r) => r.status);
  let n = 0;
  const open = () => {
    const start = new Date();
    return call(sb.url, "POST", "/api/v1/tickets/apply-asset-tickets/open/", {
      auth: { accessKey: requester.accessKey },
      org: DEFAULT_ORG,
      body: {
        title: `bench-${n++}`,
        org_id: DEFAULT_ORG,
        apply_assets: [sb.seed.assets[0].id],
        apply_accounts: ["@ALL"],
        apply_actions: ["connect"],
        apply_date_start: start.toISOString(),
        apply_date_expired: new Date(start.getTime() + 86_400_000).toISOString(),
      },
    }).then((r) => r.status);
  };
  console.log(
    `jms-sandbox ${sb.seed.version} on ${sb.url}, ${seconds}s per figure, new connection per request`,
  );
  for (const [name, fn] of [
    ["signed GET flows page", signedGet],
    ["ticket open (POST)", open],
  ] as const)
    for (const c of [1, 10]) {
      const { rps, errors } = await measure(seconds, c, fn);
      console.log(
        `${name.padEnd(24)} concurrency ${String(c).padStart(2)}: ${rps.toFixed(0).padStart(6)} req/s${errors ? ` (${errors} errors)` : ""}`,
      );
    }
  await sb.close();
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
