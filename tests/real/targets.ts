// What the real layer runs against. `npm run test:real -- <ready-file>…` names JumpServer servers
// by ready files (the sandbox's ready-line shape: url, dialect, orgs, users with credentials,
// assets, nodes), e.g. the ones ../shared/real-jumpserver's up.sh writes, or a user's own staging
// server. Without ready files (plain `npm test`) the same suites run against the sandbox in each
// of its three modes, so they stay green in CI whether or not real servers were built.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import type { SeedInfo } from "../../sandbox";
import { sandbox, SERVER_MODES } from "../support/sandbox";

const run = promisify(execFile);

/** The ready-file shape: the sandbox's ready line (docs/sandbox.md, "Run it"). */
export type ReadyFile = Pick<
  SeedInfo,
  "url" | "dialect" | "orgs" | "users" | "assets" | "nodes"
> & {
  /**
   * The server scopes every request to the org X-JMS-ORG names, as JumpServer Enterprise does
   * (the kit's `KIT_MULTI_ORG=1` servers write it). Absent: a community edition, where only a
   * ticket body's org_id reaches an org other than Default.
   */
  multiOrg?: boolean;
};

export interface Target {
  /** e.g. "sandbox v4.10.16 (selector, legacy errors)" or "real v4.10.19 at http://127.0.0.1:9182". */
  label: string;
  kind: "sandbox" | "real";
  ready: ReadyFile;
  /** The ready file's `multiOrg`: the suites also run in Ops (tests/real/orgs.ts). */
  multiOrg: boolean;
  /**
   * Back to the seeded state: a fresh sandbox, or the kit's reset.sh. Absent for a server the
   * kit did not build: there the suites only create what they can clean up, and skip the probes
   * that leave flows behind (JumpServer cannot delete flows).
   */
  reset?: () => Promise<void>;
  /**
   * Stack config the suites add for the provider: none on a real server (the provider's defaults,
   * as a user runs it, including its client-side budget for v4.10.16's throttle); the sandbox runs
   * without a throttle, so neither does the provider.
   */
  providerConfig: Record<string, string>;
  close(): Promise<void>;
}

export interface TargetSpec {
  label: string;
  /** Known before opening, so that suites can run some tests on real servers only. */
  kind: Target["kind"];
  /** Known before opening (the ready file's `multiOrg`), so that suites can declare per-org tests. */
  multiOrg: boolean;
  open(): Promise<Target>;
}

/** Set by scripts/test-real.js: a JSON array of ready-file paths. */
export const TARGETS_ENV = "JMS_REAL_TARGETS";

/**
 * `0`: no sandbox targets (CI's second `npm test`, under Node 22: the real-layer section after it
 * runs these suites under the same Node against real servers, so a sandbox pass there adds time,
 * not coverage).
 */
export const ON_SANDBOX_ENV = "JMS_REAL_ON_SANDBOX";
let skipSaid = false;

export function targetSpecs(): TargetSpec[] {
  const files = process.env[TARGETS_ENV];
  if (files) return (JSON.parse(files) as string[]).map(realTarget);
  if (process.env[ON_SANDBOX_ENV] === "0") {
    if (!skipSaid)
      console.log(
        `SKIP real layer on the sandbox: ${ON_SANDBOX_ENV}=0 (the suites run against real servers: npm run test:real)`,
      );
    skipSaid = true;
    return [];
  }
  return SERVER_MODES.map((mode) => ({
    label: `sandbox ${mode.label}`,
    kind: "sandbox" as const,
    multiOrg: false,
    async open(): Promise<Target> {
      let sb = await sandbox(mode.options);
      const target: Target = {
        label: `sandbox ${mode.label}`,
        kind: "sandbox",
        ready: sb.seed,
        multiOrg: false,
        providerConfig: { "jumpserver:requestsPerMinute": "0" },
        async reset() {
          // Same port, so that a proxy in front of it keeps working.
          const port = Number(new URL(sb.url).port);
          await sb.close();
          sb = await sandbox({ ...mode.options, port });
          target.ready = sb.seed;
        },
        close: () => sb.close(),
      };
      return target;
    },
  }));
}

function realTarget(file: string): TargetSpec {
  const abs = path.resolve(file);
  const workdir = path.dirname(abs);
  const tag = kitTag(workdir);
  const multiOrg = readMultiOrg(abs);
  const label = `real ${tag ?? "JumpServer"}${multiOrg ? " multi-org" : ""} from ${abs}`;
  return {
    label,
    kind: "real",
    multiOrg,
    async open(): Promise<Target> {
      const ready = JSON.parse(fs.readFileSync(abs, "utf8")) as ReadyFile;
      const kit = tag ? kitDir() : undefined;
      return {
        label: `real ${tag ?? "JumpServer"}${multiOrg ? " multi-org" : ""} at ${ready.url}`,
        kind: "real",
        ready,
        multiOrg,
        providerConfig: {},
        reset: kit ? () => resetKitServer(kit, workdir) : undefined,
        close: async () => undefined,
      };
    },
  };
}

/**
 * The kit's reset.sh, asked again while PostgreSQL refuses its `dropdb --force` because an
 * autovacuum worker is in the database: PostgreSQL 15 checks the worker's role (none) like a
 * session's, and only a member of pg_signal_backend may end it. The worker is done in seconds.
 * By then reset.sh has only stopped the server, which it starts again, so asking again is safe.
 * Any other failure is final.
 */
export async function resetKitServer(
  kit: string,
  workdir: string,
  { attempts = 12, waitMs = 5000 } = {},
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await run(path.join(kit, "reset.sh"), [workdir], { maxBuffer: 16 << 20 });
      return;
    } catch (err) {
      const stderr = String((err as { stderr?: unknown }).stderr ?? "");
      if (attempt >= attempts || !AUTOVACUUM_IN_THE_WAY.test(stderr)) throw err;
      console.error(
        `    [reset] ${workdir}: an autovacuum worker holds the database; again in ${waitMs} ms`,
      );
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/** What `dropdb --force` prints when a process it may not end (an autovacuum worker) is in the database. */
export const AUTOVACUUM_IN_THE_WAY =
  /must be a member of the role whose process is being terminated or member of pg_signal_backend/;

function readMultiOrg(file: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(file, "utf8")) as ReadyFile).multiOrg === true;
  } catch {
    return false; // scripts/test-real.js has already said why the file is unreadable
  }
}

/** The kit's tag for a workdir it built (its instance.env), or undefined for any other server. */
function kitTag(workdir: string): string | undefined {
  try {
    const env = fs.readFileSync(path.join(workdir, "instance.env"), "utf8");
    return /^KIT_TAG=(\S+)$/m.exec(env)?.[1];
  } catch {
    return undefined;
  }
}

function kitDir(): string | undefined {
  const dir =
    process.env.JMS_KIT_DIR ??
    path.resolve(__dirname, "..", "..", "..", "shared", "real-jumpserver");
  return fs.existsSync(path.join(dir, "reset.sh")) ? dir : undefined;
}

export function userOf(ready: ReadyFile, username: string): ReadyFile["users"][number] {
  const u = ready.users.find((x) => x.username === username);
  if (!u) throw new Error(`the ready file has no user ${username}`);
  return u;
}

/** Stack config for a ready-file user, as `pulumi config set` would give it. */
export function configFor(
  ready: ReadyFile,
  url: string,
  username = "admin",
  extra: Record<string, string> = {},
): Record<string, string> {
  const u = userOf(ready, username);
  // A user the suite created (tests/real/orgs.ts) has a password and no access key.
  const credential: Record<string, string> = u.accessKey?.id
    ? { "jumpserver:accessKeyId": u.accessKey.id, "jumpserver:accessKeySecret": u.accessKey.secret }
    : { "jumpserver:username": u.username, "jumpserver:password": u.password };
  return { "jumpserver:url": url, ...credential, ...extra };
}
