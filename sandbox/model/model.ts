// The sandbox's model (moto's models.py): the state, the version's profile, the clock, and one
// backend per service (flows, tickets, permissions, auth tokens). Inputs arrive parsed and
// validated by the routes; the backends enforce who may act and what moves where.
import type { Profile } from "../versions";
import { FlowsBackend } from "./flows";
import { PermissionsBackend } from "./permissions";
import type { State, UserRec } from "./state";
import { TicketsBackend } from "./tickets";
import { TokensBackend } from "./tokens";

export const ACTION_BITS: Record<string, number> = {
  connect: 1,
  upload: 2,
  download: 4,
  copy: 8,
  paste: 16,
  delete: 32,
  share: 64,
};
export const ALL_ACTIONS = 127;

export class Model {
  readonly flows = new FlowsBackend(this);
  readonly tickets = new TicketsBackend(this);
  readonly permissions = new PermissionsBackend(this);
  readonly tokens = new TokensBackend(this);
  private lastMicros = 0;

  constructor(
    public state: State,
    readonly profile: Profile,
    /** How far the sandbox's clock is from the wall clock (ms): `SandboxOptions.now`. */
    private readonly clockOffsetMs = 0,
  ) {}

  /** The sandbox's clock: every timestamp, expiry and serial number is read from it. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Strictly increasing microsecond clock (never a whole second: Python's str() would drop it). */
  nowMicros(): number {
    let m = this.now() * 1000 + Math.floor(Math.random() * 1000);
    if (m <= this.lastMicros) m = this.lastMicros + 1;
    if (m % 1_000_000 === 0) m += 1;
    this.lastMicros = m;
    return m;
  }

  user(id: string): UserRec | undefined {
    return this.state.users.find((u) => u.id === id);
  }
}
