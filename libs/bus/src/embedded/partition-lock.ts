import { open, readFile, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { threadId } from 'node:worker_threads';
import { BusError, BusErrorCodes } from '../errors';
import type { BusLogger } from './logger';

/** Lock files this process holds or is creating; another writer in the same process waits for them. */
const heldHere = new Set<string>();
/** A lock file still empty after this long lost its creator between create and write. */
const EMPTY_LOCK_STALE_MS = 10_000;
const MAX_BACKOFF_MS = 20;

interface Holder {
  /** Undefined while the creator has not written its pid yet. */
  readonly pid?: number;
  readonly threadId?: number;
  readonly ageMs: number;
}

/**
 * Serialises appends to one partition across processes: a file created with
 * O_EXCL ('wx') holding the owner's pid and thread id, removed on release. A
 * lock whose owner died (kill(pid, 0) fails with ESRCH) is broken, under a second
 * O_EXCL file so that two processes breaking the same stale lock cannot
 * delete a fresh lock taken in between. Known limit: a dead owner's pid
 * reused by an unrelated live process keeps the lock until the acquire
 * timeout, and the appender then reports a retryable error.
 */
export class PartitionLock {
  constructor(
    private readonly path: string,
    private readonly logger: BusLogger,
  ) {}

  async acquire(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let backoff = 1;
    let holder: Holder | undefined;
    for (;;) {
      if (!heldHere.has(this.path)) {
        if (await tryCreate(this.path)) return;
        holder = await readHolder(this.path);
        // Released between our create and our read: try again at once.
        if (holder === undefined) continue;
        if (isStale(this.path, holder) && (await this.breakStale(holder))) continue;
      }
      if (Date.now() >= deadline) {
        throw new BusError(
          BusErrorCodes.produceFailed,
          `Could not lock ${this.path} within ${timeoutMs} ms: ${holder ? `process ${holder.pid ?? '(starting)'} has held it for ${holder.ageMs} ms` : 'another writer in this process holds it'}. If no such process is appending, delete the file.`,
          { retryable: true },
        );
      }
      await sleep(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  async release(): Promise<void> {
    try {
      await unlink(this.path);
    } catch (error) {
      this.logger.warn({ err: error, lock: this.path }, 'The partition lock was already gone on release.');
    } finally {
      heldHere.delete(this.path);
    }
  }

  /** True when the stale lock is gone (by us or someone else); false while another process is breaking it. */
  private async breakStale(stale: Holder): Promise<boolean> {
    const breakPath = `${this.path}.break`;
    if (!(await tryCreate(breakPath))) {
      const breaker = await readHolder(breakPath);
      if (breaker && isStale(breakPath, breaker)) await unlink(breakPath).catch(() => undefined);
      return false;
    }
    try {
      const current = await readHolder(this.path);
      if (current && current.pid === stale.pid && isStale(this.path, current)) {
        await unlink(this.path);
        this.logger.warn({ lock: this.path, deadPid: stale.pid }, 'Broke a partition lock left by a process that no longer runs.');
      }
      return true;
    } finally {
      heldHere.delete(breakPath);
      await unlink(breakPath).catch(() => undefined);
    }
  }
}

/** Creates the lock file with our pid; false when someone holds it. */
async function tryCreate(path: string): Promise<boolean> {
  if (heldHere.has(path)) return false;
  // Marked before the first await, so a writer in this process never mistakes our half-made lock for a stale one.
  heldHere.add(path);
  try {
    const handle = await open(path, 'wx');
    try {
      await handle.write(`${process.pid} ${threadId}\n`);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    heldHere.delete(path);
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Who holds the lock; undefined when it vanished meanwhile (then simply try again). */
async function readHolder(path: string): Promise<Holder | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    const [pid, thread] = text.split(' ').map((part) => Number.parseInt(part, 10));
    return {
      pid: pid !== undefined && Number.isInteger(pid) && pid > 0 ? pid : undefined,
      threadId: thread !== undefined && Number.isInteger(thread) ? thread : undefined,
      ageMs: Math.max(0, Date.now() - info.mtimeMs),
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isStale(path: string, holder: Holder): boolean {
  if (holder.pid === undefined) return holder.ageMs > EMPTY_LOCK_STALE_MS;
  // Our own pid and thread on a lock we do not hold: left by an earlier process that had the same pid.
  // Another worker thread of this process is alive by definition.
  if (holder.pid === process.pid) return (holder.threadId ?? threadId) === threadId && !heldHere.has(path);
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
