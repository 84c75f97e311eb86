// Asset-permission actions. Current names are bits; the seed's (v2) names are mapped onto them.

export const ACTIONS = [
  "connect",
  "upload",
  "download",
  "copy",
  "paste",
  "delete",
  "share",
] as const;
export type Action = (typeof ACTIONS)[number];

const LEGACY: Record<string, Action[]> = {
  upload_file: ["upload"],
  download_file: ["download"],
  updownload: ["upload", "download"],
  clipboard_copy: ["copy"],
  clipboard_paste: ["paste"],
  clipboard_copy_paste: ["copy", "paste"],
};

/** Maps names (current, "all", or the older ones) to current names, folded and in bit order. */
export function normalizeActions(names: string[]): { actions: string[]; unknown: string[] } {
  const set = new Set<string>();
  const unknown: string[] = [];
  let all = false;
  for (const raw of names) {
    const n = String(raw).trim();
    // "all" grants everything, but a typo beside it is still a typo: keep looking.
    if (n === "all") all = true;
    else if ((ACTIONS as readonly string[]).includes(n)) set.add(n);
    // Own keys only: "valueOf" or "constructor" must not find Object.prototype's members.
    else if (Object.prototype.hasOwnProperty.call(LEGACY, n)) LEGACY[n].forEach((a) => set.add(a));
    else unknown.push(n);
  }
  if (all || set.size === ACTIONS.length) return { actions: ["all"], unknown };
  return { actions: ACTIONS.filter((a) => set.has(a)), unknown };
}

/** The server answers `[{value,label}]`; all seven bits read back as "all". */
export function actionsFromServer(v: unknown): string[] {
  const names = Array.isArray(v)
    ? v.map((x) =>
        x && typeof x === "object" && "value" in x
          ? String((x as { value: unknown }).value)
          : String(x),
      )
    : [];
  return normalizeActions(names).actions;
}
