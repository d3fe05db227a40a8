import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { BusError, BusErrorCodes } from '../errors';
import type { BusRecord } from '../types';
import { DurableEndFile, sameEnd, type DurableEnd } from './durable-end';
import type { BusLogger } from './logger';
import { durableEndPath, listSegments, lockPath, segmentFileName, segmentPath } from './layout';
import { PartitionLock } from './partition-lock';
import { checkRecord, encodeBatch } from './record-format';
import { isStorageFailure, storageUnavailable, syncDirectory } from './storage';

const RECOVERY_READ_BYTES = 4 * 1024 * 1024;

export interface PartitionWriterOptions {
  readonly dir: string;
  readonly topic: string;
  readonly partition: number;
  readonly segmentBytes: number;
  readonly lockTimeoutMs: number;
  readonly logger: BusLogger;
}

export interface AppendResult {
  readonly firstOffset: number;
  readonly lastOffset: number;
}

/** The segment appends go to, and how far it holds records known to be whole. */
interface Tail {
  readonly base: number;
  readonly handle: FileHandle;
  size: number;
  nextOffset: number;
}

/**
 * Appends batches to one partition. Each batch is encoded into one buffer,
 * written with one positional write and made durable with one fdatasync while
 * the partition lock is held; then the durable end moves past it (readers see
 * the batch from then on) and `append` resolves.
 *
 * Before each append the writer compares the segment's real size with the end
 * of what it knows to be whole. A difference means another process appended
 * or one died mid-write, so it checks the bytes from the last known good point
 * (its own, or the published durable end, whichever is further) and truncates
 * whatever does not check out: a torn tail is never replayed.
 */
export class PartitionWriter {
  private tail: Tail | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private dirReady = false;
  private readonly lock: PartitionLock;
  private readonly durableEnd: DurableEndFile;

  constructor(private readonly options: PartitionWriterOptions) {
    this.lock = new PartitionLock(lockPath(options.dir), options.logger);
    this.durableEnd = new DurableEndFile(durableEndPath(options.dir), 'write');
  }

  /** Appends in call order; one batch at a time per writer. */
  append(records: readonly BusRecord[]): Promise<AppendResult> {
    return this.enqueue(this.options.lockTimeoutMs, async (tail) => {
      const batch = this.encode(records, tail.nextOffset);
      const target = batch.length + tail.size > this.options.segmentBytes && tail.size > 0 ? await this.roll(tail) : tail;
      await this.writeDurably(target, batch);
      const firstOffset = target.nextOffset;
      target.nextOffset += records.length;
      await this.publish(target);
      return { firstOffset, lastOffset: target.nextOffset - 1 };
    });
  }

  /**
   * Recovers the tail and publishes the durable end without appending: what a
   * reader asks for when it finds bytes past the durable end that no live
   * writer is finishing (a writer died between fsync and publishing, or mid-write).
   */
  recoverTail(lockTimeoutMs: number): Promise<void> {
    return this.enqueue(lockTimeoutMs, async () => undefined);
  }

  async close(): Promise<void> {
    await this.queue;
    const tail = this.tail;
    this.tail = undefined;
    await tail?.handle.close();
    await this.durableEnd.close();
  }

  private enqueue<T>(lockTimeoutMs: number, work: (tail: Tail) => Promise<T>): Promise<T> {
    const result = this.queue.then(() => this.locked(lockTimeoutMs, work));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async locked<T>(lockTimeoutMs: number, work: (tail: Tail) => Promise<T>): Promise<T> {
    try {
      if (!this.dirReady) {
        await mkdir(this.options.dir, { recursive: true });
        this.dirReady = true;
      }
      await this.lock.acquire(lockTimeoutMs);
    } catch (error) {
      throw this.describe(error, this.options.dir);
    }
    try {
      return await work(await this.syncTail());
    } catch (error) {
      throw this.describe(error, this.tail ? segmentPath(this.options.dir, this.tail.base) : this.options.dir);
    } finally {
      await this.lock.release();
    }
  }

  private encode(records: readonly BusRecord[], firstOffset: number): Buffer {
    try {
      return encodeBatch(records, firstOffset, Date.now());
    } catch (cause) {
      throw new BusError(BusErrorCodes.produceFailed, `A record cannot be stored in topic ${this.options.topic}: ${(cause as Error).message}`, { cause, retryable: false });
    }
  }

  /** Brings the writer's view in line with the files: the newest segment, checked from the last known good point. */
  private async syncTail(): Promise<Tail> {
    const segments = await listSegments(this.options.dir);
    const newest = segments.at(-1);
    if (newest === undefined) {
      // Offsets never restart, even if every segment file was removed by hand.
      const base = this.tail?.nextOffset ?? (await this.durableEnd.read())?.nextOffset ?? 0;
      await this.tail?.handle.close();
      this.tail = await this.createSegment(base);
      return this.tail;
    }
    if (!this.tail || this.tail.base !== newest) {
      await this.tail?.handle.close();
      this.tail = undefined;
      const handle = await open(segmentPath(this.options.dir, newest), 'r+');
      this.tail = { base: newest, handle, size: 0, nextOffset: newest };
      await this.recover(this.tail);
      return this.tail;
    }
    const { size } = await this.tail.handle.stat();
    if (size !== this.tail.size) await this.recover(this.tail);
    return this.tail;
  }

  /**
   * Walks the records after the last known good point; the first one that
   * does not check out starts a torn tail, which is cut off. Whole records a
   * dead writer left unsynced are synced, then the durable end is published.
   */
  private async recover(tail: Tail): Promise<void> {
    const { size } = await tail.handle.stat();
    const published = await this.durableEnd.read();
    if (published && published.segmentBase === tail.base && published.bytePosition >= tail.size && published.bytePosition <= size) {
      tail.size = published.bytePosition;
      tail.nextOffset = published.nextOffset;
    }
    const start = tail.size;
    let position = start;
    let nextOffset = tail.nextOffset;
    let buffer = Buffer.allocUnsafe(Math.min(RECOVERY_READ_BYTES, Math.max(size - position, 0)));
    let problem: string | undefined;
    while (position < size && problem === undefined) {
      const wanted = Math.min(buffer.length, size - position);
      const { bytesRead } = await tail.handle.read(buffer, 0, wanted, position);
      if (bytesRead === 0) {
        problem = 'the file ended before its reported size';
        break;
      }
      let at = 0;
      for (;;) {
        const check = checkRecord(buffer, at, bytesRead, nextOffset);
        if (check.kind === 'valid') {
          at += check.length;
          nextOffset++;
          continue;
        }
        if (check.kind === 'corrupt') problem = check.reason;
        else if (position + at + check.needed > size) problem = 'the last record is incomplete';
        else if (at === 0) buffer = Buffer.allocUnsafe(check.needed);
        break;
      }
      position += at;
    }
    if (position < size) {
      await tail.handle.truncate(position);
      this.options.logger.warn(
        { topic: this.options.topic, partition: this.options.partition, segment: segmentFileName(tail.base), truncatedBytes: size - position, nextOffset, reason: problem },
        'Truncated a torn tail left by an interrupted append; those records were never acknowledged.',
      );
    }
    if (position !== start || position < size) await tail.handle.datasync();
    tail.size = position;
    tail.nextOffset = nextOffset;
    if (!sameEnd(published, this.endOf(tail))) await this.publish(tail);
  }

  private async roll(current: Tail): Promise<Tail> {
    const next = await this.createSegment(current.nextOffset);
    await current.handle.close();
    this.tail = next;
    return next;
  }

  private async createSegment(base: number): Promise<Tail> {
    const handle = await open(segmentPath(this.options.dir, base), 'wx+');
    try {
      await syncDirectory(this.options.dir);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return { base, handle, size: 0, nextOffset: base };
  }

  /** One write, one fdatasync; on failure the file is cut back to its size before the append, so no torn record stays behind. */
  private async writeDurably(tail: Tail, batch: Buffer): Promise<void> {
    const before = tail.size;
    try {
      let written = 0;
      while (written < batch.length) {
        const { bytesWritten } = await tail.handle.write(batch, written, batch.length - written, before + written);
        if (bytesWritten === 0) throw Object.assign(new Error('the disk accepted no bytes'), { code: 'ENOSPC' });
        written += bytesWritten;
      }
      await tail.handle.datasync();
    } catch (error) {
      try {
        await tail.handle.truncate(before);
      } catch (truncateError) {
        // Readers stop at the durable end anyway; the next append sees the size mismatch and cuts the torn bytes then.
        this.options.logger.error({ err: truncateError, topic: this.options.topic, partition: this.options.partition }, 'Could not cut back a failed append; the next append will.');
      }
      throw error;
    }
    tail.size = before + batch.length;
  }

  private endOf(tail: Tail): DurableEnd {
    return { segmentBase: tail.base, bytePosition: tail.size, nextOffset: tail.nextOffset };
  }

  private async publish(tail: Tail): Promise<void> {
    await this.durableEnd.write(this.endOf(tail));
  }

  private describe(error: unknown, where: string): unknown {
    if (error instanceof BusError) return error;
    if (isStorageFailure(error)) return storageUnavailable(where, error, true);
    return new BusError(
      BusErrorCodes.produceFailed,
      `Appending to partition ${this.options.partition} of ${this.options.topic} failed: ${(error as Error).message}.`,
      { cause: error, retryable: true },
    );
  }
}
