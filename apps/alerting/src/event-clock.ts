/**
 * The correlation engine's clock: event time, not the wall clock, so that signals read after
 * downtime, or from a file of old lines, are judged by when they happened.
 *
 * Each input (a partition of the signals topic) that delivered within the last `idleMs` is
 * active and its time is the newest signal it delivered. While any input is active, the clock
 * is the slowest active input's time: partitions read in turns (a backlog, a burst of old
 * lines) hold each other back. When all are idle, each is assumed to keep up, its time running
 * on at wall speed from its newest signal, and the clock is the furthest of those (never past
 * the wall clock while signals are not from the future). A quiet partition stops no one. Inputs known to exist but
 * not heard from yet hold the clock for `idleMs` after the first signal of any input, and
 * inputs with a backlog at start until they delivered.
 */
export interface EventClockState {
  /** Per input: the newest signal time seen. */
  readonly newest: Readonly<Record<string, number>>;
}

export class EventClock {
  private readonly inputs = new Map<string, { newest: number; seenAt: number }>();
  /** Inputs the clock waits for, and until when (wall time). */
  private readonly awaited = new Map<string, number>();
  /** Inputs known to exist and never heard from: awaited from the first signal on. */
  private silent: string[] = [];

  constructor(private readonly idleMs: number) {}

  /** The inputs that exist; those never heard from hold the clock for idleMs after the first signal. */
  know(inputs: readonly string[]): void {
    this.silent = inputs.filter((input) => !this.inputs.has(input));
  }

  /** The clock stands still until each of these inputs delivered something, or `untilWall` passed. */
  await(inputs: readonly string[], untilWall: number): void {
    for (const input of inputs) this.awaited.set(input, untilWall);
  }

  /** `input` delivered a record, a signal or not. */
  touch(input: string): void {
    this.awaited.delete(input);
  }

  /** A signal of `input` with event time `timestamp` was read at wall time `wallNow`. */
  observe(input: string, timestamp: number, wallNow: number): void {
    if (this.inputs.size === 0 && this.silent.length > 0) {
      this.await(
        this.silent.filter((other) => other !== input && !this.awaited.has(other)),
        wallNow + this.idleMs,
      );
      this.silent = [];
    }
    this.awaited.delete(input);
    const current = this.inputs.get(input);
    if (current === undefined) this.inputs.set(input, { newest: timestamp, seenAt: wallNow });
    else {
      current.seenAt = wallNow;
      if (timestamp > current.newest) current.newest = timestamp;
    }
  }

  /** The event time every input has reached at wall time `wallNow`; undefined before the first signal or while an awaited input is silent. */
  now(wallNow: number): number | undefined {
    for (const [input, until] of this.awaited) {
      if (until > wallNow) return undefined;
      this.awaited.delete(input);
    }
    let slowestActive: number | undefined;
    let idleTime: number | undefined;
    for (const { newest, seenAt } of this.inputs.values()) {
      if (wallNow - seenAt < this.idleMs) {
        if (slowestActive === undefined || newest < slowestActive) slowestActive = newest;
      } else {
        const time = newest + (wallNow - seenAt);
        if (idleTime === undefined || time > idleTime) idleTime = time;
      }
    }
    return slowestActive ?? idleTime;
  }

  state(): EventClockState {
    return { newest: Object.fromEntries([...this.inputs].map(([input, { newest }]) => [input, newest])) };
  }

  /** Takes a saved state back; the wall time of the restore counts as when each input was last seen, so the downtime does not move the clock. */
  restore(state: EventClockState | undefined, wallNow: number): void {
    this.inputs.clear();
    for (const [input, newest] of Object.entries(state?.newest ?? {})) {
      if (typeof newest === 'number' && Number.isFinite(newest)) this.inputs.set(input, { newest, seenAt: wallNow });
    }
  }
}
