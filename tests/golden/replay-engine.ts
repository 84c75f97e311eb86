// Replays a golden transcript (one JSON exchange a line, recorded from a real JumpServer) against
// a fresh sandbox in that version's mode and compares every answer. Used by replay.test.ts and
// scripts/replay.ts.
//
// Comparison rules (docs/sandbox.md, "Checked against real servers"):
// - status and content type must be equal;
// - JSON shape: the same keys at every level and the same value types;
// - ids: a golden id maps to one sandbox id (seed ids by username / asset name / node value / org
//   name, created ids by order of first appearance), consistently in both directions;
// - timestamps compare by format, serial numbers by format, absolute URLs without their origin;
// - display text (labels, *_display, rel_snapshot, created_by, comments, related-object names,
//   role display names) may differ: that makes the exchange "shape" instead of "exact";
// - everything else (values, `value`s of choices, detail/msg/code, field-error messages) must be equal;
// - lists of flow rules and of process_map steps compare ordered by level (v3 returns them in
//   storage order: clients sort them).
import * as fs from "node:fs";
import * as path from "node:path";
import { startSandbox } from "../../sandbox";
import { parseDate } from "../../sandbox/dates";
import type { Sandbox, SandboxOptions } from "../../sandbox";
import { call, Auth } from "../sandbox/http";
import { EXCEPTIONS } from "./exceptions";

export const FIXTURES = path.join(__dirname, "fixtures");

export interface GoldenSeed {
  dialect: string;
  version: string;
  orgs: Array<{ id: string; name: string }>;
  users: Array<{ id: string; username: string }>;
  assets: Array<{ id: string; name: string }>;
  nodes: Array<{ id: string; value: string }>;
  /** Recorded on a multi-org server (JumpServer Enterprise's org scoping): replayed in `orgs: "enterprise"`. */
  multiOrg?: boolean;
}

export interface Exchange {
  line: number;
  step: string;
  who: string;
  org: string | null;
  method: string;
  path: string;
  body: unknown;
  status: number;
  contentType: string | null;
  wwwAuthenticate: string | null;
  response: unknown;
}

export type Verdict = "exact" | "shape" | "differ" | "exception";

export interface ExchangeResult {
  exchange: Exchange;
  verdict: Verdict;
  /** Differences that fail the replay. */
  problems: string[];
  /** Display-text differences (allowed). */
  cosmetic: string[];
  gotStatus: number;
  exceptionReason?: string;
}

export function loadTranscript(file: string): { seed: GoldenSeed; exchanges: Exchange[] } {
  const lines = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim());
  const seed = (JSON.parse(lines[0]) as { seed: GoldenSeed }).seed;
  const exchanges = lines
    .slice(1)
    .map((l, i) => ({ line: i + 1, ...(JSON.parse(l) as Omit<Exchange, "line">) }));
  return { seed, exchanges };
}

const RECORDED_STAMP =
  /"(?:date_created|date_updated)":"(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4})"/g;

/**
 * When the transcript was recorded: the latest creation or update time the server reported in
 * any answer (a real server stamps those from its clock; expiry dates are in the future and
 * don't count). The replay starts the sandbox's clock there, so `is_expired`/`is_valid` are
 * answered as at the recording, whatever today's date is.
 */
export function recordedAt(exchanges: Exchange[]): number {
  let latest = NaN;
  for (const ex of exchanges)
    for (const m of JSON.stringify(ex.response ?? null).matchAll(RECORDED_STAMP)) {
      const at = parseDate(m[1]);
      if (at !== null && !(at <= latest)) latest = at;
    }
  if (Number.isNaN(latest)) throw new Error("the transcript holds no date_created/date_updated");
  return latest;
}

/** The sandbox mode of each verified version (docs/sandbox.md, "Checked against real servers"). */
export function modeFor(version: string): SandboxOptions {
  if (version.startsWith("v3.")) return { dialect: "strategy", errors: "legacy" };
  if (version === "v4.10.16") return { dialect: "selector", errors: "legacy" };
  if (version === "v4.10.19") return { dialect: "selector", errors: "conflict" };
  throw new Error(`no sandbox mode for JumpServer ${version}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_ANY = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const DRF_DATE = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}$/;
const PY_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$/;
const SERIAL = /^\d{12}$/;
const ORIGIN = /^https?:\/\/[^/]+/;

class IdMap {
  private g2s = new Map<string, string>();
  private s2g = new Map<string, string>();

  bind(g: string, s: string): void {
    this.g2s.set(g.toLowerCase(), s.toLowerCase());
    this.s2g.set(s.toLowerCase(), g.toLowerCase());
  }

  toSandbox(g: string): string {
    return this.g2s.get(g.toLowerCase()) ?? g;
  }

  /** Null when consistent (binding on first sight), else the reason. */
  check(g: string, s: string): string | null {
    const gl = g.toLowerCase();
    const sl = s.toLowerCase();
    const known = this.g2s.get(gl);
    if (known !== undefined) return known === sl ? null : `id ${g} was ${known} before, now ${s}`;
    const back = this.s2g.get(sl);
    if (back !== undefined) return `sandbox id ${s} already stands for ${back}, not ${g}`;
    this.bind(gl, sl);
    return null;
  }

  prefixPair(g4: string): string | undefined {
    for (const [g, s] of this.g2s) if (g.startsWith(g4)) return s.slice(0, 4);
    return undefined;
  }
}

function translate(value: unknown, ids: IdMap): unknown {
  if (typeof value === "string") return value.replace(UUID_ANY, (m) => ids.toSandbox(m));
  if (Array.isArray(value)) return value.map((v) => translate(v, ids));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, translate(v, ids)]));
  return value;
}

const typeOf = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "array" : typeof v;

/** Keys whose string values are display text (labels, names shown to people). */
function isDisplay(
  key: string,
  parent: Record<string, unknown> | null,
  pathParts: string[],
): boolean {
  if (pathParts.includes("rel_snapshot")) return true;
  if (key.endsWith("_display") || pathParts.some((p) => p.endsWith("_display"))) return true;
  if (["created_by", "comment", "display_name", "org_name", "applicant"].includes(key)) return true;
  if (key === "label" && parent && "value" in parent) return true;
  // A related object {id, name[, username]}: its name is display text.
  if (key === "name" && parent && "id" in parent && Object.keys(parent).length <= 3) return true;
  return false;
}

function sortByLevel(list: unknown[]): unknown[] {
  const level = (x: unknown) => {
    const o = x as Record<string, unknown>;
    return Number(o.level ?? o.approval_level ?? 0);
  };
  return [...list].sort((a, b) => level(a) - level(b));
}

function compare(
  g: unknown,
  s: unknown,
  where: string[],
  parent: Record<string, unknown> | null,
  ids: IdMap,
  problems: string[],
  cosmetic: string[],
): void {
  const at = "$" + where.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("");
  const key = where[where.length - 1] ?? "";
  if (typeOf(g) !== typeOf(s)) {
    problems.push(
      `${at}: expected ${typeOf(g)} ${JSON.stringify(g)?.slice(0, 80)}, got ${typeOf(s)} ${JSON.stringify(s)?.slice(0, 80)}`,
    );
    return;
  }
  if (Array.isArray(g) && Array.isArray(s)) {
    if (g.length !== s.length) {
      problems.push(`${at}: expected ${g.length} items, got ${s.length}`);
      return;
    }
    const byLevel =
      g.length > 0 &&
      g.every((x) => x && typeof x === "object" && ("level" in x || "approval_level" in x));
    const gg = byLevel ? sortByLevel(g) : g;
    const ss = byLevel ? sortByLevel(s) : s;
    gg.forEach((item, i) =>
      compare(item, ss[i], [...where, String(i)], parent, ids, problems, cosmetic),
    );
    return;
  }
  if (g && typeof g === "object") {
    const go = g as Record<string, unknown>;
    const so = s as Record<string, unknown>;
    const missing = Object.keys(go).filter((k) => !(k in so));
    const extra = Object.keys(so).filter((k) => !(k in go));
    if (missing.length) problems.push(`${at}: missing keys ${missing.join(", ")}`);
    if (extra.length) problems.push(`${at}: unexpected keys ${extra.join(", ")}`);
    for (const k of Object.keys(go))
      if (k in so) compare(go[k], so[k], [...where, k], go, ids, problems, cosmetic);
    return;
  }
  if (typeof g === "string" && typeof s === "string") {
    if (UUID.test(g)) {
      if (!UUID.test(s)) problems.push(`${at}: expected an id, got ${JSON.stringify(s)}`);
      else {
        const why = ids.check(g, s);
        if (why) problems.push(`${at}: ${why}`);
      }
      return;
    }
    if (DRF_DATE.test(g) || PY_DATE.test(g)) {
      const fmt = DRF_DATE.test(g) ? DRF_DATE : PY_DATE;
      if (!fmt.test(s))
        problems.push(
          `${at}: expected a timestamp like ${JSON.stringify(g)}, got ${JSON.stringify(s)}`,
        );
      return;
    }
    if (key === "serial_num" && SERIAL.test(g)) {
      if (!SERIAL.test(s))
        problems.push(`${at}: expected a serial number, got ${JSON.stringify(s)}`);
      return;
    }
    let gn = g.replace(ORIGIN, "<origin>").replace(UUID_ANY, (m) => ids.toSandbox(m));
    const sn = s.replace(ORIGIN, "<origin>");
    // Permission names embed the first 4 characters of the ticket id: "…(title-fabe)".
    gn = gn.replace(/-([0-9a-f]{4})\)$/, (m, g4: string) => {
      const s4 = ids.prefixPair(g4);
      return s4 ? `-${s4})` : m;
    });
    if (gn === sn) return;
    const line = `${at}: expected ${JSON.stringify(g)}, got ${JSON.stringify(s)}`;
    if (isDisplay(key, parent, where)) cosmetic.push(line);
    else problems.push(line);
    return;
  }
  if (g !== s) problems.push(`${at}: expected ${JSON.stringify(g)}, got ${JSON.stringify(s)}`);
}

function authFor(who: string, sandbox: Sandbox): Auth | undefined {
  if (who === "anonymous") return undefined;
  if (who === "admin-bad-secret") {
    const admin = sandbox.seed.users.find((u) => u.username === "admin");
    if (!admin) throw new Error("seed has no admin");
    return { accessKey: { id: admin.accessKey.id, secret: "0".repeat(36) } };
  }
  const user = sandbox.seed.users.find((u) => u.username === who);
  if (!user) throw new Error(`transcript names unknown user "${who}"`);
  return { accessKey: user.accessKey };
}

function seedIds(seed: GoldenSeed, sandbox: Sandbox, ids: IdMap): void {
  const s = sandbox.seed;
  const pairs = <T, U>(
    gs: T[],
    ss: U[],
    gk: (x: T) => string,
    sk: (x: U) => string,
    gid: (x: T) => string,
    sid: (x: U) => string,
  ) => {
    for (const g of gs) {
      const match = ss.find((x) => sk(x).toLowerCase() === gk(g).toLowerCase());
      if (!match) throw new Error(`sandbox seed lacks ${gk(g)}`);
      ids.bind(gid(g), sid(match));
    }
  };
  pairs(
    seed.orgs,
    s.orgs,
    (o) => o.name,
    (o) => o.name,
    (o) => o.id,
    (o) => o.id,
  );
  pairs(
    seed.users,
    s.users,
    (u) => u.username,
    (u) => u.username,
    (u) => u.id,
    (u) => u.id,
  );
  pairs(
    seed.assets,
    s.assets,
    (a) => a.name,
    (a) => a.name,
    (a) => a.id,
    (a) => a.id,
  );
  pairs(
    seed.nodes,
    s.nodes,
    (n) => n.value,
    (n) => n.value,
    (n) => n.id,
    (n) => n.id,
  );
}

export interface ReplayReport {
  transcript: string;
  version: string;
  results: ExchangeResult[];
  counts: Record<Verdict, number>;
}

/** Replay `file`; `mode` overrides the version's sandbox mode (to prove the comparison can fail). */
export async function replay(file: string, mode?: SandboxOptions): Promise<ReplayReport> {
  const { seed, exchanges } = loadTranscript(file);
  const name = path.basename(file);
  const sandbox = await startSandbox({
    ...(mode ?? modeFor(seed.version)),
    ...(seed.multiOrg && !mode ? { orgs: "enterprise" as const } : {}),
    now: recordedAt(exchanges),
  });
  const ids = new IdMap();
  const results: ExchangeResult[] = [];
  try {
    seedIds(seed, sandbox, ids);
    for (const ex of exchanges) {
      const reqPath = translate(ex.path, ids) as string;
      const body = ex.body === null || ex.body === undefined ? undefined : translate(ex.body, ids);
      const res = await call(sandbox.url, ex.method, reqPath, {
        auth: authFor(ex.who, sandbox),
        org: ex.org ? ids.toSandbox(ex.org) : undefined,
        ...(typeof body === "string" ? { rawBody: body } : { body }),
      });
      const problems: string[] = [];
      const cosmetic: string[] = [];
      const exception = EXCEPTIONS.find((e) => e.transcript === name && e.exchange === ex.line);
      if (res.status !== ex.status)
        problems.push(`status: expected ${ex.status}, got ${res.status}`);
      const gotType = String(res.headers["content-type"] ?? "").split(";")[0] || null;
      const wantType = (ex.contentType ?? "").split(";")[0] || null;
      if (gotType !== wantType) problems.push(`content type: expected ${wantType}, got ${gotType}`);
      const gotAuth = (res.headers["www-authenticate"] as string | undefined) ?? null;
      if ((ex.wwwAuthenticate ?? null) !== gotAuth)
        problems.push(`WWW-Authenticate: expected ${ex.wwwAuthenticate}, got ${gotAuth}`);
      // An empty answer (204) is recorded as null.
      if (res.status === ex.status)
        compare(ex.response, res.json ?? null, [], null, ids, problems, cosmetic);
      let verdict: Verdict = problems.length ? "differ" : cosmetic.length ? "shape" : "exact";
      if (
        verdict === "differ" &&
        exception &&
        ex.status === 500 &&
        res.status === 400 &&
        namesAField(res.json)
      ) {
        verdict = "exception";
      }
      results.push({
        exchange: ex,
        verdict,
        problems,
        cosmetic,
        gotStatus: res.status,
        exceptionReason: exception?.reason,
      });
    }
  } finally {
    await sandbox.close();
  }
  const counts: Record<Verdict, number> = { exact: 0, shape: 0, differ: 0, exception: 0 };
  for (const r of results) counts[r.verdict]++;
  return { transcript: name, version: seed.version, results, counts };
}

/** A 400 that names the field: a field-error object, not a bare detail/error. */
function namesAField(body: unknown): boolean {
  if (!body || typeof body !== "object" || Array.isArray(body)) return false;
  const keys = Object.keys(body);
  return keys.length > 0 && keys.every((k) => !["detail", "error", "code"].includes(k));
}

export function formatReport(r: ReplayReport, maxDiffs = 5): string {
  const lines = [
    `${r.transcript} (${r.version}): ${r.results.length} exchanges: ${r.counts.exact} exact, ${r.counts.shape} shape only, ${r.counts.exception} listed 500-exceptions, ${r.counts.differ} differ`,
  ];
  const bad = r.results.filter((x) => x.verdict === "differ");
  for (const x of bad.slice(0, maxDiffs)) {
    const e = x.exchange;
    lines.push(`  golden #${e.line} [${e.step}] ${e.who} ${e.method} ${e.path}`);
    for (const p of x.problems.slice(0, 8)) lines.push(`      ${p}`);
  }
  if (bad.length > maxDiffs)
    lines.push(`  … and ${bad.length - maxDiffs} more differing exchanges`);
  return lines.join("\n");
}
