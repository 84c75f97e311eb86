// --state FILE: the whole model as JSON, written through (a write is on disk, fsynced and renamed
// into place, before its answer is sent) and restored at start.
import * as fs from "node:fs";
import * as path from "node:path";
import type { State } from "./model/state";

export class StateFile {
  constructor(readonly file: string) {}

  /** The saved state, or null when the file does not exist yet. */
  load(): State | null {
    let text: string;
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new Error(`state: cannot read ${this.file}: ${(e as Error).message}`);
    }
    try {
      const state = JSON.parse(text) as State;
      if (!state || !Array.isArray(state.tickets) || !state.mode)
        throw new Error("not a sandbox state file");
      return state;
    } catch (e) {
      throw new Error(`state: ${this.file} is not a sandbox state file (${(e as Error).message})`);
    }
  }

  save(state: State): void {
    const tmp = path.join(
      path.dirname(this.file),
      `.${path.basename(this.file)}.${process.pid}.tmp`,
    );
    const fd = fs.openSync(tmp, "w");
    try {
      fs.writeSync(fd, JSON.stringify(state));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
  }
}
