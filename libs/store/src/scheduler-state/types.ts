/** Who may run the alerting scheduler now: one holder, until `expiresAt` unless renewed. */
export interface Lease {
  readonly name: string;
  readonly holder: string;
  /** Grows by one each time the lease changes holder: a fencing token for what the holder writes. */
  readonly epoch: number;
  /** ms since the epoch, by the clock of the process that took or renewed it. */
  readonly expiresAt: number;
}

/** A checkpoint as stored: its state (plain JSON) and a version that grows by one per write. */
export interface Checkpoint {
  readonly name: string;
  readonly version: number;
  readonly state: unknown;
  readonly savedAt: string;
}

/**
 * A checkpoint state the caller already serialized as JSON text: a state of many megabytes is
 * then serialized once (the caller builds it from live data and reports its size), not again
 * by the store. It is read back as the parsed value, like any other state.
 */
export class SerializedState {
  constructor(readonly json: string) {}
}

/** The text a store keeps for a checkpoint state. */
export function checkpointText(state: unknown): string {
  return state instanceof SerializedState ? state.json : JSON.stringify(state);
}

/**
 * The scheduler's coordination state beside the alerts: leases (exactly one active scheduler)
 * and checkpoints (its windows and input positions), both written by compare-and-set, so two
 * processes that both believe they are active can never both win a write; and the
 * notification throttles every process shares.
 */
export interface SchedulerStateStore {
  ensureReady(): Promise<void>;
  /**
   * Takes the lease when it is free or expired at `now`, or renews it when `holder` holds it,
   * until `now + ttlMs`. Returns the lease held after the call, or undefined when another
   * holder's lease is still live (or another process won the race for it).
   */
  acquireLease(name: string, holder: string, ttlMs: number, now?: number): Promise<Lease | undefined>;
  /** Gives the lease up at once when `holder` holds it, so a standby need not wait for it to expire. */
  releaseLease(name: string, holder: string): Promise<void>;
  readLease(name: string): Promise<Lease | undefined>;
  readCheckpoint(name: string): Promise<Checkpoint | undefined>;
  /**
   * Writes the checkpoint when the stored version is still `expectedVersion` (0: none stored)
   * and returns the new version; throws StoreError SIEM_STORE_CONFLICT when another writer
   * got there first (a scheduler that lost its lease). `state` is plain JSON data or a
   * SerializedState.
   */
  writeCheckpoint(name: string, state: unknown, expectedVersion: number): Promise<number>;
  /**
   * Counts one notification of `key` in the window that starts at `windowStart` when fewer
   * than `max` were counted in it, and says whether it did (the notification may go). One
   * atomic step for every process and host that shares the store, so the processor workers'
   * and the scheduler's notifications of one action share one throttle.
   */
  takeThrottle(key: string, windowStart: number, max: number): Promise<boolean>;
  close(): Promise<void>;
}
