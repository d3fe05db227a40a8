import { mkdir, open, readdir, readFile, rename, stat, truncate, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { encodeBatch } from '../embedded/record-format';
import type { BusLogger } from '../embedded/logger';
import { PartitionLock } from '../embedded/partition-lock';
import { BusError, BusErrorCodes } from '../errors';
import type { BusRecord } from '../types';
import { readSegment } from './segment-reader';

export interface DiskSpoolOptions {
  readonly dir: string;
  /** Bound on the spool's files; an append that would pass it fails with SIEM_BUS_SPOOL_FULL. */
  readonly maxBytes: number;
  /** Default: an eighth of maxBytes, between 64 KiB and 64 MiB, so that draining frees space in steps. */
  readonly segmentBytes?: number;
  /** Groups the unsent records for `stats().byLabel` (the collector labels them by input). */
  readonly label?: (record: BusRecord) => string;
  /** What a record counts for in `byLabel`; default 1 (the collector's batch envelopes hold many records each). */
  readonly weight?: (record: BusRecord) => number;
  readonly logger: BusLogger;
}

/** Records read from the spool and not yet committed. */
export interface SpoolRead {
  readonly records: BusRecord[];
  readonly labels: string[];
  /** Each record's weight in `byLabel`, beside its label. */
  readonly weights: number[];
  /** The cursor once these records are committed. */
  readonly nextOffset: number;
}

export interface SpoolStats {
  /** Unsent records, each counted by its weight (a batch envelope for the records it holds). */
  readonly records: number;
  /** Unsent spool entries (bus messages). */
  readonly messages: number;
  readonly bytes: number;
  readonly byLabel: ReadonlyMap<string, number>;
  /** Append time (ms since the epoch) of the oldest unsent record, if any. */
  readonly oldestAppendedAt?: number;
}

interface Segment {
  readonly baseOffset: number;
  readonly file: string;
  /** Bytes of whole, durable records. */
  size: number;
  /** Offset after its last record. */
  endOffset: number;
}

const SEGMENT_SUFFIX = '.spool';
const CURSOR_FILE = 'cursor';
const LOCK_FILE = 'spool.lock';
const LOCK_TIMEOUT_MS = 2_000;
const STORAGE_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EACCES', 'EPERM', 'EROFS', 'EIO']);

/**
 * A bounded, durable FIFO of bus records on local disk: what the collector
 * writes while the bus is unreachable and replays, in order, when it is back.
 * Segments hold checksummed records (the embedded log's format, offsets
 * counting up); an append is one write and one fdatasync; a torn or corrupt
 * tail found at open is cut off. The cursor (next offset to send) is written
 * after each commit without fsync: a crash may replay a committed batch again,
 * never skip one.
 */
export class DiskSpool {
  private readonly segments: Segment[] = [];
  private active: { handle: FileHandle; segment: Segment } | undefined;
  private cursor = 0;
  private nextOffset = 0;
  private unsent = 0;
  private unsentWeight = 0;
  private bytes = 0;
  private readonly byLabel = new Map<string, number>();
  /** Append times of the unsent records, one entry per append: [offset after it, time]. */
  private readonly appendTimes: [number, number][] = [];
  private readPosition = { segment: 0, position: 0, offset: 0 };
  private io: Promise<unknown> = Promise.resolve();
  private appending = 0;

  private constructor(
    private readonly options: DiskSpoolOptions,
    private readonly segmentBytes: number,
    private readonly lock: PartitionLock,
  ) {}

  static async open(options: DiskSpoolOptions): Promise<DiskSpool> {
    try {
      await mkdir(options.dir, { recursive: true });
    } catch (cause) {
      throw storageError(`Could not create the spool directory ${options.dir}`, cause);
    }
    const lock = new PartitionLock(path.join(options.dir, LOCK_FILE), options.logger);
    try {
      await lock.acquire(LOCK_TIMEOUT_MS);
    } catch (cause) {
      throw new BusError(
        BusErrorCodes.spoolLocked,
        `Another collector uses the spool in ${options.dir}. Give each collector its own SIEM_DATA_DIR, or stop the other one.`,
        { cause, retryable: false },
      );
    }
    const segmentBytes = options.segmentBytes ?? Math.min(64 * 1024 * 1024, Math.max(64 * 1024, Math.floor(options.maxBytes / 8)));
    const spool = new DiskSpool(options, segmentBytes, lock);
    try {
      await spool.recover();
    } catch (error) {
      await lock.release();
      throw error;
    }
    return spool;
  }

  /** True when every record appended has been committed; appends in progress count as not empty. */
  isEmpty(): boolean {
    return this.unsent === 0 && this.appending === 0;
  }

  stats(): SpoolStats {
    const oldest = this.appendTimes[0];
    return { records: this.unsentWeight, messages: this.unsent, bytes: this.bytes, byLabel: this.byLabel, ...(oldest ? { oldestAppendedAt: oldest[1] } : {}) };
  }

  /** Makes the records durable at the tail; rejects with SIEM_BUS_SPOOL_FULL (retryable) when they do not fit. */
  append(records: readonly BusRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    this.appending++;
    return this.exclusive(async () => {
      try {
        const now = Date.now();
        const encoded = encodeBatch(records, this.nextOffset, now);
        if (this.bytes + encoded.length > this.options.maxBytes) {
          throw new BusError(
            BusErrorCodes.spoolFull,
            `The spool in ${this.options.dir} holds ${this.bytes} bytes and ${encoded.length} more would pass its bound of ${this.options.maxBytes}; wait for the bus to take records, or raise SIEM_COLLECTOR_SPOOL_MB.`,
            { retryable: true },
          );
        }
        const { handle, segment } = await this.activeFor(encoded.length);
        try {
          await handle.write(encoded, 0, encoded.length, segment.size);
          await handle.datasync();
        } catch (cause) {
          await handle.truncate(segment.size).catch(() => undefined);
          throw storageError(`Appending ${records.length} records to the spool in ${this.options.dir} failed`, cause);
        }
        segment.size += encoded.length;
        this.bytes += encoded.length;
        this.nextOffset += records.length;
        segment.endOffset = this.nextOffset;
        this.unsent += records.length;
        for (const record of records) this.countUnsent(record);
        this.appendTimes.push([this.nextOffset, now]);
      } finally {
        this.appending--;
      }
    });
  }

  /** The next records after those already read, up to `maxRecords` or about `maxBytes`; none when the reader is at the tail. */
  async read(maxRecords: number, maxBytes = Infinity): Promise<SpoolRead> {
    const records: BusRecord[] = [];
    const labels: string[] = [];
    const weights: number[] = [];
    let bytes = 0;
    while (records.length < maxRecords && bytes < maxBytes) {
      const segment = this.segments[this.readPosition.segment];
      if (!segment) break;
      if (this.readPosition.position >= segment.size) {
        if (this.readPosition.segment === this.segments.length - 1) break;
        const next = this.segments[this.readPosition.segment + 1]!;
        this.readPosition = { segment: this.readPosition.segment + 1, position: 0, offset: next.baseOffset };
        continue;
      }
      const handle = await open(segment.file, 'r');
      try {
        const result = await readSegment(handle, this.readPosition.position, segment.size, this.readPosition.offset, maxRecords - records.length, maxBytes - bytes);
        bytes += result.position - this.readPosition.position;
        for (const decoded of result.records) {
          const record: BusRecord = { key: decoded.key, value: decoded.value, headers: decoded.headers };
          records.push(record);
          labels.push(this.options.label ? this.options.label(record) : '');
          weights.push(this.weightOf(record));
        }
        this.readPosition = { segment: this.readPosition.segment, position: result.position, offset: result.nextOffset };
        if (result.damage) {
          // Checked at open and written by us since: only a disk fault gets here. Skip to the next segment.
          this.options.logger.error({ file: segment.file, position: result.position, damage: result.damage }, 'A spool segment is damaged after open; its remaining records are skipped.');
          this.readPosition.position = segment.size;
        }
      } finally {
        await handle.close();
      }
    }
    return { records, labels, weights, nextOffset: this.readPosition.offset };
  }

  /** Marks a read as sent: advances the cursor and deletes segments left behind. */
  commit(read: SpoolRead): Promise<void> {
    return this.exclusive(async () => {
      this.cursor = Math.max(this.cursor, read.nextOffset);
      this.unsent = Math.max(0, this.unsent - read.records.length);
      this.unsentWeight = Math.max(0, this.unsentWeight - read.weights.reduce((sum, weight) => sum + weight, 0));
      read.labels.forEach((label, i) => this.countLabel(label, -(read.weights[i] ?? 1)));
      while (this.appendTimes.length > 0 && this.appendTimes[0]![0] <= this.cursor) this.appendTimes.shift();
      await this.writeCursor();
      await this.deleteSentSegments();
    });
  }

  /** Waits for appends and commits in progress, then releases the directory. */
  async close(): Promise<void> {
    await this.exclusive(async () => {
      await this.active?.handle.close();
      this.active = undefined;
    });
    await this.lock.release();
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.io.then(task, task);
    this.io = run.catch(() => undefined);
    return run;
  }

  /** Adds a record to the weighted totals, overall and under its label. */
  private countUnsent(record: BusRecord): void {
    const weight = this.weightOf(record);
    this.unsentWeight += weight;
    if (this.options.label) this.countLabel(this.options.label(record), weight);
  }

  private weightOf(record: BusRecord): number {
    return this.options.weight ? this.options.weight(record) : 1;
  }

  private countLabel(label: string, by: number): void {
    const count = (this.byLabel.get(label) ?? 0) + by;
    if (count > 0) this.byLabel.set(label, count);
    else this.byLabel.delete(label);
  }

  private async activeFor(bytes: number): Promise<{ handle: FileHandle; segment: Segment }> {
    if (this.active && (this.active.segment.size === 0 || this.active.segment.size + bytes <= this.segmentBytes)) return this.active;
    await this.active?.handle.close();
    this.active = undefined;
    const segment: Segment = { baseOffset: this.nextOffset, file: path.join(this.options.dir, `${String(this.nextOffset).padStart(20, '0')}${SEGMENT_SUFFIX}`), size: 0, endOffset: this.nextOffset };
    let handle: FileHandle;
    try {
      handle = await open(segment.file, 'w');
    } catch (cause) {
      throw storageError(`Could not create the spool segment ${segment.file}`, cause);
    }
    this.segments.push(segment);
    if (this.segments.length === 1) this.readPosition = { segment: 0, position: 0, offset: segment.baseOffset };
    this.active = { handle, segment };
    return this.active;
  }

  private async writeCursor(): Promise<void> {
    const file = path.join(this.options.dir, CURSOR_FILE);
    await writeFile(`${file}.tmp`, String(this.cursor));
    await rename(`${file}.tmp`, file);
  }

  /** Segments wholly before the cursor go; when everything is sent the active one goes too, so an idle spool uses no disk. */
  private async deleteSentSegments(): Promise<void> {
    const drained = this.unsent === 0 && this.appending === 0;
    let removed = 0;
    for (const segment of this.segments) {
      const isActive = this.active?.segment === segment;
      if (segment.endOffset > this.cursor || (isActive && !drained)) break;
      if (isActive) {
        await this.active!.handle.close();
        this.active = undefined;
      }
      await unlink(segment.file);
      this.bytes -= segment.size;
      removed++;
    }
    if (removed === 0) return;
    this.segments.splice(0, removed);
    const first = this.segments[0];
    if (!first) this.readPosition = { segment: 0, position: 0, offset: this.nextOffset };
    else if (this.readPosition.segment < removed) this.readPosition = { segment: 0, position: 0, offset: first.baseOffset };
    else this.readPosition = { ...this.readPosition, segment: this.readPosition.segment - removed };
  }

  /** Rebuilds the state from the files: checks every record, cuts damaged tails, finds the cursor. */
  private async recover(): Promise<void> {
    const { dir, logger } = this.options;
    this.cursor = await readCursor(path.join(dir, CURSOR_FILE));
    const names = (await readdir(dir)).filter((name) => /^\d{20}\.spool$/.test(name)).sort();
    for (const name of names) {
      const file = path.join(dir, name);
      const baseOffset = Number(name.slice(0, 20));
      const { size } = await stat(file);
      const handle = await open(file, 'r');
      let position = 0;
      let offset = baseOffset;
      try {
        for (;;) {
          const result = await readSegment(handle, position, size, offset, 10_000);
          for (const record of result.records) {
            if (offset >= this.cursor) {
              this.unsent++;
              this.countUnsent({ key: record.key, value: record.value, headers: record.headers });
              const last = this.appendTimes[this.appendTimes.length - 1];
              if (last && last[1] === record.timestamp) last[0] = offset + 1;
              else this.appendTimes.push([offset + 1, record.timestamp]);
            }
            offset++;
          }
          position = result.position;
          if (result.damage) {
            logger.warn({ file, position, cutBytes: size - position, damage: result.damage }, 'Cut a damaged tail off a spool segment; the records in it were never acknowledged as spooled.');
            await truncate(file, position);
            break;
          }
          if (result.records.length === 0 || position >= size) break;
        }
      } finally {
        await handle.close();
      }
      if (offset <= this.cursor && position > 0) {
        await unlink(file);
        continue;
      }
      if (position === 0) {
        await unlink(file);
        continue;
      }
      this.segments.push({ baseOffset, file, size: position, endOffset: offset });
      this.bytes += position;
    }
    const last = this.segments[this.segments.length - 1];
    this.nextOffset = Math.max(this.cursor, last?.endOffset ?? 0);
    this.cursor = Math.min(this.cursor, this.nextOffset);
    await this.seekReader();
    if (this.unsent > 0) logger.info({ records: this.unsentWeight, messages: this.unsent, bytes: this.bytes, dir }, 'The spool holds records from an earlier run; they are sent before new ones.');
  }

  /** Places the reader on the first record at or after the cursor. */
  private async seekReader(): Promise<void> {
    const index = this.segments.findIndex((segment) => segment.endOffset > this.cursor);
    if (index === -1) {
      this.readPosition = { segment: Math.max(0, this.segments.length - 1), position: this.segments[this.segments.length - 1]?.size ?? 0, offset: this.nextOffset };
      return;
    }
    const segment = this.segments[index]!;
    this.readPosition = { segment: index, position: 0, offset: segment.baseOffset };
    const skip = this.cursor - segment.baseOffset;
    if (skip <= 0) return;
    const handle = await open(segment.file, 'r');
    try {
      const result = await readSegment(handle, 0, segment.size, segment.baseOffset, skip);
      this.readPosition = { segment: index, position: result.position, offset: result.nextOffset };
    } finally {
      await handle.close();
    }
  }
}

async function readCursor(file: string): Promise<number> {
  try {
    const value = Number((await readFile(file, 'utf8')).trim());
    return Number.isSafeInteger(value) && value >= 0 ? value : 0;
  } catch {
    return 0;
  }
}

function storageError(what: string, cause: unknown): BusError {
  const code = (cause as NodeJS.ErrnoException).code;
  const hint = code && STORAGE_ERRORS.has(code) ? `${code}: free space or fix the permissions of SIEM_DATA_DIR` : (cause as Error).message;
  return new BusError(BusErrorCodes.storageUnavailable, `${what} (${hint}).`, { cause, retryable: true });
}
